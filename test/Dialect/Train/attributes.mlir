// RUN: trainc-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// RUN: trainc-opt %s -split-input-file -verify-diagnostics | trainc-opt -split-input-file | FileCheck %s

// The attributes of TrainAttrs.td: #train.role and #train.memory_space on
// the arguments of lowered step functions, and #train.model, the model's
// description (train-describe-model). They print as they parse (the second
// RUN line re-parses the output). Diagnostics, one case each:
//   RoleAttr parser "expected ... train::Role" ............ bad_role
//   "'train.role' must be a #train.role<...>" ............. string_role
//   "'train.memory_space' must be #train.memory_space<host>" device_arg
//   "'train.model' must be a #train.model<...> on the module" dict_model
//   "tensors must be #train.tensor attributes, not ..." .... not_a_tensor
//   "tensor '..' (N bytes at O) does not fit its arena of A bytes" outside
//   "memory_spaces must hold a memory space ... for each of the 12 fields"
//     (ten, the count before ABI version 8) ..................... ten_spaces
//   "input_shape must be a static shape [batch, ...]" ...... no_batch
//   "num_classes must be positive" ......................... no_classes
//   "the model's input and output need names" .............. no_names
//   "arena sizes must be non-negative" ..................... negative
//   TensorDescAttr: "a model tensor needs a name" .......... unnamed
//   "tensor '..' must have a static, non-negative shape" ... negative_dim
//   "tensor '..' must have a non-negative offset" .......... negative_offset
//   "the initial value of tensor '..' must be f32 of its shape" wrong_init
//   "buffer '..' cannot be exempt from weight decay" ....... decayed_buffer
//   "tensor '..' cannot be a buffer initialised as .." ..... buffer_weight
//   "tensor '..' of rank R cannot be initialised as .." .... flat_conv
//   InitRule parser (an unknown rule) ....................... bad_rule
// init_rule is left out when it is `other` (its default) and printed
// otherwise.

// CHECK-LABEL: module @described attributes {train.model = #train.model<
// CHECK-SAME: tensors = [#train.tensor<name = "w", kind = param, shape = [4, 3], offset = 0, init = dense<1.000000e+00> : tensor<4x3xf32>, bn_or_bias = false, init_rule = linear_weight>,
// CHECK-SAME: #train.tensor<name = "m", kind = buffer, shape = [3], offset = 64, init = dense<0.000000e+00> : tensor<3xf32>, bn_or_bias = false>],
// CHECK-SAME: memory_spaces = [0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1], param_bytes = 48, buffer_bytes = 76, state_bytes = 0, arena_bytes = 96,
// CHECK-SAME: optimizer = "sgd", input_shape = [2, 4], num_classes = 3, input_name = "input", output_name = "logits", source = "m.onnx">}
module @described attributes {train.model = #train.model<
    tensors = [#train.tensor<name = "w", kind = param, shape = [4, 3], offset = 0,
                             init = dense<1.0> : tensor<4x3xf32>, bn_or_bias = false,
                             init_rule = linear_weight>,
               #train.tensor<name = "m", kind = buffer, shape = [3], offset = 64,
                             init = dense<0.0> : tensor<3xf32>, bn_or_bias = false,
                             init_rule = other>],
    memory_spaces = [0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1], param_bytes = 48,
    buffer_bytes = 76, state_bytes = 0, arena_bytes = 96, optimizer = "sgd",
    input_shape = [2, 4], num_classes = 3, input_name = "input",
    output_name = "logits", source = "m.onnx">} {
// CHECK: func.func @trainc_eval_step(%{{.+}}: !llvm.ptr {train.memory_space = #train.memory_space<host>, train.role = #train.role<context>}, %{{.+}}: memref<64xi8> {train.role = #train.role<params>})
func.func @trainc_eval_step(%ctx: !llvm.ptr {train.role = #train.role<context>, train.memory_space = #train.memory_space<host>},
                            %params: memref<64xi8> {train.role = #train.role<params>}) {
  return
}
// The roles of ABI version 8's step fields 10 and 11.
// CHECK: func.func @trainc_train_step(%{{.+}}: memref<48xi8> {train.role = #train.role<accum>}, %{{.+}}: memref<16xi8> {train.role = #train.role<stats>})
func.func @trainc_train_step(%accum: memref<48xi8> {train.role = #train.role<accum>},
                             %stats: memref<16xi8> {train.role = #train.role<stats>}) {
  return
}
}

// -----

// expected-error @+2 {{expected ::mlir::train::Role to be one of: context, params, grads, buffers, state, arena, input, labels, output, hyper, accum, stats}}
// expected-error @+1 {{failed to parse Train_RoleAttr parameter 'value' which is to be a `::mlir::train::Role`}}
func.func @bad_role(%a: memref<4xi8> {train.role = #train.role<weights>}) {
  return
}

// -----

// expected-error @+1 {{'train.role' must be a #train.role<...>}}
func.func @string_role(%a: memref<4xi8> {train.role = "params"}) {
  return
}

// -----

// expected-error @+1 {{'train.memory_space' must be #train.memory_space<host>}}
func.func @device_arg(%a: memref<4xi8> {train.memory_space = #train.memory_space<device>}) {
  return
}

// -----

// expected-error @+1 {{'train.model' must be a #train.model<...> on the module}}
module @dict_model attributes {train.model = {param_bytes = 0 : i64}} {
}

// -----

// expected-error @+1 {{tensors must be #train.tensor attributes, not "w"}}
module @not_a_tensor attributes {train.model = #train.model<tensors = ["w"],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [2, 4], num_classes = 3,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{tensor 'w' (48 bytes at 32) does not fit its arena of 64 bytes}}
module @outside attributes {train.model = #train.model<
    tensors = [#train.tensor<name = "w", kind = param, shape = [4, 3], offset = 32,
                             init = dense<1.0> : tensor<4x3xf32>, bn_or_bias = false>],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 64, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [2, 4], num_classes = 3,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{memory_spaces must hold a memory space (0 host, 1 device) for each of the 12 fields of trainc_step_args}}
module @ten_spaces attributes {train.model = #train.model<tensors = [],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [2, 4], num_classes = 3,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{memory_spaces must hold a memory space (0 host, 1 device)}}
module @bad_space attributes {train.model = #train.model<tensors = [],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [2, 4], num_classes = 3,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{input_shape must be a static shape [batch, ...]}}
module @no_batch attributes {train.model = #train.model<tensors = [],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [], num_classes = 3,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{num_classes must be positive}}
module @no_classes attributes {train.model = #train.model<tensors = [],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [2, 4], num_classes = 0,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{the model's input and output need names}}
module @no_names attributes {train.model = #train.model<tensors = [],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = 0, optimizer = "", input_shape = [2, 4], num_classes = 3,
    input_name = "", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{arena sizes must be non-negative}}
module @negative attributes {train.model = #train.model<tensors = [],
    memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 0, buffer_bytes = 0,
    state_bytes = 0, arena_bytes = -64, optimizer = "", input_shape = [2, 4], num_classes = 3,
    input_name = "input", output_name = "logits", source = "">} {
}

// -----

// expected-error @+1 {{a model tensor needs a name}}
module @unnamed attributes {train.t = #train.tensor<name = "", kind = param, shape = [3],
    offset = 0, init = dense<1.0> : tensor<3xf32>, bn_or_bias = false>} {
}

// -----

// expected-error @+1 {{tensor 'w' must have a static, non-negative shape}}
module @negative_dim attributes {train.t = #train.tensor<name = "w", kind = param, shape = [-1],
    offset = 0, init = dense<1.0> : tensor<3xf32>, bn_or_bias = false>} {
}

// -----

// expected-error @+1 {{tensor 'w' must have a non-negative offset}}
module @negative_offset attributes {train.t = #train.tensor<name = "w", kind = param, shape = [3],
    offset = -4, init = dense<1.0> : tensor<3xf32>, bn_or_bias = false>} {
}

// -----

// expected-error @+1 {{the initial value of tensor 'w' must be f32 of its shape}}
module @wrong_init attributes {train.t = #train.tensor<name = "w", kind = param, shape = [3],
    offset = 0, init = dense<1.0> : tensor<4xf32>, bn_or_bias = false>} {
}

// -----

// expected-error @+1 {{buffer 'm' cannot be exempt from weight decay}}
module @decayed_buffer attributes {train.t = #train.tensor<name = "m", kind = buffer, shape = [3],
    offset = 0, init = dense<1.0> : tensor<3xf32>, bn_or_bias = true>} {
}

// -----

// expected-error @+1 {{tensor 'w' cannot be a buffer initialised as conv_weight}}
module @buffer_weight attributes {train.t = #train.tensor<name = "w", kind = buffer, shape = [1, 1, 1, 1],
    offset = 0, init = dense<1.0> : tensor<1x1x1x1xf32>, bn_or_bias = false, init_rule = conv_weight>} {
}

// -----

// expected-error @+1 {{tensor 'w' of rank 2 cannot be initialised as conv_weight}}
module @flat_conv attributes {train.t = #train.tensor<name = "w", kind = param, shape = [2, 2],
    offset = 0, init = dense<1.0> : tensor<2x2xf32>, bn_or_bias = false, init_rule = conv_weight>} {
}

// -----

// expected-error @+3 {{expected ::mlir::train::InitRule to be one of: other, conv_weight, linear_weight, linear_weight_t, bn_scale, bn_shift, bias, bn_mean, bn_var}}
// expected-error @+2 {{failed to parse Train_TensorDescAttr parameter 'init_rule'}}
module @bad_rule attributes {train.t = #train.tensor<name = "w", kind = param, shape = [2],
    offset = 0, init = dense<1.0> : tensor<2xf32>, bn_or_bias = false, init_rule = xavier>} {
}

// -----

// train.layouts (train-assign-layouts): one channel block per result, 0, 8
// or 16, dividing a 4-D result's channels.
// CHECK-LABEL: func.func @blocked_relu
// CHECK: train.relu %{{.*}} {train.layouts = array<i64: 16>}
func.func @blocked_relu(%x: tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32> {
  %y = train.relu %x {train.layouts = array<i64: 16>} : tensor<2x32x4x4xf32>
  return %y : tensor<2x32x4x4xf32>
}

// -----

func.func @layouts_per_result(%x: tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32> {
  // expected-error @+1 {{'train.layouts' must hold one channel block per result}}
  %y = train.relu %x {train.layouts = array<i64: 16, 0>} : tensor<2x32x4x4xf32>
  return %y : tensor<2x32x4x4xf32>
}

// -----

func.func @layouts_block_size(%x: tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32> {
  // expected-error @+1 {{'train.layouts' gives a channel block of 4 to a result whose type is 'tensor<2x32x4x4xf32>' (blocks are 8 or 16 and divide the channels of [N, C, H, W])}}
  %y = train.relu %x {train.layouts = array<i64: 4>} : tensor<2x32x4x4xf32>
  return %y : tensor<2x32x4x4xf32>
}

// -----

func.func @layouts_channels(%x: tensor<2x24x4x4xf32>) -> tensor<2x24x4x4xf32> {
  // expected-error @+1 {{'train.layouts' gives a channel block of 16 to a result whose type is 'tensor<2x24x4x4xf32>'}}
  %y = train.relu %x {train.layouts = array<i64: 16>} : tensor<2x24x4x4xf32>
  return %y : tensor<2x24x4x4xf32>
}

// -----

// A parameter filter in channel blocks: train.layout on the argument,
// train.filter_layout on the convolutions reading it, train.layouts on the
// backward filter writing its gradient (both channel counts divided).
// CHECK-LABEL: func.func @blocked_filter
// CHECK-SAME: {train.layout = 16 : i64, train.param = "w"}
// CHECK: train.conv2d {{.*}}{train.filter_layout = 16 : i64}
// CHECK: train.conv2d_backward_filter {{.*}}{train.layouts = array<i64: 16>}
func.func @blocked_filter(%x: tensor<2x16x4x4xf32>, %w: tensor<32x16x1x1xf32> {train.layout = 16 : i64, train.param = "w"}) -> (tensor<2x32x4x4xf32>, tensor<32x16x1x1xf32>) {
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 {train.filter_layout = 16 : i64} : (tensor<2x16x4x4xf32>, tensor<32x16x1x1xf32>) -> tensor<2x32x4x4xf32>
  %dw = train.conv2d_backward_filter %y, %x strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 {train.layouts = array<i64: 16>} : (tensor<2x32x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<32x16x1x1xf32>
  return %y, %dw : tensor<2x32x4x4xf32>, tensor<32x16x1x1xf32>
}

// -----

// expected-error @+1 {{'train.layout' must be a channel block (8 or 16) dividing both channel counts of a filter argument [O, I, kH, kW]}}
func.func @filter_layout_channels(%w: tensor<24x16x1x1xf32> {train.layout = 16 : i64, train.param = "w"}) {
  return
}

// -----

func.func @filter_layout_groups(%x: tensor<2x32x4x4xf32>, %w: tensor<32x16x1x1xf32>) -> tensor<2x32x4x4xf32> {
  // expected-error @+1 {{'train.filter_layout' must be 8 or 16, on a train.conv2d or train.conv2d_backward_data with groups = 1}}
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 2 {train.filter_layout = 16 : i64} : (tensor<2x32x4x4xf32>, tensor<32x16x1x1xf32>) -> tensor<2x32x4x4xf32>
  return %y : tensor<2x32x4x4xf32>
}

// -----

func.func @backward_filter_layout(%dy: tensor<2x24x4x4xf32>, %x: tensor<2x16x4x4xf32>) -> tensor<24x16x1x1xf32> {
  // expected-error @+1 {{'train.layouts' gives a channel block of 16 to a result whose type is 'tensor<24x16x1x1xf32>' (blocks are 8 or 16 and divide both channel counts of a filter [O, I, kH, kW])}}
  %dw = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 {train.layouts = array<i64: 16>} : (tensor<2x24x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<24x16x1x1xf32>
  return %dw : tensor<24x16x1x1xf32>
}
