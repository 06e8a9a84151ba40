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

#include "codegen/Linker.h"
#include "codegen/Ptxas.h"
#include "codegen/ScaleModel.h"
#include "codegen/ObjectEmitter.h"
#include "passes/Conversion/KernelsToGpu/KernelCosts.h"
#include "passes/Conversion/TargetInfo.h"
#include "passes/Pipelines.h"
#include "passes/Optimizers.h"
#include "passes/Passes.h"
#include "passes/Placement.h"
#include "dialects/Train/IR/TrainOps.h"
#ifdef TRAINC_HAVE_CONV_PLANNER
#include "kernels/KernelCache.h"
#include <omp.h>
#endif

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FormatVariadic.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace llvm;

namespace {
cl::OptionCategory category("trainc options");

cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                               cl::cat(category));

cl::opt<std::string> emit(
    "emit",
    cl::desc("Stop at a stage of the pipeline and write it: 'mlir' (the "
             "imported IR), 'train' (forward + backward, memory planned), "
             "'loops' (loops and library calls on arenas), 'llvm' (LLVM IR), "
             "'obj' (an object file), 'exe' (the training executable; the "
             "default with -o); with --target=cuda, 'ptx' (the kernels' "
             "PTX)"),
    cl::value_desc("stage"), cl::cat(category));

cl::opt<bool> report(
    "report",
    cl::desc("Print the static memory plan: each arena's size and the peak; "
             "with --target=cuda also every generated kernel: its launch "
             "shape, registers, spills and shared memory (ptxas), the bytes "
             "it moves, its flops and its roofline time on an H100"),
    cl::cat(category));

cl::opt<bool> scale(
    "scale",
    cl::desc("With --report --target=cuda: predict the data-parallel step "
             "on 1 to 1024 GPUs from the compiled train step (each "
             "kernel's and library call's roofline, each bucket's ready "
             "point and bytes) and an alpha-beta model of ring and tree "
             "all-reduce (8 GPUs per node on NVLink, InfiniBand at 100, 200 "
             "and 400 Gb/s per GPU): step time and weak-scaling efficiency "
             "with and without overlap, f32 and fp16 on the wire; compile "
             "with the per-GPU batch (--batch 32)"),
    cl::cat(category));

cl::opt<double> scaleComputeFraction(
    "scale-compute-fraction",
    cl::desc("With --scale: the fraction of the H100 roofline the compute "
             "reaches (default 1, the roofline itself; 0.5 doubles every "
             "kernel's and library call's time, e.g. to match a measured "
             "img/s)"),
    cl::init(1.0), cl::value_desc("f"), cl::cat(category));

cl::opt<std::string> optimizer(
    "optimizer",
    cl::desc("The parameter update compiled in: sgd, momentum (default), "
             "nesterov, adagrad, rmsprop, adam, adamw, lars, lamb or nlcg "
             "(hyper-parameters are flags of the executable)"),
    cl::init("momentum"), cl::value_desc("name"), cl::cat(category));

cl::opt<double> bucketCapMb(
    "bucket-cap-mb",
    cl::desc("Largest gradient all-reduce bucket, in MiB (default 25)"),
    cl::init(25.0), cl::cat(category));

cl::opt<double> firstBucketMb(
    "first-bucket-mb",
    cl::desc("Largest first bucket (the last layers' gradients, ready "
             "first), in MiB (default 1)"),
    cl::init(1.0), cl::cat(category));

cl::opt<bool> syncBatchNorm(
    "sync-bn",
    cl::desc("BatchNorm over the global batch under mpirun: all-reduce the "
             "per-channel sums in forward and backward (default: each rank "
             "normalises over its own samples)"),
    cl::cat(category));

cl::opt<std::string> allreduceDtype(
    "allreduce-dtype",
    cl::desc("The type gradients travel in under mpirun: f32 (default), "
             "fp16 or bf16 (half the bytes; compressed and decompressed in "
             "the bucket epilogues)"),
    cl::init("f32"), cl::value_desc("type"), cl::cat(category));

cl::opt<float> labelSmoothing(
    "label-smoothing",
    cl::desc("Label smoothing of the cross-entropy loss, in [0, 1]"),
    cl::init(0.0f), cl::cat(category));

cl::opt<std::string> target(
    "target",
    cl::desc("The code-generation target: 'cpu' (default; oneDNN and the "
             "runtime's threads) or 'cuda' (generated GPU kernels, cuDNN "
             "and cuBLAS on one GPU per process)"),
    cl::init("cpu"), cl::value_desc("name"), cl::cat(category));

cl::opt<std::string> cudaArch(
    "cuda-arch",
    cl::desc("With --target=cuda, the GPU architecture of the PTX: sm_75, "
             "sm_80 (default), sm_86, sm_87, sm_89, sm_90 or sm_90a (newer "
             "GPUs run it through the driver's JIT)"),
    cl::init("sm_80"), cl::value_desc("sm_NN"), cl::cat(category));

cl::opt<std::string> cudaToolkit(
    "cuda-toolkit",
    cl::desc("With --target=cuda, the CUDA toolkit whose libdevice is "
             "linked (default: $CUDA_ROOT, else the toolkit found when "
             "trainc was built)"),
    cl::value_desc("dir"), cl::cat(category));

/// Testing the CUDA target's kernel mapping on the CPU.
cl::opt<bool> emulateGpuKernels(
    "emulate-gpu-kernels",
    cl::desc("With --target=cpu: map the kernels as the CUDA target does "
             "(train-map-kernels-to-gpu) and run that mapping on the CPU, "
             "block by block and barrier by barrier "
             "(train-emulate-gpu-launches); for testing the mapping"),
    cl::Hidden, cl::cat(category));

cl::opt<int> emulateBlockSize(
    "emulate-block-size",
    cl::desc("With --emulate-gpu-kernels, the threads per block (default "
             "256, the CUDA target's)"),
    cl::init(256), cl::Hidden, cl::cat(category));

cl::opt<bool> emulateReverseThreads(
    "emulate-reverse-threads",
    cl::desc("With --emulate-gpu-kernels, run a block's threads in reverse "
             "order between barriers (a missing barrier shows in one of the "
             "two orders)"),
    cl::Hidden, cl::cat(category));

cl::opt<std::string> weights(
    "weights",
    cl::desc("The model's initial parameters in the executable: 'embed' "
             "(default: the ONNX file's) or 'none' (smaller; the executable "
             "then starts from --init kaiming or --resume CHECKPOINT)"),
    cl::init("embed"), cl::value_desc("embed|none"), cl::cat(category));

cl::opt<std::string> cpu(
    "cpu", cl::desc("CPU to generate code for: 'native' (default) or an LLVM "
                    "CPU name such as 'x86-64-v3'"),
    cl::init("native"), cl::value_desc("name"), cl::cat(category));

cl::opt<std::string> channelBlock(
    "channel-block",
    cl::desc("With --target=cpu, the channel block of activations between "
             "convolutions (train-assign-layouts): 'auto' (default: what "
             "oneDNN prefers on --cpu, 16 with AVX-512, else 8), 8, 16, or 0 "
             "for plain NCHW everywhere"),
    cl::init("auto"), cl::value_desc("auto|0|8|16"), cl::cat(category));

cl::opt<bool> filterLayouts(
    "filter-layouts",
    cl::desc("With a channel block, also store convolution filters (and "
             "their gradients and optimizer state) in channel blocks, "
             "converted at every file (default: true)"),
    cl::init(true), cl::cat(category));

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

cl::opt<std::string> outputFile(
    "o", cl::desc("Output file: the executable (with no --emit), or the "
                  "stage --emit names (default: stdout)"),
    cl::value_desc("file"), cl::init("-"), cl::cat(category));

/// The one error path: one line, whatever the message holds, and exit 1.
[[noreturn]] void fatal(const Twine &message) {
  std::string line = message.str();
  for (char &c : line)
    if (c == '\n' || c == '\r')
      c = ' ';
  errs() << "trainc: error: " << line << "\n";
  exit(1);
}

void writeOutput(function_ref<void(raw_ostream &)> write);
void printModule(mlir::ModuleOp module, raw_ostream &os);
void compile(mlir::ModuleOp module, const char *argv0, StringRef stage);
void checkCudaFlags(StringRef stage);

std::string supportedOps() {
  std::string s;
  for (const std::string &op : trainc::HandlerTable::get().opTypes())
    s += (s.empty() ? "" : ", ") + op;
  return s;
}
std::string cudaToolkitDir();

/// trainc --version: the version, the MLIR/LLVM it was built with and the
/// targets it builds executables for.
void printVersion(raw_ostream &os) {
  os << "trainc " TRAINC_VERSION "\n"
     << "  MLIR/LLVM " << LLVM_VERSION_STRING << "\n"
     << "  targets: cpu (generated loops, oneDNN)";
  std::string toolkit = cudaToolkitDir();
  if (toolkit.empty())
    os << "; cuda: no toolkit (--cuda-toolkit DIR or $CUDA_ROOT)";
  else if (mlir::train::hasCudaRuntime())
    os << ", cuda (PTX sm_75..sm_90a, cuDNN, cuBLAS, NCCL; toolkit "
       << toolkit << ")";
  else
    os << ", cuda objects only (--emit=obj: the CUDA runtime, which needs "
          "cuDNN, cuBLAS and NCCL, was not built; toolkit "
       << toolkit << ")";
  os << "\n";
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  cl::HideUnrelatedOptions(category);
  cl::SetVersionPrinter(printVersion);
  std::string overview =
      "trainc: compiles an ONNX image classifier into a data-parallel "
      "training executable.\n\n"
      "  trainc MODEL.onnx -o train_model   the training executable\n"
      "  trainc MODEL.onnx --summary        layers, parameters, FLOPs\n"
      "  trainc MODEL.onnx --report         the static memory plan\n"
      "  trainc MODEL.onnx --emit=STAGE     a stage of the pipeline\n\n"
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
    // A bad value of a boolean flag is reported by LLVM's bool parser
    // straight to stderr, in one line of its own: nothing to add.
    if (message.empty())
      std::exit(1);
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
  const StringRef stages[] = {"mlir", "train", "loops", "llvm",
                              "obj",  "exe",   "ptx"};
  std::string stage = emit;
  if (emit.getNumOccurrences() && !is_contained(stages, stage))
    fatal("unknown --emit stage '" + emit +
          "'; expected mlir, train, loops, llvm, obj, exe or ptx");
  if (summaryFormat != "text" && summaryFormat != "json")
    fatal("unknown --summary-format '" + summaryFormat +
          "'; expected 'text' or 'json'");
  if (!mlir::train::lookupOptimizer(optimizer))
    fatal("unknown --optimizer '" + optimizer + "'; expected " +
          mlir::train::optimizerNames());
  if (!mlir::train::TargetInfo::lookup(target))
    fatal("unknown --target '" + target +
          "'; expected " + mlir::train::TargetInfo::knownNames());
  if (allreduceDtype != "f32" && allreduceDtype != "fp16" &&
      allreduceDtype != "bf16")
    fatal("unknown --allreduce-dtype '" + allreduceDtype +
          "'; expected f32, fp16 or bf16");
  if (weights != "embed" && weights != "none")
    fatal("unknown --weights '" + weights + "'; expected embed or none");
  if (!(labelSmoothing >= 0.0f && labelSmoothing <= 1.0f))
    fatal("--label-smoothing must lie in [0, 1]");
  for (auto [flag, mb] : {std::pair{"--bucket-cap-mb", &bucketCapMb},
                          std::pair{"--first-bucket-mb", &firstBucketMb}})
    if (!(*mb > 0 && *mb <= 1 << 20))
      fatal(std::string(flag) + " must lie in (0, 1048576] MiB");
  int actions = (stage.empty() ? 0 : 1) + (summary ? 1 : 0) + (report ? 1 : 0);
  if (stage.empty() && actions == 0 && outputFile != "-")
    stage = "exe";
  else if (actions == 0)
    fatal("nothing to do: pass -o EXE, --summary, --report or --emit=STAGE");
  if (actions > 1)
    fatal("--summary, --report and --emit are exclusive");
  if ((stage == "exe" || stage == "obj") && outputFile == "-")
    fatal("--emit=" + stage + " needs an output file (-o FILE)");
  if (scale && (!report || target != "cuda"))
    fatal("--scale needs --report --target=cuda (it models the compiled "
          "CUDA train step)");
  if (scaleComputeFraction.getNumOccurrences() && !scale)
    fatal("--scale-compute-fraction needs --scale");
  if (!(scaleComputeFraction > 0 && scaleComputeFraction <= 1))
    fatal("--scale-compute-fraction must lie in (0, 1]");
  checkCudaFlags(stage);
  if (emulateReverseThreads && !emulateGpuKernels)
    fatal("--emulate-reverse-threads needs --emulate-gpu-kernels");
  if (channelBlock != "auto" && channelBlock != "0" && channelBlock != "8" &&
      channelBlock != "16")
    fatal("--channel-block must be auto, 0, 8 or 16, not '" + channelBlock +
          "'");
  if (emulateGpuKernels && target != "cpu")
    fatal("--emulate-gpu-kernels needs --target=cpu");
  if (emulateBlockSize < 32 || emulateBlockSize > 1024 ||
      !llvm::isPowerOf2_32(emulateBlockSize))
    fatal("--emulate-block-size must be a power of two in [32, 1024]");

  mlir::DialectRegistry registry;
  mlir::train::registerGpuKernelsDependencies(registry);
  mlir::MLIRContext context(registry);
  std::string error;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      trainc::importOnnxFile(context, inputFile, options, error);
  if (!module)
    fatal(inputFile + ": " + error);

  if (summary) {
    auto s = mlir::train::summarizeModel(*module);
    if (failed(s))
      fatal(inputFile + ": cannot summarise the model");
    writeOutput([&](raw_ostream &os) {
      if (summaryFormat == "json")
        mlir::train::printSummaryJson(*s, os);
      else
        mlir::train::printSummaryText(*s, os);
    });
    return 0;
  }
  if (stage == "mlir") {
    writeOutput([&](raw_ostream &os) { printModule(*module, os); });
    return 0;
  }
  compile(*module, argv[0], stage);
  return 0;
}

namespace {
/// Writes to -o (stdout by default); the file is kept only when complete.
void writeOutput(function_ref<void(raw_ostream &)> write) {
  std::error_code ec;
  ToolOutputFile out(outputFile, ec, sys::fs::OF_None);
  if (ec)
    fatal("cannot write '" + outputFile + "': " + ec.message());
  write(out.os());
  out.keep();
}

void printModule(mlir::ModuleOp module, raw_ostream &os) {
  mlir::OpPrintingFlags flags;
  if (!printWeights)
    flags.elideLargeResourceString(64);
  module->print(os, flags);
  os << "\n";
}

/// Runs `build`'s passes; any diagnostic becomes the one-line error.
void runPasses(mlir::ModuleOp module,
               function_ref<void(mlir::OpPassManager &)> build) {
  mlir::PassManager pm(module->getContext());
  build(pm);
  std::string first;
  mlir::ScopedDiagnosticHandler handler(
      module->getContext(), [&](mlir::Diagnostic &diag) {
        if (diag.getSeverity() == mlir::DiagnosticSeverity::Error &&
            first.empty()) {
          std::string where;
          if (auto name = dyn_cast<mlir::NameLoc>(diag.getLocation()))
            where = "node '" + name.getName().str() + "': ";
          first = where + diag.str();
        }
        return mlir::success();
      });
  if (failed(pm.run(module)))
    fatal(inputFile + ": " + (first.empty() ? "compilation failed" : first));
}

/// The workspace the runtime's convolutions take (ConvWorkspace: what its
/// kernel cache holds once every convolution of both steps has run) with
/// oneDNN's choices on this CPU and this process's OpenMP threads; nullopt
/// when trainc was built without the runtime.
std::optional<trainc::rt::ConvWorkspace>
convolutionWorkspace(mlir::ModuleOp module) {
#ifdef TRAINC_HAVE_CONV_PLANNER
  using trainc::rt::ConvKind;
  trainc::rt::KernelCache cache;
  trainc::rt::ConvWorkspace total;
  std::string error;
  module.walk([&](mlir::Operation *op) {
    SmallVector<int64_t> g = mlir::train::convolutionGeometry(op);
    if (g.empty())
      return;
    trainc_conv2d_geometry geometry;
    std::memcpy(&geometry, g.data(), sizeof(geometry));
    auto forward = dyn_cast<mlir::train::Conv2DOp>(op);
    ConvKind kind = forward ? (forward.getBias() ? ConvKind::ForwardWithBias
                                                 : ConvKind::Forward)
                    : isa<mlir::train::Conv2DBackwardDataOp>(op)
                        ? ConvKind::BackwardData
                        : ConvKind::BackwardFilter;
    trainc::rt::ConvWorkspace one;
    if (!trainc::rt::convolutionWorkspace(cache, geometry, kind, one, error))
      fatal("--report: convolution workspace: " + error);
    total.merge(one);
  });
  return total;
#else
  (void)module;
  return std::nullopt;
#endif
}

void printReport(mlir::ModuleOp module, raw_ostream &os,
                 bool workspace = false) {
  auto bytes = [&](mlir::Operation *op, StringRef name) -> int64_t {
    auto attr = op->getAttrOfType<mlir::IntegerAttr>(name);
    return attr ? attr.getInt() : 0;
  };
  auto fnBytes = [&](StringRef fn) -> int64_t {
    mlir::Operation *f = module.lookupSymbol(fn);
    return f ? bytes(f, mlir::train::kArenaBytesAttr) : 0;
  };
  int64_t params = bytes(module, mlir::train::kParamBytesAttr);
  int64_t buffers = bytes(module, mlir::train::kBufferBytesAttr);
  int64_t train = fnBytes(mlir::train::kTrainStepFn);
  int64_t eval = fnBytes(mlir::train::kForwardFn);
  int64_t activations = std::max(train, eval);
  // Each slot of optimizer state has the parameters' layout.
  const mlir::train::OptimizerInfo *info =
      mlir::train::lookupOptimizer(optimizer);
  int64_t state = params * info->state_slots + info->scalar_bytes;
  auto line = [&](StringRef what, int64_t n) {
    os << formatv("{0,-34} {1,14} bytes ({2,9:f2} MiB)\n", what, n,
                  n / 1048576.0);
  };
  os << "memory plan (static, per process):\n";
  line("parameters", params);
  line("gradients", params);
  line("optimizer state (" + optimizer + ")", state);
  line("buffers (BatchNorm running stats)", buffers);
  line("activations: train step", train);
  line("activations: eval step", eval);
  line("activation arena (shared)", activations);
  int64_t peak = 2 * params + state + buffers + activations;
  line("peak", peak);
  // The CPU target's convolutions: what oneDNN's chosen implementations
  // need besides the plan (the runtime allocates it at the first step).
  auto convs = workspace ? convolutionWorkspace(module) : std::nullopt;
  if (convs && convs->workers > 0) {
    line("convolution workspace", convs->total());
    line("peak with the workspace", peak + convs->total());
#ifdef TRAINC_HAVE_CONV_PLANNER
    os << formatv("  (oneDNN {0}'s choices on this CPU, {1} threads: {2} x "
                  "{3} bytes per thread, {4} + {5} bytes of shared filter "
                  "copies, {6} bytes of filter-gradient partial sums)\n",
                  TRAINC_DNNL_VERSION, omp_get_max_threads(), convs->workers,
                  trainc::rt::pageBytes(convs->threadBytes),
                  convs->sharedBytes[0], convs->sharedBytes[1],
                  convs->partialsBytes);
#endif
  }

  // The all-reduce buckets, in the order backward fills them.
  auto buckets = module->getAttrOfType<mlir::ArrayAttr>(mlir::train::kBucketsAttr);
  if (!buckets)
    return;
  os << formatv("gradient buckets (all-reduce order; cap {0:f2} MiB, first "
                "{1:f2} MiB): {2}\n",
                double(bucketCapMb), double(firstBucketMb), buckets.size());
  for (auto [i, a] : llvm::enumerate(buckets)) {
    auto bucket = cast<mlir::DictionaryAttr>(a);
    auto names = bucket.getAs<mlir::ArrayAttr>("params");
    int64_t n = bucket.getAs<mlir::IntegerAttr>("bytes").getInt();
    os << formatv("  bucket {0,-3} {1,14} bytes ({2,9:f2} MiB) {3,4} "
                  "parameters: {4} .. {5}\n",
                  i, n, n / 1048576.0, names.size(),
                  cast<mlir::StringAttr>(names[0]).getValue(),
                  cast<mlir::StringAttr>(names[names.size() - 1]).getValue());
  }
}

/// The GPU architectures LLVM 19's NVPTX back end emits PTX for that CUDA
/// 13's ptxas assembles (CUDA.md).
constexpr StringRef kCudaArchs[] = {"sm_75", "sm_80", "sm_86", "sm_87",
                                    "sm_89", "sm_90", "sm_90a"};

/// The CUDA toolkit libdevice is linked from: --cuda-toolkit, $CUDA_ROOT,
/// or the one found when trainc was built ("" if none).
std::string cudaToolkitDir() {
  if (cudaToolkit.getNumOccurrences())
    return cudaToolkit;
  if (const char *root = std::getenv("CUDA_ROOT"); root && *root)
    return root;
#ifdef TRAINC_CUDA_TOOLKIT
  return TRAINC_CUDA_TOOLKIT;
#else
  return "";
#endif
}

/// The CUDA target's flags; a toolkit (ptxas, fatbinary, libdevice) is
/// needed from --emit=ptx on, and an executable needs the CUDA runtime
/// built beside trainc.
void checkCudaFlags(StringRef stage) {
  if (target != "cuda") {
    if (stage == "ptx")
      fatal("--emit=ptx needs --target=cuda");
    return;
  }
  if (!is_contained(kCudaArchs, StringRef(cudaArch)))
    fatal("unknown --cuda-arch '" + cudaArch +
          "'; expected sm_75, sm_80, sm_86, sm_87, sm_89, sm_90 or sm_90a "
          "(newer GPUs run sm_80 or sm_90 PTX through the driver)");
  if (stage == "mlir" || stage == "train" || stage == "loops" || summary)
    return;
  std::string dir = cudaToolkitDir();
  std::string what = report           ? "--target=cuda --report"
                     : stage == "ptx" ? "--emit=ptx"
                                      : "--target=cuda --emit=" + stage.str();
  if (dir.empty())
    fatal(what + " needs the CUDA toolkit (ptxas, libdevice): none was "
          "found when trainc was built; pass --cuda-toolkit DIR or set "
          "CUDA_ROOT");
  SmallString<256> libdevice(dir);
  sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
  if (!sys::fs::exists(libdevice))
    fatal("no CUDA toolkit at '" + dir + "': " + libdevice.str().str() +
          " does not exist");
  if (stage == "exe" && !report && !mlir::train::hasCudaRuntime())
    fatal("this trainc was built without the CUDA runtime (no CUDA toolkit "
          "with cuDNN and cuBLAS was found when it was built): it can "
          "write --emit=ptx, --emit=llvm and --emit=obj for --target=cuda, "
          "not an executable");
}

/// The device pipeline of the CUDA target: PTX (--emit=ptx) or the
/// embedded fatbin and the launches as runtime calls (everything else).
void runGpuKernelsPipeline(mlir::ModuleOp module, StringRef format) {
  mlir::train::GpuKernelsPipelineOptions gpu;
  gpu.chip = cudaArch.getValue();
  gpu.toolkit = cudaToolkitDir();
  gpu.format = format.str();
  runPasses(module, [&](mlir::OpPassManager &pm) {
    mlir::train::buildGpuKernelsPipeline(pm, gpu);
  });
}

/// The PTX of every kernel, after the device pipeline (format isa).
std::string kernelsPtx(mlir::ModuleOp module) {
  std::string ptx;
  module.walk([&](mlir::gpu::BinaryOp binary) {
    for (mlir::Attribute object : binary.getObjects())
      if (auto o = dyn_cast<mlir::gpu::ObjectAttr>(object))
        ptx += o.getObject().getValue().rtrim('\0').str();
  });
  return ptx;
}

/// --emit=ptx: the kernels of the step functions, one PTX module.
void writePtx(mlir::ModuleOp module) {
  runGpuKernelsPipeline(module, "isa");
  std::string ptx = kernelsPtx(module);
  if (ptx.empty())
    fatal(inputFile + ": the model has no kernels");
  writeOutput([&](raw_ostream &os) { os << ptx; });
}

/// The roofline of the GPU --report assumes: an H100 SXM's HBM3 bandwidth
/// and its float32 rate without tensor cores (the kernels and cuDNN's
/// FMA-math convolutions use none).
constexpr double kRooflineBytesPerSecond = 3.35e12;
constexpr double kRooflineFlopsPerSecond = 67e12;
/// An H100 SXM's multiprocessors: a launch of fewer blocks leaves some
/// idle, so its roofline time is optimistic.
constexpr int64_t kRooflineMultiprocessors = 132;

/// A kernel's roofline time on that H100: the larger of its memory time
/// and its compute time.
double rooflineSeconds(double bytes, double flops) {
  return std::max(bytes / kRooflineBytesPerSecond,
                  flops / kRooflineFlopsPerSecond);
}

/// --report --target=cuda, after the memory plan: every generated kernel
/// of each step function with its launch shape, what ptxas reports of it
/// (registers, spills, shared memory), the bytes it moves and the flops it
/// executes (mlir::train::kernelCosts) and its roofline time on an H100;
/// per function the sums, beside the convolutions' and GEMMs' share
/// (cuDNN and cuBLAS) estimated from their FLOPs. `libraryFlops` is the
/// model's convolution and GEMM FLOPs of one forward pass over the batch.
void printScaleReport(
    mlir::ModuleOp module,
    const llvm::StringMap<SmallVector<mlir::train::KernelCost>> &costs,
    int64_t batch, raw_ostream &os);

void printKernelReport(mlir::ModuleOp module, double libraryFlops,
                       int64_t batch, raw_ostream &os) {
  // The costs come from the kernel IR, in program order, which the
  // mapping and the outlining keep: one launch per kernel, in place. The
  // device pipeline splits sums first (train-split-gpu-sums, idempotent).
  runPasses(module, [&](mlir::OpPassManager &pm) {
    pm.addPass(mlir::train::createSplitGpuSumsPass());
  });
  llvm::StringMap<SmallVector<mlir::train::KernelCost>> costs;
  for (auto fn : module.getOps<mlir::func::FuncOp>())
    if (!fn.isExternal())
      costs[fn.getName()] = mlir::train::kernelCosts(fn);
  runGpuKernelsPipeline(module, "isa");
  std::string ptx = kernelsPtx(module);
  llvm::StringMap<mlir::train::PtxasKernelInfo> ptxas;
  std::string error;
  if (!ptx.empty() && !mlir::train::runPtxas(cudaToolkitDir(), cudaArch, ptx,
                                             ptxas, error))
    fatal(error);
  os << formatv("GPU kernels ({0}; roofline on an H100: {1:f2} TB/s, {2:f0} "
                "TFLOP/s float32 without tensor cores):\n",
                cudaArch.getValue(), kRooflineBytesPerSecond / 1e12,
                kRooflineFlopsPerSecond / 1e12);
  for (auto fn : module.getOps<mlir::func::FuncOp>()) {
    SmallVector<mlir::gpu::LaunchFuncOp> launches;
    fn.walk([&](mlir::gpu::LaunchFuncOp l) { launches.push_back(l); });
    if (launches.empty())
      continue;
    const SmallVector<mlir::train::KernelCost> &fnCosts = costs[fn.getName()];
    if (fnCosts.size() != launches.size())
      fatal("--report: " + fn.getName().str() + " has " +
            std::to_string(launches.size()) + " launches for " +
            std::to_string(fnCosts.size()) + " kernels (a trainc bug)");
    os << formatv("{0}: {1} kernels\n", fn.getName(), launches.size());
    os << formatv("  {0,-34} {1,6} {2,5} {3,4} {4,6} {5,6} {6,11} {7,11} "
                  "{8,9}  {9}\n",
                  "kernel", "blocks", "thr", "regs", "spill", "smem", "bytes",
                  "flops", "roof us", "ONNX node");
    double bytes = 0, flops = 0, seconds = 0, narrowSeconds = 0;
    int spilling = 0, narrow = 0;
    bool exact = true;
    for (auto [launch, cost] : llvm::zip(launches, fnCosts)) {
      StringRef name = launch.getKernelName().getValue();
      const mlir::train::PtxasKernelInfo &info = ptxas[name];
      double moved = cost.loadBytes + cost.storeBytes;
      double t = rooflineSeconds(moved, cost.flops);
      auto constant = [](mlir::Value v) {
        return mlir::getConstantIntValue(v).value_or(-1);
      };
      int64_t spill = info.spillStoreBytes + info.spillLoadBytes;
      os << formatv("  {0,-34} {1,6} {2,5} {3,4} {4,6} {5,6} {6,11:e2} "
                    "{7,11:e2} {8,9:f2}  {10}{9}\n",
                    name, constant(launch.getGridSizeX()),
                    constant(launch.getBlockSizeX()), info.registers, spill,
                    info.sharedBytes, moved, cost.flops, t * 1e6,
                    cost.exact ? "" : " (a bound is not constant)",
                    cost.node.empty() ? "-" : cost.node);
      bytes += moved;
      flops += cost.flops;
      seconds += t;
      if (constant(launch.getGridSizeX()) < kRooflineMultiprocessors) {
        ++narrow;
        narrowSeconds += t;
      }
      spilling += spill > 0;
      exact &= cost.exact;
    }
    // The training step runs each convolution and GEMM forward and twice
    // backward (data and filter); the others forward only.
    bool train = fn.getName().contains("train_step");
    double library = libraryFlops * (train ? 3 : 1);
    // The step functions run the convolutions and GEMMs; the update
    // (trainc_apply_update) runs only kernels.
    bool steps = train || fn.getName().contains("eval_step");
    os << formatv("  total: {0} kernels ({1} spilling), {2:f1} MB, {3:f2} "
                  "GFLOP: roofline {4:f3} ms{5}; {6} kernels launch fewer "
                  "blocks than the {7} multiprocessors ({8:f3} ms of the "
                  "roofline, optimistic for them)\n",
                  launches.size(), spilling, bytes / 1e6, flops / 1e9,
                  seconds * 1e3, exact ? "" : " (at least)", narrow,
                  kRooflineMultiprocessors, narrowSeconds * 1e3);
    if (!steps)
      continue;
    os << formatv("  cuDNN and cuBLAS (convolutions and GEMMs{0}): {1:f2} "
                  "GFLOP: roofline {2:f3} ms; generated kernels {3:f0}% of "
                  "the step's roofline\n",
                  train ? ", forward and backward" : "", library / 1e9,
                  library / kRooflineFlopsPerSecond * 1e3,
                  100 * seconds /
                      std::max(1e-30, seconds +
                                          library / kRooflineFlopsPerSecond));
  }
  if (scale)
    printScaleReport(module, costs, batch, os);
}

/// The constant int64 array a library call's pointer operand points at (a
/// convolution's geometry global), through the casts the lowering puts
/// between: llvm.inttoptr(arith.index_cast(
/// memref.extract_aligned_pointer_as_index(memref.get_global @G))).
std::optional<SmallVector<int64_t>> constantArray(mlir::ModuleOp module,
                                                  mlir::Value value) {
  for (int depth = 0; depth < 8; ++depth) {
    mlir::Operation *def = value.getDefiningOp();
    if (!def)
      return std::nullopt;
    if (auto get = dyn_cast<mlir::memref::GetGlobalOp>(def)) {
      auto global =
          module.lookupSymbol<mlir::memref::GlobalOp>(get.getNameAttr());
      if (!global || !global.getConstant() || !global.getInitialValue())
        return std::nullopt;
      auto values =
          dyn_cast<mlir::DenseIntElementsAttr>(*global.getInitialValue());
      if (!values)
        return std::nullopt;
      SmallVector<int64_t> result;
      for (const APInt &v : values.getValues<APInt>())
        result.push_back(v.getSExtValue());
      return result;
    }
    if (!isa<mlir::LLVM::IntToPtrOp, mlir::arith::IndexCastOp,
             mlir::memref::ExtractAlignedPointerAsIndexOp>(def))
      return std::nullopt;
    value = def->getOperand(0);
  }
  return std::nullopt;
}

/// --scale, after the kernels: the train step's program as the scaling
/// model's events (codegen/ScaleModel.h), then per bucket its bytes, when
/// backward has it ready and its all-reduce at a few sizes of cluster, and
/// the step time and efficiency from 1 to 1024 GPUs. Each launch costs its
/// roofline (the kernel costs above), each convolution 2 N M OH OW
/// (C/groups) kH kW flops (forward, backward data and backward filter
/// alike) and each GEMM 2 M N K at 67 TFLOP/s.
void printScaleReport(
    mlir::ModuleOp module,
    const llvm::StringMap<SmallVector<mlir::train::KernelCost>> &costs,
    int64_t batch, raw_ostream &os) {
  namespace sc = trainc::scale;
  mlir::func::FuncOp step;
  for (auto fn : module.getOps<mlir::func::FuncOp>())
    if (!fn.isExternal() && fn.getName().contains("train_step"))
      step = fn;
  if (!step)
    fatal("--scale: the module has no train step (a trainc bug)");
  auto bug = [&](const Twine &what) {
    fatal("--scale: " + step.getName().str() + ": " + what +
          " (a trainc bug)");
  };
  const SmallVector<mlir::train::KernelCost> &kernels =
      costs.lookup(step.getName());
  auto constant = [&](mlir::Value v, StringRef what) {
    std::optional<int64_t> c = mlir::getConstantIntValue(v);
    if (!c)
      bug(what + " is not a constant");
    return *c;
  };

  // The events, in program order; consecutive computations merge.
  std::vector<sc::StepEvent> events;
  auto computeFor = [&](double seconds) {
    if (!events.empty() && events.back().kind == sc::StepEvent::Compute)
      events.back().seconds += seconds;
    else
      events.push_back({sc::StepEvent::Compute, seconds, -1, 0});
  };
  size_t launchIndex = 0;
  double clock = 0, forward = -1, libraryFlops = 0;
  bool lossSeen = false;
  std::map<int, double> startBytes, readyAt;
  std::vector<int> order;
  int wireType = -1;
  step.walk<mlir::WalkOrder::PreOrder>([&](mlir::Operation *op) {
    if (auto launch = dyn_cast<mlir::gpu::LaunchFuncOp>(op)) {
      if (launchIndex >= kernels.size())
        bug("more launches than kernels");
      const mlir::train::KernelCost &cost = kernels[launchIndex++];
      double t = rooflineSeconds(cost.loadBytes + cost.storeBytes,
                                 cost.flops) /
                 scaleComputeFraction;
      computeFor(t);
      clock += t;
      // Forward ends with the loss and its gradient: the first kernels
      // that come from no ONNX node; the next kernel or library call is
      // backward's.
      if (cost.node.empty() && forward < 0)
        lossSeen = true;
      else if (lossSeen && forward < 0)
        forward = clock - t;
      return;
    }
    auto call = dyn_cast<mlir::func::CallOp>(op);
    if (!call)
      return;
    // A library call after the loss is backward's.
    if (lossSeen && forward < 0)
      forward = clock;
    StringRef callee = call.getCallee();
    mlir::OperandRange args = call.getArgOperands();
    double flops = -1;
    if (callee == "trainc_rt_conv2d_forward" ||
        callee == "trainc_rt_conv2d_backward_data" ||
        callee == "trainc_rt_conv2d_backward_filter") {
      std::optional<SmallVector<int64_t>> g = constantArray(module, args[1]);
      // trainc_conv2d_geometry: n, c, h, w, m, kh, kw, oh, ow, ...,
      // groups, x_block, y_block (runtime/include/trainc/kernels.h).
      if (!g || g->size() != TRAINC_CONV_GEOMETRY_SIZE ||
          (*g)[TRAINC_CONV_GROUPS] < 1)
        bug(callee + " has no constant geometry");
      const SmallVector<int64_t> &v = *g;
      flops = 2.0 * v[TRAINC_CONV_N] * v[TRAINC_CONV_M] * v[TRAINC_CONV_OH] *
              v[TRAINC_CONV_OW] *
              double(v[TRAINC_CONV_C] / v[TRAINC_CONV_GROUPS]) *
              v[TRAINC_CONV_KH] * v[TRAINC_CONV_KW];
    } else if (callee == "trainc_rt_gemm") {
      flops = 2.0 * constant(args[3], "a GEMM's m") *
              constant(args[4], "a GEMM's n") *
              constant(args[5], "a GEMM's k");
    } else if (callee == "trainc_rt_allreduce_start") {
      int bucket = constant(args[1], "a bucket number");
      // The bucket's float32 gradients (or their 16-bit copy: as many
      // elements).
      double bytes = 4.0 * constant(args[3], "a bucket's count");
      wireType = constant(args[4], "a bucket's wire type");
      events.push_back({sc::StepEvent::Start, 0, bucket, bytes});
      startBytes[bucket] = bytes;
      readyAt[bucket] = clock;
      order.push_back(bucket);
    } else if (callee == "trainc_rt_allreduce_wait") {
      events.push_back({sc::StepEvent::Wait, 0,
                        int(constant(args[1], "a bucket number")), 0});
    } else if (callee == "trainc_rt_allreduce") {
      events.push_back({sc::StepEvent::Blocking, 0, -1,
                        4.0 * constant(args[2], "an all-reduce's count")});
    } else if (callee == "trainc_rt_allreduce_f64") {
      events.push_back({sc::StepEvent::Blocking, 0, -1,
                        8.0 * constant(args[2], "an all-reduce's count")});
    }
    if (flops >= 0) {
      double t = flops / kRooflineFlopsPerSecond / scaleComputeFraction;
      libraryFlops += flops;
      computeFor(t);
      clock += t;
    }
  });
  if (launchIndex != kernels.size())
    bug("fewer launches than kernels");
  if (order.empty())
    bug("no gradient bucket");

  // The bucket plan the report printed above must be what the step
  // all-reduces.
  auto buckets =
      module->getAttrOfType<mlir::ArrayAttr>(mlir::train::kBucketsAttr);
  if (!buckets || buckets.size() != order.size())
    bug("the step starts " + Twine(order.size()) + " all-reduces for " +
        Twine(buckets ? buckets.size() : 0) + " buckets");
  // Each bucket's parameters (float32 elements) from the model
  // description: the bucket's bytes are theirs plus the arena's alignment
  // padding between tensors, which travels too.
  llvm::StringMap<int64_t> elements;
  if (auto model = module->getAttrOfType<mlir::train::ModelAttr>(
          mlir::train::kModelAttr))
    for (auto tensor : model.getTensorDescs())
      if (tensor.getKind() == mlir::train::TensorKind::Param)
        elements[tensor.getName()] =
            mlir::computeProduct(tensor.getShape().asArrayRef());
  double totalBytes = 0;
  int64_t totalParams = 0;
  std::map<int, int64_t> bucketParams;
  for (auto [i, a] : llvm::enumerate(buckets)) {
    auto bucket = cast<mlir::DictionaryAttr>(a);
    int64_t planned = bucket.getAs<mlir::IntegerAttr>("bytes").getInt();
    if (order[i] != int(i) || startBytes[i] != double(planned))
      bug("bucket " + Twine(i) + " is not started in order with its " +
          Twine(planned) + " bytes");
    totalBytes += planned;
    for (mlir::Attribute name : bucket.getAs<mlir::ArrayAttr>("params")) {
      auto it = elements.find(cast<mlir::StringAttr>(name).getValue());
      if (it == elements.end())
        bug("bucket " + Twine(i) + " holds an unknown parameter");
      bucketParams[i] += it->second;
    }
    totalParams += bucketParams[i];
  }
  auto paramBytes = module->getAttrOfType<mlir::IntegerAttr>(
      mlir::train::kParamBytesAttr);

  // Compute on one GPU: forward to the loss, backward to the last bucket,
  // what lies between it and the first wait, the updates after.
  double lastReady = readyAt[order.back()];
  sc::StepTime one = sc::simulateStep(events, sc::Cluster::h100(100), 1,
                                      sc::StepOptions{});
  double firstWait = 0;
  {
    double t = 0;
    for (const sc::StepEvent &e : events) {
      if (e.kind == sc::StepEvent::Wait)
        break;
      t += e.seconds;
    }
    firstWait = t;
  }
  if (forward < 0)
    forward = 0;
  const char *wires[] = {"f32", "fp16", "bf16"};
  os << formatv("data-parallel scaling (--scale): {0}, {1} images per GPU "
                "(weak scaling: every GPU keeps the compiled --batch; the "
                "issue's figure is --batch 32)\n",
                step.getName(), batch);
  if (scaleComputeFraction == 1.0)
    os << "  assumptions: every GPU runs the step above at the H100 roofline";
  else
    os << formatv("  assumptions: every GPU runs the step above at {0:f0}% "
                  "of the H100 roofline (--scale-compute-fraction)",
                  100 * scaleComputeFraction);
  os << " (kernels: bytes / 3.35 TB/s or flops / 67 TFLOP/s; convolutions "
        "and GEMMs: their flops / 67 TFLOP/s); communication does not slow "
        "the compute\n";
  os << "  cluster: nodes of 8 GPUs; NVLink 900 GB/s (both directions: 450 "
        "GB/s each way), 1 us per hop; InfiniBand 100, 200 or 400 Gb/s per "
        "GPU (one NIC per GPU), 5 us per hop\n";
  os << "  all-reduce of n bytes on p GPUs (alpha latency, beta bandwidth "
        "of the slowest hop: NVLink within a node, InfiniBand beyond): ring "
        "2(p-1)(alpha + n/(p beta)); double binary tree 2 (depth x alpha) + "
        "2 n/beta, depth log2(GPUs in a node) NVLink + log2(nodes) "
        "InfiniBand hops; the faster per bucket (as NCCL picks); one "
        "collective at a time, in issue order\n";
  os << "  overlap: a bucket's all-reduce starts when backward has finished "
        "it and the network is free, its update waits for it; no overlap: "
        "all of them after backward, then the updates; fp16: half the "
        "bytes on the wire, plus compression and decompression (6 bytes "
        "per element each at 3.35 TB/s); the loss all-reduce is blocking "
        "and never compressed; one GPU communicates nothing\n";
  os << formatv("  compute on one GPU: forward and loss {0:f3} ms, backward "
                "{1:f3} ms, to the first wait {2:f3} ms, updates {3:f3} ms; "
                "step {4:f3} ms ({5:f0} img/s per GPU); convolutions and "
                "GEMMs {6:f2} GFLOP\n",
                forward * 1e3, (lastReady - forward) * 1e3,
                (firstWait - lastReady) * 1e3,
                (one.seconds - firstWait) * 1e3, one.seconds * 1e3,
                batch / one.seconds, libraryFlops / 1e9);
  os << formatv("  buckets: {0}, {1} bytes in all = the parameter arena's "
                "{2} bytes: {3} float32 parameters ({4} bytes) and {5} bytes "
                "of alignment padding between tensors, reduced with them; "
                "compiled wire type {6}\n",
                order.size(), int64_t(totalBytes),
                paramBytes ? paramBytes.getInt() : -1, totalParams,
                4 * totalParams, int64_t(totalBytes) - 4 * totalParams,
                wireType >= 0 && wireType < 3 ? wires[wireType] : "?");

  const int64_t sample[] = {8, 64, 1024};
  sc::Cluster ib100 = sc::Cluster::h100(100);
  os << "  bucket  parameters          bytes  fp16 bytes   ready ms  "
        "backward ms";
  for (int64_t p : sample)
    os << formatv("  {0,20}", formatv("p={0} ring/tree us", p).str());
  os << formatv("   (InfiniBand {0} Gb/s)\n", 100);
  double previous = forward;
  for (int b : order) {
    os << formatv("  {0,-6} {1,11} {2,14} {3,11} {4,10:f3} {5,12:f3}", b,
                  bucketParams[b], int64_t(startBytes[b]),
                  int64_t(sc::wireBytes(startBytes[b], true)),
                  readyAt[b] * 1e3, (readyAt[b] - previous) * 1e3);
    previous = readyAt[b];
    for (int64_t p : sample)
      os << formatv("  {0,20}",
                    formatv("{0:f1}/{1:f1}",
                            sc::ringAllReduce(ib100, p, startBytes[b]) * 1e6,
                            sc::treeAllReduce(ib100, p, startBytes[b]) * 1e6)
                        .str());
    os << "\n";
  }

  const sc::StepOptions variants[] = {
      {true, false}, {false, false}, {true, true}, {false, true}};
  for (double gbits : {100.0, 200.0, 400.0}) {
    sc::Cluster cluster = sc::Cluster::h100(gbits);
    os << formatv("  InfiniBand {0:f0} Gb/s per GPU: step ms and efficiency\n",
                  gbits);
    os << formatv("  {0,6} {1,5} {2,13} {3,17} {4,17} {5,17} {6,17}\n",
                  "GPUs", "nodes", "all-reduce ms", "f32 overlap",
                  "f32 no overlap", "fp16 overlap", "fp16 no overlap");
    for (int64_t p = 1; p <= 1024; p *= 2) {
      SmallVector<sc::StepTime> times;
      for (const sc::StepOptions &v : variants)
        times.push_back(sc::simulateStep(events, cluster, p, v));
      // The network time of f32 with overlap (the first variant).
      os << formatv("  {0,6} {1,5} {2,13:f3}", p, cluster.nodes(p),
                    times.front().communication * 1e3);
      for (const sc::StepTime &t : times)
        os << formatv(" {0,10:f3} {1,5:f1}%", t.seconds * 1e3,
                      100 * one.seconds / t.seconds);
      os << "\n";
    }
  }
}

/// --weights=none: every parameter must have a rule for --init.
void checkInitRules(mlir::ModuleOp module) {
  auto model =
      module->getAttrOfType<mlir::train::ModelAttr>(mlir::train::kModelAttr);
  if (!model)
    return;
  for (auto tensor : model.getTensorDescs())
    if (tensor.getKind() == mlir::train::TensorKind::Param &&
        tensor.getInitRule() == mlir::train::InitRule::Other)
      fatal(inputFile + ": --weights=none: parameter '" +
            tensor.getName().str() +
            "' is not a convolution's or linear layer's weight, a BatchNorm "
            "scale or shift or a bias, so --init cannot initialise it; "
            "embed the weights");
}

/// The channel block of activations (--channel-block): the CPU target's
/// only, and not when its kernels are mapped as the GPU's.
int64_t activationChannelBlock() {
  if (target != "cpu" || emulateGpuKernels)
    return 0;
  if (channelBlock == "auto") {
    std::string error;
    int64_t block = mlir::train::preferredChannelBlock(cpu, error);
    if (!block)
      fatal(error);
    return block;
  }
  return std::stoll(channelBlock);
}

/// Runs the pipeline up to `stage` and writes it.
void compile(mlir::ModuleOp module, const char *argv0, StringRef stage) {
  mlir::train::TrainingPipelineOptions options;
  options.labelSmoothing = labelSmoothing.getValue();
  options.bucketCapBytes =
      std::max<int64_t>(1, static_cast<int64_t>(bucketCapMb * 1048576.0));
  options.firstBucketBytes =
      std::max<int64_t>(1, static_cast<int64_t>(firstBucketMb * 1048576.0));
  options.optimizer = optimizer.getValue();
  options.syncBatchNorm = syncBatchNorm.getValue();
  options.allreduceDtype = allreduceDtype.getValue();
  options.target = target.getValue();
  options.channelBlock = activationChannelBlock();
  options.filterLayouts = filterLayouts.getValue();
  // The convolutions' and GEMMs' FLOPs, for the GPU report.
  double libraryFlops = 0;
  int64_t reportBatch = 0;
  if (report && target == "cuda") {
    auto summary = mlir::train::summarizeModel(module);
    if (failed(summary))
      fatal(inputFile + ": cannot summarise the model");
    reportBatch = summary->batch;
    for (const mlir::train::LayerSummary &layer : summary->layers)
      if (layer.op == "conv2d" || layer.op == "gemm" || layer.op == "matmul")
        libraryFlops += layer.flops * summary->batch;
  }
  runPasses(module, [&](mlir::OpPassManager &pm) {
    mlir::train::buildTrainPipeline(pm, options);
  });
  if (report && target != "cuda") {
    writeOutput(
        [&](raw_ostream &os) { printReport(module, os, /*workspace=*/true); });
    return;
  }
  std::string memoryPlan;
  if (report) {
    raw_string_ostream os(memoryPlan);
    printReport(module, os);
  }
  if (stage == "train") {
    writeOutput([&](raw_ostream &os) { printModule(module, os); });
    return;
  }
  runPasses(module, [&](mlir::OpPassManager &pm) {
    mlir::train::buildLoopsPipeline(pm, options);
  });
  if (stage == "loops") {
    writeOutput([&](raw_ostream &os) { printModule(module, os); });
    return;
  }
  if (report) {
    std::string kernels;
    raw_string_ostream os(kernels);
    printKernelReport(module, libraryFlops, reportBatch, os);
    writeOutput([&](raw_ostream &out) { out << memoryPlan << kernels; });
    return;
  }
  if (stage == "ptx") {
    writePtx(module);
    return;
  }
  if (weights == "none")
    checkInitRules(module);
  if (emulateGpuKernels)
    runPasses(module, [&](mlir::OpPassManager &pm) {
      mlir::train::SplitGpuSumsPassOptions split;
      split.blockSize = emulateBlockSize;
      pm.addPass(mlir::train::createSplitGpuSumsPass(split));
      mlir::train::MapKernelsToGpuPassOptions map;
      map.blockSize = emulateBlockSize;
      pm.addPass(mlir::train::createMapKernelsToGpuPass(map));
      mlir::train::EmulateGpuLaunchesPassOptions emulate;
      emulate.reverseThreads = emulateReverseThreads;
      pm.addPass(mlir::train::createEmulateGpuLaunchesPass(emulate));
    });
  if (target == "cuda")
    runGpuKernelsPipeline(module, "fatbin");
  runPasses(module, [&](mlir::OpPassManager &pm) {
    mlir::train::buildLLVMPipeline(pm, options);
  });
  LLVMContext llvmContext;
  std::string error;
  std::unique_ptr<Module> llvmModule =
      mlir::train::translateToLLVM(module, llvmContext, cpu, error,
                                   weights == "embed");
  if (!llvmModule)
    fatal(inputFile + ": " + error);
  if (stage == "llvm") {
    writeOutput([&](raw_ostream &os) { llvmModule->print(os, nullptr); });
    return;
  }
  SmallString<128> object(outputFile);
  if (stage == "exe") {
    if (std::error_code ec =
            sys::fs::createTemporaryFile("trainc", "o", object))
      fatal("cannot create a temporary object file: " + ec.message());
  }
  if (!mlir::train::emitObjectFile(*llvmModule, object, error))
    fatal(error);
  if (stage == "exe") {
    bool linked =
        mlir::train::linkExecutable(argv0, object, outputFile, target, error);
    sys::fs::remove(object);
    if (!linked)
      fatal(error);
  }
}
} // namespace
