// RUN: trainc-opt %s -train-prepare-training='label-smoothing=0.1 bn-momentum=0.8' -split-input-file -verify-diagnostics | FileCheck %s

// train-prepare-training on small forward graphs written as the importer
// writes them (`trainc model.onnx --emit=mlir`): @forward_loss gets the
// labels argument after the inputs, every BatchNorm in training form, the
// (smoothed) cross-entropy of the first output, and returns the loss then
// the running-statistics updates; @forward becomes the inference function.
// The option values are checked where they show: label_smoothing = 0.1 on
// the loss, momentum = 0.8 on BatchNorms imported in inference form.
//
// Diagnostics (PrepareTraining.cpp), by case (cases numbered in order):
//   "expected a func.func @forward to train" ........... 5, 6
//   "the module already has @forward_loss" ............. 7
//   "@forward has no result to train on" ............... 8
//   "the first output must be the logits, [batch,
//     classes]; got T" ................................. 9, 10
//   "running statistic 'name' is shared by two
//     BatchNorms" ...................................... 11
//   "the batch statistics of a BatchNorm are used in the
//     forward graph; ..." .............................. 12
//   The option range checks ("label smoothing must lie in [0, 1]", "BatchNorm
//   momentum must lie in [0, 1]") need other option values: see
//   prepare-training-options.mlir.

// 1: conv -> BatchNorm (inference form, as in eval exports) -> relu ->
// global_avg_pool -> flatten -> gemm.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x3x8x8xf32> {train.input = "input"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x3x3x3xf32> {train.init = dense<1.250000e-01> : tensor<4x3x3x3xf32>, train.param = "conv1.weight"},
// CHECK-SAME: %[[G:[^:]+]]: tensor<4xf32> {train.init = dense<1.000000e+00> : tensor<4xf32>, train.param = "bn1.weight"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {train.init = dense<0.000000e+00> : tensor<4xf32>, train.param = "bn1.bias"},
// CHECK-SAME: %[[M:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_mean", train.init = dense<0.000000e+00> : tensor<4xf32>},
// CHECK-SAME: %[[V:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_var", train.init = dense<1.000000e+00> : tensor<4xf32>},
// CHECK-SAME: %[[FW:[^:]+]]: tensor<10x4xf32> {train.init = dense<5.000000e-01> : tensor<10x4xf32>, train.param = "fc.weight"},
// CHECK-SAME: %[[FB:[^:]+]]: tensor<10xf32> {train.init = dense<0.000000e+00> : tensor<10xf32>, train.param = "fc.bias"})
// CHECK-SAME: -> (tensor<2x10xf32> {train.output = "logits"})
// CHECK-NEXT: %[[C:.+]] = train.conv2d %[[X]], %[[W]]
// CHECK-NEXT: %[[Y:.+]] = train.batch_norm_inference %[[C]], %[[G]], %[[B]], %[[M]], %[[V]] epsilon = 9.99999974E-6 : tensor<2x4x8x8xf32>, tensor<4xf32>
// CHECK-NEXT: %[[R:.+]] = train.relu %[[Y]]
// CHECK-NEXT: %[[P:.+]] = train.global_avg_pool %[[R]]
// CHECK-NEXT: %[[F:.+]] = train.flatten %[[P]]
// CHECK-NEXT: %[[O:.+]] = train.gemm %[[F]], %[[FW]], %[[FB]]
// CHECK-NEXT: return %[[O]] : tensor<2x10xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @forward_loss
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x3x8x8xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x3x3x3xf32> {train.init = dense<1.250000e-01> : tensor<4x3x3x3xf32>, train.param = "conv1.weight"},
// CHECK-SAME: %[[G:[^:]+]]: tensor<4xf32> {train.init = dense<1.000000e+00> : tensor<4xf32>, train.param = "bn1.weight"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {train.init = dense<0.000000e+00> : tensor<4xf32>, train.param = "bn1.bias"},
// CHECK-SAME: %[[M:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_mean", train.init = dense<0.000000e+00> : tensor<4xf32>},
// CHECK-SAME: %[[V:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_var", train.init = dense<1.000000e+00> : tensor<4xf32>},
// CHECK-SAME: %[[FW:[^:]+]]: tensor<10x4xf32> {train.init = dense<5.000000e-01> : tensor<10x4xf32>, train.param = "fc.weight"},
// CHECK-SAME: %[[FB:[^:]+]]: tensor<10xf32> {train.init = dense<0.000000e+00> : tensor<10xf32>, train.param = "fc.bias"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.buffer_update = "bn1.running_mean"}, tensor<4xf32> {train.buffer_update = "bn1.running_var"})
// CHECK-NEXT: %[[C:.+]] = train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
// CHECK-NEXT: %[[Y:[^,]+]], %[[RM:[^,]+]], %[[RV:[^,]+]], %{{[^,]+}}, %{{[^,]+}} = train.batch_norm %[[C]], %[[G]], %[[B]], %[[M]], %[[V]] epsilon = 9.99999974E-6 momentum = 8.000000e-01 : tensor<2x4x8x8xf32>, tensor<4xf32>
// CHECK-NEXT: %[[R:.+]] = train.relu %[[Y]] : tensor<2x4x8x8xf32>
// CHECK-NEXT: %[[P:.+]] = train.global_avg_pool %[[R]] : tensor<2x4x8x8xf32> -> tensor<2x4x1x1xf32>
// CHECK-NEXT: %[[F:.+]] = train.flatten %[[P]] axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
// CHECK-NEXT: %[[O:.+]] = train.gemm %[[F]], %[[FW]], %[[FB]] trans_a = false trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<2x10xf32>
// CHECK-NEXT: %[[LOSS:.+]] = train.softmax_xent %[[O]], %[[L]] label_smoothing = 1.000000e-01 : tensor<2x10xf32>, tensor<2xi32>
// CHECK-NEXT: return %[[LOSS]], %[[RM]], %[[RV]] : tensor<f32>, tensor<4xf32>, tensor<4xf32>
// CHECK-NEXT: }
module attributes {train.source = "tiny.onnx", train.opset = 15 : i64} {
func.func @forward(
    %x: tensor<2x3x8x8xf32> {train.input = "input"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv1.weight", train.init = dense<0.125> : tensor<4x3x3x3xf32>},
    %g: tensor<4xf32> {train.param = "bn1.weight", train.init = dense<1.0> : tensor<4xf32>},
    %b: tensor<4xf32> {train.param = "bn1.bias", train.init = dense<0.0> : tensor<4xf32>},
    %m: tensor<4xf32> {train.buffer = "bn1.running_mean", train.init = dense<0.0> : tensor<4xf32>},
    %v: tensor<4xf32> {train.buffer = "bn1.running_var", train.init = dense<1.0> : tensor<4xf32>},
    %fw: tensor<10x4xf32> {train.param = "fc.weight", train.init = dense<0.5> : tensor<10x4xf32>},
    %fb: tensor<10xf32> {train.param = "fc.bias", train.init = dense<0.0> : tensor<10xf32>})
    -> (tensor<2x10xf32> {train.output = "logits"}) {
  %c = train.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  %y = train.batch_norm_inference %c, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x8x8xf32>, tensor<4xf32>
  %r = train.relu %y : tensor<2x4x8x8xf32>
  %p = train.global_avg_pool %r : tensor<2x4x8x8xf32> -> tensor<2x4x1x1xf32>
  %f = train.flatten %p axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %o = train.gemm %f, %fw, %fb trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %o : tensor<2x10xf32>
}
}

// -----

// 2: BatchNorms imported in training form (ONNX training exports, like
// models/resnet20.onnx), in a residual block, with a running mean exported
// as a second output. @forward uses the running statistics instead (and
// returns the running mean itself); @forward_loss keeps the imported
// momentum (0.9, not the option's 0.8), returns the loss and the four
// updates in BatchNorm order, and drops the other outputs.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4x4x4xf32> {train.input = "input"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x4x3x3xf32> {train.param = "conv.weight"},
// CHECK-SAME: %[[G1:[^:]+]]: tensor<4xf32> {train.param = "bn1.weight"},
// CHECK-SAME: %[[B1:[^:]+]]: tensor<4xf32> {train.param = "bn1.bias"},
// CHECK-SAME: %[[M1:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_mean"},
// CHECK-SAME: %[[V1:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_var"},
// CHECK-SAME: %[[G2:[^:]+]]: tensor<4xf32> {train.param = "bn2.weight"},
// CHECK-SAME: %[[B2:[^:]+]]: tensor<4xf32> {train.param = "bn2.bias"},
// CHECK-SAME: %[[M2:[^:]+]]: tensor<4xf32> {train.buffer = "bn2.running_mean"},
// CHECK-SAME: %[[V2:[^:]+]]: tensor<4xf32> {train.buffer = "bn2.running_var"})
// CHECK-SAME: -> (tensor<2x64xf32> {train.output = "logits"}) {
// CHECK-NOT: train.batch_norm %
// CHECK: %[[Y1:.+]] = train.batch_norm_inference %[[X]], %[[G1]], %[[B1]], %[[M1]], %[[V1]] epsilon = 9.99999974E-6 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK-NEXT: %[[R1:.+]] = train.relu %[[Y1]]
// CHECK-NEXT: %[[C:.+]] = train.conv2d %[[R1]], %[[W]]
// CHECK-NEXT: %[[Y2:.+]] = train.batch_norm_inference %[[C]], %[[G2]], %[[B2]], %[[M2]], %[[V2]] epsilon = 9.99999974E-6 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK-NEXT: %[[S:.+]] = train.add %[[Y2]], %[[R1]]
// CHECK-NEXT: %[[R2:.+]] = train.relu %[[S]]
// CHECK-NEXT: %[[F:.+]] = train.flatten %[[R2]]
// CHECK-NEXT: return %[[F]] : tensor<2x64xf32>
// CHECK-NEXT: }
// CHECK-LABEL: func.func @forward_loss
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4x4x4xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x4x3x3xf32> {train.param = "conv.weight"},
// CHECK-SAME: %[[G1:[^:]+]]: tensor<4xf32> {train.param = "bn1.weight"},
// CHECK-SAME: %[[B1:[^:]+]]: tensor<4xf32> {train.param = "bn1.bias"},
// CHECK-SAME: %[[M1:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_mean"},
// CHECK-SAME: %[[V1:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_var"},
// CHECK-SAME: %[[G2:[^:]+]]: tensor<4xf32> {train.param = "bn2.weight"},
// CHECK-SAME: %[[B2:[^:]+]]: tensor<4xf32> {train.param = "bn2.bias"},
// CHECK-SAME: %[[M2:[^:]+]]: tensor<4xf32> {train.buffer = "bn2.running_mean"},
// CHECK-SAME: %[[V2:[^:]+]]: tensor<4xf32> {train.buffer = "bn2.running_var"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.buffer_update = "bn1.running_mean"}, tensor<4xf32> {train.buffer_update = "bn1.running_var"}, tensor<4xf32> {train.buffer_update = "bn2.running_mean"}, tensor<4xf32> {train.buffer_update = "bn2.running_var"})
// CHECK-NOT: batch_norm_inference
// CHECK: %[[Y1:[^,]+]], %[[RM1:[^,]+]], %[[RV1:[^,]+]], %{{[^,]+}}, %{{[^,]+}} = train.batch_norm %[[X]], %[[G1]], %[[B1]], %[[M1]], %[[V1]] epsilon = 9.99999974E-6 momentum = 0.899999976 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK-NEXT: %[[R1:.+]] = train.relu %[[Y1]]
// CHECK-NEXT: %[[C:.+]] = train.conv2d %[[R1]], %[[W]]
// CHECK-NEXT: %[[Y2:[^,]+]], %[[RM2:[^,]+]], %[[RV2:[^,]+]], %{{[^,]+}}, %{{[^,]+}} = train.batch_norm %[[C]], %[[G2]], %[[B2]], %[[M2]], %[[V2]] epsilon = 9.99999974E-6 momentum = 0.899999976 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK-NEXT: %[[S:.+]] = train.add %[[Y2]], %[[R1]]
// CHECK-NEXT: %[[R2:.+]] = train.relu %[[S]]
// CHECK-NEXT: %[[F:.+]] = train.flatten %[[R2]]
// CHECK-NEXT: %[[LOSS:.+]] = train.softmax_xent %[[F]], %[[L]] label_smoothing = 1.000000e-01 : tensor<2x64xf32>, tensor<2xi32>
// CHECK-NEXT: return %[[LOSS]], %[[RM1]], %[[RV1]], %[[RM2]], %[[RV2]] : tensor<f32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// CHECK-NEXT: }
func.func @forward(
    %x: tensor<2x4x4x4xf32> {train.input = "input"},
    %w: tensor<4x4x3x3xf32> {train.param = "conv.weight"},
    %g1: tensor<4xf32> {train.param = "bn1.weight"},
    %b1: tensor<4xf32> {train.param = "bn1.bias"},
    %m1: tensor<4xf32> {train.buffer = "bn1.running_mean"},
    %v1: tensor<4xf32> {train.buffer = "bn1.running_var"},
    %g2: tensor<4xf32> {train.param = "bn2.weight"},
    %b2: tensor<4xf32> {train.param = "bn2.bias"},
    %m2: tensor<4xf32> {train.buffer = "bn2.running_mean"},
    %v2: tensor<4xf32> {train.buffer = "bn2.running_var"})
    -> (tensor<2x64xf32> {train.output = "logits"}, tensor<4xf32> {train.output = "bn1.running_mean"}) {
  %y1, %rm1, %rv1, %bm1, %bv1 = train.batch_norm %x, %g1, %b1, %m1, %v1 epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x4x4xf32>, tensor<4xf32>
  %r1 = train.relu %y1 : tensor<2x4x4x4xf32>
  %c = train.conv2d %r1, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x4x4x4xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x4x4xf32>
  %y2, %rm2, %rv2, %bm2, %bv2 = train.batch_norm %c, %g2, %b2, %m2, %v2 epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x4x4xf32>, tensor<4xf32>
  %s = train.add %y2, %r1 : tensor<2x4x4x4xf32>
  %r2 = train.relu %s : tensor<2x4x4x4xf32>
  %f = train.flatten %r2 axis = 1 : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
  return %f, %rm1 : tensor<2x64xf32>, tensor<4xf32>
}

// -----

// 3: statistics that are not buffers (constants) are not updated; the
// labels go right after the leading inputs, whatever their number.
// CHECK-LABEL: func.func @forward_loss
// CHECK-SAME: (%{{[^:]+}}: tensor<3x2x4xf32> {train.input = "image"},
// CHECK-SAME: %{{[^:]+}}: tensor<3x2xf32> {train.input = "extra"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<3xi32> {train.labels = "labels"},
// CHECK-SAME: %{{[^:]+}}: tensor<2xf32> {train.param = "bn.weight"},
// CHECK-SAME: %{{[^:]+}}: tensor<2xf32> {train.param = "bn.bias"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"})
// CHECK: %[[MEAN:.+]] = train.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: %[[VAR:.+]] = train.constant dense<1.000000e+00> : tensor<2xf32>
// CHECK: train.batch_norm %{{.+}}, %{{.+}}, %{{.+}}, %[[MEAN]], %[[VAR]] epsilon = 9.99999974E-6 momentum = 8.000000e-01 : tensor<3x2x4xf32>, tensor<2xf32>
// CHECK: %[[LOSS:.+]] = train.softmax_xent %{{.+}}, %[[L]] label_smoothing = 1.000000e-01 : tensor<3x8xf32>, tensor<3xi32>
// CHECK-NEXT: return %[[LOSS]] : tensor<f32>
func.func @forward(
    %x: tensor<3x2x4xf32> {train.input = "image"},
    %e: tensor<3x2xf32> {train.input = "extra"},
    %g: tensor<2xf32> {train.param = "bn.weight"},
    %b: tensor<2xf32> {train.param = "bn.bias"})
    -> (tensor<3x8xf32> {train.output = "logits"}) {
  %m = train.constant dense<0.0> : tensor<2xf32>
  %v = train.constant dense<1.0> : tensor<2xf32>
  %y = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<3x2x4xf32>, tensor<2xf32>
  %f = train.flatten %y axis = 1 : tensor<3x2x4xf32> -> tensor<3x8xf32>
  return %f : tensor<3x8xf32>
}

// -----

// 4: without BatchNorm, the loss is the only result; the label type follows
// the batch of the logits.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: -> (tensor<16x10xf32> {train.output = "logits"})
// CHECK-NEXT: train.matmul
// CHECK-LABEL: func.func @forward_loss
// CHECK-SAME: (%[[X:[^:]+]]: tensor<16x784xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<16xi32> {train.labels = "labels"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<784x10xf32> {train.param = "w"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"})
// CHECK-NEXT: %[[O:.+]] = train.matmul %[[X]], %[[W]]
// CHECK-NEXT: %[[LOSS:.+]] = train.softmax_xent %[[O]], %[[L]] label_smoothing = 1.000000e-01 : tensor<16x10xf32>, tensor<16xi32>
// CHECK-NEXT: return %[[LOSS]] : tensor<f32>
func.func @forward(%x: tensor<16x784xf32> {train.input = "input"}, %w: tensor<784x10xf32> {train.param = "w"}) -> (tensor<16x10xf32> {train.output = "logits"}) {
  %o = train.matmul %x, %w : (tensor<16x784xf32>, tensor<784x10xf32>) -> tensor<16x10xf32>
  return %o : tensor<16x10xf32>
}

// -----

// 5
// expected-error @+1 {{expected a func.func @forward to train}}
module {
  func.func @predict(%x: tensor<2x10xf32> {train.input = "input"}) -> (tensor<2x10xf32> {train.output = "logits"}) {
    return %x : tensor<2x10xf32>
  }
}

// -----

// 6: a declaration is not a graph.
// expected-error @+1 {{expected a func.func @forward to train}}
module {
  func.func private @forward(tensor<2x10xf32>) -> tensor<2x10xf32>
}

// -----

// 7
// expected-error @+1 {{the module already has @forward_loss}}
module {
  func.func @forward(%x: tensor<2x10xf32> {train.input = "input"}) -> (tensor<2x10xf32> {train.output = "logits"}) {
    return %x : tensor<2x10xf32>
  }
  func.func @forward_loss(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
    return %x : tensor<2x10xf32>
  }
}

// -----

// 8
// expected-error @+1 {{@forward has no result to train on}}
func.func @forward(%x: tensor<2x10xf32> {train.input = "input"}) {
  return
}

// -----

// 9: the logits of a classifier, not the pooled features before flatten.
// expected-error @+1 {{the first output must be the logits, a static [batch, classes] float tensor; got 'tensor<2x10x1x1xf32>'}}
func.func @forward(%x: tensor<2x10x4x4xf32> {train.input = "input"}) -> (tensor<2x10x1x1xf32> {train.output = "logits"}) {
  %p = train.global_avg_pool %x : tensor<2x10x4x4xf32> -> tensor<2x10x1x1xf32>
  return %p : tensor<2x10x1x1xf32>
}

// -----

// 10: only the first output is the logits.
// expected-error @+1 {{the first output must be the logits, a static [batch, classes] float tensor; got 'tensor<10xf32>'}}
func.func @forward(%x: tensor<2x10xf32> {train.input = "input"}, %m: tensor<10xf32> {train.buffer = "bn.running_mean"}) -> (tensor<10xf32> {train.output = "bn.running_mean"}, tensor<2x10xf32> {train.output = "logits"}) {
  return %m, %x : tensor<10xf32>, tensor<2x10xf32>
}

// -----

// 11: two BatchNorms cannot both update one running statistic.
func.func @forward(
    %x: tensor<2x4x2x2xf32> {train.input = "input"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"})
    -> (tensor<2x16xf32> {train.output = "logits"}) {
  %y1 = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x2x2xf32>, tensor<4xf32>
  // expected-error @+1 {{running statistic 'bn.running_mean' is shared by two BatchNorms}}
  %y2 = train.batch_norm_inference %y1, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x2x2xf32>, tensor<4xf32>
  %f = train.flatten %y2 axis = 1 : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
  return %f : tensor<2x16xf32>
}

// -----

// 12: @forward cannot use the running statistics instead of the batch's
// when the batch statistics feed the logits. (Further graph outputs are
// dropped from @forward before this check.)
func.func @forward(
    %x: tensor<2x4x2x2xf32> {train.input = "input"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  // expected-error @+1 {{the batch statistics of a BatchNorm are used in the forward graph; it cannot be evaluated in inference form}}
  %y, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x2x2xf32>, tensor<4xf32>
  %r = train.reshape %bm [1, 4] : tensor<4xf32> -> tensor<1x4xf32>
  %w = train.constant dense<1.0> : tensor<16x4xf32>
  %f = train.flatten %y axis = 1 : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
  %z = train.gemm %f, %w, %r trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x16xf32>, tensor<16x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  return %z : tensor<2x4xf32>
}

// -----

// Dynamic logits are refused before any loss is built.
// expected-error @+1 {{the first output must be the logits, a static [batch, classes] float tensor; got 'tensor<?x10xf32>'}}
func.func @forward(%x: tensor<?x10xf32> {train.input = "x"}) -> (tensor<?x10xf32> {train.output = "y"}) {
  return %x : tensor<?x10xf32>
}

// -----

// One BatchNorm using one buffer as both statistics.
func.func @forward(%x: tensor<2x4xf32> {train.input = "x"},
                   %g: tensor<4xf32> {train.param = "g"},
                   %m: tensor<4xf32> {train.buffer = "stat"}) -> (tensor<2x4xf32> {train.output = "y"}) {
  // expected-error @+1 {{running statistic 'stat' is both the running mean and the running variance}}
  %y = train.batch_norm_inference %x, %g, %g, %m, %m epsilon = 1.0e-05 : tensor<2x4xf32>, tensor<4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// The logits must have one row per sample (a Flatten at axis 2 once made
// the executables write past their logits buffer).
// expected-error @+1 {{the logits 'tensor<6x20xf32>' must have one row per sample of the batch (2)}}
func.func @forward(%x: tensor<2x3x4x5xf32> {train.input = "x"}) -> (tensor<6x20xf32> {train.output = "y"}) {
  %y = train.flatten %x axis = 2 : tensor<2x3x4x5xf32> -> tensor<6x20xf32>
  return %y : tensor<6x20xf32>
}
