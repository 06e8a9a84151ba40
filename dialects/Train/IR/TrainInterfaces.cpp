//===- TrainInterfaces.cpp - train dialect op interfaces ------------------===//

#include "dialects/Train/IR/TrainInterfaces.h"

#include "dialects/Train/IR/TrainInterfaces.cpp.inc"
