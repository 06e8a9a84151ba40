// RUN: trainc-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic a user can reach from textual IR. Which source
// message each case covers (cases are numbered in order of appearance):
//
// ShapeFunctions.cpp
//   checkRank "<what> must have rank N, got [..]" ........ 1, 2, 21, 30, 31, 36, 37
//   checkArray "'<name>' must have N entries, got M" ..... 3, 4, 5, 22, 24, 29
//   checkArray "'<name>' entries must be >= N, got [..]" . 6, 7, 8, 23, 28
//   "'groups' must be >= 1, got G" ....................... 9
//   "groups (G) must divide the input channels (C)" ...... 10
//   "groups (G) must divide the output channels (M)" ..... 11
//   "filter [..] expects X input channels (...)" ......... 12, 13
//   "bias must have shape [M], got [..]" ................. 14, 15
//   windowExtent "window of extent E does not fit the
//     padded <height|width> of P" ........................ 16, 17, 27
//   "pads [..] must be smaller than the (dilated) window [..]" ..... 25, 26
//   "inner dimensions differ: op(A) is [..] but op(B)" ... 32
//   "operand C [..] does not broadcast to [M, N]" ........ 33, 34
//   "inner dimensions differ: [..] x [..]" (matmul) ...... 38
//   "input must have rank >= 2 ([N, C, ...]), got [..]" .. 39, 46
//   "scale, bias, mean and variance must have shape [C]
//     (the input's channels), got [..]" .................. 40, 41, 47
//   "'epsilon' must be >= 0, got E" ...................... 42, 43, 48
//   "'momentum' must lie in [0, 1], got M" ............... 44, 45
//   "'axis' must lie in [0, R], got A" ................... 50, 51
//   "shape entries must be >= 1, got [..]" ............... 52
//   "cannot reshape [..] (n elements) to [..] (m ...)" ... 53
//   "input must have rank >= 3 ([N, C, d1, ...]), got" ... 54
//   (verifySameShape "operand shapes differ" is used only by the ONNX
//   importer; train.add checks its operands with SameOperandsAndResultType,
//   see 65.)
//
// TrainOps.cpp
//   staticTensorTypes "operand element types differ: A vs B" 18, 35, 49
//   ConstantOp "'value' must be a statically shaped
//     floating-point tensor, got T" ...................... 55, 56
//   staticTensorTypes "expected statically shaped tensor operands" (parse-time
//     inference of batch_norm) ............................ 63, 85
//   (BatchNorm's per-channel operands share one type through ODS's
//   AllTypesMatch, checked before inference: 66, 67.)
//   "shape [..] has too many elements" (overflow) ......... 86
//   "window of K taps with dilation D is too large" ....... 87
//   pads against the dilated window ....................... 88
//
// Result types checked against the inferred ones (InferTypeOpInterface),
//   "inferred type(s) ... are incompatible with return type(s) of
//   operation ..." plus "failed to infer returned types": 19, 20, 57-60;
//   for ops whose format omits the result types (constant, batch_norm,
//   batch_norm_inference) inference runs in the parser, so their errors
//   (39-49, 55, 56) are parse errors; 60 reaches the verifier through the
//   generic form instead.
//
// ODS-generated constraints
//   StaticShapeTensorOf (dynamic shape / non-float) ...... 61, 62, 63, 64, 68
//   AllTypesMatch on batch_norm / batch_norm_inference ... 66, 67
//   SameOperandsAndResultType on add / relu .............. 65, 69
//
// TrainDialect.cpp
//   verifyRegionArgAttribute
//     "'train.input|param|buffer' must be a non-empty string" 70, 71, 72
//     "'train.init' must be an elements attribute" ....... 73
//     "'train.init' of argument #i has type T but the
//       argument has type U" ............................. 74, 75
//     "unknown argument attribute '...'" ................. 76
//     ("'train.init' belongs on a function argument" cannot be reached:
//     MLIR only verifies argument attributes of FunctionOpInterface ops.)
//   verifyRegionResultAttribute
//     "'train.output' must be a non-empty string" ........ 77
//     "unknown result attribute '...'" ................... 78
//   verifyOperationAttribute
//     "'train.source' must be a non-empty string" ........ 79, 80
//     "'train.opset' must be a positive integer" ......... 81, 82
//     "unknown attribute '...'" .......................... 83, 84

//===----------------------------------------------------------------------===//
// train.conv2d
//===----------------------------------------------------------------------===//

// 1
func.func @conv2d_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{input must have rank 4, got [3, 8, 8]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<4x6x6xf32>
  return
}

// -----

// 2
func.func @conv2d_filter_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) {
  // expected-error @+2 {{filter must have rank 4, got [4, 3, 3]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 3
func.func @conv2d_strides_arity(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'strides' must have 2 entries, got 1}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 4: the generic form, with ONNX's two-entry (symmetric) pads.
func.func @conv2d_pads_arity(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'pads' must have 4 entries, got 2}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = "train.conv2d"(%x, %w) <{strides = array<i64: 1, 1>, pads = array<i64: 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64}> : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

// 5
func.func @conv2d_dilations_arity(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'dilations' must have 2 entries, got 3}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 6
func.func @conv2d_zero_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'strides' entries must be >= 1, got [0, 1]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [0, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 7
func.func @conv2d_negative_pad(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'pads' entries must be >= 0, got [0, -1, 0, 0]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, -1, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x5xf32>
  return
}

// -----

// 8
func.func @conv2d_zero_dilation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'dilations' entries must be >= 1, got [1, 0]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 0] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 9
func.func @conv2d_zero_groups(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'groups' must be >= 1, got 0}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 0 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 10
func.func @conv2d_groups_input_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x1x3x3xf32>) {
  // expected-error @+2 {{groups (3) must divide the input channels (4)}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 3 : (tensor<1x4x8x8xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x6x6xf32>
  return
}

// -----

// 11
func.func @conv2d_groups_output_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+2 {{groups (2) must divide the output channels (3)}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x6x6xf32>
  return
}

// -----

// 12
func.func @conv2d_filter_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+2 {{filter [8, 3, 3, 3] expects 3 input channels (3 per group x 1 groups), but the input [1, 4, 8, 8] has 4}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x4x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

// 13: a grouped filter must hold C / groups channels, not C.
func.func @conv2d_grouped_filter_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{filter [8, 4, 3, 3] expects 8 input channels (4 per group x 2 groups), but the input [1, 4, 8, 8] has 4}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

// 14
func.func @conv2d_bias_length(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+2 {{bias must have shape [8], got [4]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<4xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

// 15
func.func @conv2d_bias_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+2 {{bias must have shape [8], got [1, 8]}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<1x8xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

// 16: a dilated 3-tap window spans 2 * 2 + 1 = 5 > 4 rows.
func.func @conv2d_window_height(%x: tensor<1x3x4x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{window of extent 5 does not fit the padded height of 4}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 1] groups = 1 : (tensor<1x3x4x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return
}

// -----

// 17: only the left and right pads count for the width: 2 + 0 + 0 < 3.
func.func @conv2d_window_width(%x: tensor<1x3x8x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{window of extent 3 does not fit the padded width of 2}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [1, 0, 1, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x2xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x1xf32>
  return
}

// -----

// 18
func.func @conv2d_element_types(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'f16'}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 19: (8 - 3) / 2 + 1 = 3, not 4: the division rounds down.
func.func @conv2d_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{'train.conv2d' op inferred type(s) 'tensor<1x4x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x4x4x4xf32>'}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  return
}

// -----

// 20: the result has the input's element type.
func.func @conv2d_result_element_type(%x: tensor<1x3x8x8xf16>, %w: tensor<4x3x3x3xf16>) {
  // expected-error @+2 {{'train.conv2d' op inferred type(s) 'tensor<1x4x6x6xf16>' are incompatible with return type(s) of operation 'tensor<1x4x6x6xf32>'}}
  // expected-error @+1 {{'train.conv2d' op failed to infer returned types}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>) -> tensor<1x4x6x6xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.max_pool2d / train.avg_pool2d
//===----------------------------------------------------------------------===//

// -----

// 21
func.func @max_pool2d_input_rank(%x: tensor<64x8x8xf32>) {
  // expected-error @+2 {{input must have rank 4, got [64, 8, 8]}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<64x8x8xf32> -> tensor<64x4x4xf32>
  return
}

// -----

// 22: the generic form, with a 1-D kernel.
func.func @max_pool2d_kernel_arity(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{'kernel' must have 2 entries, got 1}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = "train.max_pool2d"(%x) <{kernel = array<i64: 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = false}> : (tensor<1x2x8x8xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

// 23
func.func @max_pool2d_zero_kernel(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{'kernel' entries must be >= 1, got [2, 0]}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [2, 0] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return
}

// -----

// 24
func.func @max_pool2d_dilations_arity(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{'dilations' must have 2 entries, got 0}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [] ceil_mode = false : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return
}

// -----

// 25
func.func @max_pool2d_pad_too_large(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{pads [0, 0, 0, 3] must be smaller than the (dilated) window [3, 3]}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 3] dilations = [1, 1] ceil_mode = false : tensor<1x2x8x8xf32> -> tensor<1x2x6x9xf32>
  return
}

// -----

// 26
func.func @avg_pool2d_pad_too_large(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{pads [2, 2, 2, 2] must be smaller than the (dilated) window [2, 2]}}
  // expected-error @+1 {{'train.avg_pool2d' op failed to infer returned types}}
  %y = train.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [2, 2, 2, 2] ceil_mode = false count_include_pad = true : tensor<1x2x8x8xf32> -> tensor<1x2x6x6xf32>
  return
}

// -----

// 27
func.func @avg_pool2d_window_width(%x: tensor<1x2x8x2xf32>) {
  // expected-error @+2 {{window of extent 3 does not fit the padded width of 2}}
  // expected-error @+1 {{'train.avg_pool2d' op failed to infer returned types}}
  %y = train.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x8x2xf32> -> tensor<1x2x6x1xf32>
  return
}

// -----

// 28
func.func @avg_pool2d_zero_stride(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{'strides' entries must be >= 1, got [2, 0]}}
  // expected-error @+1 {{'train.avg_pool2d' op failed to infer returned types}}
  %y = train.avg_pool2d %x kernel = [2, 2] strides = [2, 0] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return
}

// -----

// 29
func.func @avg_pool2d_pads_arity(%x: tensor<1x2x8x8xf32>) {
  // expected-error @+2 {{'pads' must have 4 entries, got 2}}
  // expected-error @+1 {{'train.avg_pool2d' op failed to infer returned types}}
  %y = train.avg_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0] ceil_mode = false count_include_pad = false : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.gemm / train.matmul
//===----------------------------------------------------------------------===//

// -----

// 30
func.func @gemm_a_rank(%a: tensor<3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{operand A must have rank 2, got [3]}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<3xf32>, tensor<3x5xf32>) -> tensor<1x5xf32>
  return
}

// -----

// 31
func.func @gemm_b_rank(%a: tensor<4x3xf32>, %b: tensor<1x3x5xf32>) {
  // expected-error @+2 {{operand B must have rank 2, got [1, 3, 5]}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<1x3x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

// 32: trans_b = true makes op(B) [5, 3] the wrong way round.
func.func @gemm_inner_dims(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{inner dimensions differ: op(A) is [4, 3] but op(B) is [5, 3]}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

// 33: [M] = [4] does not broadcast to [4, 5] (trailing dimensions align).
func.func @gemm_c_broadcast(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<4xf32>) {
  // expected-error @+2 {{operand C [4] does not broadcast to [4, 5]}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b, %c trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<4xf32>) -> tensor<4x5xf32>
  return
}

// -----

// 34
func.func @gemm_c_rank(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<1x4x5xf32>) {
  // expected-error @+2 {{operand C [1, 4, 5] does not broadcast to [4, 5]}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b, %c trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<1x4x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

// 35
func.func @gemm_element_types(%a: tensor<4x3xf32>, %b: tensor<3x5xf32>, %c: tensor<5xbf16>) {
  // expected-error @+2 {{operand element types differ: 'f32' vs 'bf16'}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b, %c trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xbf16>) -> tensor<4x5xf32>
  return
}

// -----

// 36
func.func @matmul_lhs_rank(%a: tensor<2x4x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{lhs must have rank 2, got [2, 4, 3]}}
  // expected-error @+1 {{'train.matmul' op failed to infer returned types}}
  %y = train.matmul %a, %b : (tensor<2x4x3xf32>, tensor<3x5xf32>) -> tensor<2x4x5xf32>
  return
}

// -----

// 37
func.func @matmul_rhs_rank(%a: tensor<4x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+2 {{rhs must have rank 2, got [3]}}
  // expected-error @+1 {{'train.matmul' op failed to infer returned types}}
  %y = train.matmul %a, %b : (tensor<4x3xf32>, tensor<3xf32>) -> tensor<4xf32>
  return
}

// -----

// 38
func.func @matmul_inner_dims(%a: tensor<8x512xf32>, %b: tensor<256x10xf32>) {
  // expected-error @+2 {{inner dimensions differ: [8, 512] x [256, 10]}}
  // expected-error @+1 {{'train.matmul' op failed to infer returned types}}
  %y = train.matmul %a, %b : (tensor<8x512xf32>, tensor<256x10xf32>) -> tensor<8x10xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.batch_norm / train.batch_norm_inference: the format omits the result
// types, so inference (and its errors) happens while parsing.
//===----------------------------------------------------------------------===//

// -----

// 39
func.func @batch_norm_input_rank(%x: tensor<64xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{input must have rank >= 2 ([N, C, ...]), got [64]}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 0.9 : tensor<64xf32>, tensor<64xf32>
  return
}

// -----

// 40
func.func @batch_norm_channels(%x: tensor<8x64x4x4xf32>, %p: tensor<32xf32>) {
  // expected-error @+1 {{scale, bias, mean and variance must have shape [64] (the input's channels), got [32]}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 0.9 : tensor<8x64x4x4xf32>, tensor<32xf32>
  return
}

// -----

// 41: per-channel parameters are [C], not [1, C] or [C, 1, 1].
func.func @batch_norm_param_rank(%x: tensor<8x64x4x4xf32>, %p: tensor<64x1x1xf32>) {
  // expected-error @+1 {{scale, bias, mean and variance must have shape [64] (the input's channels), got [64, 1, 1]}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 0.9 : tensor<8x64x4x4xf32>, tensor<64x1x1xf32>
  return
}

// -----

// 42
func.func @batch_norm_negative_epsilon(%x: tensor<8x64x4x4xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'epsilon' must be >= 0, got -1}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = -1.0 momentum = 0.9 : tensor<8x64x4x4xf32>, tensor<64xf32>
  return
}

// -----

// 43: NaN fails the check too.
func.func @batch_norm_nan_epsilon(%x: tensor<8x64x4x4xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'epsilon' must be >= 0, got nan}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 0x7FC00000 momentum = 0.9 : tensor<8x64x4x4xf32>, tensor<64xf32>
  return
}

// -----

// 44
func.func @batch_norm_momentum_above_one(%x: tensor<8x64x4x4xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'momentum' must lie in [0, 1], got 1.5}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 1.5 : tensor<8x64x4x4xf32>, tensor<64xf32>
  return
}

// -----

// 45
func.func @batch_norm_negative_momentum(%x: tensor<8x64x4x4xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'momentum' must lie in [0, 1], got -0.25}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = -0.25 : tensor<8x64x4x4xf32>, tensor<64xf32>
  return
}

// -----

// 46
func.func @batch_norm_inference_input_rank(%x: tensor<64xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{input must have rank >= 2 ([N, C, ...]), got [64]}}
  %y = train.batch_norm_inference %x, %p, %p, %p, %p epsilon = 1.0e-05 : tensor<64xf32>, tensor<64xf32>
  return
}

// -----

// 47
func.func @batch_norm_inference_channels(%x: tensor<8x64x4x4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{scale, bias, mean and variance must have shape [64] (the input's channels), got [4]}}
  %y = train.batch_norm_inference %x, %p, %p, %p, %p epsilon = 1.0e-05 : tensor<8x64x4x4xf32>, tensor<4xf32>
  return
}

// -----

// 48
func.func @batch_norm_inference_negative_epsilon(%x: tensor<8x64x4x4xf32>, %p: tensor<64xf32>) {
  // expected-error @+1 {{'epsilon' must be >= 0, got -0.001}}
  %y = train.batch_norm_inference %x, %p, %p, %p, %p epsilon = -1.0e-03 : tensor<8x64x4x4xf32>, tensor<64xf32>
  return
}

// -----

// 49
func.func @batch_norm_element_types(%x: tensor<8x64x4x4xf32>, %p: tensor<64xf16>) {
  // expected-error @+1 {{operand element types differ: 'f32' vs 'f16'}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 0.9 : tensor<8x64x4x4xf32>, tensor<64xf16>
  return
}

//===----------------------------------------------------------------------===//
// Shape ops and train.global_avg_pool
//===----------------------------------------------------------------------===//

// -----

// 50
func.func @flatten_axis_above_rank(%x: tensor<2x3x4x5xf32>) {
  // expected-error @+2 {{'axis' must lie in [0, 4], got 5}}
  // expected-error @+1 {{'train.flatten' op failed to infer returned types}}
  %y = train.flatten %x axis = 5 : tensor<2x3x4x5xf32> -> tensor<120x1xf32>
  return
}

// -----

// 51: the importer normalises ONNX's negative axes; the op takes none.
func.func @flatten_negative_axis(%x: tensor<2x3x4x5xf32>) {
  // expected-error @+2 {{'axis' must lie in [0, 4], got -1}}
  // expected-error @+1 {{'train.flatten' op failed to infer returned types}}
  %y = train.flatten %x axis = -1 : tensor<2x3x4x5xf32> -> tensor<24x5xf32>
  return
}

// -----

// 52: the importer resolves ONNX's -1 and 0; the op takes neither.
func.func @reshape_unresolved_entry(%x: tensor<8x512x1x1xf32>) {
  // expected-error @+2 {{shape entries must be >= 1, got [8, -1]}}
  // expected-error @+1 {{'train.reshape' op failed to infer returned types}}
  %y = train.reshape %x [8, -1] : tensor<8x512x1x1xf32> -> tensor<8x512xf32>
  return
}

// -----

// 53
func.func @reshape_element_count(%x: tensor<8x512x1x1xf32>) {
  // expected-error @+2 {{cannot reshape [8, 512, 1, 1] (4096 elements) to [8, 256] (2048 elements)}}
  // expected-error @+1 {{'train.reshape' op failed to infer returned types}}
  %y = train.reshape %x [8, 256] : tensor<8x512x1x1xf32> -> tensor<8x256xf32>
  return
}

// -----

// 54
func.func @global_avg_pool_rank(%x: tensor<8x512xf32>) {
  // expected-error @+2 {{input must have rank >= 3 ([N, C, d1, ...]), got [8, 512]}}
  // expected-error @+1 {{'train.global_avg_pool' op failed to infer returned types}}
  %y = train.global_avg_pool %x : tensor<8x512xf32> -> tensor<8x512xf32>
  return
}

//===----------------------------------------------------------------------===//
// train.constant: the result type is inferred from `value` while parsing.
//===----------------------------------------------------------------------===//

// -----

// 55
func.func @constant_integer() {
  // expected-error @+1 {{'value' must be a statically shaped floating-point tensor, got 'tensor<4xi32>'}}
  %c = train.constant dense<1> : tensor<4xi32>
  return
}

// -----

// 56
func.func @constant_vector() {
  // expected-error @+1 {{'value' must be a statically shaped floating-point tensor, got 'vector<4xf32>'}}
  %c = train.constant dense<1.0> : vector<4xf32>
  return
}

//===----------------------------------------------------------------------===//
// Explicit result types that disagree with the inferred ones
//===----------------------------------------------------------------------===//

// -----

// 57: ceil_mode = true gives 3x3 for 6x6, kernel 3, stride 2, not 2x2.
func.func @max_pool2d_ceil_mode_result(%x: tensor<1x1x6x6xf32>) {
  // expected-error @+2 {{'train.max_pool2d' op inferred type(s) 'tensor<1x1x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x1x2x2xf32>'}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x1x6x6xf32> -> tensor<1x1x2x2xf32>
  return
}

// -----

// 58: ...and ceil_mode = false gives 2x2, not 3x3.
func.func @avg_pool2d_floor_mode_result(%x: tensor<1x1x6x6xf32>) {
  // expected-error @+2 {{'train.avg_pool2d' op inferred type(s) 'tensor<1x1x2x2xf32>' are incompatible with return type(s) of operation 'tensor<1x1x3x3xf32>'}}
  // expected-error @+1 {{'train.avg_pool2d' op failed to infer returned types}}
  %y = train.avg_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = true : tensor<1x1x6x6xf32> -> tensor<1x1x3x3xf32>
  return
}

// -----

// 59
func.func @gemm_result_shape(%a: tensor<3x4xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{'train.gemm' op inferred type(s) 'tensor<4x5xf32>' are incompatible with return type(s) of operation 'tensor<3x5xf32>'}}
  // expected-error @+1 {{'train.gemm' op failed to infer returned types}}
  %y = train.gemm %a, %b trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<3x4xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

// 60: batch_norm's format has no result types; the generic form reaches the
// verifier with a wrong one (the running mean is per channel).
func.func @batch_norm_result_type(%x: tensor<8x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+2 {{'train.batch_norm' op inferred type(s) 'tensor<8x4x2x2xf32>', 'tensor<4xf32>', 'tensor<4xf32>', 'tensor<4xf32>', 'tensor<4xf32>' are incompatible with return type(s) of operation 'tensor<8x4x2x2xf32>', 'tensor<8x4x2x2xf32>', 'tensor<4xf32>', 'tensor<4xf32>', 'tensor<4xf32>'}}
  // expected-error @+1 {{'train.batch_norm' op failed to infer returned types}}
  %y:5 = "train.batch_norm"(%x, %p, %p, %p, %p) <{epsilon = 1.0e-05 : f32, momentum = 0.9 : f32}> : (tensor<8x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<8x4x2x2xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

//===----------------------------------------------------------------------===//
// ODS-generated constraints
//===----------------------------------------------------------------------===//

// -----

// 61: shapes are static.
func.func @conv2d_dynamic_input(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{'train.conv2d' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<?x3x8x8xf32>'}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// 62: an unranked operand is rejected the same way.
func.func @matmul_unranked(%a: tensor<*xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{'train.matmul' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<*xf32>'}}
  %y = train.matmul %a, %b : (tensor<*xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return
}

// -----

// 63: a dynamic batch dimension is refused by batch_norm's parse-time
// inference.
func.func @batch_norm_dynamic_batch(%x: tensor<?x4x2x2xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{expected statically shaped tensor operands, got 'tensor<?x4x2x2xf32>'}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 0.9 : tensor<?x4x2x2xf32>, tensor<4xf32>
  return
}

// -----

// 64
func.func @flatten_dynamic_result(%x: tensor<8x4x4x4xf32>) {
  // expected-error @+1 {{'train.flatten' op result #0 must be statically shaped tensor of floating-point values, but got 'tensor<?x64xf32>'}}
  %y = train.flatten %x axis = 1 : tensor<8x4x4x4xf32> -> tensor<?x64xf32>
  return
}

// -----

// 65: no broadcasting in train.add.
func.func @add_shapes_differ(%a: tensor<8x64xf32>, %b: tensor<1x64xf32>) {
  // expected-error @+1 {{'train.add' op requires the same type for all operands and results}}
  %y = "train.add"(%a, %b) : (tensor<8x64xf32>, tensor<1x64xf32>) -> tensor<8x64xf32>
  return
}

// -----

// 66
func.func @batch_norm_param_types(%x: tensor<8x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<4xf16>) {
  // expected-error @+1 {{'train.batch_norm' op failed to verify that all of {scale, bias, running_mean, running_var} have same type}}
  %y:5 = "train.batch_norm"(%x, %p, %p, %q, %p) <{epsilon = 1.0e-05 : f32, momentum = 0.9 : f32}> : (tensor<8x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, tensor<4xf32>) -> (tensor<8x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

// 67
func.func @batch_norm_inference_param_types(%x: tensor<8x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<5xf32>) {
  // expected-error @+1 {{'train.batch_norm_inference' op failed to verify that all of {scale, bias, mean, variance} have same type}}
  %y = "train.batch_norm_inference"(%x, %p, %p, %p, %q) <{epsilon = 1.0e-05 : f32}> : (tensor<8x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<5xf32>) -> tensor<8x4x2x2xf32>
  return
}

// -----

// 68: floating-point element types only.
func.func @relu_integer(%x: tensor<4xi32>) {
  // expected-error @+1 {{'train.relu' op operand #0 must be statically shaped tensor of floating-point values, but got 'tensor<4xi32>'}}
  %y = train.relu %x : tensor<4xi32>
  return
}

// -----

// 69
func.func @relu_result_type(%x: tensor<4xf32>) {
  // expected-error @+1 {{'train.relu' op requires the same type for all operands and results}}
  %y = "train.relu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return
}

//===----------------------------------------------------------------------===//
// Dialect attributes
//===----------------------------------------------------------------------===//

// -----

// 70
// expected-error @+1 {{'train.input' must be a non-empty string}}
func.func @empty_input_name(%x: tensor<4xf32> {train.input = ""}) {
  return
}

// -----

// 71
// expected-error @+1 {{'train.param' must be a non-empty string}}
func.func @param_name_not_string(%x: tensor<4xf32> {train.param = 1 : i64}) {
  return
}

// -----

// 72
// expected-error @+1 {{'train.buffer' must be a non-empty string}}
func.func @buffer_name_unit(%x: tensor<4xf32> {train.buffer}) {
  return
}

// -----

// 73
// expected-error @+1 {{'train.init' must be an elements attribute}}
func.func @init_not_elements(%x: tensor<4xf32> {train.param = "w", train.init = 1.0 : f32}) {
  return
}

// -----

// 74
// expected-error @+1 {{'train.init' of argument #1 has type 'tensor<3xf32>' but the argument has type 'tensor<4xf32>'}}
func.func @init_shape(%x: tensor<2xf32> {train.input = "x"}, %w: tensor<4xf32> {train.param = "w", train.init = dense<1.0> : tensor<3xf32>}) {
  return
}

// -----

// 75: the value's type must match exactly, element type included.
// expected-error @+1 {{'train.init' of argument #0 has type 'tensor<2xf16>' but the argument has type 'tensor<2xf32>'}}
func.func @init_element_type(%w: tensor<2xf32> {train.buffer = "bn.running_mean", train.init = dense_resource<blob> : tensor<2xf16>}) {
  return
}

{-#
  dialect_resources: {
    builtin: {
      blob: "0x04000000003C0040"
    }
  }
#-}

// -----

// 76
// expected-error @+1 {{unknown argument attribute 'train.output'}}
func.func @unknown_arg_attr(%x: tensor<4xf32> {train.output = "x"}) {
  return
}

// -----

// 77
// expected-error @+1 {{'train.output' must be a non-empty string}}
func.func @empty_output_name(%x: tensor<4xf32>) -> (tensor<4xf32> {train.output = ""}) {
  return %x : tensor<4xf32>
}

// -----

// 78
// expected-error @+1 {{unknown result attribute 'train.input'}}
func.func @unknown_result_attr(%x: tensor<4xf32>) -> (tensor<4xf32> {train.input = "y"}) {
  return %x : tensor<4xf32>
}

// -----

// 79
// expected-error @+1 {{'train.source' must be a non-empty string}}
module attributes {train.source = ""} {
}

// -----

// 80
// expected-error @+1 {{'train.source' must be a non-empty string}}
module attributes {train.source = ["a.onnx"]} {
}

// -----

// 81
// expected-error @+1 {{'train.opset' must be a positive integer}}
module attributes {train.opset = 0 : i64} {
}

// -----

// 82
// expected-error @+1 {{'train.opset' must be a positive integer}}
module attributes {train.opset = "13"} {
}

// -----

// 83
// expected-error @+1 {{unknown attribute 'train.version'}}
module attributes {train.version = 1 : i64} {
}

// -----

// 84: argument attribute names are not operation attributes.
// expected-error @+1 {{unknown attribute 'train.input'}}
func.func @arg_attr_on_op(%x: tensor<4xf32>) attributes {train.input = "x"} {
  return
}

// -----

// 85: a dynamic dimension is refused before any shape rule reads it (it
// used to print ShapedType::kDynamic as a channel count).
func.func @batch_norm_dynamic_channels(%x: tensor<8x?x4x4xf32>, %p: tensor<4xf32>) {
  // expected-error @+1 {{expected statically shaped tensor operands, got 'tensor<8x?x4x4xf32>'}}
  %y:5 = train.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 momentum = 0.9 : tensor<8x?x4x4xf32>, tensor<4xf32>
  return
}

// -----

// 86: element counts are computed with overflow checks.
func.func @reshape_overflow(%x: tensor<0xf32>) {
  // expected-error @+2 {{shape [4294967296, 4294967296] has too many elements}}
  // expected-error @+1 {{'train.reshape' op failed to infer returned types}}
  %y = train.reshape %x [4294967296, 4294967296] : tensor<0xf32> -> tensor<4294967296x4294967296xf32>
  return
}

// -----

// 87: so is the extent of a dilated window.
func.func @max_pool2d_dilation_overflow(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{window of 3 taps with dilation 4611686018427387904 is too large}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [4611686018427387904, 1] ceil_mode = false : tensor<1x1x8x8xf32> -> tensor<1x1x8x8xf32>
  return
}

// -----

// 88: the pad check and its message use the dilated window.
func.func @max_pool2d_pad_vs_dilated_window(%x: tensor<1x1x8x8xf32>) {
  // expected-error @+2 {{pads [3, 3, 3, 3] must be smaller than the (dilated) window [3, 3]}}
  // expected-error @+1 {{'train.max_pool2d' op failed to infer returned types}}
  %y = train.max_pool2d %x kernel = [2, 2] strides = [1, 1] pads = [3, 3, 3, 3] dilations = [2, 2] ceil_mode = false : tensor<1x1x8x8xf32> -> tensor<1x1x11x11xf32>
  return
}
