//===- Trainer.h - the training loop ----------------------------*- C++ -*-===//
//
// SGD over shuffled full batches (the remainder of each epoch is dropped),
// the test split evaluated after every epoch, the JSON-lines log, the
// progress line, checkpoints and dumps. Every failure ends in fatal().
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_TRAINER_H
#define TRAINC_RUNTIME_TRAIN_TRAINER_H

#include "train/ModelApi.h"
#include "train/Options.h"

namespace trainc::rt {

/// Trains the model `api` reaches as `options` say. Returns the exit status.
int runTraining(const TrainOptions &options, const ModelApi &api);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_TRAINER_H
