// RUN: trainc-opt %s -split-input-file -train-describe-model -verify-diagnostics | FileCheck %s
// RUN: not trainc-opt %s -split-input-file -train-describe-model=target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET

// train-describe-model (passes/DescribeModel.cpp): the module attribute
// train.model, from the planned @forward. Diagnostics, one case each:
//   "models with more than one data input are not supported yet" .. two_inputs
//   "the model has no data input" .................................. no_input
//   "expected @forward (and @train_step) planned by train-plan-memory"
//     ....................................................... not_planned
// and, for a target the compiler does not know, "unknown target 'tpu'
// (known: cpu, cuda)" (TARGET, on every module).

// The description: tensors in argument order, arena sizes, input shape and
// names, and one memory space per field of trainc_step_args (trainc/abi.h:
// context, params, grads, buffers, state, arena, input, labels, output,
// hyper, accum, stats: 12 since ABI version 8), all host (0) on the CPU
// target.
// CHECK-LABEL: module @described attributes
// CHECK-SAME: train.model = #train.model<tensors = [#train.tensor<name = "w", kind = param, shape = [4, 3], offset = 0, init = dense<1.000000e+00> : tensor<4x3xf32>, bn_or_bias = false>],
// CHECK-SAME: memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 64, buffer_bytes = 0, state_bytes = 0, arena_bytes = 96,
// CHECK-SAME: optimizer = "", input_shape = [2, 4], num_classes = 3, input_name = "input", output_name = "logits", source = "">
// The functions stay as they are: the conversion comes after.
// CHECK: func.func @forward(
// TARGET: error: unknown target 'tpu' (known: cpu, cuda)
module @described attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<4x3xf32> {train.offset = 0 : i64, train.param = "w", train.init = dense<1.0> : tensor<4x3xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) attributes {train.arena_bytes = 96 : i64} {
  %y = train.matmul %x, %w {train.slots = array<i64: -1>} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
}

// -----

// @forward without train.arena_bytes: train-plan-memory has not run.
// expected-error @+1 {{expected @forward (and @train_step) planned by train-plan-memory}}
module @not_planned {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
}

// -----

module @two_inputs attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64} {
// expected-error @+1 {{models with more than one data input are not supported yet}}
func.func @forward(%x: tensor<2x4xf32> {train.input = "a"},
    %x2: tensor<2x4xf32> {train.input = "b"},
    %w: tensor<4x3xf32> {train.offset = 0 : i64, train.param = "w", train.init = dense<1.0> : tensor<4x3xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) attributes {train.arena_bytes = 64 : i64} {
  %s = train.add %x, %x2 {train.slots = array<i64: 0>} : tensor<2x4xf32>
  %y = train.matmul %s, %w {train.slots = array<i64: -1>} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
}

// -----

module @no_input attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64} {
// expected-error @+1 {{the model has no data input}}
func.func @forward(%w: tensor<4x3xf32> {train.offset = 0 : i64, train.param = "w", train.init = dense<1.0> : tensor<4x3xf32>})
    -> (tensor<4x3xf32> {train.output = "logits"}) attributes {train.arena_bytes = 0 : i64} {
  %y = train.relu %w {train.slots = array<i64: -1>} : tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}
}
