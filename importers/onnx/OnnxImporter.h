//===- OnnxImporter.h - ONNX ModelProto to the train dialect -----*- C++ -*-===//
//
// Imports an ONNX model (binary protobuf or the ONNX text format) as
// `func.func @forward` in the train dialect. Initializers become function
// arguments that keep their ONNX names (`train.param` / `train.buffer`) and
// carry their values (`train.init`).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_IMPORTERS_ONNX_ONNXIMPORTER_H
#define TRAINC_IMPORTERS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace trainc {

struct ImportOptions {
  /// Overrides the batch (first) dimension of every graph input; required
  /// when the model's batch dimension is dynamic.
  std::optional<int64_t> batch;
  /// Name recorded as `train.source` (usually the file name).
  std::string sourceName;
};

/// Reads a model file: the ONNX text format when the name ends in
/// `.onnxtext`, binary protobuf otherwise. On failure returns false and sets
/// `error` to a one-line message.
bool loadOnnxModel(llvm::StringRef path, onnx::ModelProto &model,
                   std::string &error);

/// Imports `model`. On failure returns null and sets `error` to a one-line
/// message that names the node, input or initializer at fault.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(mlir::MLIRContext &context,
                                                  const onnx::ModelProto &model,
                                                  const ImportOptions &options,
                                                  std::string &error);

/// loadOnnxModel followed by importOnnxModel.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path,
                                                 const ImportOptions &options,
                                                 std::string &error);

} // namespace trainc

#endif // TRAINC_IMPORTERS_ONNX_ONNXIMPORTER_H
