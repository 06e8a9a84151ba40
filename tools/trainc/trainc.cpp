//===- trainc.cpp - the trainc compiler driver ----------------------------===//
//
// trainc MODEL.onnx [--batch N] (--emit=mlir | --summary)
//
// Every failure ends with one line, `trainc: error: ...`, and exit code 1.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/Analysis/ModelSummary.h"
#include "dialects/Train/IR/TrainDialect.h"
#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
cl::OptionCategory category("trainc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::cat(category));

enum class Emit { None, Mlir };
cl::opt<Emit> emit(
    "emit", cl::desc("Print the model at a stage of the pipeline"),
    cl::init(Emit::None),
    cl::values(clEnumValN(Emit::Mlir, "mlir",
                          "the verified train-dialect IR as imported")),
    cl::cat(category));

cl::opt<bool> summary(
    "summary",
    cl::desc("Print the layers, trainable parameter count, FLOPs per sample "
             "and activation bytes per sample"),
    cl::cat(category));

enum class SummaryFormat { Text, Json };
cl::opt<SummaryFormat> summaryFormat(
    "summary-format", cl::desc("Format of --summary"),
    cl::init(SummaryFormat::Text),
    cl::values(clEnumValN(SummaryFormat::Text, "text", "a table (default)"),
               clEnumValN(SummaryFormat::Json, "json", "one JSON object")),
    cl::cat(category));

cl::opt<int64_t> batch(
    "batch",
    cl::desc("Per-process batch size: sets the first dimension of every "
             "graph input (required when the model's batch is dynamic)"),
    cl::init(0), cl::cat(category));

cl::opt<bool> printWeights(
    "print-weights",
    cl::desc("With --emit=mlir, print parameter values in full (the IR then "
             "parses back); by default they are elided"),
    cl::cat(category));

cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(category));

[[noreturn]] void fatal(const Twine &message) {
  errs() << "trainc: error: " << message << "\n";
  exit(1);
}

std::string supportedOps() {
  std::string s;
  for (const std::string &op : trainc::HandlerTable::get().opTypes())
    s += (s.empty() ? "" : ", ") + op;
  return s;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::AddExtraVersionPrinter([](raw_ostream &os) {
    os << "trainc 0.1 (train dialect, ONNX import; MLIR " << LLVM_VERSION_STRING
       << ")\n";
  });
  std::string overview =
      "trainc: compiles an ONNX image classifier into a data-parallel "
      "training executable.\n\n"
      "  trainc MODEL.onnx --summary        layers, parameters, FLOPs\n"
      "  trainc MODEL.onnx --emit=mlir      the imported train-dialect IR\n\n"
      "MODEL is a binary ONNX file, or the ONNX text format when its name "
      "ends in .onnxtext.\nSupported ONNX ops: " +
      supportedOps() + "\n";
  cl::ParseCommandLineOptions(argc, argv, overview);

  if (inputFile.empty())
    fatal("no input model (run 'trainc --help')");
  if (batch.getNumOccurrences() && batch < 1)
    fatal("--batch must be at least 1, got " + Twine(batch));
  if (emit == Emit::None && !summary)
    fatal("nothing to do: pass --summary or --emit=mlir");
  if (emit != Emit::None && summary)
    fatal("--summary and --emit are exclusive");

  mlir::MLIRContext context;
  trainc::ImportOptions options;
  if (batch.getNumOccurrences())
    options.batch = batch;
  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      trainc::importOnnxFile(context, inputFile, options, error);
  if (!module)
    fatal(inputFile + ": " + error);

  std::error_code ec;
  ToolOutputFile out(outputFile, ec, sys::fs::OF_None);
  if (ec)
    fatal("cannot write '" + outputFile + "': " + ec.message());

  if (summary) {
    auto s = mlir::train::summarizeModel(*module);
    if (failed(s))
      fatal(inputFile + ": cannot summarise the model");
    if (summaryFormat == SummaryFormat::Json)
      mlir::train::printSummaryJson(*s, out.os());
    else
      mlir::train::printSummaryText(*s, out.os());
  } else {
    mlir::OpPrintingFlags flags;
    if (!printWeights)
      flags.elideLargeResourceString(64);
    module->print(out.os(), flags);
    out.os() << "\n";
  }
  out.keep();
  return 0;
}
