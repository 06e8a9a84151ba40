//===- ModelDescription.h - the model's description as LLVM data -*- C++ -*-===//

#ifndef TRAINC_CODEGEN_MODELDESCRIPTION_H
#define TRAINC_CODEGEN_MODELDESCRIPTION_H

#include "dialects/Train/IR/TrainAttrs.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/IR/Module.h"

namespace mlir::train {

/// Adds to `module` the data the runtime reads through trainc_model()
/// (runtime/include/trainc/model.h): tensor descriptors, the initial
/// parameters and buffers, and the plan hash. `model` is the module's
/// `train.model` attribute; `onnx` its `train.onnx_export` (may be null),
/// the template `--save-onnx` fills; `buckets` its `train.buckets` (may be
/// null). Without `embedWeights`, initial_params is null (the executable
/// starts from --init or a checkpoint). Fails with `error` set on
/// malformed input.
bool addModelDescription(llvm::Module &module, ModelAttr model,
                         DictionaryAttr onnx, ArrayAttr buckets,
                         llvm::StringRef source, uint64_t planHash,
                         bool embedWeights, std::string &error);

} // namespace mlir::train

#endif // TRAINC_CODEGEN_MODELDESCRIPTION_H
