//===- TrainInterfaces.h - train dialect op interfaces -----------*- C++ -*-===//

#ifndef TRAINC_DIALECTS_TRAIN_IR_TRAININTERFACES_H
#define TRAINC_DIALECTS_TRAIN_IR_TRAININTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "dialects/Train/IR/TrainInterfaces.h.inc"

#endif // TRAINC_DIALECTS_TRAIN_IR_TRAININTERFACES_H
