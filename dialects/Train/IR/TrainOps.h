//===- TrainOps.h - train dialect ops ----------------------------*- C++ -*-===//

#ifndef TRAINC_DIALECTS_TRAIN_IR_TRAINOPS_H
#define TRAINC_DIALECTS_TRAIN_IR_TRAINOPS_H

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainInterfaces.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Train/IR/TrainAttrs.h"

#define GET_OP_CLASSES
#include "dialects/Train/IR/TrainOps.h.inc"

#endif // TRAINC_DIALECTS_TRAIN_IR_TRAINOPS_H
