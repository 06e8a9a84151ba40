//===- ForwardOnly.h - inference on an .npy file ----------------*- C++ -*-===//

#ifndef TRAINC_RUNTIME_TRAIN_FORWARDONLY_H
#define TRAINC_RUNTIME_TRAIN_FORWARDONLY_H

#include "train/ModelApi.h"
#include "train/Options.h"

namespace trainc::rt {

/// --forward-only: writes the [M, classes] float32 logits of the [M, C, H,
/// W] samples in --input to --output, with the parameters and buffers of
/// --resume FILE if given, else the initial ones. Returns the exit status.
int runForwardOnly(const TrainOptions &options, const ModelApi &api);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_FORWARDONLY_H
