//===- ModelSummary.h - layers, parameters, FLOPs, activations ---*- C++ -*-===//
//
// What `trainc --summary` reports about an imported forward graph. The
// counting rules are documented in docs/summary.md.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_DIALECTS_TRAIN_ANALYSIS_MODELSUMMARY_H
#define TRAINC_DIALECTS_TRAIN_ANALYSIS_MODELSUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::train {

struct LayerSummary {
  std::string op;   ///< op name without the dialect prefix ("conv2d")
  std::string name; ///< the ONNX node name
  llvm::SmallVector<int64_t> outputShape;
  int64_t params = 0;     ///< elements of trainable parameters it consumes
  double flops = 0;       ///< forward FLOPs for one sample
};

struct TensorSummary {
  std::string name;
  llvm::SmallVector<int64_t> shape;
};

struct ModelSummary {
  std::string source;
  int64_t opset = 0;
  int64_t batch = 0;
  std::vector<TensorSummary> inputs, outputs;
  std::vector<LayerSummary> layers;
  std::map<std::string, int64_t> opCounts;
  int64_t trainableParams = 0, paramTensors = 0;
  int64_t bufferElements = 0, bufferTensors = 0;
  int64_t batchNormTraining = 0, batchNormInference = 0;
  double flopsPerSample = 0;
  double activationBytesPerSample = 0;
};

/// Summarises `func.func @forward` of an imported module; fails (with a
/// diagnostic) when the module has none.
FailureOr<ModelSummary> summarizeModel(ModuleOp module);

void printSummaryText(const ModelSummary &summary, llvm::raw_ostream &os);
void printSummaryJson(const ModelSummary &summary, llvm::raw_ostream &os);

} // namespace mlir::train

#endif // TRAINC_DIALECTS_TRAIN_ANALYSIS_MODELSUMMARY_H
