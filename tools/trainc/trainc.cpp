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
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
cl::OptionCategory category("trainc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::cat(category));

cl::opt<std::string> emit(
    "emit",
    cl::desc("Print the model at a stage of the pipeline: 'mlir', the "
             "verified train-dialect IR as imported"),
    cl::value_desc("stage"), cl::cat(category));

cl::opt<bool> summary(
    "summary",
    cl::desc("Print the layers, trainable parameter count, FLOPs per sample "
             "and activation bytes per sample"),
    cl::cat(category));

cl::opt<std::string> summaryFormat(
    "summary-format", cl::desc("Format of --summary: 'text' (default) or "
                               "'json'"),
    cl::init("text"), cl::value_desc("format"), cl::cat(category));

cl::opt<std::string> batch(
    "batch",
    cl::desc("Per-process batch size: sets the first dimension of every "
             "graph input (required when the model's batch is dynamic)"),
    cl::value_desc("N"), cl::cat(category));

cl::opt<bool> printWeights(
    "print-weights",
    cl::desc("With --emit=mlir, print parameter values in full (the IR then "
             "parses back); by default they are elided"),
    cl::cat(category));

cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                cl::value_desc("file"), cl::init("-"),
                                cl::cat(category));

/// The one error path: one line, whatever the message holds, and exit 1.
[[noreturn]] void fatal(const Twine &message) {
  std::string line = message.str();
  for (char &c : line)
    if (c == '\n' || c == '\r')
      c = ' ';
  errs() << "trainc: error: " << line << "\n";
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
  std::string parseErrors;
  raw_string_ostream parseStream(parseErrors);
  if (!cl::ParseCommandLineOptions(argc, argv, overview, &parseStream)) {
    // LLVM's parser writes "trainc: <problem>" lines; keep one line.
    // Keep the first line and a "Did you mean" suggestion, without the
    // parser's "Try:"/"See:" pointers to the program path.
    std::string message;
    for (StringRef line : split(StringRef(parseErrors).trim(), '\n')) {
      line = line.trim();
      line.consume_front("trainc: ");
      line = line.split("  Try:").first.split(" See:").first.trim();
      if (message.empty())
        message = line.str();
      else if (line.starts_with("Did you mean"))
        message += " " + line.str();
    }
    fatal(message + " (run 'trainc --help')");
  }

  if (inputFile.empty())
    fatal("no input model (run 'trainc --help')");
  trainc::ImportOptions options;
  if (batch.getNumOccurrences()) {
    int64_t n = 0;
    if (!to_integer(StringRef(batch), n, 10) || n < 1)
      fatal("--batch must be a positive integer, got '" + batch + "'");
    options.batch = n;
  }
  bool emitting = emit.getNumOccurrences() != 0;
  if (emitting && emit != "mlir")
    fatal("unknown --emit stage '" + emit + "'; expected 'mlir'");
  if (summaryFormat != "text" && summaryFormat != "json")
    fatal("unknown --summary-format '" + summaryFormat +
          "'; expected 'text' or 'json'");
  if (!emitting && !summary)
    fatal("nothing to do: pass --summary or --emit=mlir");
  if (emitting && summary)
    fatal("--summary and --emit are exclusive");

  mlir::MLIRContext context;
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
    if (summaryFormat == "json")
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
