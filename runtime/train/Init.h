//===- Init.h - initial parameters drawn from a seed ------------*- C++ -*-===//
//
// `--init kaiming` trains from scratch: every parameter and BatchNorm
// statistic is set from its role (trainc_tensor_desc.init_rule) and the
// run's --seed, on the host, so the same seed gives the same bits on every
// target and every rank:
//   convolution weights  normal, std sqrt(2 / fan_out), fan_out = M kH kW
//                        (He et al., as torchvision initialises ResNets)
//   linear weights       uniform in [-1/sqrt(in), 1/sqrt(in)] (PyTorch's
//                        default for nn.Linear)
//   BatchNorm scale 1, shift 0, running mean 0, running variance 1
//   biases               0
//   other                kept (the compiler refuses --weights=none for a
//                        parameter without a rule)
// Tensor i draws from SplitMix64(seed mixed with i), so one tensor's values
// do not depend on the others'.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_INIT_H
#define TRAINC_RUNTIME_TRAIN_INIT_H

#include "trainc/model.h"

#include <cstdint>

namespace trainc::rt {

/// Overwrites the tensors of `params` and `buffers` (host memory, laid out
/// as `desc` says) that have a rule.
void initialiseKaiming(const trainc_model_desc &desc, uint64_t seed,
                       void *params, void *buffers);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_INIT_H
