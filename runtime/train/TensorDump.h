//===- TensorDump.h - parameters, gradients and buffers as .npy -*- C++ -*-===//
//
// One float32 .npy per tensor, named after its ONNX initializer. ONNX names
// may contain '/', so the file name replaces every '/' by '_'.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_TENSORDUMP_H
#define TRAINC_RUNTIME_TRAIN_TENSORDUMP_H

#include "trainc/model.h"

#include <string>

namespace trainc::rt {

/// The file name (without ".npy") of the tensor named `name`: '/' becomes
/// '_'; a name that would still not be a plain file name ("", ".", "..")
/// becomes "tensor_<index>".
std::string dumpFileStem(const std::string &name, int index);

/// Writes DIR/<stem>.npy for every tensor of `kind` in `desc`, reading it
/// from `arena` (the parameter arena layout for TRAINC_PARAM, the buffer
/// arena's for TRAINC_BUFFER). Creates DIR if needed. On failure returns
/// false with a one-line `error`.
bool dumpTensors(const std::string &dir, const trainc_model_desc &desc,
                 trainc_tensor_kind kind, const void *arena,
                 std::string &error);

/// --dump-params: every parameter (from `params`) and every buffer (from
/// `buffers`) into `dir`.
bool dumpParamsAndBuffers(const std::string &dir,
                          const trainc_model_desc &desc, const void *params,
                          const void *buffers, std::string &error);

/// Creates `dir` (and its parents) unless it exists; false with `error` if
/// it cannot, or if it is not a directory.
bool makeDirectory(const std::string &dir, std::string &error);

/// Checks that no two tensors of `desc` get the same file name.
bool checkDumpNames(const trainc_model_desc &desc, std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_TENSORDUMP_H
