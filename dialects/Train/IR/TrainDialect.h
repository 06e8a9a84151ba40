//===- TrainDialect.h - the train dialect ------------------------*- C++ -*-===//

#ifndef TRAINC_DIALECTS_TRAIN_IR_TRAINDIALECT_H
#define TRAINC_DIALECTS_TRAIN_IR_TRAINDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Train/IR/TrainDialect.h.inc"

#endif // TRAINC_DIALECTS_TRAIN_IR_TRAINDIALECT_H
