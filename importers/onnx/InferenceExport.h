//===- InferenceExport.h - the trained model as inference ONNX ---*- C++ -*-===//
//
// The executable's `--save-onnx FILE` writes the trained model as an
// inference-form ONNX model. The compiler prepares it once: the imported
// model with BatchNormalization in inference form and only the logits as
// graph output, serialized with every parameter and buffer stored as
// `raw_data`. The tensor data is cut out of the serialized bytes, leaving
// holes of fixed size the runtime fills from its arenas: the file is the
// template's bytes with each hole's tensor spliced in at its offset.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_IMPORTERS_ONNX_INFERENCEEXPORT_H
#define TRAINC_IMPORTERS_ONNX_INFERENCEEXPORT_H

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace onnx {
class ModelProto;
} // namespace onnx

namespace trainc {

struct InferenceTemplate {
  /// The serialized model with the tensor data cut out.
  std::string bytes;
  struct Hole {
    int64_t offset;   // where the data goes, in `bytes`
    int64_t size;     // bytes of data (float32, little-endian)
    std::string name; // the tensor's ONNX name in the trained model
    bool buffer;      // a buffer (running statistic), else a parameter
  };
  std::vector<Hole> holes;
};

/// Builds the template of `model`, whose trained tensors are named
/// `params` (trainable) and `buffers` (running statistics). A statistic the
/// importer renamed (ImportContext::nameStatistics: node index, input index
/// -> name) gets an initializer of that name, a copy of the one it read.
/// On failure returns false and sets `error` to a one-line reason.
bool buildInferenceTemplate(
    const onnx::ModelProto &model, const std::set<std::string> &params,
    const std::set<std::string> &buffers,
    const std::map<std::pair<int, int>, std::string> &renamedStatistics,
    InferenceTemplate &result, std::string &error);

/// Records `model`'s template on `module` (whose @forward names the trained
/// tensors) as `train.onnx_export`, or the reason there is none (then only
/// `--save-onnx` fails, at run time).
void attachInferenceTemplate(
    mlir::ModuleOp module, const onnx::ModelProto &model,
    const std::map<std::pair<int, int>, std::string> &renamedStatistics);

} // namespace trainc

#endif // TRAINC_IMPORTERS_ONNX_INFERENCEEXPORT_H
