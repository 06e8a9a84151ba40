// RUN: trainc-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the loss and backward ops (TrainGradOps.cpp)
// and of the attribute names the training passes add. Which source message
// each case covers (cases are numbered in order of appearance):
//
// TrainGradOps.cpp, verifyXent (train.softmax_xent's verifier and
// train.softmax_xent_backward's type inference)
//   "expected statically shaped tensor operands" ............ 1
//     (softmax_xent_backward only, at parse time: softmax_xent's ODS operand
//     constraints reject a dynamic shape first, 2)
//   "logits must have rank 2 ([N, K]), got [..]" ............ 3, 4
//   "labels must have shape [N], got [..]" .................. 5, 6, 7
//   "labels must be integers, got T" ........................ 8
//     (softmax_xent_backward only, at parse time: softmax_xent's ODS operand
//     constraints reject float labels first, 9)
//   "'label_smoothing' must lie in [0, 1]" .................. 10, 11, 12, 13
//   softmax_xent_backward's inferred result type ............ 14
//   ODS: the loss is an f32 scalar, grad_loss too ........... 15, 16
//
// TrainGradOps.cpp, train.reduce_sum_to
//   "result element type differs from the input's" .......... 17
//   "result shape [..] does not broadcast to the input
//     shape [..]" ........................................... 18, 19, 20
//
// TrainGradOps.cpp, expectShape "grad_output has shape [..] but [..] is
// expected" (the forward rule applied to the explicit or mirrored type)
//   conv2d_backward_data .................................... 21, 22
//   conv2d_backward_filter .................................. 28, 29
//   max_pool2d_backward ..................................... 39, 40
//   avg_pool2d_backward ..................................... 44, 45
//   global_avg_pool_backward ................................ 48, 49
//   (batch_norm_backward's cannot be reached: ODS's AllTypesMatch on
//   grad_output and input is checked first, 36, and the custom format
//   gives both one type.)
//
// ShapeFunctions.cpp rules reached through the backward ops
//   conv2d_backward_data: filter channels 23, groups 24, strides arity 25,
//     window does not fit 26, grad_input rank 27
//   conv2d_backward_filter: filter rank 30, channels per group 31
//   batch_norm_backward: input rank 34, epsilon 35
//   max_pool2d_backward: pads vs window 41, input rank 42
//   avg_pool2d_backward: kernel arity 46, window does not fit 47
//   global_avg_pool_backward: rank >= 3 50
//   staticTensorTypes "operand element types differ" ........ 37, 43
//
// TrainGradOps.cpp, conv2d_backward_bias's inference
//   "grad_output must have rank >= 2 ([N, M, ...]), got [..]" 32
//   inferred type incompatible with the stated result ....... 33
//
// ODS-generated constraints
//   SameOperandsAndResultType on relu_backward / scale ...... 51, 52
//   AllTypesMatch on batch_norm_backward's statistics ....... 38
//
// TrainDialect.cpp, the names added by the training passes
//   accepted when non-empty strings ......................... 53
//   "'train.labels' must be a non-empty string" ............. 54
//   "'train.loss' must be a non-empty string" ............... 55
//   "'train.grad' must be a non-empty string" ............... 56, 57
//   "'train.buffer_update' must be a non-empty string" ...... 58
//   "unknown result attribute 'train.labels'" ............... 59
//   "unknown argument attribute 'train.loss'" ............... 60

//===----------------------------------------------------------------------===//
// train.softmax_xent / train.softmax_xent_backward
//===----------------------------------------------------------------------===//

// 1: the backward op infers its result while parsing, before the operand
// constraints are verified.
func.func @xent_backward_dynamic_logits(%l: tensor<?x10xf32>, %y: tensor<128xi32>, %g: tensor<f32>) {
  // expected-error @+1 {{expected statically shaped tensor operands}}
  %0 = train.softmax_xent_backward %l, %y, %g label_smoothing = 0.0 : tensor<?x10xf32>, tensor<128xi32>
  return
}

// -----

// 2
func.func @xent_dynamic_logits(%l: tensor<?x10xf32>, %y: tensor<128xi32>) {
  // expected-error @+1 {{'train.softmax_xent' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<?x10xf32>'}}
  %0 = train.softmax_xent %l, %y label_smoothing = 0.0 : tensor<?x10xf32>, tensor<128xi32>
  return
}

// -----

// 3: logits straight from global_avg_pool, without the flatten.
func.func @xent_logits_rank(%l: tensor<128x10x1x1xf32>, %y: tensor<128xi32>) {
  // expected-error @+1 {{logits must have rank 2 ([N, K]), got [128, 10, 1, 1]}}
  %0 = train.softmax_xent %l, %y label_smoothing = 0.0 : tensor<128x10x1x1xf32>, tensor<128xi32>
  return
}

// -----

// 4
func.func @xent_backward_logits_rank(%l: tensor<10xf32>, %y: tensor<10xi32>, %g: tensor<f32>) {
  // expected-error @+1 {{logits must have rank 2 ([N, K]), got [10]}}
  %0 = train.softmax_xent_backward %l, %y, %g label_smoothing = 0.0 : tensor<10xf32>, tensor<10xi32>
  return
}

// -----

// 5: one label per sample.
func.func @xent_labels_batch(%l: tensor<128x10xf32>, %y: tensor<64xi32>) {
  // expected-error @+1 {{labels must have shape [128], got [64]}}
  %0 = train.softmax_xent %l, %y label_smoothing = 0.0 : tensor<128x10xf32>, tensor<64xi32>
  return
}

// -----

// 6: class indices, not one-hot rows.
func.func @xent_labels_one_hot(%l: tensor<128x10xf32>, %y: tensor<128x10xi32>) {
  // expected-error @+1 {{labels must have shape [128], got [128, 10]}}
  %0 = train.softmax_xent %l, %y label_smoothing = 0.0 : tensor<128x10xf32>, tensor<128x10xi32>
  return
}

// -----

// 7
func.func @xent_backward_labels_shape(%l: tensor<128x10xf32>, %y: tensor<128x1xi64>, %g: tensor<f32>) {
  // expected-error @+1 {{labels must have shape [128], got [128, 1]}}
  %0 = train.softmax_xent_backward %l, %y, %g label_smoothing = 0.0 : tensor<128x10xf32>, tensor<128x1xi64>
  return
}

// -----

// 8
func.func @xent_backward_float_labels(%l: tensor<128x10xf32>, %y: tensor<128xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{labels must be integers, got 'f32'}}
  %0 = train.softmax_xent_backward %l, %y, %g label_smoothing = 0.0 : tensor<128x10xf32>, tensor<128xf32>
  return
}

// -----

// 9
func.func @xent_float_labels(%l: tensor<128x10xf32>, %y: tensor<128xf32>) {
  // expected-error @+1 {{'train.softmax_xent' op operand #1 must be statically shaped tensor of integer values, but got 'tensor<128xf32>'}}
  %0 = train.softmax_xent %l, %y label_smoothing = 0.0 : tensor<128x10xf32>, tensor<128xf32>
  return
}

// -----

// 10
func.func @xent_negative_smoothing(%l: tensor<128x10xf32>, %y: tensor<128xi32>) {
  // expected-error @+1 {{'label_smoothing' must lie in [0, 1]}}
  %0 = train.softmax_xent %l, %y label_smoothing = -0.1 : tensor<128x10xf32>, tensor<128xi32>
  return
}

// -----

// 11: NaN fails the check too.
func.func @xent_nan_smoothing(%l: tensor<128x10xf32>, %y: tensor<128xi32>) {
  // expected-error @+1 {{'label_smoothing' must lie in [0, 1]}}
  %0 = train.softmax_xent %l, %y label_smoothing = 0x7FC00000 : tensor<128x10xf32>, tensor<128xi32>
  return
}

// -----

// 12
func.func @xent_backward_smoothing_above_one(%l: tensor<128x10xf32>, %y: tensor<128xi32>, %g: tensor<f32>) {
  // expected-error @+1 {{'label_smoothing' must lie in [0, 1]}}
  %0 = train.softmax_xent_backward %l, %y, %g label_smoothing = 1.5 : tensor<128x10xf32>, tensor<128xi32>
  return
}

// -----

// 13: in the generic form the check runs in the verifier.
func.func @xent_backward_smoothing_generic(%l: tensor<128x10xf32>, %y: tensor<128xi32>, %g: tensor<f32>) {
  // expected-error @+2 {{'label_smoothing' must lie in [0, 1]}}
  // expected-error @+1 {{'train.softmax_xent_backward' op failed to infer returned types}}
  %0 = "train.softmax_xent_backward"(%l, %y, %g) <{label_smoothing = 2.0 : f32}> : (tensor<128x10xf32>, tensor<128xi32>, tensor<f32>) -> tensor<128x10xf32>
  return
}

// -----

// 14: the gradient has the logits' type.
func.func @xent_backward_result_type(%l: tensor<128x10xf32>, %y: tensor<128xi32>, %g: tensor<f32>) {
  // expected-error @+2 {{'train.softmax_xent_backward' op inferred type(s) 'tensor<128x10xf32>' are incompatible with return type(s) of operation 'tensor<128x10xf16>'}}
  // expected-error @+1 {{'train.softmax_xent_backward' op failed to infer returned types}}
  %0 = "train.softmax_xent_backward"(%l, %y, %g) <{label_smoothing = 0.0 : f32}> : (tensor<128x10xf32>, tensor<128xi32>, tensor<f32>) -> tensor<128x10xf16>
  return
}

// -----

// 15: the mean loss is a scalar, not one value per sample.
func.func @xent_result_per_sample(%l: tensor<128x10xf32>, %y: tensor<128xi32>) {
  // expected-error @+1 {{'train.softmax_xent' op result #0 must be 0D tensor of 32-bit float values, but got 'tensor<128xf32>'}}
  %0 = "train.softmax_xent"(%l, %y) <{label_smoothing = 0.0 : f32}> : (tensor<128x10xf32>, tensor<128xi32>) -> tensor<128xf32>
  return
}

// -----

// 16
func.func @xent_backward_grad_loss_type(%l: tensor<128x10xf32>, %y: tensor<128xi32>, %g: tensor<f16>) {
  // expected-error @+1 {{'train.softmax_xent_backward' op operand #2 must be 0D tensor of 32-bit float values, but got 'tensor<f16>'}}
  %0 = "train.softmax_xent_backward"(%l, %y, %g) <{label_smoothing = 0.0 : f32}> : (tensor<128x10xf32>, tensor<128xi32>, tensor<f16>) -> tensor<128x10xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.reduce_sum_to
//===----------------------------------------------------------------------===//

// -----

// 17
func.func @reduce_sum_to_element_type(%g: tensor<8x10xf32>) {
  // expected-error @+1 {{'train.reduce_sum_to' op operand element type 'f32' differs from the result's 'f16'}}
  %0 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<10xf16>
  return
}

// -----

// 18
func.func @reduce_sum_to_extent(%g: tensor<8x10xf32>) {
  // expected-error @+1 {{'train.reduce_sum_to' op result shape [5] does not broadcast to the input shape [8, 10]}}
  %0 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<5xf32>
  return
}

// -----

// 19: the result cannot have more dimensions than the input.
func.func @reduce_sum_to_rank(%g: tensor<8x10xf32>) {
  // expected-error @+1 {{'train.reduce_sum_to' op result shape [1, 8, 10] does not broadcast to the input shape [8, 10]}}
  %0 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<1x8x10xf32>
  return
}

// -----

// 20: dimensions align from the right, as in NumPy: [N, 1] is not [1, N]
// transposed.
func.func @reduce_sum_to_transposed(%g: tensor<8x10xf32>) {
  // expected-error @+1 {{'train.reduce_sum_to' op result shape [10, 1] does not broadcast to the input shape [8, 10]}}
  %0 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<10x1xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.conv2d_backward_data
//===----------------------------------------------------------------------===//

// -----

// 21: a 58x58 input would give a 29x29 output with stride 2, pad 1.
func.func @conv2d_backward_data_extent(%dy: tensor<8x128x28x28xf32>, %w: tensor<128x64x3x3xf32>) {
  // expected-error @+1 {{grad_output has shape [8, 128, 28, 28] but [8, 128, 29, 29] is expected}}
  %0 = train.conv2d_backward_data %dy, %w strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x58x58xf32>
  return
}

// -----

// 22: the gradient has the filter's output channels.
func.func @conv2d_backward_data_channels(%dy: tensor<8x64x28x28xf32>, %w: tensor<128x64x3x3xf32>) {
  // expected-error @+1 {{grad_output has shape [8, 64, 28, 28] but [8, 128, 28, 28] is expected}}
  %0 = train.conv2d_backward_data %dy, %w strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x64x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x56x56xf32>
  return
}

// -----

// 23
func.func @conv2d_backward_data_input_channels(%dy: tensor<8x128x28x28xf32>, %w: tensor<128x64x3x3xf32>) {
  // expected-error @+1 {{filter [128, 64, 3, 3] expects 64 input channels (64 per group x 1 groups), but the input [8, 32, 56, 56] has 32}}
  %0 = train.conv2d_backward_data %dy, %w strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x32x56x56xf32>
  return
}

// -----

// 24
func.func @conv2d_backward_data_groups(%dy: tensor<1x64x8x8xf32>, %w: tensor<64x8x3x3xf32>) {
  // expected-error @+1 {{groups (3) must divide the input channels (32)}}
  %0 = train.conv2d_backward_data %dy, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 3 : (tensor<1x64x8x8xf32>, tensor<64x8x3x3xf32>) -> tensor<1x32x10x10xf32>
  return
}

// -----

// 25
func.func @conv2d_backward_data_strides_arity(%dy: tensor<8x128x28x28xf32>, %w: tensor<128x64x3x3xf32>) {
  // expected-error @+1 {{'strides' must have 2 entries, got 1}}
  %0 = train.conv2d_backward_data %dy, %w strides = [2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x56x56xf32>
  return
}

// -----

// 26
func.func @conv2d_backward_data_window(%dy: tensor<1x4x1x1xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{window of extent 3 does not fit the padded height of 2}}
  %0 = train.conv2d_backward_data %dy, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x1x1xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x2x2xf32>
  return
}

// -----

// 27
func.func @conv2d_backward_data_rank(%dy: tensor<8x128x28x28xf32>, %w: tensor<128x64x3x3xf32>) {
  // expected-error @+1 {{input must have rank 4, got [64, 56, 56]}}
  %0 = train.conv2d_backward_data %dy, %w strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<64x56x56xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.conv2d_backward_filter
//===----------------------------------------------------------------------===//

// -----

// 28: a 1x1 filter with pad 1 would give 29x29.
func.func @conv2d_backward_filter_kernel(%dy: tensor<8x128x28x28xf32>, %x: tensor<8x64x56x56xf32>) {
  // expected-error @+1 {{grad_output has shape [8, 128, 28, 28] but [8, 128, 29, 29] is expected}}
  %0 = train.conv2d_backward_filter %dy, %x strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x1x1xf32>
  return
}

// -----

// 29: gradient and input from different batches.
func.func @conv2d_backward_filter_batch(%dy: tensor<4x128x28x28xf32>, %x: tensor<8x64x56x56xf32>) {
  // expected-error @+1 {{grad_output has shape [4, 128, 28, 28] but [8, 128, 28, 28] is expected}}
  %0 = train.conv2d_backward_filter %dy, %x strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<4x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x3x3xf32>
  return
}

// -----

// 30
func.func @conv2d_backward_filter_rank(%dy: tensor<8x128x28x28xf32>, %x: tensor<8x64x56x56xf32>) {
  // expected-error @+1 {{filter must have rank 4, got [128, 64, 9]}}
  %0 = train.conv2d_backward_filter %dy, %x strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x9xf32>
  return
}

// -----

// 31: with 4 groups the filter holds C / 4 = 8 input channels, not C.
func.func @conv2d_backward_filter_groups(%dy: tensor<1x64x8x8xf32>, %x: tensor<1x32x10x10xf32>) {
  // expected-error @+1 {{filter [64, 32, 3, 3] expects 128 input channels (32 per group x 4 groups), but the input [1, 32, 10, 10] has 32}}
  %0 = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x64x8x8xf32>, tensor<1x32x10x10xf32>) -> tensor<64x32x3x3xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.conv2d_backward_bias
//===----------------------------------------------------------------------===//

// -----

// 32
func.func @conv2d_backward_bias_rank(%dy: tensor<8xf32>) {
  // expected-error @+2 {{grad_output must have rank >= 2 ([N, M, ...]), got [8]}}
  // expected-error @+1 {{'train.conv2d_backward_bias' op failed to infer returned types}}
  %0 = train.conv2d_backward_bias %dy : tensor<8xf32> -> tensor<8xf32>
  return
}

// -----

// 33: the bias has one entry per channel (dimension 1), not per column.
func.func @conv2d_backward_bias_result(%dy: tensor<8x128x28x28xf32>) {
  // expected-error @+2 {{'train.conv2d_backward_bias' op inferred type(s) 'tensor<128xf32>' are incompatible with return type(s) of operation 'tensor<28xf32>'}}
  // expected-error @+1 {{'train.conv2d_backward_bias' op failed to infer returned types}}
  %0 = train.conv2d_backward_bias %dy : tensor<8x128x28x28xf32> -> tensor<28xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.batch_norm_backward: the format omits the result types, so inference
// (and its errors) happens while parsing.
//===----------------------------------------------------------------------===//

// -----

// 34
func.func @batch_norm_backward_rank(%dy: tensor<8xf32>, %p: tensor<8xf32>) {
  // expected-error @+1 {{input must have rank >= 2 ([N, C, ...]), got [8]}}
  %0:3 = train.batch_norm_backward %dy, %dy, %p, %p, %p epsilon = 1.0e-05 : tensor<8xf32>, tensor<8xf32>
  return
}

// -----

// 35
func.func @batch_norm_backward_epsilon(%dy: tensor<8x64x56x56xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'epsilon' must be >= 0, got -1}}
  %0:3 = train.batch_norm_backward %dy, %dy, %p, %p, %p epsilon = -1.0 : tensor<8x64x56x56xf32>, tensor<64xf32>
  return
}

// -----

// 36: in the generic form too, the ODS constraint comes before the shape
// check.
func.func @batch_norm_backward_grad_shape(%dy: tensor<8x64x56x56xf32>, %x: tensor<8x64x28x28xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'train.batch_norm_backward' op failed to verify that all of {grad_output, input} have same type}}
  %0:3 = "train.batch_norm_backward"(%dy, %x, %p, %p, %p) <{epsilon = 1.0e-05 : f32}> : (tensor<8x64x56x56xf32>, tensor<8x64x28x28xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) -> (tensor<8x64x28x28xf32>, tensor<64xf32>, tensor<64xf32>)
  return
}

// -----

// 37
func.func @batch_norm_backward_element_types(%dy: tensor<8x64x56x56xf32>, %p: tensor<64xf16>) {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %0:3 = train.batch_norm_backward %dy, %dy, %p, %p, %p epsilon = 1.0e-05 : tensor<8x64x56x56xf32>, tensor<64xf16>
  return
}

// -----

// 38
func.func @batch_norm_backward_stat_types(%dy: tensor<8x64x56x56xf32>, %p: tensor<64xf32>, %q: tensor<32xf32>) {
  // expected-error @+1 {{'train.batch_norm_backward' op failed to verify that all of {scale, batch_mean, batch_var} have same type}}
  %0:3 = "train.batch_norm_backward"(%dy, %dy, %p, %p, %q) <{epsilon = 1.0e-05 : f32}> : (tensor<8x64x56x56xf32>, tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<32xf32>) -> (tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>)
  return
}

//===----------------------------------------------------------------------===//
// train.max_pool2d_backward: inferred from the input while parsing.
//===----------------------------------------------------------------------===//

// -----

// 39: the stem pooling without its padding gives 55x55.
func.func @max_pool2d_backward_extent(%dy: tensor<8x64x56x56xf32>, %x: tensor<8x64x112x112xf32>) {
  // expected-error @+1 {{grad_output has shape [8, 64, 56, 56] but [8, 64, 55, 55] is expected}}
  %0 = train.max_pool2d_backward %dy, %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<8x64x56x56xf32>, tensor<8x64x112x112xf32>
  return
}

// -----

// 40: 3x3 is the ceil_mode size of this pooling; without it, 2x2.
func.func @max_pool2d_backward_ceil_mode(%dy: tensor<1x1x3x3xf32>, %x: tensor<1x1x6x6xf32>) {
  // expected-error @+1 {{grad_output has shape [1, 1, 3, 3] but [1, 1, 2, 2] is expected}}
  %0 = train.max_pool2d_backward %dy, %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x1x3x3xf32>, tensor<1x1x6x6xf32>
  return
}

// -----

// 41
func.func @max_pool2d_backward_pads(%dy: tensor<1x1x5x5xf32>, %x: tensor<1x1x6x6xf32>) {
  // expected-error @+1 {{pads [2, 2, 2, 2] must be smaller than the (dilated) window [2, 2]}}
  %0 = train.max_pool2d_backward %dy, %x kernel = [2, 2] strides = [2, 2] pads = [2, 2, 2, 2] dilations = [1, 1] ceil_mode = false : tensor<1x1x5x5xf32>, tensor<1x1x6x6xf32>
  return
}

// -----

// 42
func.func @max_pool2d_backward_rank(%dy: tensor<64x56x56xf32>, %x: tensor<64x112x112xf32>) {
  // expected-error @+1 {{input must have rank 4, got [64, 112, 112]}}
  %0 = train.max_pool2d_backward %dy, %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<64x56x56xf32>, tensor<64x112x112xf32>
  return
}

// -----

// 43
func.func @max_pool2d_backward_element_types(%dy: tensor<8x64x56x56xf16>, %x: tensor<8x64x112x112xf32>) {
  // expected-error @+1 {{operand element types differ: 'f16' vs 'f32'}}
  %0 = train.max_pool2d_backward %dy, %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<8x64x56x56xf16>, tensor<8x64x112x112xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.avg_pool2d_backward
//===----------------------------------------------------------------------===//

// -----

// 44: a 6x6 input pools to 3x3 with ceil_mode.
func.func @avg_pool2d_backward_ceil_mode(%dy: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{grad_output has shape [1, 1, 2, 2] but [1, 1, 3, 3] is expected}}
  %0 = train.avg_pool2d_backward %dy kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x2x2xf32> -> tensor<1x1x6x6xf32>
  return
}

// -----

// 45: pooling keeps the channels.
func.func @avg_pool2d_backward_channels(%dy: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{grad_output has shape [1, 2, 4, 4] but [1, 4, 4, 4] is expected}}
  %0 = train.avg_pool2d_backward %dy kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x4x4xf32> -> tensor<1x4x8x8xf32>
  return
}

// -----

// 46
func.func @avg_pool2d_backward_kernel_arity(%dy: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{'kernel' must have 2 entries, got 1}}
  %0 = train.avg_pool2d_backward %dy kernel = [2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x4x4xf32> -> tensor<1x2x8x8xf32>
  return
}

// -----

// 47
func.func @avg_pool2d_backward_window(%dy: tensor<1x2x1x1xf32>) {
  // expected-error @+1 {{window of extent 3 does not fit the padded height of 2}}
  %0 = train.avg_pool2d_backward %dy kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x1x1xf32> -> tensor<1x2x2x2xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.global_avg_pool_backward
//===----------------------------------------------------------------------===//

// -----

// 48
func.func @global_avg_pool_backward_channels(%dy: tensor<8x512x1x1xf32>) {
  // expected-error @+1 {{grad_output has shape [8, 512, 1, 1] but [8, 256, 1, 1] is expected}}
  %0 = train.global_avg_pool_backward %dy : tensor<8x512x1x1xf32> -> tensor<8x256x7x7xf32>
  return
}

// -----

// 49: the gradient of a global pooling has extent 1 in every spatial
// dimension.
func.func @global_avg_pool_backward_spatial(%dy: tensor<8x512x7x7xf32>) {
  // expected-error @+1 {{grad_output has shape [8, 512, 7, 7] but [8, 512, 1, 1] is expected}}
  %0 = train.global_avg_pool_backward %dy : tensor<8x512x7x7xf32> -> tensor<8x512x7x7xf32>
  return
}

// -----

// 50
func.func @global_avg_pool_backward_rank(%dy: tensor<8x512xf32>) {
  // expected-error @+1 {{input must have rank >= 3 ([N, C, d1, ...]), got [8, 512]}}
  %0 = train.global_avg_pool_backward %dy : tensor<8x512xf32> -> tensor<8x512xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.relu_backward / train.scale
//===----------------------------------------------------------------------===//

// -----

// 51
func.func @relu_backward_shapes(%dy: tensor<8x64xf32>, %y: tensor<8x32xf32>) {
  // expected-error @+1 {{'train.relu_backward' op requires the same type for all operands and results}}
  %0 = "train.relu_backward"(%dy, %y) : (tensor<8x64xf32>, tensor<8x32xf32>) -> tensor<8x64xf32>
  return
}

// -----

// 52
func.func @scale_result_type(%x: tensor<8x10xf32>) {
  // expected-error @+1 {{'train.scale' op requires the same type for all operands and results}}
  %0 = "train.scale"(%x) <{factor = 0.5 : f32}> : (tensor<8x10xf32>) -> tensor<8x10xf16>
  return
}

//===----------------------------------------------------------------------===//
// Attribute names of the training functions
//===----------------------------------------------------------------------===//

// -----

// 53: accepted (no diagnostic).
func.func @training_names(%x: tensor<2x10xf32> {train.input = "input"}, %y: tensor<2xi32> {train.labels = "labels"}, %w: tensor<10x10xf32> {train.param = "fc.weight"}, %m: tensor<10xf32> {train.buffer = "bn.running_mean"}) -> (tensor<f32> {train.loss = "loss"}, tensor<10x10xf32> {train.grad = "fc.weight"}, tensor<10xf32> {train.buffer_update = "bn.running_mean"}) {
  %0 = train.softmax_xent %x, %y label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %0, %w, %m : tensor<f32>, tensor<10x10xf32>, tensor<10xf32>
}

// -----

// 54
// expected-error @+1 {{'train.labels' must be a non-empty string}}
func.func @empty_labels_name(%y: tensor<2xi32> {train.labels = ""}) {
  return
}

// -----

// 55
// expected-error @+1 {{'train.loss' must be a non-empty string}}
func.func @empty_loss_name(%l: tensor<f32>) -> (tensor<f32> {train.loss = ""}) {
  return %l : tensor<f32>
}

// -----

// 56
// expected-error @+1 {{'train.grad' must be a non-empty string}}
func.func @empty_grad_name(%g: tensor<4xf32>) -> (tensor<4xf32> {train.grad = ""}) {
  return %g : tensor<4xf32>
}

// -----

// 57
// expected-error @+1 {{'train.grad' must be a non-empty string}}
func.func @grad_name_unit(%g: tensor<4xf32>) -> (tensor<4xf32> {train.grad}) {
  return %g : tensor<4xf32>
}

// -----

// 58
// expected-error @+1 {{'train.buffer_update' must be a non-empty string}}
func.func @empty_buffer_update_name(%m: tensor<4xf32>) -> (tensor<4xf32> {train.buffer_update = ""}) {
  return %m : tensor<4xf32>
}

// -----

// 59: labels are an argument, the loss a result.
// expected-error @+1 {{unknown result attribute 'train.labels'}}
func.func @labels_on_result(%y: tensor<2xi32>) -> (tensor<2xi32> {train.labels = "labels"}) {
  return %y : tensor<2xi32>
}

// -----

// 60
// expected-error @+1 {{unknown argument attribute 'train.loss'}}
func.func @loss_on_argument(%l: tensor<f32> {train.loss = "loss"}) {
  return
}
