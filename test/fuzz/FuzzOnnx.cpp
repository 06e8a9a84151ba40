//===- FuzzOnnx.cpp - libFuzzer target: the ONNX importer -----------------===//
//
// Bytes -> a model file (binary ONNX, or the ONNX text format when built
// with TRAINC_FUZZ_ONNXTEXT) -> loadOnnxModel -> importOnnxModel (which
// verifies the module it builds): a verified module or a one-line error.
// Inputs that parse take the whole importer: shape inference, every
// handler, the train dialect's verifiers.

#include "FuzzInput.h"

#include "importers/onnx/OnnxImporter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <onnx/onnx_pb.h>

#ifdef TRAINC_FUZZ_ONNXTEXT
static const char *const kSuffix = ".onnxtext";
#else
static const char *const kSuffix = ".onnx";
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = trainc::fuzz::inputFile(data, size, kSuffix);
  std::string error;
  onnx::ModelProto model;
  if (!trainc::loadOnnxModel(path, model, error)) {
    trainc::fuzz::checkError(error);
    return 0;
  }
  // No thread pool: the same input takes the same path (a -seed run
  // repeats).
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  // The importer reports its own errors; the context's diagnostics go to
  // the error too, not to stderr.
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  trainc::ImportOptions options;
  options.batch = 2;
  options.sourceName = "fuzz";
  mlir::OwningOpRef<mlir::ModuleOp> module =
      trainc::importOnnxModel(context, model, options, error);
  if (!module) {
    trainc::fuzz::checkError(error);
    return 0;
  }
  if (failed(mlir::verify(*module))) {
    std::fprintf(stderr, "the imported module does not verify\n");
    std::abort();
  }
  return 0;
}
