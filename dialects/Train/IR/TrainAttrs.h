//===- TrainAttrs.h - train dialect attributes -------------------*- C++ -*-===//

#ifndef TRAINC_DIALECTS_TRAIN_IR_TRAINATTRS_H
#define TRAINC_DIALECTS_TRAIN_IR_TRAINATTRS_H

#include "dialects/Train/IR/TrainDialect.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "dialects/Train/IR/TrainEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Train/IR/TrainAttrs.h.inc"

#endif // TRAINC_DIALECTS_TRAIN_IR_TRAINATTRS_H
