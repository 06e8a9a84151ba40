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
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_MODELAPI_H
