// RUN: trainc-opt %s -train-autodiff -split-input-file -verify-diagnostics | FileCheck %s

// train-autodiff on hand-written @forward_loss functions, each built so that
// one reverse-mode rule (VJPRules.cpp) does the work: the parameters feed
// the op under test directly, and its result reaches the loss through at
// most a flatten. Every case is a named module, its CHECK-LABEL.
//
// Every case starts the same way: the cotangent of the loss is a constant
// 1.0 (%[[ONE]]) and train.softmax_xent_backward turns it into the
// cotangent of the logits (%[[DL]]).
//
// Diagnostics (Autodiff.cpp), by case:
//   "expected a func.func @forward_loss (run train-prepare-training
//     first)" ................................................. no_forward_loss,
//                                                              declaration
//   "the module already has @train_step" ....................... train_step_exists
//   "the first result of @forward_loss must be the loss
//     (train.loss)" ............................................ loss_not_first,
//                                                              no_results
//   "'<op>' has no reverse-mode rule" .......................... no_rule

// The rule of train.conv2d with bias and stride 2. %[[H]] depends on a
// parameter, so it gets conv2d_backward_data, whose result type is %[[H]]'s
// 7x7 (an 8x8 input would give the same 4x4 output: the type must come from
// the forward op, not from the gradient). The first conv reads the images,
// which get no gradient: only its filter's.
// CHECK-LABEL: module @conv2d
// CHECK: func.func @train_step
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x3x7x7xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[W1:[^:]+]]: tensor<4x3x3x3xf32> {train.param = "conv1.weight"},
// CHECK-SAME: %[[W2:[^:]+]]: tensor<8x4x3x3xf32> {train.param = "conv2.weight"},
// CHECK-SAME: %[[B2:[^:]+]]: tensor<8xf32> {train.param = "conv2.bias"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<4x3x3x3xf32> {train.grad = "conv1.weight"}, tensor<8x4x3x3xf32> {train.grad = "conv2.weight"}, tensor<8xf32> {train.grad = "conv2.bias"})
// CHECK: %[[H:.+]] = train.conv2d %[[X]], %[[W1]]
// CHECK: %[[Y:.+]] = train.conv2d %[[H]], %[[W2]], %[[B2]]
// CHECK: %[[F:.+]] = train.flatten %[[Y]]
// CHECK: %[[LOSS:.+]] = train.softmax_xent %[[F]], %[[L]]
// CHECK: %[[ONE:.+]] = train.constant dense<1.000000e+00> : tensor<f32>
// CHECK: %[[DL:.+]] = train.softmax_xent_backward %[[F]], %[[L]], %[[ONE]] label_smoothing = 0.000000e+00 : tensor<2x128xf32>, tensor<2xi32>
// CHECK: %[[DY:.+]] = train.reshape %[[DL]] [2, 8, 4, 4] : tensor<2x128xf32> -> tensor<2x8x4x4xf32>
// CHECK: %[[DH:.+]] = train.conv2d_backward_data %[[DY]], %[[W2]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x8x4x4xf32>, tensor<8x4x3x3xf32>) -> tensor<2x4x7x7xf32>
// CHECK: %[[DW2:.+]] = train.conv2d_backward_filter %[[DY]], %[[H]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x8x4x4xf32>, tensor<2x4x7x7xf32>) -> tensor<8x4x3x3xf32>
// CHECK: %[[DB2:.+]] = train.conv2d_backward_bias %[[DY]] : tensor<2x8x4x4xf32> -> tensor<8xf32>
// CHECK-NOT: train.conv2d_backward_data
// CHECK: %[[DW1:.+]] = train.conv2d_backward_filter %[[DH]], %[[X]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x4x7x7xf32>, tensor<2x3x7x7xf32>) -> tensor<4x3x3x3xf32>
// CHECK-NEXT: return %[[LOSS]], %[[DW1]], %[[DW2]], %[[DB2]] : tensor<f32>, tensor<4x3x3x3xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>
module @conv2d {
func.func @forward_loss(
    %x: tensor<2x3x7x7xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w1: tensor<4x3x3x3xf32> {train.param = "conv1.weight"},
    %w2: tensor<8x4x3x3xf32> {train.param = "conv2.weight"},
    %b2: tensor<8xf32> {train.param = "conv2.bias"})
    -> (tensor<f32> {train.loss = "loss"}) {
  %h = train.conv2d %x, %w1 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x7x7xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x7x7xf32>
  %y = train.conv2d %h, %w2, %b2 strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x4x7x7xf32>, tensor<8x4x3x3xf32>, tensor<8xf32>) -> tensor<2x8x4x4xf32>
  %f = train.flatten %y axis = 1 : tensor<2x8x4x4xf32> -> tensor<2x128xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x128xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// A grouped, dilated, strided convolution of the images alone: the whole
// backward graph is the filter gradient, with the forward attributes (no
// conv2d_backward_data for the images, no bias).
// CHECK-LABEL: module @conv2d_of_images
// CHECK: func.func @train_step
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4x6x6xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<6x2x3x3xf32> {train.param = "conv.weight"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<6x2x3x3xf32> {train.grad = "conv.weight"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DY:.+]] = train.reshape %[[DL]] [2, 6, 1, 1] : tensor<2x6xf32> -> tensor<2x6x1x1xf32>
// CHECK-NEXT: %[[DW:.+]] = train.conv2d_backward_filter %[[DY]], %[[X]] strides = [3, 3] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 2 : (tensor<2x6x1x1xf32>, tensor<2x4x6x6xf32>) -> tensor<6x2x3x3xf32>
// CHECK-NEXT: return %{{.+}}, %[[DW]] : tensor<f32>, tensor<6x2x3x3xf32>
module @conv2d_of_images {
func.func @forward_loss(%x: tensor<2x4x6x6xf32> {train.input = "input"}, %labels: tensor<2xi32> {train.labels = "labels"}, %w: tensor<6x2x3x3xf32> {train.param = "conv.weight"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.conv2d %x, %w strides = [3, 3] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 2 : (tensor<2x4x6x6xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x1x1xf32>
  %f = train.flatten %y axis = 1 : tensor<2x6x1x1xf32> -> tensor<2x6xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x6xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Gemm, Y = alpha op(A) op(B) + beta C with G = dY [M, N] = [2, 5], K = 6
// (three distinct extents, so a transposition slip would not verify), alpha
// = 2 and beta = 0.5; the backward gemms carry alpha and no C.
//   d op(A) = alpha G op(B)^T, d op(B) = alpha op(A)^T G, dC = beta sum(G).
// trans_a = false, trans_b = false: A [2, 6], B [6, 5], C [5]:
//   dA = alpha G B^T        = gemm(G, B, false, true)  : [2, 5] x [5, 6]
//   dB = alpha A^T G        = gemm(A, G, true, false)  : [6, 2] x [2, 5]
//   dC = beta * (G summed over rows to [5])
// CHECK-LABEL: module @gemm_nn
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x6xf32> {train.param = "a"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<6x5xf32> {train.param = "b"},
// CHECK-SAME: %[[C:[^:]+]]: tensor<5xf32> {train.param = "c"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DA:.+]] = train.gemm %[[DL]], %[[B]] trans_a = false trans_b = true alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<2x5xf32>, tensor<6x5xf32>) -> tensor<2x6xf32>
// CHECK-NEXT: %[[DB:.+]] = train.gemm %[[A]], %[[DL]] trans_a = true trans_b = false alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<2x6xf32>, tensor<2x5xf32>) -> tensor<6x5xf32>
// CHECK-NEXT: %[[SUM:.+]] = train.reduce_sum_to %[[DL]] : tensor<2x5xf32> -> tensor<5xf32>
// CHECK-NEXT: %[[DC:.+]] = train.scale %[[SUM]] by 5.000000e-01 : tensor<5xf32>
// CHECK-NEXT: return %{{.+}}, %[[DA]], %[[DB]], %[[DC]] : tensor<f32>, tensor<2x6xf32>, tensor<6x5xf32>, tensor<5xf32>
module @gemm_nn {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %a: tensor<2x6xf32> {train.param = "a"}, %b: tensor<6x5xf32> {train.param = "b"}, %c: tensor<5xf32> {train.param = "c"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.gemm %a, %b, %c trans_a = false trans_b = false alpha = 2.0 beta = 0.5 : (tensor<2x6xf32>, tensor<6x5xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x5xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// trans_a = true, trans_b = false: A [6, 2], B [6, 5], C [1, 5]:
//   dA = (alpha G B^T)^T = alpha B G^T = gemm(B, G, false, true) : [6, 5] x [5, 2]
//   dB = alpha op(A)^T G = alpha A G   = gemm(A, G, false, false): [6, 2] x [2, 5]
// CHECK-LABEL: module @gemm_tn
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[A:[^:]+]]: tensor<6x2xf32> {train.param = "a"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<6x5xf32> {train.param = "b"},
// CHECK-SAME: %[[C:[^:]+]]: tensor<1x5xf32> {train.param = "c"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DA:.+]] = train.gemm %[[B]], %[[DL]] trans_a = false trans_b = true alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<6x5xf32>, tensor<2x5xf32>) -> tensor<6x2xf32>
// CHECK-NEXT: %[[DB:.+]] = train.gemm %[[A]], %[[DL]] trans_a = false trans_b = false alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<6x2xf32>, tensor<2x5xf32>) -> tensor<6x5xf32>
// CHECK-NEXT: %[[SUM:.+]] = train.reduce_sum_to %[[DL]] : tensor<2x5xf32> -> tensor<1x5xf32>
// CHECK-NEXT: %[[DC:.+]] = train.scale %[[SUM]] by 5.000000e-01 : tensor<1x5xf32>
// CHECK-NEXT: return %{{.+}}, %[[DA]], %[[DB]], %[[DC]] : tensor<f32>, tensor<6x2xf32>, tensor<6x5xf32>, tensor<1x5xf32>
module @gemm_tn {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %a: tensor<6x2xf32> {train.param = "a"}, %b: tensor<6x5xf32> {train.param = "b"}, %c: tensor<1x5xf32> {train.param = "c"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.gemm %a, %b, %c trans_a = true trans_b = false alpha = 2.0 beta = 0.5 : (tensor<6x2xf32>, tensor<6x5xf32>, tensor<1x5xf32>) -> tensor<2x5xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x5xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// trans_a = false, trans_b = true (the fully connected layer's layout):
// A [2, 6], B [5, 6], C [2, 1]:
//   dA = alpha G op(B)^T = alpha G B   = gemm(G, B, false, false): [2, 5] x [5, 6]
//   dB = (alpha A^T G)^T = alpha G^T A = gemm(G, A, true, false) : [5, 2] x [2, 6]
// CHECK-LABEL: module @gemm_nt
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x6xf32> {train.param = "a"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<5x6xf32> {train.param = "b"},
// CHECK-SAME: %[[C:[^:]+]]: tensor<2x1xf32> {train.param = "c"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DA:.+]] = train.gemm %[[DL]], %[[B]] trans_a = false trans_b = false alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<2x5xf32>, tensor<5x6xf32>) -> tensor<2x6xf32>
// CHECK-NEXT: %[[DB:.+]] = train.gemm %[[DL]], %[[A]] trans_a = true trans_b = false alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<2x5xf32>, tensor<2x6xf32>) -> tensor<5x6xf32>
// CHECK-NEXT: %[[SUM:.+]] = train.reduce_sum_to %[[DL]] : tensor<2x5xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[DC:.+]] = train.scale %[[SUM]] by 5.000000e-01 : tensor<2x1xf32>
// CHECK-NEXT: return %{{.+}}, %[[DA]], %[[DB]], %[[DC]] : tensor<f32>, tensor<2x6xf32>, tensor<5x6xf32>, tensor<2x1xf32>
module @gemm_nt {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %a: tensor<2x6xf32> {train.param = "a"}, %b: tensor<5x6xf32> {train.param = "b"}, %c: tensor<2x1xf32> {train.param = "c"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.gemm %a, %b, %c trans_a = false trans_b = true alpha = 2.0 beta = 0.5 : (tensor<2x6xf32>, tensor<5x6xf32>, tensor<2x1xf32>) -> tensor<2x5xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x5xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// trans_a = true, trans_b = true: A [6, 2], B [5, 6], C scalar:
//   dA = (alpha G B)^T   = alpha B^T G^T = gemm(B, G, true, true): [6, 5] x [5, 2]
//   dB = (alpha A G)^T   = alpha G^T A^T = gemm(G, A, true, true): [5, 2] x [2, 6]
// CHECK-LABEL: module @gemm_tt
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[A:[^:]+]]: tensor<6x2xf32> {train.param = "a"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<5x6xf32> {train.param = "b"},
// CHECK-SAME: %[[C:[^:]+]]: tensor<f32> {train.param = "c"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DA:.+]] = train.gemm %[[B]], %[[DL]] trans_a = true trans_b = true alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<5x6xf32>, tensor<2x5xf32>) -> tensor<6x2xf32>
// CHECK-NEXT: %[[DB:.+]] = train.gemm %[[DL]], %[[A]] trans_a = true trans_b = true alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<2x5xf32>, tensor<6x2xf32>) -> tensor<5x6xf32>
// CHECK-NEXT: %[[SUM:.+]] = train.reduce_sum_to %[[DL]] : tensor<2x5xf32> -> tensor<f32>
// CHECK-NEXT: %[[DC:.+]] = train.scale %[[SUM]] by 5.000000e-01 : tensor<f32>
// CHECK-NEXT: return %{{.+}}, %[[DA]], %[[DB]], %[[DC]] : tensor<f32>, tensor<6x2xf32>, tensor<5x6xf32>, tensor<f32>
module @gemm_tt {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %a: tensor<6x2xf32> {train.param = "a"}, %b: tensor<5x6xf32> {train.param = "b"}, %c: tensor<f32> {train.param = "c"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.gemm %a, %b, %c trans_a = true trans_b = true alpha = 2.0 beta = 0.5 : (tensor<6x2xf32>, tensor<5x6xf32>, tensor<f32>) -> tensor<2x5xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x5xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// The classifier head as imported (alpha = beta = 1, C [N]) on features
// that do not depend on a parameter: no gradient for A, and dC is the sum
// of G without a scale.
// CHECK-LABEL: module @gemm_fc
// CHECK: func.func @train_step
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x6xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<5x6xf32> {train.param = "fc.weight"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<5xf32> {train.param = "fc.bias"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DW:.+]] = train.gemm %[[DL]], %[[X]] trans_a = true trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x5xf32>, tensor<2x6xf32>) -> tensor<5x6xf32>
// CHECK-NEXT: %[[DB:.+]] = train.reduce_sum_to %[[DL]] : tensor<2x5xf32> -> tensor<5xf32>
// CHECK-NEXT: return %{{.+}}, %[[DW]], %[[DB]] : tensor<f32>, tensor<5x6xf32>, tensor<5xf32>
module @gemm_fc {
func.func @forward_loss(%x: tensor<2x6xf32> {train.input = "input"}, %labels: tensor<2xi32> {train.labels = "labels"}, %w: tensor<5x6xf32> {train.param = "fc.weight"}, %b: tensor<5xf32> {train.param = "fc.bias"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.gemm %x, %w, %b trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x6xf32>, tensor<5x6xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x5xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// MatMul: dLhs = G Rhs^T = gemm(G, Rhs, false, true), dRhs = Lhs^T G =
// gemm(Lhs, G, true, false), alpha 1. The first matmul reads the images:
// only its right-hand side gets a gradient, from the cotangent of %[[H]].
// CHECK-LABEL: module @matmul
// CHECK: func.func @train_step
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x6xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[A:[^:]+]]: tensor<6x3xf32> {train.param = "a"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<3x5xf32> {train.param = "b"})
// CHECK: %[[H:.+]] = train.matmul %[[X]], %[[A]]
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DH:.+]] = train.gemm %[[DL]], %[[B]] trans_a = false trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
// CHECK-NEXT: %[[DB:.+]] = train.gemm %[[H]], %[[DL]] trans_a = true trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
// CHECK-NEXT: %[[DA:.+]] = train.gemm %[[X]], %[[DH]] trans_a = true trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x6xf32>, tensor<2x3xf32>) -> tensor<6x3xf32>
// CHECK-NEXT: return %{{.+}}, %[[DA]], %[[DB]] : tensor<f32>, tensor<6x3xf32>, tensor<3x5xf32>
module @matmul {
func.func @forward_loss(%x: tensor<2x6xf32> {train.input = "input"}, %labels: tensor<2xi32> {train.labels = "labels"}, %a: tensor<6x3xf32> {train.param = "a"}, %b: tensor<3x5xf32> {train.param = "b"}) -> (tensor<f32> {train.loss = "loss"}) {
  %h = train.matmul %x, %a : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
  %y = train.matmul %h, %b : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x5xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Training-form BatchNorm: one batch_norm_backward from output 0's cotangent
// and the batch statistics; its three results are the gradients of the
// input, scale and bias. The running statistics get none; their updates are
// returned after the gradients.
// CHECK-LABEL: module @batch_norm
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x4x1x1xf32> {train.param = "x"},
// CHECK-SAME: %[[G:[^:]+]]: tensor<4xf32> {train.param = "bn.weight"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {train.param = "bn.bias"},
// CHECK-SAME: %[[M:[^:]+]]: tensor<4xf32> {train.buffer = "bn.running_mean"},
// CHECK-SAME: %[[V:[^:]+]]: tensor<4xf32> {train.buffer = "bn.running_var"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<2x4x1x1xf32> {train.grad = "x"}, tensor<4xf32> {train.grad = "bn.weight"}, tensor<4xf32> {train.grad = "bn.bias"}, tensor<4xf32> {train.buffer_update = "bn.running_mean"}, tensor<4xf32> {train.buffer_update = "bn.running_var"})
// CHECK: %[[Y:[^,]+]], %[[RM:[^,]+]], %[[RV:[^,]+]], %[[BM:[^,]+]], %[[BV:[^,]+]] = train.batch_norm %[[X]], %[[G]], %[[B]], %[[M]], %[[V]]
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DY:.+]] = train.reshape %[[DL]] [2, 4, 1, 1] : tensor<2x4xf32> -> tensor<2x4x1x1xf32>
// CHECK-NEXT: %[[DX:[^,]+]], %[[DG:[^,]+]], %[[DB:[^,]+]] = train.batch_norm_backward %[[DY]], %[[X]], %[[G]], %[[BM]], %[[BV]] epsilon = 9.99999974E-6 : tensor<2x4x1x1xf32>, tensor<4xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]], %[[DG]], %[[DB]], %[[RM]], %[[RV]] : tensor<f32>, tensor<2x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
module @batch_norm {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %x: tensor<2x4x1x1xf32> {train.param = "x"}, %g: tensor<4xf32> {train.param = "bn.weight"}, %b: tensor<4xf32> {train.param = "bn.bias"}, %m: tensor<4xf32> {train.buffer = "bn.running_mean"}, %v: tensor<4xf32> {train.buffer = "bn.running_var"}) -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.buffer_update = "bn.running_mean"}, tensor<4xf32> {train.buffer_update = "bn.running_var"}) {
  %y, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %f = train.flatten %y axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss, %rm, %rv : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// ReLU: relu_backward masks the cotangent with the ReLU's output %[[R]],
// not its input.
// CHECK-LABEL: module @relu
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x10xf32> {train.param = "x"})
// CHECK: %[[R:.+]] = train.relu %[[X]]
// CHECK: %[[DL:.+]] = train.softmax_xent_backward %[[R]], %[[L]]
// CHECK-NEXT: %[[DX:.+]] = train.relu_backward %[[DL]], %[[R]] : tensor<2x10xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]] : tensor<f32>, tensor<2x10xf32>
module @relu {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %x: tensor<2x10xf32> {train.param = "x"}) -> (tensor<f32> {train.loss = "loss"}) {
  %y = train.relu %x : tensor<2x10xf32>
  %loss = train.softmax_xent %y, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Add passes its cotangent unchanged to both operands that need one (not
// to the images): no new op.
// CHECK-LABEL: module @add
// CHECK: func.func @train_step
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<2x10xf32> {train.grad = "p"}, tensor<2x10xf32> {train.grad = "q"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: return %{{.+}}, %[[DL]], %[[DL]] : tensor<f32>, tensor<2x10xf32>, tensor<2x10xf32>
module @add {
func.func @forward_loss(%x: tensor<2x10xf32> {train.input = "input"}, %labels: tensor<2xi32> {train.labels = "labels"}, %p: tensor<2x10xf32> {train.param = "p"}, %q: tensor<2x10xf32> {train.param = "q"}) -> (tensor<f32> {train.loss = "loss"}) {
  %s = train.add %p, %q : tensor<2x10xf32>
  %t = train.add %x, %s : tensor<2x10xf32>
  %loss = train.softmax_xent %t, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Max pooling: the backward op reads the forward input and repeats every
// attribute (ceil_mode included); its result is the input's type.
// CHECK-LABEL: module @max_pool2d
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x6x6xf32> {train.param = "x"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DY:.+]] = train.reshape %[[DL]] [2, 3, 3, 3] : tensor<2x27xf32> -> tensor<2x3x3x3xf32>
// CHECK-NEXT: %[[DX:.+]] = train.max_pool2d_backward %[[DY]], %[[X]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<2x3x3x3xf32>, tensor<2x3x6x6xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]] : tensor<f32>, tensor<2x3x6x6xf32>
module @max_pool2d {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %x: tensor<2x3x6x6xf32> {train.param = "x"}) -> (tensor<f32> {train.loss = "loss"}) {
  %p = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<2x3x6x6xf32> -> tensor<2x3x3x3xf32>
  %f = train.flatten %p axis = 1 : tensor<2x3x3x3xf32> -> tensor<2x27xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x27xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Average pooling with padding and ceil_mode: 6x6 and 5x5 inputs both pool
// to 3x3 here, so the result type (6x6) comes from the forward input. The
// attributes, the divisor's count_include_pad among them, are carried over.
// CHECK-LABEL: module @avg_pool2d
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x6x6xf32> {train.param = "x"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DY:.+]] = train.reshape %[[DL]] [2, 3, 3, 3] : tensor<2x27xf32> -> tensor<2x3x3x3xf32>
// CHECK-NEXT: %[[DX:.+]] = train.avg_pool2d_backward %[[DY]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 0, 0] ceil_mode = true count_include_pad = true : tensor<2x3x3x3xf32> -> tensor<2x3x6x6xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]] : tensor<f32>, tensor<2x3x6x6xf32>
module @avg_pool2d {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %x: tensor<2x3x6x6xf32> {train.param = "x"}) -> (tensor<f32> {train.loss = "loss"}) {
  %p = train.avg_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 0, 0] ceil_mode = true count_include_pad = true : tensor<2x3x6x6xf32> -> tensor<2x3x3x3xf32>
  %f = train.flatten %p axis = 1 : tensor<2x3x3x3xf32> -> tensor<2x27xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x27xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Global average pooling back to the input's spatial extent.
// CHECK-LABEL: module @global_avg_pool
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x10x3x3xf32> {train.param = "x"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DY:.+]] = train.reshape %[[DL]] [2, 10, 1, 1] : tensor<2x10xf32> -> tensor<2x10x1x1xf32>
// CHECK-NEXT: %[[DX:.+]] = train.global_avg_pool_backward %[[DY]] : tensor<2x10x1x1xf32> -> tensor<2x10x3x3xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]] : tensor<f32>, tensor<2x10x3x3xf32>
module @global_avg_pool {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %x: tensor<2x10x3x3xf32> {train.param = "x"}) -> (tensor<f32> {train.loss = "loss"}) {
  %p = train.global_avg_pool %x : tensor<2x10x3x3xf32> -> tensor<2x10x1x1xf32>
  %f = train.flatten %p axis = 1 : tensor<2x10x1x1xf32> -> tensor<2x10xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Flatten (here at axis 2): the cotangent is reshaped back to the input's
// shape.
// CHECK-LABEL: module @flatten
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<6xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x3x4x5xf32> {train.param = "x"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DX:.+]] = train.reshape %[[DL]] [2, 3, 4, 5] : tensor<6x20xf32> -> tensor<2x3x4x5xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]] : tensor<f32>, tensor<2x3x4x5xf32>
module @flatten {
func.func @forward_loss(%labels: tensor<6xi32> {train.labels = "labels"}, %x: tensor<2x3x4x5xf32> {train.param = "x"}) -> (tensor<f32> {train.loss = "loss"}) {
  %f = train.flatten %x axis = 2 : tensor<2x3x4x5xf32> -> tensor<6x20xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<6x20xf32>, tensor<6xi32>
  return %loss : tensor<f32>
}
}

// -----

// Reshape: the same, back to the input's shape.
// CHECK-LABEL: module @reshape
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x5xf32> {train.param = "x"})
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DX:.+]] = train.reshape %[[DL]] [4, 5] : tensor<2x10xf32> -> tensor<4x5xf32>
// CHECK-NEXT: return %{{.+}}, %[[DX]] : tensor<f32>, tensor<4x5xf32>
module @reshape {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %x: tensor<4x5xf32> {train.param = "x"}) -> (tensor<f32> {train.loss = "loss"}) {
  %r = train.reshape %x [2, 10] : tensor<4x5xf32> -> tensor<2x10xf32>
  %loss = train.softmax_xent %r, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// The loss: its cotangent is the constant 1.0, and softmax_xent_backward
// reads the logits, the labels (i64 here) and the label smoothing of the
// forward op.
// CHECK-LABEL: module @softmax_xent
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<4xi64> {train.labels = "labels"},
// CHECK-SAME: %[[Z:[^:]+]]: tensor<4x10xf32> {train.param = "logits"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<4x10xf32> {train.grad = "logits"})
// CHECK-NEXT: %[[LOSS:.+]] = train.softmax_xent %[[Z]], %[[L]] label_smoothing = 2.000000e-01 : tensor<4x10xf32>, tensor<4xi64>
// CHECK-NEXT: %[[ONE:.+]] = train.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[DZ:.+]] = train.softmax_xent_backward %[[Z]], %[[L]], %[[ONE]] label_smoothing = 2.000000e-01 : tensor<4x10xf32>, tensor<4xi64>
// CHECK-NEXT: return %[[LOSS]], %[[DZ]] : tensor<f32>, tensor<4x10xf32>
module @softmax_xent {
func.func @forward_loss(%labels: tensor<4xi64> {train.labels = "labels"}, %z: tensor<4x10xf32> {train.param = "logits"}) -> (tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %z, %labels label_smoothing = 0.2 : tensor<4x10xf32>, tensor<4xi64>
  return %loss : tensor<f32>
}
}

// -----

// Fan-out, the residual block: %[[R]] feeds both the convolution and the
// add, so its cotangent is the train.add of the two (the add's first, as the
// reverse walk meets it first), and relu_backward reads the sum.
// CHECK-LABEL: module @residual
// CHECK: func.func @train_step
// CHECK-SAME: (%[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[A:[^:]+]]: tensor<2x4x3x3xf32> {train.param = "a"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x4x3x3xf32> {train.param = "w"})
// CHECK: %[[R:.+]] = train.relu %[[A]]
// CHECK: %[[C:.+]] = train.conv2d %[[R]], %[[W]]
// CHECK: train.add %[[C]], %[[R]]
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DS:.+]] = train.reshape %[[DL]] [2, 4, 3, 3]
// CHECK-NEXT: %[[DCONV:.+]] = train.conv2d_backward_data %[[DS]], %[[W]]
// CHECK-NEXT: %[[DW:.+]] = train.conv2d_backward_filter %[[DS]], %[[R]]
// CHECK-NEXT: %[[DR:.+]] = train.add %[[DS]], %[[DCONV]] : tensor<2x4x3x3xf32>
// CHECK-NEXT: %[[DA:.+]] = train.relu_backward %[[DR]], %[[R]] : tensor<2x4x3x3xf32>
// CHECK-NEXT: return %{{.+}}, %[[DA]], %[[DW]] : tensor<f32>, tensor<2x4x3x3xf32>, tensor<4x4x3x3xf32>
module @residual {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %a: tensor<2x4x3x3xf32> {train.param = "a"}, %w: tensor<4x4x3x3xf32> {train.param = "w"}) -> (tensor<f32> {train.loss = "loss"}) {
  %r = train.relu %a : tensor<2x4x3x3xf32>
  %c = train.conv2d %r, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x4x3x3xf32>, tensor<4x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  %s = train.add %c, %r : tensor<2x4x3x3xf32>
  %f = train.flatten %s axis = 1 : tensor<2x4x3x3xf32> -> tensor<2x36xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x36xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Fan-out within one op: both operands of the add are %p, so %p's
// cotangent is dY + dY.
// CHECK-LABEL: module @same_operand_twice
// CHECK: func.func @train_step
// CHECK: %[[DL:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[DP:.+]] = train.add %[[DL]], %[[DL]] : tensor<2x10xf32>
// CHECK-NEXT: return %{{.+}}, %[[DP]] : tensor<f32>, tensor<2x10xf32>
module @same_operand_twice {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %p: tensor<2x10xf32> {train.param = "p"}) -> (tensor<f32> {train.loss = "loss"}) {
  %s = train.add %p, %p : tensor<2x10xf32>
  %loss = train.softmax_xent %s, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// A parameter the loss does not depend on gets zeros of its own type.
// CHECK-LABEL: module @unused_param
// CHECK: func.func @train_step
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<2x10xf32> {train.grad = "p"}, tensor<3x4xf16> {train.grad = "unused"})
// CHECK: %[[DP:.+]] = train.softmax_xent_backward
// CHECK-NEXT: %[[ZERO:.+]] = train.constant dense<0.000000e+00> : tensor<3x4xf16>
// CHECK-NEXT: return %{{.+}}, %[[DP]], %[[ZERO]] : tensor<f32>, tensor<2x10xf32>, tensor<3x4xf16>
module @unused_param {
func.func @forward_loss(%labels: tensor<2xi32> {train.labels = "labels"}, %p: tensor<2x10xf32> {train.param = "p"}, %unused: tensor<3x4xf16> {train.param = "unused"}) -> (tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %p, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Result order: the loss, then one gradient per parameter in argument order
// (fc.weight before bn.weight and bn.bias although backward computes it
// first; buffers interleaved with the parameters are skipped), then the
// buffer updates. @forward_loss becomes @train_step; @forward is left
// alone.
// CHECK-LABEL: module @order
// CHECK: func.func @forward(%{{[^:]+}}: tensor<2x4xf32> {train.input = "input"}) -> (tensor<2x4xf32> {train.output = "logits"})
// CHECK-NEXT: return
// CHECK-NOT: @forward_loss
// CHECK: func.func @train_step
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x4xf32> {train.input = "input"},
// CHECK-SAME: %[[L:[^:]+]]: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %[[FW:[^:]+]]: tensor<4x4xf32> {train.param = "fc.weight"},
// CHECK-SAME: %[[M:[^:]+]]: tensor<4xf32> {train.buffer = "bn.running_mean"},
// CHECK-SAME: %[[G:[^:]+]]: tensor<4xf32> {train.param = "bn.weight"},
// CHECK-SAME: %[[V:[^:]+]]: tensor<4xf32> {train.buffer = "bn.running_var"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {train.param = "bn.bias"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<4x4xf32> {train.grad = "fc.weight"}, tensor<4xf32> {train.grad = "bn.weight"}, tensor<4xf32> {train.grad = "bn.bias"}, tensor<4xf32> {train.buffer_update = "bn.running_mean"}, tensor<4xf32> {train.buffer_update = "bn.running_var"})
// CHECK: %{{[^,]+}}, %[[RM:[^,]+]], %[[RV:[^,]+]], %{{[^,]+}}, %{{[^,]+}} = train.batch_norm %[[X]], %[[G]], %[[B]], %[[M]], %[[V]]
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK: %[[DY:.+]] = train.gemm %{{.+}}, %[[FW]] trans_a = false trans_b = true
// CHECK-NEXT: %[[DFW:.+]] = train.gemm %{{.+}} trans_a = true trans_b = false
// CHECK-NEXT: %{{[^,]+}}, %[[DG:[^,]+]], %[[DB:[^,]+]] = train.batch_norm_backward %[[DY]], %[[X]], %[[G]],
// CHECK-NEXT: return %[[LOSS]], %[[DFW]], %[[DG]], %[[DB]], %[[RM]], %[[RV]] : tensor<f32>, tensor<4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
// CHECK-NOT: @forward_loss
module @order {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"}) -> (tensor<2x4xf32> {train.output = "logits"}) {
  return %x : tensor<2x4xf32>
}
func.func @forward_loss(
    %x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %fw: tensor<4x4xf32> {train.param = "fc.weight"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %b: tensor<4xf32> {train.param = "bn.bias"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.buffer_update = "bn.running_mean"}, tensor<4xf32> {train.buffer_update = "bn.running_var"}) {
  %y, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4xf32>, tensor<4xf32>
  %o = train.matmul %y, %fw : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %loss = train.softmax_xent %o, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss, %rm, %rv : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// An op without a reverse-mode rule is fine where no operand depends on a
// parameter (a frozen normalisation of the images).
// CHECK-LABEL: module @frozen
// CHECK: func.func @train_step
// CHECK: %[[N:.+]] = train.batch_norm_inference
// CHECK: %[[DY:.+]] = train.reshape
// CHECK-NEXT: %[[DW:.+]] = train.conv2d_backward_filter %[[DY]], %[[N]]
// CHECK-NEXT: return %{{.+}}, %[[DW]] :
module @frozen {
func.func @forward_loss(%x: tensor<2x4x1x1xf32> {train.input = "input"}, %labels: tensor<2xi32> {train.labels = "labels"}, %w: tensor<4x4x1x1xf32> {train.param = "w"}) -> (tensor<f32> {train.loss = "loss"}) {
  %one = train.constant dense<1.0> : tensor<4xf32>
  %zero = train.constant dense<0.0> : tensor<4xf32>
  %n = train.batch_norm_inference %x, %one, %zero, %zero, %one epsilon = 1.0e-05 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %c = train.conv2d %n, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<2x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  %f = train.flatten %c axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// no_forward_loss
// expected-error @+1 {{expected a func.func @forward_loss (run train-prepare-training first)}}
module @no_forward_loss {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"}) -> (tensor<2x4xf32> {train.output = "logits"}) {
  return %x : tensor<2x4xf32>
}
}

// -----

// declaration: a declaration has no graph to differentiate.
// expected-error @+1 {{expected a func.func @forward_loss (run train-prepare-training first)}}
module @declaration {
func.func private @forward_loss(tensor<2x4xf32>) -> tensor<f32>
}

// -----

// train_step_exists
// expected-error @+1 {{the module already has @train_step}}
module @train_step_exists {
func.func @forward_loss(%z: tensor<2x4xf32> {train.param = "z"}, %labels: tensor<2xi32> {train.labels = "labels"}) -> (tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %z, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
func.func @train_step() {
  return
}
}

// -----

// loss_not_first: the loss must come first, before the buffer updates.
module @loss_not_first {
// expected-error @+1 {{the first result of @forward_loss must be the loss (train.loss)}}
func.func @forward_loss(%m: tensor<4xf32> {train.buffer = "bn.running_mean"}, %z: tensor<2x4xf32> {train.param = "z"}, %labels: tensor<2xi32> {train.labels = "labels"}) -> (tensor<4xf32> {train.buffer_update = "bn.running_mean"}, tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %z, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %m, %loss : tensor<4xf32>, tensor<f32>
}
}

// -----

// no_results
module @no_results {
// expected-error @+1 {{the first result of @forward_loss must be the loss (train.loss)}}
func.func @forward_loss(%z: tensor<2x4xf32> {train.param = "z"}) {
  return
}
}

// -----

// no_rule: an inference-form BatchNorm on a parameter-dependent value (the
// conv output) has no rule; train-prepare-training would have turned it into
// the training form.
module @no_rule {
func.func @forward_loss(%x: tensor<2x4x1x1xf32> {train.input = "input"}, %labels: tensor<2xi32> {train.labels = "labels"}, %w: tensor<4x4x1x1xf32> {train.param = "w"}, %g: tensor<4xf32> {train.param = "bn.weight"}, %b: tensor<4xf32> {train.param = "bn.bias"}, %m: tensor<4xf32> {train.buffer = "bn.running_mean"}, %v: tensor<4xf32> {train.buffer = "bn.running_var"}) -> (tensor<f32> {train.loss = "loss"}) {
  %c = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<2x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x1x1xf32>
  // expected-error @+1 {{'train.batch_norm_inference' has no reverse-mode rule}}
  %n = train.batch_norm_inference %c, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %f = train.flatten %n axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// loss_not_tensor: the loss must be a float scalar tensor (this crashed).
module @loss_not_tensor {
// expected-error @+1 {{the loss must be a floating-point scalar tensor, got 'f32'}}
func.func @forward_loss(%a: f32 {train.param = "a"}) -> (f32 {train.loss = "loss"}) {
  return %a : f32
}
}

// -----

// param_not_tensor: so must every parameter be a static float tensor (an
// unused scalar parameter crashed the zero-gradient path).
module @param_not_tensor {
// expected-error @+1 {{parameter #2 must be a statically shaped floating-point tensor, got 'f32'}}
func.func @forward_loss(%z: tensor<2x4xf32> {train.param = "z"}, %labels: tensor<2xi32> {train.labels = "labels"}, %s: f32 {train.param = "s"}) -> (tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %z, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// bn_statistics_in_loss: a loss that reads a BatchNorm's batch statistics
// has a gradient the rule does not model; it is refused, not dropped.
module @bn_statistics_in_loss {
func.func @forward_loss(%x: tensor<2x4xf32> {train.param = "x"}, %labels: tensor<2xi32> {train.labels = "labels"}, %g: tensor<4xf32> {train.param = "g"}, %m: tensor<4xf32> {train.buffer = "m"}, %v: tensor<4xf32> {train.buffer = "v"}) -> (tensor<f32> {train.loss = "loss"}) {
  // expected-error @+1 {{the loss depends on a BatchNorm's statistics; only its normalised output is differentiable}}
  %y, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %g, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4xf32>, tensor<4xf32>
  %bias = train.reshape %bm [1, 4] : tensor<4xf32> -> tensor<1x4xf32>
  %w = train.constant dense<1.0> : tensor<4x4xf32>
  %z = train.gemm %y, %w, %bias trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<4x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  %loss = train.softmax_xent %z, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}
