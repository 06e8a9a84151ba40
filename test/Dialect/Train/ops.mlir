// RUN: trainc-opt %s | trainc-opt | FileCheck %s
// RUN: trainc-opt %s --mlir-print-op-generic | trainc-opt | FileCheck %s

// Round trip of every train op in every assembly form, together with the
// dialect's argument, result and module attributes. The result types written
// here are the ones the ONNX / PyTorch shape rules give (each was checked
// against torch.nn.functional), so the verifier must accept them and print
// them back unchanged; the second RUN line goes through the generic form.

// CHECK: module attributes {train.opset = 13 : i64, train.source = "resnet18.onnx"}
module attributes {train.source = "resnet18.onnx", train.opset = 13 : i64} {

// CHECK-LABEL: func.func @constant
// CHECK: %[[C0:.+]] = train.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK: %[[C1:.+]] = train.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf16>
// CHECK: %[[C2:.+]] = train.constant dense<5.000000e-01> : tensor<f64>
// CHECK: %[[C3:.+]] = train.constant dense<0.000000e+00> : tensor<1x0xbf16>
// CHECK: %[[C4:.+]] = train.constant dense_resource<half_minus_one> : tensor<2xf32>
// CHECK: return %[[C0]], %[[C1]], %[[C2]], %[[C3]], %[[C4]] :
func.func @constant() -> (tensor<4xf32>, tensor<2x2xf16>, tensor<f64>, tensor<1x0xbf16>, tensor<2xf32>) {
  %0 = train.constant dense<1.0> : tensor<4xf32>
  %1 = train.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf16>
  %2 = train.constant dense<0.5> : tensor<f64>
  %3 = train.constant dense<0.0> : tensor<1x0xbf16>
  %4 = train.constant dense_resource<half_minus_one> : tensor<2xf32>
  return %0, %1, %2, %3, %4 : tensor<4xf32>, tensor<2x2xf16>, tensor<f64>, tensor<1x0xbf16>, tensor<2xf32>
}

// Flatten at every axis in [0, rank].
// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x3x4x5xf32>)
// CHECK: train.flatten %[[X]] axis = 0 : tensor<2x3x4x5xf32> -> tensor<1x120xf32>
// CHECK: train.flatten %[[X]] axis = 1 : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
// CHECK: train.flatten %[[X]] axis = 3 : tensor<2x3x4x5xf32> -> tensor<24x5xf32>
// CHECK: train.flatten %[[X]] axis = 4 : tensor<2x3x4x5xf32> -> tensor<120x1xf32>
func.func @flatten(%x: tensor<2x3x4x5xf32>) -> (tensor<1x120xf32>, tensor<2x60xf32>, tensor<24x5xf32>, tensor<120x1xf32>) {
  %0 = train.flatten %x axis = 0 : tensor<2x3x4x5xf32> -> tensor<1x120xf32>
  %1 = train.flatten %x axis = 1 : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
  %2 = train.flatten %x axis = 3 : tensor<2x3x4x5xf32> -> tensor<24x5xf32>
  %3 = train.flatten %x axis = 4 : tensor<2x3x4x5xf32> -> tensor<120x1xf32>
  return %0, %1, %2, %3 : tensor<1x120xf32>, tensor<2x60xf32>, tensor<24x5xf32>, tensor<120x1xf32>
}

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x512x1x1xf32>,
// CHECK-SAME: %[[S:[^:]+]]: tensor<1xf16>)
// CHECK: %[[R0:.+]] = train.reshape %[[X]] [8, 512] : tensor<8x512x1x1xf32> -> tensor<8x512xf32>
// CHECK: %[[R1:.+]] = train.reshape %[[R0]] [64, 8, 8] : tensor<8x512xf32> -> tensor<64x8x8xf32>
// CHECK: %[[R2:.+]] = train.reshape %[[S]] [] : tensor<1xf16> -> tensor<f16>
// CHECK: return %[[R0]], %[[R1]], %[[R2]] :
func.func @reshape(%x: tensor<8x512x1x1xf32>, %s: tensor<1xf16>) -> (tensor<8x512xf32>, tensor<64x8x8xf32>, tensor<f16>) {
  %0 = train.reshape %x [8, 512] : tensor<8x512x1x1xf32> -> tensor<8x512xf32>
  %1 = train.reshape %0 [64, 8, 8] : tensor<8x512xf32> -> tensor<64x8x8xf32>
  %2 = train.reshape %s [] : tensor<1xf16> -> tensor<f16>
  return %0, %1, %2 : tensor<8x512xf32>, tensor<64x8x8xf32>, tensor<f16>
}

// ResNet stem, without and with bias: (224 + 3 + 3 - 7) / 2 + 1 = 112.
// CHECK-LABEL: func.func @conv2d_stem
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x3x224x224xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<64x3x7x7xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<64xf32>)
// CHECK: train.conv2d %[[X]], %[[W]] strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<8x64x112x112xf32>
// CHECK: train.conv2d %[[X]], %[[W]], %[[B]] strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<8x64x112x112xf32>
func.func @conv2d_stem(%x: tensor<8x3x224x224xf32>, %w: tensor<64x3x7x7xf32>, %b: tensor<64xf32>) -> (tensor<8x64x112x112xf32>, tensor<8x64x112x112xf32>) {
  %0 = train.conv2d %x, %w strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>) -> tensor<8x64x112x112xf32>
  %1 = train.conv2d %x, %w, %b strides = [2, 2] pads = [3, 3, 3, 3] dilations = [1, 1] groups = 1 : (tensor<8x3x224x224xf32>, tensor<64x3x7x7xf32>, tensor<64xf32>) -> tensor<8x64x112x112xf32>
  return %0, %1 : tensor<8x64x112x112xf32>, tensor<8x64x112x112xf32>
}

// 3x3 "same" convolution and the 1x1 stride-2 downsample of a ResNet block.
// CHECK-LABEL: func.func @conv2d_same_and_downsample
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[W3:[^:]+]]: tensor<64x64x3x3xf32>,
// CHECK-SAME: %[[W1:[^:]+]]: tensor<128x64x1x1xf32>)
// CHECK: train.conv2d %[[X]], %[[W3]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<8x64x56x56xf32>
// CHECK: train.conv2d %[[X]], %[[W1]] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x64x56x56xf32>, tensor<128x64x1x1xf32>) -> tensor<8x128x28x28xf32>
func.func @conv2d_same_and_downsample(%x: tensor<8x64x56x56xf32>, %w3: tensor<64x64x3x3xf32>, %w1: tensor<128x64x1x1xf32>) -> (tensor<8x64x56x56xf32>, tensor<8x128x28x28xf32>) {
  %0 = train.conv2d %x, %w3 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<8x64x56x56xf32>, tensor<64x64x3x3xf32>) -> tensor<8x64x56x56xf32>
  %1 = train.conv2d %x, %w1 strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<8x64x56x56xf32>, tensor<128x64x1x1xf32>) -> tensor<8x128x28x28xf32>
  return %0, %1 : tensor<8x64x56x56xf32>, tensor<8x128x28x28xf32>
}

// Grouped (32 channels in 4 groups of 8) and depthwise (groups = C) with bias.
// CHECK-LABEL: func.func @conv2d_grouped
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x32x10x10xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<64x8x3x3xf32>,
// CHECK-SAME: %[[DW:[^:]+]]: tensor<32x1x3x3xf32>,
// CHECK-SAME: %[[DB:[^:]+]]: tensor<32xf32>)
// CHECK: train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x32x10x10xf32>, tensor<64x8x3x3xf32>) -> tensor<1x64x8x8xf32>
// CHECK: train.conv2d %[[X]], %[[DW]], %[[DB]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x10x10xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<1x32x10x10xf32>
func.func @conv2d_grouped(%x: tensor<1x32x10x10xf32>, %w: tensor<64x8x3x3xf32>, %dw: tensor<32x1x3x3xf32>, %db: tensor<32xf32>) -> (tensor<1x64x8x8xf32>, tensor<1x32x10x10xf32>) {
  %0 = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : (tensor<1x32x10x10xf32>, tensor<64x8x3x3xf32>) -> tensor<1x64x8x8xf32>
  %1 = train.conv2d %x, %dw, %db strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 32 : (tensor<1x32x10x10xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>) -> tensor<1x32x10x10xf32>
  return %0, %1 : tensor<1x64x8x8xf32>, tensor<1x32x10x10xf32>
}

// Dilation d widens a 3-tap window to 2d + 1: 10 - 5 + 1 = 6, 10 - 7 + 1 = 4.
// CHECK-LABEL: func.func @conv2d_dilated
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x4x10x10xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<8x4x3x3xf32>)
// CHECK: train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 1 : (tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
// CHECK: train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 3] groups = 1 : (tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x4xf32>
// CHECK: train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [2, 2, 2, 2] dilations = [2, 2] groups = 1 : (tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x10x10xf32>
func.func @conv2d_dilated(%x: tensor<1x4x10x10xf32>, %w: tensor<8x4x3x3xf32>) -> (tensor<1x8x6x6xf32>, tensor<1x8x6x4xf32>, tensor<1x8x10x10xf32>) {
  %0 = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] groups = 1 : (tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  %1 = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 3] groups = 1 : (tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x4xf32>
  %2 = train.conv2d %x, %w strides = [1, 1] pads = [2, 2, 2, 2] dilations = [2, 2] groups = 1 : (tensor<1x4x10x10xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x10x10xf32>
  return %0, %1, %2 : tensor<1x8x6x6xf32>, tensor<1x8x6x4xf32>, tensor<1x8x10x10xf32>
}

// pads = [top, left, bottom, right]: OH = 7 + 0 + 2 - 3 + 1 = 7 and
// OW = 7 + 1 + 3 - 3 + 1 = 9 (reading them as [top, bottom, left, right]
// would give 6x10).
// CHECK-LABEL: func.func @conv2d_asymmetric_pads
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x3x7x7xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x3x3x3xf32>)
// CHECK: train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [0, 1, 2, 3] dilations = [1, 1] groups = 1 : (tensor<1x3x7x7xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x7x9xf32>
func.func @conv2d_asymmetric_pads(%x: tensor<1x3x7x7xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x7x9xf32> {
  %0 = train.conv2d %x, %w strides = [1, 1] pads = [0, 1, 2, 3] dilations = [1, 1] groups = 1 : (tensor<1x3x7x7xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x7x9xf32>
  return %0 : tensor<1x4x7x9xf32>
}

// Unequal strides round down: (9 - 3) / 2 + 1 = 4 and (8 - 3) / 3 + 1 = 2.
// CHECK-LABEL: func.func @conv2d_strided
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x3x9x8xf16>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<2x3x3x3xf16>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<2xf16>)
// CHECK: train.conv2d %[[X]], %[[W]], %[[B]] strides = [2, 3] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x9x8xf16>, tensor<2x3x3x3xf16>, tensor<2xf16>) -> tensor<1x2x4x2xf16>
func.func @conv2d_strided(%x: tensor<1x3x9x8xf16>, %w: tensor<2x3x3x3xf16>, %b: tensor<2xf16>) -> tensor<1x2x4x2xf16> {
  %0 = train.conv2d %x, %w, %b strides = [2, 3] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x9x8xf16>, tensor<2x3x3x3xf16>, tensor<2xf16>) -> tensor<1x2x4x2xf16>
  return %0 : tensor<1x2x4x2xf16>
}

// The classifier head as ONNX exports it (trans_b = 1, C = bias).
// CHECK-LABEL: func.func @gemm_fc
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x512xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<1000x512xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<1000xf32>)
// CHECK: train.gemm %[[X]], %[[W]], %[[B]] trans_a = false trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<8x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<8x1000xf32>
func.func @gemm_fc(%x: tensor<8x512xf32>, %w: tensor<1000x512xf32>, %b: tensor<1000xf32>) -> tensor<8x1000xf32> {
  %0 = train.gemm %x, %w, %b trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<8x512xf32>, tensor<1000x512xf32>, tensor<1000xf32>) -> tensor<8x1000xf32>
  return %0 : tensor<8x1000xf32>
}

// Without C, all four transpose combinations; op(A) is 4x3, op(B) is 3x5.
// CHECK-LABEL: func.func @gemm_transposes
// CHECK-SAME: (%[[A:[^:]+]]: tensor<4x3xf32>,
// CHECK-SAME: %[[AT:[^:]+]]: tensor<3x4xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<3x5xf32>,
// CHECK-SAME: %[[BT:[^:]+]]: tensor<5x3xf32>)
// CHECK: train.gemm %[[A]], %[[B]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[AT]], %[[B]] trans_a = true trans_b = false alpha = 5.000000e-01 beta = 0.000000e+00 : (tensor<3x4xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[BT]] trans_a = false trans_b = true alpha = 2.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[AT]], %[[BT]] trans_a = true trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<3x4xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
func.func @gemm_transposes(%a: tensor<4x3xf32>, %at: tensor<3x4xf32>, %b: tensor<3x5xf32>, %bt: tensor<5x3xf32>) -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) {
  %0 = train.gemm %a, %b trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %1 = train.gemm %at, %b trans_a = true trans_b = false alpha = 5.0e-01 beta = 0.0 : (tensor<3x4xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %2 = train.gemm %a, %bt trans_a = false trans_b = true alpha = 2.0 beta = 1.0 : (tensor<4x3xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
  %3 = train.gemm %at, %bt trans_a = true trans_b = true alpha = 1.0 beta = 1.0 : (tensor<3x4xf32>, tensor<5x3xf32>) -> tensor<4x5xf32>
  return %0, %1, %2, %3 : tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>
}

// C broadcasts to [M, N] = [4, 5] from [], [N], [1, N], [M, 1], [M, N],
// and (unidirectional broadcasting) from [1] and [1, 1].
// CHECK-LABEL: func.func @gemm_c_broadcast
// CHECK-SAME: (%[[A:[^:]+]]: tensor<4x3xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<3x5xf32>,
// CHECK-SAME: %[[C0:[^:]+]]: tensor<f32>,
// CHECK-SAME: %[[C1:[^:]+]]: tensor<5xf32>,
// CHECK-SAME: %[[C2:[^:]+]]: tensor<1x5xf32>,
// CHECK-SAME: %[[C3:[^:]+]]: tensor<4x1xf32>,
// CHECK-SAME: %[[C4:[^:]+]]: tensor<4x5xf32>,
// CHECK-SAME: %[[C5:[^:]+]]: tensor<1xf32>,
// CHECK-SAME: %[[C6:[^:]+]]: tensor<1x1xf32>)
// CHECK: train.gemm %[[A]], %[[B]], %[[C0]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<f32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[B]], %[[C1]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[B]], %[[C2]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[B]], %[[C3]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4x1xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[B]], %[[C4]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[B]], %[[C5]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
// CHECK: train.gemm %[[A]], %[[B]], %[[C6]] trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1x1xf32>) -> tensor<4x5xf32>
func.func @gemm_c_broadcast(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c0: tensor<f32>, %c1: tensor<5xf32>, %c2: tensor<1x5xf32>, %c3: tensor<4x1xf32>, %c4: tensor<4x5xf32>, %c5: tensor<1xf32>, %c6: tensor<1x1xf32>) -> (tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>) {
  %0 = train.gemm %a, %b, %c0 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<f32>) -> tensor<4x5xf32>
  %1 = train.gemm %a, %b, %c1 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  %2 = train.gemm %a, %b, %c2 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
  %3 = train.gemm %a, %b, %c3 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4x1xf32>) -> tensor<4x5xf32>
  %4 = train.gemm %a, %b, %c4 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  %5 = train.gemm %a, %b, %c5 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1xf32>) -> tensor<4x5xf32>
  %6 = train.gemm %a, %b, %c6 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1x1xf32>) -> tensor<4x5xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>, tensor<4x5xf32>
}

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x512xf32>,
// CHECK-SAME: %[[W:[^:]+]]: tensor<512x10xf32>)
// CHECK: %[[Y:.+]] = train.matmul %[[X]], %[[W]] : (tensor<8x512xf32>, tensor<512x10xf32>) -> tensor<8x10xf32>
// CHECK: return %[[Y]] : tensor<8x10xf32>
func.func @matmul(%x: tensor<8x512xf32>, %w: tensor<512x10xf32>) -> tensor<8x10xf32> {
  %0 = train.matmul %x, %w : (tensor<8x512xf32>, tensor<512x10xf32>) -> tensor<8x10xf32>
  return %0 : tensor<8x10xf32>
}

// Training form: five results (output, running mean and variance, batch mean
// and variance); the boundary values epsilon = 0 and momentum = 1 are legal,
// and a rank-2 input ([N, C], BatchNorm1d) is accepted.
// CHECK-LABEL: func.func @batch_norm
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[G:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[M:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[V:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[X2:[^:]+]]: tensor<8x16xf16>,
// CHECK-SAME: %[[P:[^:]+]]: tensor<16xf16>)
// CHECK: %[[Y:[^,]+]], %[[RM:[^,]+]], %[[RV:[^,]+]], %[[BM:[^,]+]], %[[BV:[^,]+]] = train.batch_norm %[[X]], %[[G]], %[[B]], %[[M]], %[[V]] epsilon = 9.99999974E-6 momentum = 0.899999976 : tensor<8x64x56x56xf32>, tensor<64xf32>
// CHECK: %[[Y2:[^,]+]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}} = train.batch_norm %[[X2]], %[[P]], %[[P]], %[[P]], %[[P]] epsilon = 0.000000e+00 momentum = 1.000000e+00 : tensor<8x16xf16>, tensor<16xf16>
// CHECK: return %[[Y]], %[[RM]], %[[RV]], %[[BM]], %[[BV]], %[[Y2]] : tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8x16xf16>
func.func @batch_norm(%x: tensor<8x64x56x56xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>, %x2: tensor<8x16xf16>, %p: tensor<16xf16>) -> (tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8x16xf16>) {
  %y, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<8x64x56x56xf32>, tensor<64xf32>
  %y2:5 = train.batch_norm %x2, %p, %p, %p, %p epsilon = 0.0 momentum = 1.0 : tensor<8x16xf16>, tensor<16xf16>
  return %y, %rm, %rv, %bm, %bv, %y2#0 : tensor<8x64x56x56xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<8x16xf16>
}

// CHECK-LABEL: func.func @batch_norm_inference
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[G:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[M:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[V:[^:]+]]: tensor<64xf32>,
// CHECK-SAME: %[[X3:[^:]+]]: tensor<2x64x9xf32>)
// CHECK: %[[Y0:.+]] = train.batch_norm_inference %[[X]], %[[G]], %[[B]], %[[M]], %[[V]] epsilon = 9.99999974E-6 : tensor<8x64x56x56xf32>, tensor<64xf32>
// CHECK: %[[Y1:.+]] = train.batch_norm_inference %[[X3]], %[[G]], %[[B]], %[[M]], %[[V]] epsilon = 1.000000e-03 : tensor<2x64x9xf32>, tensor<64xf32>
// CHECK: return %[[Y0]], %[[Y1]] : tensor<8x64x56x56xf32>, tensor<2x64x9xf32>
func.func @batch_norm_inference(%x: tensor<8x64x56x56xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>, %m: tensor<64xf32>, %v: tensor<64xf32>, %x3: tensor<2x64x9xf32>) -> (tensor<8x64x56x56xf32>, tensor<2x64x9xf32>) {
  %0 = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<8x64x56x56xf32>, tensor<64xf32>
  %1 = train.batch_norm_inference %x3, %g, %b, %m, %v epsilon = 1.0e-03 : tensor<2x64x9xf32>, tensor<64xf32>
  return %0, %1 : tensor<8x64x56x56xf32>, tensor<2x64x9xf32>
}

// CHECK-LABEL: func.func @relu_add
// CHECK-SAME: (%[[A:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[B:[^:]+]]: tensor<8x64x56x56xf32>,
// CHECK-SAME: %[[S:[^:]+]]: tensor<f16>)
// CHECK: %[[SUM:.+]] = train.add %[[A]], %[[B]] : tensor<8x64x56x56xf32>
// CHECK: %[[R:.+]] = train.relu %[[SUM]] : tensor<8x64x56x56xf32>
// CHECK: %[[RS:.+]] = train.relu %[[S]] : tensor<f16>
// CHECK: %[[SS:.+]] = train.add %[[RS]], %[[RS]] : tensor<f16>
// CHECK: return %[[R]], %[[SS]] : tensor<8x64x56x56xf32>, tensor<f16>
func.func @relu_add(%a: tensor<8x64x56x56xf32>, %b: tensor<8x64x56x56xf32>, %s: tensor<f16>) -> (tensor<8x64x56x56xf32>, tensor<f16>) {
  %0 = train.add %a, %b : tensor<8x64x56x56xf32>
  %1 = train.relu %0 : tensor<8x64x56x56xf32>
  %2 = train.relu %s : tensor<f16>
  %3 = train.add %2, %2 : tensor<f16>
  return %1, %3 : tensor<8x64x56x56xf32>, tensor<f16>
}

// The ResNet stem pooling: (112 + 1 + 1 - 3) / 2 + 1 = 56.
// CHECK-LABEL: func.func @max_pool2d
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x64x112x112xf32>)
// CHECK: train.max_pool2d %[[X]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<8x64x112x112xf32> -> tensor<8x64x56x56xf32>
func.func @max_pool2d(%x: tensor<8x64x112x112xf32>) -> tensor<8x64x56x56xf32> {
  %0 = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<8x64x112x112xf32> -> tensor<8x64x56x56xf32>
  return %0 : tensor<8x64x56x56xf32>
}

// ceil_mode rounds up: 6x6, kernel 3, stride 2 gives 3x3 with ceil_mode and
// 2x2 without. A last window that would start in the end padding (or past
// the input) is dropped, as PyTorch and ONNX Runtime do:
//   4x4, kernel 1, stride 2, ceil: ceil(3 / 2) + 1 = 3, but window 3 starts
//   at 4 >= 4, so 2;
//   5x5, kernel 2, stride 2, pads 1, ceil: ceil(5 / 2) + 1 = 4, but window 4
//   starts at 6 >= 5 + 1, so 3 (the same as without ceil_mode).
// CHECK-LABEL: func.func @max_pool2d_ceil_mode
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x1x6x6xf32>,
// CHECK-SAME: %[[Y:[^:]+]]: tensor<1x1x4x4xf32>,
// CHECK-SAME: %[[Z:[^:]+]]: tensor<1x1x5x5xf32>)
// CHECK: train.max_pool2d %[[X]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x6x6xf32> -> tensor<1x1x3x3xf32>
// CHECK: train.max_pool2d %[[X]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x1x6x6xf32> -> tensor<1x1x2x2xf32>
// CHECK: train.max_pool2d %[[Y]] kernel = [1, 1] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
// CHECK: train.max_pool2d %[[Z]] kernel = [2, 2] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = true : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
// CHECK: train.max_pool2d %[[Z]] kernel = [2, 2] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
func.func @max_pool2d_ceil_mode(%x: tensor<1x1x6x6xf32>, %y: tensor<1x1x4x4xf32>, %z: tensor<1x1x5x5xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %0 = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x6x6xf32> -> tensor<1x1x3x3xf32>
  %1 = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x1x6x6xf32> -> tensor<1x1x2x2xf32>
  %2 = train.max_pool2d %y kernel = [1, 1] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  %3 = train.max_pool2d %z kernel = [2, 2] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = true : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
  %4 = train.max_pool2d %z kernel = [2, 2] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<1x1x5x5xf32> -> tensor<1x1x3x3xf32>
  return %0, %1, %2, %3, %4 : tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// Dilated windows: 8 - 5 + 1 = 4, 9 - 5 + 1 = 5, 9 - 7 + 1 = 3. The last op
// combines dilation, asymmetric pads and ceil_mode: the dilated window is 3
// wide, OH = (8 + 0 + 1 - 3) / 3 + 1 = 3, OW = ceil((9 + 2 + 0 - 3) / 3) + 1 = 4.
// CHECK-LABEL: func.func @max_pool2d_dilated
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x2x8x9xf32>)
// CHECK: train.max_pool2d %[[X]] kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] ceil_mode = false : tensor<1x2x8x9xf32> -> tensor<1x2x4x5xf32>
// CHECK: train.max_pool2d %[[X]] kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 3] ceil_mode = false : tensor<1x2x8x9xf32> -> tensor<1x2x4x3xf32>
// CHECK: train.max_pool2d %[[X]] kernel = [2, 2] strides = [3, 3] pads = [0, 2, 1, 0] dilations = [2, 2] ceil_mode = true : tensor<1x2x8x9xf32> -> tensor<1x2x3x4xf32>
func.func @max_pool2d_dilated(%x: tensor<1x2x8x9xf32>) -> (tensor<1x2x4x5xf32>, tensor<1x2x4x3xf32>, tensor<1x2x3x4xf32>) {
  %0 = train.max_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 2] ceil_mode = false : tensor<1x2x8x9xf32> -> tensor<1x2x4x5xf32>
  %1 = train.max_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 3] ceil_mode = false : tensor<1x2x8x9xf32> -> tensor<1x2x4x3xf32>
  %2 = train.max_pool2d %x kernel = [2, 2] strides = [3, 3] pads = [0, 2, 1, 0] dilations = [2, 2] ceil_mode = true : tensor<1x2x8x9xf32> -> tensor<1x2x3x4xf32>
  return %0, %1, %2 : tensor<1x2x4x5xf32>, tensor<1x2x4x3xf32>, tensor<1x2x3x4xf32>
}

// count_include_pad changes the divisor, never the shape; ceil_mode follows
// the max_pool2d rule (6x6, kernel 3, stride 2: 3x3 with, 2x2 without).
// CHECK-LABEL: func.func @avg_pool2d
// CHECK-SAME: (%[[X:[^:]+]]: tensor<1x2x8x8xf32>,
// CHECK-SAME: %[[Y:[^:]+]]: tensor<1x1x7x7xf32>,
// CHECK-SAME: %[[Z:[^:]+]]: tensor<1x1x6x6xf32>)
// CHECK: train.avg_pool2d %[[X]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
// CHECK: train.avg_pool2d %[[X]] kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = true : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
// CHECK: train.avg_pool2d %[[Y]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = true : tensor<1x1x7x7xf32> -> tensor<1x1x4x4xf32>
// CHECK: train.avg_pool2d %[[Y]] kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = false : tensor<1x1x7x7xf32> -> tensor<1x1x4x4xf32>
// CHECK: train.avg_pool2d %[[Z]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x6x6xf32> -> tensor<1x1x3x3xf32>
// CHECK: train.avg_pool2d %[[Z]] kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = true : tensor<1x1x6x6xf32> -> tensor<1x1x2x2xf32>
func.func @avg_pool2d(%x: tensor<1x2x8x8xf32>, %y: tensor<1x1x7x7xf32>, %z: tensor<1x1x6x6xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) {
  %0 = train.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  %1 = train.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = true : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  %2 = train.avg_pool2d %y kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = true : tensor<1x1x7x7xf32> -> tensor<1x1x4x4xf32>
  %3 = train.avg_pool2d %y kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = false : tensor<1x1x7x7xf32> -> tensor<1x1x4x4xf32>
  %4 = train.avg_pool2d %z kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = true count_include_pad = false : tensor<1x1x6x6xf32> -> tensor<1x1x3x3xf32>
  %5 = train.avg_pool2d %z kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = true : tensor<1x1x6x6xf32> -> tensor<1x1x2x2xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>
}

// Every spatial dimension becomes 1, for rank 3, 4 and 5.
// CHECK-LABEL: func.func @global_avg_pool
// CHECK-SAME: (%[[X:[^:]+]]: tensor<8x512x7x7xf32>,
// CHECK-SAME: %[[Y:[^:]+]]: tensor<2x4x9xf32>,
// CHECK-SAME: %[[Z:[^:]+]]: tensor<2x4x3x5x6xf16>)
// CHECK: train.global_avg_pool %[[X]] : tensor<8x512x7x7xf32> -> tensor<8x512x1x1xf32>
// CHECK: train.global_avg_pool %[[Y]] : tensor<2x4x9xf32> -> tensor<2x4x1xf32>
// CHECK: train.global_avg_pool %[[Z]] : tensor<2x4x3x5x6xf16> -> tensor<2x4x1x1x1xf16>
func.func @global_avg_pool(%x: tensor<8x512x7x7xf32>, %y: tensor<2x4x9xf32>, %z: tensor<2x4x3x5x6xf16>) -> (tensor<8x512x1x1xf32>, tensor<2x4x1xf32>, tensor<2x4x1x1x1xf16>) {
  %0 = train.global_avg_pool %x : tensor<8x512x7x7xf32> -> tensor<8x512x1x1xf32>
  %1 = train.global_avg_pool %y : tensor<2x4x9xf32> -> tensor<2x4x1xf32>
  %2 = train.global_avg_pool %z : tensor<2x4x3x5x6xf16> -> tensor<2x4x1x1x1xf16>
  return %0, %1, %2 : tensor<8x512x1x1xf32>, tensor<2x4x1xf32>, tensor<2x4x1x1x1xf16>
}

// A small forward graph as the importer writes it: argument attributes
// train.input / train.param / train.buffer / train.init (dense and
// dense_resource), result attributes train.output.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:[^:]+]]: tensor<2x3x8x8xf32> {train.input = "input"},
// CHECK-SAME: %[[W:[^:]+]]: tensor<4x3x3x3xf32> {train.init = dense<1.250000e-01> : tensor<4x3x3x3xf32>, train.param = "conv1.weight"},
// CHECK-SAME: %[[G:[^:]+]]: tensor<4xf32> {train.init = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>, train.param = "bn1.weight"},
// CHECK-SAME: %[[B:[^:]+]]: tensor<4xf32> {train.init = dense<0.000000e+00> : tensor<4xf32>, train.param = "bn1.bias"},
// CHECK-SAME: %[[M:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_mean", train.init = dense_resource<bn1_running_mean> : tensor<4xf32>},
// CHECK-SAME: %[[V:[^:]+]]: tensor<4xf32> {train.buffer = "bn1.running_var"},
// CHECK-SAME: %[[FW:[^:]+]]: tensor<10x4xf32> {train.param = "fc.weight"},
// CHECK-SAME: %[[FB:[^:]+]]: tensor<10xf32> {train.param = "fc.bias"})
// CHECK-SAME: -> (tensor<2x10xf32> {train.output = "logits"}, tensor<4xf32> {train.output = "bn1.running_mean"})
// CHECK: %[[C:.+]] = train.conv2d %[[X]], %[[W]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
// CHECK: %[[Y:[^,]+]], %[[RM:[^,]+]], %{{[^,]+}}, %{{[^,]+}}, %{{[^,]+}} = train.batch_norm %[[C]], %[[G]], %[[B]], %[[M]], %[[V]] epsilon = 9.99999974E-6 momentum = 0.899999976 : tensor<2x4x8x8xf32>, tensor<4xf32>
// CHECK: %[[R:.+]] = train.relu %[[Y]] : tensor<2x4x8x8xf32>
// CHECK: %[[P:.+]] = train.global_avg_pool %[[R]] : tensor<2x4x8x8xf32> -> tensor<2x4x1x1xf32>
// CHECK: %[[F:.+]] = train.flatten %[[P]] axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
// CHECK: %[[O:.+]] = train.gemm %[[F]], %[[FW]], %[[FB]] trans_a = false trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<2x10xf32>
// CHECK: return %[[O]], %[[RM]] : tensor<2x10xf32>, tensor<4xf32>
func.func @forward(
    %x: tensor<2x3x8x8xf32> {train.input = "input"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv1.weight", train.init = dense<0.125> : tensor<4x3x3x3xf32>},
    %g: tensor<4xf32> {train.param = "bn1.weight", train.init = dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>},
    %b: tensor<4xf32> {train.param = "bn1.bias", train.init = dense<0.0> : tensor<4xf32>},
    %m: tensor<4xf32> {train.buffer = "bn1.running_mean", train.init = dense_resource<bn1_running_mean> : tensor<4xf32>},
    %v: tensor<4xf32> {train.buffer = "bn1.running_var"},
    %fw: tensor<10x4xf32> {train.param = "fc.weight"},
    %fb: tensor<10xf32> {train.param = "fc.bias"})
    -> (tensor<2x10xf32> {train.output = "logits"}, tensor<4xf32> {train.output = "bn1.running_mean"}) {
  %c = train.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  %y, %rm, %rv, %bm, %bv = train.batch_norm %c, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x8x8xf32>, tensor<4xf32>
  %r = train.relu %y : tensor<2x4x8x8xf32>
  %p = train.global_avg_pool %r : tensor<2x4x8x8xf32> -> tensor<2x4x1x1xf32>
  %f = train.flatten %p axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %o = train.gemm %f, %fw, %fb trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  return %o, %rm : tensor<2x10xf32>, tensor<4xf32>
}

}

// The blobs: a 4-byte alignment prefix (0x04000000), then little-endian f32
// values: [0.5, -1.0] and [1.0, 2.0, 3.0, 4.0].
// CHECK: {-#
// CHECK-NEXT: dialect_resources: {
// CHECK-NEXT: builtin: {
// CHECK-DAG: half_minus_one: "0x040000000000003F000080BF"
// CHECK-DAG: bn1_running_mean: "0x040000000000803F000000400000404000008040"
// CHECK: #-}
{-#
  dialect_resources: {
    builtin: {
      half_minus_one: "0x040000000000003F000080BF",
      bn1_running_mean: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
