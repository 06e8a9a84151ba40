//===- ModelApi.h - the generated model's entry points ----------*- C++ -*-===//
//
// The trainer reaches the compiled model only through these pointers.
// main.cpp fills them with the symbols of trainc/model.h, so that the rest of
// the runtime links without a model (the unit tests bring their own).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_MODELAPI_H
#define TRAINC_RUNTIME_TRAIN_MODELAPI_H

#include "trainc/model.h"

namespace trainc::rt {

struct ModelApi {
  decltype(&trainc_model) describe;
  decltype(&trainc_train_step) trainStep;
  decltype(&trainc_eval_step) evalStep;
  /// The update alone (--on-nonfinite skip defers it); null where the
  /// model has none.
  decltype(&trainc_apply_update) applyUpdate = nullptr;
};

/// Arguments for an entry point: the header (size, ABI version) and the
/// runtime's `context` filled, every pointer null.
inline trainc_step_args stepArgs(void *context) {
  trainc_step_args args{};
  args.size = sizeof(trainc_step_args);
  args.abi_version = TRAINC_MODEL_ABI_VERSION;
  args.context = context;
  return args;
}

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_MODELAPI_H
