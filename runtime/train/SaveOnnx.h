//===- SaveOnnx.h - the trained model as an inference ONNX file -*- C++ -*-===//
//
// --save-onnx FILE: the compiler embedded the inference-form ONNX model
// without its trained tensors (trainc_model_desc.onnx_template); the file
// is the template with each parameter and buffer spliced into its hole.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_SAVEONNX_H
#define TRAINC_RUNTIME_TRAIN_SAVEONNX_H

#include "trainc/model.h"

#include <string>

namespace trainc::rt {

/// Checks, before training, that the model has a template whose holes fit
/// and that `path` can be written.
bool checkSaveOnnx(const std::string &path, const trainc_model_desc &desc,
                   std::string &error);

/// Writes the model with the tensors of `params` and `buffers`, atomically.
bool saveOnnx(const std::string &path, const trainc_model_desc &desc,
              const void *params, const void *buffers, std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_SAVEONNX_H
