// RUN: trainc-opt %s | trainc-opt | FileCheck %s
// RUN: trainc-opt %s --mlir-print-op-generic | trainc-opt | FileCheck %s

// Round trip of the loss and backward ops (TrainGradOps.td), with the shapes
// the forward ops of ops.mlir produce. Ops whose result type is explicit
// (conv2d_backward_data / _filter, avg_pool2d_backward,
// global_avg_pool_backward) are verified by applying the forward shape rule
// to that type; where strides make the input extent ambiguous, both
// candidates are accepted. The second RUN line goes through the generic form.

// CHECK-LABEL: func.func @softmax_xent
// CHECK-SAME: (%[[L:[^:]+]]: tensor<128x10xf32>,
// CHECK-SAME: %[[Y32:[^:]+]]: tensor<128xi32>,
// CHECK-SAME: %[[Y64:[^:]+]]: tensor<128xi64>,
// CHECK-SAME: %[[H:[^:]+]]: tensor<8x1000xf16>,
// CHECK-SAME: %[[Y8:[^:]+]]: tensor<8xi8>)
// CHECK: %[[A:.+]] = train.softmax_xent %[[L]], %[[Y32]] label_smoothing = 0.000000e+00 : tensor<128x10xf32>, tensor<128xi32>
// CHECK: %[[B:.+]] = train.softmax_xent %[[L]], %[[Y64]] label_smoothing = 1.000000e-01 : tensor<128x10xf32>, tensor<128xi64>
// CHECK: %[[C:.+]] = train.softmax_xent %[[L]], %[[Y32]] label_smoothing = 1.000000e+00 : tensor<128x10xf32>, tensor<128xi32>
// CHECK: %[[D:.+]] = train.softmax_xent %[[H]], %[[Y8]] label_smoothing = 0.000000e+00 : tensor<8x1000xf16>, tensor<8xi8>
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]] : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
// The loss is an f32 scalar whatever the logits' element type; labels may be
// any integer type; label_smoothing spans [0, 1] inclusive.
func.func @softmax_xent(%l: tensor<128x10xf32>, %y32: tensor<128xi32>, %y64: tensor<128xi64>, %h: tensor<8x1000xf16>, %y8: tensor<8xi8>) -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) {
  %0 = train.softmax_xent %l, %y32 label_smoothing = 0.0 : tensor<128x10xf32>, tensor<128xi32>
  %1 = train.softmax_xent %l, %y64 label_smoothing = 0.1 : tensor<128x10xf32>, tensor<128xi64>
  %2 = train.softmax_xent %l, %y32 label_smoothing = 1.0 : tensor<128x10xf32>, tensor<128xi32>
  %3 = train.softmax_xent %h, %y8 label_smoothing = 0.0 : tensor<8x1000xf16>, tensor<8xi8>
  return %0, %1, %2, %3 : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>
}

// The gradient has the logits' type.
// CHECK-LABEL: func.func @softmax_xent_backward
// CHECK-SAME: (%[[L:[^:]+]]: tensor<128x10xf32>,
// CHECK-SAME: %[[Y32:[^:]+]]: tensor<128xi32>,
// CHECK-SAME: %[[Y64:[^:]+]]: tensor<128xi64>,
// CHECK-SAME: %[[G:[^:]+]]: tensor<f32>,
// CHECK-SAME: %[[H:[^:]+]]: tensor<8x1000xf16>,
// CHECK-SAME: %[[Y8:[^:]+]]: tensor<8xi8>)
// CHECK: %[[A:.+]] = train.softmax_xent_backward %[[L]], %[[Y32]], %[[G]] label_smoothing = 0.000000e+00 : tensor<128x10xf32>, tensor<128xi32>
// CHECK: %[[B:.+]] = train.softmax_xent_backward %[[L]], %[[Y64]], %[[G]] label_smoothing = 1.000000e-01 : tensor<128x10xf32>, tensor<128xi64>
// CHECK: %[[C:.+]] = train.softmax_xent_backward %[[H]], %[[Y8]], %[[G]] label_smoothing = 5.000000e-01 : tensor<8x1000xf16>, tensor<8xi8>
// CHECK: return %[[A]], %[[B]], %[[C]] : tensor<128x10xf32>, tensor<128x10xf32>, tensor<8x1000xf16>
func.func @softmax_xent_backward(%l: tensor<128x10xf32>, %y32: tensor<128xi32>, %y64: tensor<128xi64>, %g: tensor<f32>, %h: tensor<8x1000xf16>, %y8: tensor<8xi8>) -> (tensor<128x10xf32>, tensor<128x10xf32>, tensor<8x1000xf16>) {
  %0 = train.softmax_xent_backward %l, %y32, %g label_smoothing = 0.0 : tensor<128x10xf32>, tensor<128xi32>
  %1 = train.softmax_xent_backward %l, %y64, %g label_smoothing = 0.1 : tensor<128x10xf32>, tensor<128xi64>
  %2 = train.softmax_xent_backward %h, %y8, %g label_smoothing = 0.5 : tensor<8x1000xf16>, tensor<8xi8>
  return %0, %1, %2 : tensor<128x10xf32>, tensor<128x10xf32>, tensor<8x1000xf16>
}

// CHECK-LABEL: func.func @scale
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x10xf32>,
// CHECK-SAME: %[[H:[^:]+]]: tensor<64xf16>)
// CHECK: %[[A:.+]] = train.scale %[[X]] by 5.000000e-01 : tensor<8x10xf32>
// CHECK: %[[B:.+]] = train.scale %[[H]] by -2.000000e+00 : tensor<64xf16>
// CHECK: return %[[A]], %[[B]] :
func.func @scale(%x: tensor<8x10xf32>, %h: tensor<64xf16>) -> (tensor<8x10xf32>, tensor<64xf16>) {
  %0 = train.scale %x by 0.5 : tensor<8x10xf32>
  %1 = train.scale %h by -2.0 : tensor<64xf16>
  return %0, %1 : tensor<8x10xf32>, tensor<64xf16>
}

// Every shape Gemm's C can have, summed down from the [M, N] gradient, plus
// the identity.
// CHECK-LABEL: func.func @reduce_sum_to
// CHECK-SAME: (%[[G:[^:]+]]: tensor<8x10xf32>)
// CHECK: %[[N:.+]] = train.reduce_sum_to %[[G]] : tensor<8x10xf32> -> tensor<10xf32>
// CHECK: %[[ONE_N:.+]] = train.reduce_sum_to %[[G]] : tensor<8x10xf32> -> tensor<1x10xf32>
// CHECK: %[[M_ONE:.+]] = train.reduce_sum_to %[[G]] : tensor<8x10xf32> -> tensor<8x1xf32>
// CHECK: %[[ONE:.+]] = train.reduce_sum_to %[[G]] : tensor<8x10xf32> -> tensor<1xf32>
// CHECK: %[[SCALAR:.+]] = train.reduce_sum_to %[[G]] : tensor<8x10xf32> -> tensor<f32>
// CHECK: %[[SAME:.+]] = train.reduce_sum_to %[[G]] : tensor<8x10xf32> -> tensor<8x10xf32>
// CHECK: return %[[N]], %[[ONE_N]], %[[M_ONE]], %[[ONE]], %[[SCALAR]], %[[SAME]] :
func.func @reduce_sum_to(%g: tensor<8x10xf32>) -> (tensor<10xf32>, tensor<1x10xf32>, tensor<8x1xf32>, tensor<1xf32>, tensor<f32>, tensor<8x10xf32>) {
  %0 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<10xf32>
  %1 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<1x10xf32>
  %2 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<8x1xf32>
  %3 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<1xf32>
  %4 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<f32>
  %5 = train.reduce_sum_to %g : tensor<8x10xf32> -> tensor<8x10xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<10xf32>, tensor<1x10xf32>, tensor<8x1xf32>, tensor<1xf32>, tensor<f32>, tensor<8x10xf32>
}

// relu_backward takes the cotangent first, then the ReLU's output.
// CHECK-LABEL: func.func @relu_backward
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[Y:[^:]+]]: tensor<8x64x56x56xf32>)
// CHECK: %[[DX:.+]] = train.relu_backward %[[DY]], %[[Y]] : tensor<8x64x56x56xf32>
// CHECK: return %[[DX]] :
func.func @relu_backward(%dy: tensor<8x64x56x56xf32>, %y: tensor<8x64x56x56xf32>) -> tensor<8x64x56x56xf32> {
  %0 = train.relu_backward %dy, %y : tensor<8x64x56x56xf32>
  return %0 : tensor<8x64x56x56xf32>
}

// The stride-2 3x3 convolution of a ResNet downsampling block: 56x56 and
// 55x55 inputs both give (H + 2 - 3) / 2 + 1 = 28, so the input's extent is
// given by the result type and both are valid. Same for the 1x1 stride-2
// shortcut, (H - 1) / 2 + 1 = 28.
// CHECK-LABEL: func.func @conv2d_backward_strided
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x128x28x28xf32>,
// CHECK-SAME: %[[W3:[^:]+]]: tensor<128x64x3x3xf32>,
// CHECK-SAME: %[[W1:[^:]+]]: tensor<128x64x1x1xf32>,
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[X55:[^:]+]]: tensor<8x64x55x55xf32>)
// CHECK: train.conv2d_backward_data %[[DY]], %[[W3]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x56x56xf32>
// CHECK: train.conv2d_backward_data %[[DY]], %[[W3]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x55x55xf32>
// CHECK: train.conv2d_backward_data %[[DY]], %[[W1]] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x1x1xf32>) -> tensor<8x64x56x56xf32>
// CHECK: train.conv2d_backward_data %[[DY]], %[[W1]] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x1x1xf32>) -> tensor<8x64x55x55xf32>
// CHECK: train.conv2d_backward_filter %[[DY]], %[[X]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x3x3xf32>
// CHECK: train.conv2d_backward_filter %[[DY]], %[[X55]] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x55x55xf32>) -> tensor<128x64x3x3xf32>
// CHECK: train.conv2d_backward_filter %[[DY]], %[[X]] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x1x1xf32>
func.func @conv2d_backward_strided(%dy: tensor<8x128x28x28xf32>, %w3: tensor<128x64x3x3xf32>, %w1: tensor<128x64x1x1xf32>, %x: tensor<8x64x56x56xf32>, %x55: tensor<8x64x55x55xf32>) -> (tensor<8x64x56x56xf32>, tensor<8x64x55x55xf32>, tensor<8x64x56x56xf32>, tensor<8x64x55x55xf32>, tensor<128x64x3x3xf32>, tensor<128x64x3x3xf32>, tensor<128x64x1x1xf32>) {
  %0 = train.conv2d_backward_data %dy, %w3 strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x56x56xf32>
  %1 = train.conv2d_backward_data %dy, %w3 strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x3x3xf32>) -> tensor<8x64x55x55xf32>
  %2 = train.conv2d_backward_data %dy, %w1 strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x1x1xf32>) -> tensor<8x64x56x56xf32>
  %3 = train.conv2d_backward_data %dy, %w1 strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<128x64x1x1xf32>) -> tensor<8x64x55x55xf32>
  %4 = train.conv2d_backward_filter %dy, %x strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x3x3xf32>
  %5 = train.conv2d_backward_filter %dy, %x55 strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x55x55xf32>) -> tensor<128x64x3x3xf32>
  %6 = train.conv2d_backward_filter %dy, %x strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x128x28x28xf32>, tensor<8x64x56x56xf32>) -> tensor<128x64x1x1xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<8x64x56x56xf32>, tensor<8x64x55x55xf32>, tensor<8x64x56x56xf32>, tensor<8x64x55x55xf32>, tensor<128x64x3x3xf32>, tensor<128x64x3x3xf32>, tensor<128x64x1x1xf32>
}

// The ImageNet ResNet stem, (224 + 3 + 3 - 7) / 2 + 1 = 112; its input
// gradient is rarely needed, but the op accepts it.
// CHECK-LABEL: func.func @conv2d_backward_stem
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x64x112x112xf32>,
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x3x224x224xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<64x3x7x7xf32>)
// CHECK: train.conv2d_backward_filter %[[DY]], %[[X]] strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x64x112x112xf32>, tensor<8x3x224x224xf32>) -> tensor<64x3x7x7xf32>
// CHECK: train.conv2d_backward_data %[[DY]], %[[W]] strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x64x112x112xf32>, tensor<64x3x7x7xf32>) -> tensor<8x3x224x224xf32>
func.func @conv2d_backward_stem(%dy: tensor<8x64x112x112xf32>, %x: tensor<8x3x224x224xf32>, %w: tensor<64x3x7x7xf32>) -> (tensor<64x3x7x7xf32>, tensor<8x3x224x224xf32>) {
  %0 = train.conv2d_backward_filter %dy, %x strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x64x112x112xf32>, tensor<8x3x224x224xf32>) -> tensor<64x3x7x7xf32>
  %1 = train.conv2d_backward_data %dy, %w strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x64x112x112xf32>, tensor<64x3x7x7xf32>) -> tensor<8x3x224x224xf32>
  return %0, %1 : tensor<64x3x7x7xf32>, tensor<8x3x224x224xf32>
}

// Grouped (32 channels in 4 groups of 8, no padding: 10 - 3 + 1 = 8) and
// depthwise (groups = C, "same" padding).
// CHECK-LABEL: func.func @conv2d_backward_grouped
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<1x64x8x8xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<64x8x3x3xf32>,
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x32x10x10xf32>,
// CHECK-SAME: %[[DDY:[^:]+]]: tensor<1x32x10x10xf32>,
// CHECK-SAME: %[[DW:[^:]+]]: tensor<32x1x3x3xf32>)
// CHECK: train.conv2d_backward_data %[[DY]], %[[W]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x64x8x8xf32>, tensor<64x8x3x3xf32>) -> tensor<1x32x10x10xf32>
// CHECK: train.conv2d_backward_filter %[[DY]], %[[X]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x64x8x8xf32>, tensor<1x32x10x10xf32>) -> tensor<64x8x3x3xf32>
// CHECK: train.conv2d_backward_data %[[DDY]], %[[DW]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x10x10xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x10x10xf32>
// CHECK: train.conv2d_backward_filter %[[DDY]], %[[X]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x10x10xf32>, tensor<1x32x10x10xf32>) -> tensor<32x1x3x3xf32>
func.func @conv2d_backward_grouped(%dy: tensor<1x64x8x8xf32>, %w: tensor<64x8x3x3xf32>, %x: tensor<1x32x10x10xf32>, %ddy: tensor<1x32x10x10xf32>, %dw: tensor<32x1x3x3xf32>) -> (tensor<1x32x10x10xf32>, tensor<64x8x3x3xf32>, tensor<1x32x10x10xf32>, tensor<32x1x3x3xf32>) {
  %0 = train.conv2d_backward_data %dy, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x64x8x8xf32>, tensor<64x8x3x3xf32>) -> tensor<1x32x10x10xf32>
  %1 = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x64x8x8xf32>, tensor<1x32x10x10xf32>) -> tensor<64x8x3x3xf32>
  %2 = train.conv2d_backward_data %ddy, %dw strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x10x10xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x10x10xf32>
  %3 = train.conv2d_backward_filter %ddy, %x strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x10x10xf32>, tensor<1x32x10x10xf32>) -> tensor<32x1x3x3xf32>
  return %0, %1, %2, %3 : tensor<1x32x10x10xf32>, tensor<64x8x3x3xf32>, tensor<1x32x10x10xf32>, tensor<32x1x3x3xf32>
}

// Asymmetric pads [top, left, bottom, right] = [0, 1, 2, 3] give 7x9 from
// 7x7; dilation 2 gives 6x6 from 10x10.
// CHECK-LABEL: func.func @conv2d_backward_padded_dilated
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<1x4x7x9xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x3x3x3xf32>,
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x3x7x7xf32>,
// CHECK-SAME: %[[DDY:[^:]+]]: tensor<1x8x6x6xf32>,
// CHECK-SAME: %[[DW:[^:]+]]: tensor<8x4x3x3xf32>,
// CHECK-SAME: %[[DX:[^:]+]]: tensor<1x4x10x10xf32>)
// CHECK: train.conv2d_backward_data %[[DY]], %[[W]] strides = [1, 1] pads = [0, 1, 2, 3] dilations = [1, 1] groups = 1 : (tensor<1x4x7x9xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x7x7xf32>
// CHECK: train.conv2d_backward_filter %[[DY]], %[[X]] strides = [1, 1] pads = [0, 1, 2, 3] dilations = [1, 1] groups = 1 : (tensor<1x4x7x9xf32>, tensor<1x3x7x7xf32>) -> tensor<4x3x3x3xf32>
// CHECK: train.conv2d_backward_data %[[DDY]], %[[DW]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 1 : (tensor<1x8x6x6xf32>, tensor<8x4x3x3xf32>) -> tensor<1x4x10x10xf32>
// CHECK: train.conv2d_backward_filter %[[DDY]], %[[DX]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 1 : (tensor<1x8x6x6xf32>, tensor<1x4x10x10xf32>) -> tensor<8x4x3x3xf32>
func.func @conv2d_backward_padded_dilated(%dy: tensor<1x4x7x9xf32>, %w: tensor<4x3x3x3xf32>, %x: tensor<1x3x7x7xf32>, %ddy: tensor<1x8x6x6xf32>, %dw: tensor<8x4x3x3xf32>, %dx: tensor<1x4x10x10xf32>) -> (tensor<1x3x7x7xf32>, tensor<4x3x3x3xf32>, tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) {
  %0 = train.conv2d_backward_data %dy, %w strides = [1, 1] pads = [0, 1, 2, 3] dilations = [1, 1] groups = 1 : (tensor<1x4x7x9xf32>, tensor<4x3x3x3xf32>) -> tensor<1x3x7x7xf32>
  %1 = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [0, 1, 2, 3] dilations = [1, 1] groups = 1 : (tensor<1x4x7x9xf32>, tensor<1x3x7x7xf32>) -> tensor<4x3x3x3xf32>
  %2 = train.conv2d_backward_data %ddy, %dw strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 1 : (tensor<1x8x6x6xf32>, tensor<8x4x3x3xf32>) -> tensor<1x4x10x10xf32>
  %3 = train.conv2d_backward_filter %ddy, %dx strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 1 : (tensor<1x8x6x6xf32>, tensor<1x4x10x10xf32>) -> tensor<8x4x3x3xf32>
  return %0, %1, %2, %3 : tensor<1x3x7x7xf32>, tensor<4x3x3x3xf32>, tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>
}

// The bias gradient has one entry per output channel (dimension 1).
// CHECK-LABEL: func.func @conv2d_backward_bias
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x128x28x28xf32>,
// CHECK-SAME: %[[DY2:[^:]+]]: tensor<8x16xf16>)
// CHECK: %[[A:.+]] = train.conv2d_backward_bias %[[DY]] : tensor<8x128x28x28xf32> -> tensor<128xf32>
// CHECK: %[[B:.+]] = train.conv2d_backward_bias %[[DY2]] : tensor<8x16xf16> -> tensor<16xf16>
// CHECK: return %[[A]], %[[B]] :
func.func @conv2d_backward_bias(%dy: tensor<8x128x28x28xf32>, %dy2: tensor<8x16xf16>) -> (tensor<128xf32>, tensor<16xf16>) {
  %0 = train.conv2d_backward_bias %dy : tensor<8x128x28x28xf32> -> tensor<128xf32>
  %1 = train.conv2d_backward_bias %dy2 : tensor<8x16xf16> -> tensor<16xf16>
  return %0, %1 : tensor<128xf32>, tensor<16xf16>
}

// Three results: the input's, the scale's and the bias's gradients; for
// NCHW and for [N, C] inputs.
// CHECK-LABEL: func.func @batch_norm_backward
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[G:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[M:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[V:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[DY2:[^:]+]]: tensor<8x10xf32>,
// CHECK-SAME: %[[P:[^:]+]]: tensor<10xf32>)
// CHECK: %[[DX:[^,]+]], %[[DG:[^,]+]], %[[DB:[^,]+]] = train.batch_norm_backward %[[DY]], %[[X]], %[[G]], %[[M]], %[[V]] epsilon = 9.99999974E-6 : tensor<8x64x56x56xf32>, tensor<64xf32>
// CHECK: %[[DX2:[^,]+]], %{{[^,]+}}, %{{[^,]+}} = train.batch_norm_backward %[[DY2]], %[[DY2]], %[[P]], %[[P]], %[[P]] epsilon = 0.000000e+00 : tensor<8x10xf32>, tensor<10xf32>
// CHECK: return %[[DX]], %[[DG]], %[[DB]], %[[DX2]] : tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8x10xf32>
func.func @batch_norm_backward(%dy: tensor<8x64x56x56xf32>, %x: tensor<8x64x56x56xf32>, %g: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>, %dy2: tensor<8x10xf32>, %p: tensor<10xf32>) -> (tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8x10xf32>) {
  %dx, %dg, %db = train.batch_norm_backward %dy, %x, %g, %m, %v epsilon = 1.0e-05 : tensor<8x64x56x56xf32>, tensor<64xf32>
  %dx2, %dg2, %db2 = train.batch_norm_backward %dy2, %dy2, %p, %p, %p epsilon = 0.0 : tensor<8x10xf32>, tensor<10xf32>
  return %dx, %dg, %db, %dx2 : tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8x10xf32>
}

// The stem's 3x3 stride-2 max pooling, (112 + 1 + 1 - 3) / 2 + 1 = 56;
// ceil_mode (6x6, kernel 3, stride 2: 3x3 with, 2x2 without); dilation with
// asymmetric pads and ceil_mode (the 1x2x3x4 case of ops.mlir). The result
// is the input's type.
// CHECK-LABEL: func.func @max_pool2d_backward
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[X:[^:]+]]: tensor<8x64x112x112xf32>,
// CHECK-SAME: %[[DY3:[^:]+]]: tensor<1x1x3x3xf32>,
// CHECK-SAME: %[[DY2:[^:]+]]: tensor<1x1x2x2xf32>,
// CHECK-SAME: %[[X6:[^:]+]]: tensor<1x1x6x6xf32>,
// CHECK-SAME: %[[DYD:[^:]+]]: tensor<1x2x3x4xf32>,
// CHECK-SAME: %[[XD:[^:]+]]: tensor<1x2x8x9xf32>)
// CHECK: %[[A:.+]] = train.max_pool2d_backward %[[DY]], %[[X]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<8x64x56x56xf32>, tensor<8x64x112x112xf32>
// CHECK: %[[B:.+]] = train.max_pool2d_backward %[[DY3]], %[[X6]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x3x3xf32>, tensor<1x1x6x6xf32>
// CHECK: %[[C:.+]] = train.max_pool2d_backward %[[DY2]], %[[X6]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x1x2x2xf32>, tensor<1x1x6x6xf32>
// CHECK: %[[D:.+]] = train.max_pool2d_backward %[[DYD]], %[[XD]] kernel = [2, 2] strides = [3, 3] pads = [0, 2, 1, 0] dilations = [2, 2] ceil_mode = true : tensor<1x2x3x4xf32>, tensor<1x2x8x9xf32>
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]] : tensor<8x64x112x112xf32>, tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>, tensor<1x2x8x9xf32>
func.func @max_pool2d_backward(%dy: tensor<8x64x56x56xf32>, %x: tensor<8x64x112x112xf32>, %dy3: tensor<1x1x3x3xf32>, %dy2: tensor<1x1x2x2xf32>, %x6: tensor<1x1x6x6xf32>, %dyd: tensor<1x2x3x4xf32>, %xd: tensor<1x2x8x9xf32>) -> (tensor<8x64x112x112xf32>, tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>, tensor<1x2x8x9xf32>) {
  %0 = train.max_pool2d_backward %dy, %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<8x64x56x56xf32>, tensor<8x64x112x112xf32>
  %1 = train.max_pool2d_backward %dy3, %x6 kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x3x3xf32>, tensor<1x1x6x6xf32>
  %2 = train.max_pool2d_backward %dy2, %x6 kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x1x2x2xf32>, tensor<1x1x6x6xf32>
  %3 = train.max_pool2d_backward %dyd, %xd kernel = [2, 2] strides = [3, 3] pads = [0, 2, 1, 0] dilations = [2, 2] ceil_mode = true : tensor<1x2x3x4xf32>, tensor<1x2x8x9xf32>
  return %0, %1, %2, %3 : tensor<8x64x112x112xf32>, tensor<1x1x6x6xf32>, tensor<1x1x6x6xf32>, tensor<1x2x8x9xf32>
}

// 2x2 stride-2 pooling of 8x8; 3x3 stride-2 pad-1 pooling of 7x7 (4x4),
// with and without the padding in the divisor; with ceil_mode, 6x6 and 7x7
// both pool to 3x3 (ceil(3 / 2) + 1 and 4 / 2 + 1), so the result type
// decides.
// CHECK-LABEL: func.func @avg_pool2d_backward
// CHECK-SAME: (%[[DY4:[^:]+]]: tensor<1x2x4x4xf32>,
// CHECK-SAME: %[[DYP:[^:]+]]: tensor<1x1x4x4xf32>,
// CHECK-SAME: %[[DY3:[^:]+]]: tensor<1x1x3x3xf32>)
// CHECK: %[[A:.+]] = train.avg_pool2d_backward %[[DY4]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x4x4xf32> -> tensor<1x2x8x8xf32>
// CHECK: %[[B:.+]] = train.avg_pool2d_backward %[[DYP]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = true : tensor<1x1x4x4xf32> -> tensor<1x1x7x7xf32>
// CHECK: %[[C:.+]] = train.avg_pool2d_backward %[[DYP]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = false : tensor<1x1x4x4xf32> -> tensor<1x1x7x7xf32>
// CHECK: %[[D:.+]] = train.avg_pool2d_backward %[[DY3]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x3x3xf32> -> tensor<1x1x6x6xf32>
// CHECK: %[[E:.+]] = train.avg_pool2d_backward %[[DY3]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x3x3xf32> -> tensor<1x1x7x7xf32>
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]], %[[E]] :
func.func @avg_pool2d_backward(%dy4: tensor<1x2x4x4xf32>, %dyp: tensor<1x1x4x4xf32>, %dy3: tensor<1x1x3x3xf32>) -> (tensor<1x2x8x8xf32>, tensor<1x1x7x7xf32>, tensor<1x1x7x7xf32>, tensor<1x1x6x6xf32>, tensor<1x1x7x7xf32>) {
  %0 = train.avg_pool2d_backward %dy4 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x4x4xf32> -> tensor<1x2x8x8xf32>
  %1 = train.avg_pool2d_backward %dyp kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = true : tensor<1x1x4x4xf32> -> tensor<1x1x7x7xf32>
  %2 = train.avg_pool2d_backward %dyp kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = false : tensor<1x1x4x4xf32> -> tensor<1x1x7x7xf32>
  %3 = train.avg_pool2d_backward %dy3 kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x3x3xf32> -> tensor<1x1x6x6xf32>
  %4 = train.avg_pool2d_backward %dy3 kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x3x3xf32> -> tensor<1x1x7x7xf32>
  return %0, %1, %2, %3, %4 : tensor<1x2x8x8xf32>, tensor<1x1x7x7xf32>, tensor<1x1x7x7xf32>, tensor<1x1x6x6xf32>, tensor<1x1x7x7xf32>
}

// Broadcast back over every spatial dimension, for rank 4, 3 and 5.
// CHECK-LABEL: func.func @global_avg_pool_backward
// CHECK-SAME: (%[[DY:[^:]+]]: tensor<8x512x1x1xf32>,
// CHECK-SAME: %[[DY3:[^:]+]]: tensor<2x4x1xf32>,
// CHECK-SAME: %[[DY5:[^:]+]]: tensor<2x4x1x1x1xf16>)
// CHECK: %[[A:.+]] = train.global_avg_pool_backward %[[DY]] : tensor<8x512x1x1xf32> -> tensor<8x512x7x7xf32>
// CHECK: %[[B:.+]] = train.global_avg_pool_backward %[[DY3]] : tensor<2x4x1xf32> -> tensor<2x4x9xf32>
// CHECK: %[[C:.+]] = train.global_avg_pool_backward %[[DY5]] : tensor<2x4x1x1x1xf16> -> tensor<2x4x3x5x6xf16>
// CHECK: return %[[A]], %[[B]], %[[C]] :
func.func @global_avg_pool_backward(%dy: tensor<8x512x1x1xf32>, %dy3: tensor<2x4x1xf32>, %dy5: tensor<2x4x1x1x1xf16>) -> (tensor<8x512x7x7xf32>, tensor<2x4x9xf32>, tensor<2x4x3x5x6xf16>) {
  %0 = train.global_avg_pool_backward %dy : tensor<8x512x1x1xf32> -> tensor<8x512x7x7xf32>
  %1 = train.global_avg_pool_backward %dy3 : tensor<2x4x1xf32> -> tensor<2x4x9xf32>
  %2 = train.global_avg_pool_backward %dy5 : tensor<2x4x1x1x1xf16> -> tensor<2x4x3x5x6xf16>
  return %0, %1, %2 : tensor<8x512x7x7xf32>, tensor<2x4x9xf32>, tensor<2x4x3x5x6xf16>
}

// The attributes the training passes add: train.labels on the labels
// argument, train.loss / train.grad / train.buffer_update on results.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%{{[^:]+}}: tensor<2x10xf32> {train.input = "input"},
// CHECK-SAME: %{{[^:]+}}: tensor<2xi32> {train.labels = "labels"},
// CHECK-SAME: %{{[^:]+}}: tensor<10x10xf32> {train.param = "fc.weight"},
// CHECK-SAME: %{{[^:]+}}: tensor<10xf32> {train.buffer = "bn.running_mean"})
// CHECK-SAME: -> (tensor<f32> {train.loss = "loss"}, tensor<10x10xf32> {train.grad = "fc.weight"}, tensor<10xf32> {train.buffer_update = "bn.running_mean"})
func.func @train_step(%x: tensor<2x10xf32> {train.input = "input"}, %y: tensor<2xi32> {train.labels = "labels"}, %w: tensor<10x10xf32> {train.param = "fc.weight"}, %m: tensor<10xf32> {train.buffer = "bn.running_mean"}) -> (tensor<f32> {train.loss = "loss"}, tensor<10x10xf32> {train.grad = "fc.weight"}, tensor<10xf32> {train.buffer_update = "bn.running_mean"}) {
  %0 = train.softmax_xent %x, %y label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  return %0, %w, %m : tensor<f32>, tensor<10x10xf32>, tensor<10xf32>
}
