// The options of train-prepare-training: their defaults, the bounds of their
// range (both inclusive), and the errors for values outside it.
//
// RUN: trainc-opt %s -train-prepare-training | FileCheck %s --check-prefix=DEFAULT
// RUN: trainc-opt %s -train-prepare-training='label-smoothing=1.0 bn-momentum=0.0' | FileCheck %s --check-prefix=BOUNDS
// RUN: not trainc-opt %s -train-prepare-training=label-smoothing=1.5 2>&1 | FileCheck %s --check-prefix=ABOVE
// RUN: not trainc-opt %s -train-prepare-training=label-smoothing=-0.1 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not trainc-opt %s -train-prepare-training=label-smoothing=nan 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: not trainc-opt %s -train-prepare-training=bn-momentum=1.5 2>&1 | FileCheck %s --check-prefix=MOMENTUM

// DEFAULT-LABEL: func.func @forward_loss
// DEFAULT: train.batch_norm {{.+}} momentum = 0.899999976 :
// DEFAULT: train.softmax_xent {{.+}} label_smoothing = 0.000000e+00 :

// BOUNDS-LABEL: func.func @forward_loss
// BOUNDS: train.batch_norm {{.+}} momentum = 0.000000e+00 :
// BOUNDS: train.softmax_xent {{.+}} label_smoothing = 1.000000e+00 :

// ABOVE: prepare-training-options.mlir:[[@LINE+4]]:1: error: label smoothing must lie in [0, 1], got 1.500000e+00
// NEGATIVE: prepare-training-options.mlir:[[@LINE+3]]:1: error: label smoothing must lie in [0, 1], got -1.000000e-01
// NAN: prepare-training-options.mlir:[[@LINE+2]]:1: error: label smoothing must lie in [0, 1], got nan
// MOMENTUM: prepare-training-options.mlir:[[@LINE+1]]:1: error: BatchNorm momentum must lie in [0, 1], got 1.500000e+00
module {
func.func @forward(
    %x: tensor<2x4x2x2xf32> {train.input = "input"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"})
    -> (tensor<2x16xf32> {train.output = "logits"}) {
  %y = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x2x2xf32>, tensor<4xf32>
  %f = train.flatten %y axis = 1 : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
  return %f : tensor<2x16xf32>
}
}
