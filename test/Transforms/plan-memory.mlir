// RUN: trainc-opt %s -train-plan-memory -split-input-file -verify-diagnostics | FileCheck %s

// train-plan-memory on hand-written @forward / @train_step functions, in the
// form train-prepare-training and train-autodiff produce them. Every case is
// a named module, its CHECK-LABEL.
//
// What is checked (PlanMemory.cpp, Placement.h):
//   - parameters and buffers get 64-byte aligned offsets in two separate
//     arenas, in the argument order of @forward, the same in every function
//     (layout, shared_initializer);
//   - train.slots holds one entry per result, -1 for a value that lives
//     elsewhere: a gradient (the grad slot of its parameter), a running
//     statistic updated in place, the loss, @forward's logits, a reshape or
//     flatten (the bytes of its operand) (homes);
//   - a value is live from its producer to its last use, through the
//     reshapes and flattens of it and up to the return when a result copies
//     it; values live at the same op never overlap (an op's operands and
//     results included); values never live together share bytes
//     (reuse_chain, alias_liveness, result_copy, homes);
//   - train.arena_bytes per function, train.param_bytes / buffer_bytes on
//     the module.
//
// Diagnostics, by case:
//   "expected a func.func @forward" ............... no_forward, external_forward
//   "argument '<name>' is not an argument of
//     @forward" .................................. unknown_param, role_mismatch

// @train_step lists its arguments in another order than @forward: the
// offsets follow @forward (conv.weight 0, 108 floats = 432 bytes padded to
// 448; fc.weight 2560 bytes after it; bn.* 64 each), in both functions.
// Buffers have their own arena, from 0.
// CHECK-LABEL: module @layout
// CHECK-SAME: train.buffer_bytes = 128 : i64, train.param_bytes = 3136 : i64
// CHECK: func.func @forward(
// CHECK-SAME: {train.input = "input"}
// CHECK-SAME: tensor<4x3x3x3xf32> {train.offset = 0 : i64, train.param = "conv.weight"}
// CHECK-SAME: tensor<10x64xf32> {train.offset = 448 : i64, train.param = "fc.weight"}
// CHECK-SAME: tensor<4xf32> {train.buffer = "bn.running_mean", train.offset = 0 : i64}
// CHECK-SAME: tensor<4xf32> {train.offset = 3008 : i64, train.param = "bn.weight"}
// CHECK-SAME: tensor<4xf32> {train.buffer = "bn.running_var", train.offset = 64 : i64}
// CHECK-SAME: tensor<4xf32> {train.offset = 3072 : i64, train.param = "bn.bias"}
// CHECK: func.func @train_step(
// CHECK-SAME: {train.labels = "labels"}
// CHECK-SAME: {train.buffer = "bn.running_var", train.offset = 64 : i64}
// CHECK-SAME: {train.offset = 3072 : i64, train.param = "bn.bias"}
// CHECK-SAME: {train.offset = 0 : i64, train.param = "conv.weight"}
// CHECK-SAME: {train.input = "input"}
// CHECK-SAME: {train.offset = 448 : i64, train.param = "fc.weight"}
// CHECK-SAME: {train.offset = 3008 : i64, train.param = "bn.weight"}
// CHECK-SAME: {train.buffer = "bn.running_mean", train.offset = 0 : i64}
// CHECK-SAME: attributes {train.arena_bytes = 0 : i64}
module @layout {
func.func @forward(%x: tensor<2x3x4x4xf32> {train.input = "input"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv.weight"},
    %fw: tensor<10x64xf32> {train.param = "fc.weight"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %b: tensor<4xf32> {train.param = "bn.bias"})
    -> (tensor<2x3x4x4xf32> {train.output = "logits"}) {
  return %x : tensor<2x3x4x4xf32>
}
func.func @train_step(%labels: tensor<2xi32> {train.labels = "labels"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv.weight"},
    %x: tensor<2x3x4x4xf32> {train.input = "input"},
    %fw: tensor<10x64xf32> {train.param = "fc.weight"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"})
    -> (tensor<4xf32> {train.grad = "bn.bias"}) {
  return %b : tensor<4xf32>
}
}

// -----

// Exporters merge initializers with equal values (a fresh BatchNorm's scale
// with its running variance, its shift with its running mean); the importer
// gives the second role its own argument of the same name. The parameter
// and the buffer are distinct tensors with offsets of their own arenas:
// "ones" is parameter 64 and buffer 64, "zeros" parameter 128 and buffer 0.
// CHECK-LABEL: module @shared_initializer
// CHECK-SAME: train.buffer_bytes = 128 : i64, train.param_bytes = 192 : i64
// CHECK: func.func @forward(
// CHECK-SAME: {train.offset = 0 : i64, train.param = "conv.weight"}
// CHECK-SAME: {train.offset = 64 : i64, train.param = "ones"}
// CHECK-SAME: {train.offset = 128 : i64, train.param = "zeros"}
// CHECK-SAME: {train.buffer = "zeros", train.offset = 0 : i64}
// CHECK-SAME: {train.buffer = "ones", train.offset = 64 : i64}
// CHECK: func.func @train_step(
// CHECK-SAME: {train.buffer = "ones", train.offset = 64 : i64}
// CHECK-SAME: {train.buffer = "zeros", train.offset = 0 : i64}
// CHECK-SAME: {train.offset = 128 : i64, train.param = "zeros"}
// CHECK-SAME: {train.offset = 64 : i64, train.param = "ones"}
// CHECK-SAME: {train.offset = 0 : i64, train.param = "conv.weight"}
module @shared_initializer {
func.func @forward(%x: tensor<2x4x2x2xf32> {train.input = "input"},
    %w: tensor<4x4x1x1xf32> {train.param = "conv.weight"},
    %ones: tensor<4xf32> {train.param = "ones"},
    %zeros: tensor<4xf32> {train.param = "zeros"},
    %zeros_b: tensor<4xf32> {train.buffer = "zeros"},
    %ones_b: tensor<4xf32> {train.buffer = "ones"})
    -> (tensor<2x4x2x2xf32> {train.output = "logits"}) {
  %y = train.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<2x4x2x2xf32>, tensor<4x4x1x1xf32>) -> tensor<2x4x2x2xf32>
  %z = train.batch_norm_inference %y, %ones, %zeros, %zeros_b, %ones_b epsilon = 1.0e-05 : tensor<2x4x2x2xf32>, tensor<4xf32>
  return %z : tensor<2x4x2x2xf32>
}
func.func @train_step(%x: tensor<2x4x2x2xf32> {train.input = "input"},
    %ones_b: tensor<4xf32> {train.buffer = "ones"},
    %zeros_b: tensor<4xf32> {train.buffer = "zeros"},
    %zeros: tensor<4xf32> {train.param = "zeros"},
    %ones: tensor<4xf32> {train.param = "ones"},
    %w: tensor<4x4x1x1xf32> {train.param = "conv.weight"})
    -> (tensor<4xf32> {train.grad = "ones"}) {
  return %ones : tensor<4xf32>
}
}

// -----

// The homes of a training step (a convolution, a BatchNorm, a linear head)
// and of its inference function. -1 marks the values that live elsewhere:
// the running statistics (updated in place), the flatten and the reshape
// (their operand's bytes), the loss (the output), each gradient (its
// parameter's slot of the gradient arena) and, in @forward, the logits.
//
// Live ranges in @train_step (op index: 0 conv2d ... 11 backward_filter),
// sizes padded to 64:
//   %0 conv2d          [0, 10]  512    %4 constant     [5, 6]    64
//   %output            [1, 8]   512    %5 xent grad    [6, 8]   128
//     (through %1 = flatten, read by the gemm at 7)
//   %batch_mean/var    [1, 10]  64     %6 gemm         [7, 10]  512
//   %2 logits          [3, 6]   128      (through %8 = reshape)
//   %grad_input        [10, 11] 512
// Largest first, at the lowest offset that fits beside the values live at
// the same time: %0 0, %output 512, %6 1024, %grad_input 512 (shares with
// %output, dead at 8), %2 1024 (shares with %6, born at 7), %5 1536,
// batch_mean 1664, batch_var 1728, %4 1152 (in the gap above %2). Peak:
// 1792. No two values live at one op overlap, e.g. %0 and %output (the
// BatchNorm's input and output), %5 and %6 (the gemm's).
// CHECK-LABEL: module @homes
// CHECK-SAME: train.buffer_bytes = 128 : i64, train.param_bytes = 3136 : i64
// CHECK: func.func @forward(
// CHECK-SAME: attributes {train.arena_bytes = 1024 : i64}
// CHECK-NEXT: train.conv2d {{.*}} {train.slots = array<i64: 0>}
// CHECK-NEXT: train.batch_norm_inference {{.*}} {train.slots = array<i64: 512>}
// CHECK-NEXT: train.flatten {{.*}} {train.slots = array<i64: -1>}
// CHECK-NEXT: train.gemm {{.*}} {train.slots = array<i64: -1>}
// CHECK-NEXT: return
// CHECK: func.func @train_step(
// CHECK-SAME: attributes {train.arena_bytes = 1792 : i64}
// CHECK-NEXT: train.conv2d {{.*}} {train.slots = array<i64: 0>}
// CHECK-NEXT: train.batch_norm {{.*}} {train.slots = array<i64: 512, -1, -1, 1664, 1728>}
// CHECK-NEXT: train.flatten {{.*}} {train.slots = array<i64: -1>}
// CHECK-NEXT: train.gemm {{.*}} {train.slots = array<i64: 1024>}
// The loss's rows (f64) are scratch, live only while it runs.
// CHECK-NEXT: train.softmax_xent {{.*}} {train.scratch = 1152 : i64, train.slots = array<i64: -1>}
// CHECK-NEXT: train.constant {train.slots = array<i64: 1152>}
// CHECK-NEXT: train.softmax_xent_backward {{.*}} {train.slots = array<i64: 1536>}
// CHECK-NEXT: train.gemm {{.*}} {train.slots = array<i64: 1024>}
// CHECK-NEXT: train.gemm {{.*}} {train.slots = array<i64: -1>}
// CHECK-NEXT: train.reshape {{.*}} {train.slots = array<i64: -1>}
// CHECK-NEXT: train.batch_norm_backward {{.*}} {train.slots = array<i64: 512, -1, -1>}
// CHECK-NEXT: train.conv2d_backward_filter {{.*}} {train.slots = array<i64: -1>}
// CHECK-NEXT: return
module @homes {
func.func @forward(%x: tensor<2x3x4x4xf32> {train.input = "input"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv.weight"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %fw: tensor<10x64xf32> {train.param = "fc.weight"})
    -> (tensor<2x10xf32> {train.output = "logits"}) {
  %y = train.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  %z = train.batch_norm_inference %y, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x4x4xf32>, tensor<4xf32>
  %f = train.flatten %z axis = 1 : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
  %l = train.gemm %f, %fw trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x64xf32>, tensor<10x64xf32>) -> tensor<2x10xf32>
  return %l : tensor<2x10xf32>
}
func.func @train_step(%x: tensor<2x3x4x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv.weight"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %fw: tensor<10x64xf32> {train.param = "fc.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4x3x3x3xf32> {train.grad = "conv.weight"},
        tensor<4xf32> {train.grad = "bn.weight"},
        tensor<4xf32> {train.grad = "bn.bias"},
        tensor<10x64xf32> {train.grad = "fc.weight"},
        tensor<4xf32> {train.buffer_update = "bn.running_mean"},
        tensor<4xf32> {train.buffer_update = "bn.running_var"}) {
  %y = train.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  %o, %rm, %rv, %bm, %bv = train.batch_norm %y, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x4x4xf32>, tensor<4xf32>
  %f = train.flatten %o axis = 1 : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
  %l = train.gemm %f, %fw trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x64xf32>, tensor<10x64xf32>) -> tensor<2x10xf32>
  %loss = train.softmax_xent %l, %labels label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %l, %labels, %one label_smoothing = 0.0 : tensor<2x10xf32>, tensor<2xi32>
  %df = train.gemm %dl, %fw trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x10xf32>, tensor<10x64xf32>) -> tensor<2x64xf32>
  %dfw = train.gemm %dl, %f trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x10xf32>, tensor<2x64xf32>) -> tensor<10x64xf32>
  %do = train.reshape %df [2, 4, 4, 4] : tensor<2x64xf32> -> tensor<2x4x4x4xf32>
  %dy, %dg, %db = train.batch_norm_backward %do, %y, %g, %bm, %bv epsilon = 1.0e-05 : tensor<2x4x4x4xf32>, tensor<4xf32>
  %dw = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x4x4x4xf32>, tensor<2x3x4x4xf32>) -> tensor<4x3x3x3xf32>
  return %loss, %dw, %dg, %db, %dfw, %rm, %rv : tensor<f32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<10x64xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// A chain of equal-sized values, each live from its producer to the next op:
// neighbours overlap in time (an op's input and output), every other value
// does not, so two slots alternate. The last value is the output.
// CHECK-LABEL: module @reuse_chain
// CHECK: func.func @forward(
// CHECK-SAME: attributes {train.arena_bytes = 1024 : i64}
// CHECK-NEXT: train.relu %arg0 {train.slots = array<i64: 0>}
// CHECK-NEXT: train.relu %0 {train.slots = array<i64: 512>}
// CHECK-NEXT: train.relu %1 {train.slots = array<i64: 0>}
// CHECK-NEXT: train.relu %2 {train.slots = array<i64: 512>}
// CHECK-NEXT: train.relu %3 {train.slots = array<i64: -1>}
module @reuse_chain {
func.func @forward(%x: tensor<2x64xf32> {train.input = "input"})
    -> (tensor<2x64xf32> {train.output = "logits"}) {
  %a = train.relu %x : tensor<2x64xf32>
  %b = train.relu %a : tensor<2x64xf32>
  %c = train.relu %b : tensor<2x64xf32>
  %d = train.relu %c : tensor<2x64xf32>
  %e = train.relu %d : tensor<2x64xf32>
  return %e : tensor<2x64xf32>
}
}

// -----

// A flatten and a reshape share their operand's bytes, so the operand stays
// live until the last use of the alias: %0 (read through %1 by the add at
// op 4) and %2 (read through %3) are live together and get distinct slots;
// the add's result overlaps both in time. %5, born after %0 and %2 die,
// reuses offset 0. (Were the aliases ignored, %0 would die at op 1 and %2
// would take its bytes while they are still to be read.)
// CHECK-LABEL: module @alias_liveness
// CHECK: func.func @forward(
// CHECK-SAME: attributes {train.arena_bytes = 384 : i64}
// CHECK-NEXT: %0 = train.relu %arg0 {train.slots = array<i64: 0>}
// CHECK-NEXT: %1 = train.flatten %0 axis = 1 {train.slots = array<i64: -1>}
// CHECK-NEXT: %2 = train.relu %arg0 {train.slots = array<i64: 128>}
// CHECK-NEXT: %3 = train.reshape %2 [2, 16] {train.slots = array<i64: -1>}
// CHECK-NEXT: %4 = train.add %1, %3 {train.slots = array<i64: 256>}
// CHECK-NEXT: %5 = train.relu %4 {train.slots = array<i64: 0>}
// CHECK-NEXT: %6 = train.relu %5 {train.slots = array<i64: -1>}
module @alias_liveness {
func.func @forward(%x: tensor<2x4x2x2xf32> {train.input = "input"})
    -> (tensor<2x16xf32> {train.output = "logits"}) {
  %p = train.relu %x : tensor<2x4x2x2xf32>
  %f = train.flatten %p axis = 1 : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
  %q = train.relu %x : tensor<2x4x2x2xf32>
  %r = train.reshape %q [2, 16] : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
  %s = train.add %f, %r : tensor<2x16xf32>
  %t = train.relu %s : tensor<2x16xf32>
  %o = train.relu %t : tensor<2x16xf32>
  return %o : tensor<2x16xf32>
}
}

// -----

// A result its producer cannot write in place is copied into its home after
// the body, so its bytes stay live until the return: the output here is a
// flatten (an alias of %0), so %0 is live to the end and %2, unused, cannot
// take its bytes.
// CHECK-LABEL: module @result_copy
// CHECK: func.func @forward(
// CHECK-SAME: attributes {train.arena_bytes = 128 : i64}
// CHECK-NEXT: %0 = train.relu %arg0 {train.slots = array<i64: 0>}
// CHECK-NEXT: %1 = train.flatten %0 axis = 1 {train.slots = array<i64: -1>}
// CHECK-NEXT: %2 = train.relu %arg0 {train.slots = array<i64: 64>}
// CHECK-NEXT: return %1
module @result_copy {
func.func @forward(%x: tensor<2x4x1x1xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %a = train.relu %x : tensor<2x4x1x1xf32>
  %f = train.flatten %a axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %b = train.relu %x : tensor<2x4x1x1xf32>
  return %f : tensor<2x4xf32>
}
}

// -----

// A running statistic is updated in place only as its own BatchNorm's
// output: here the updates are returned under each other's names, so they
// get activation slots (and are copied), live with every other result of
// the op: 128 bytes of output, then four 64-byte statistics.
// CHECK-LABEL: module @buffer_update_not_in_place
// CHECK: func.func @train_step(
// CHECK-SAME: attributes {train.arena_bytes = 384 : i64}
// CHECK-NEXT: train.batch_norm {{.*}} {train.slots = array<i64: 0, 128, 192, 256, 320>}
module @buffer_update_not_in_place {
func.func @forward(%x: tensor<2x4x2x2xf32> {train.input = "input"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"})
    -> (tensor<2x4x2x2xf32> {train.output = "logits"}) {
  %z = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-05 : tensor<2x4x2x2xf32>, tensor<4xf32>
  return %z : tensor<2x4x2x2xf32>
}
func.func @train_step(%x: tensor<2x4x2x2xf32> {train.input = "input"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"})
    -> (tensor<4xf32> {train.buffer_update = "bn.running_var"},
        tensor<4xf32> {train.buffer_update = "bn.running_mean"}) {
  %o, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x2x2xf32>, tensor<4xf32>
  return %rm, %rv : tensor<4xf32>, tensor<4xf32>
}
}

// -----

// expected-error @+1 {{expected a func.func @forward}}
module @no_forward {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  return %x : tensor<2x4xf32>
}
}

// -----

// expected-error @+1 {{expected a func.func @forward}}
module @external_forward {
func.func private @forward(tensor<2x4xf32>) -> tensor<2x4xf32>
}

// -----

module @unknown_param {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<4x3xf32> {train.param = "fc.weight"})
    -> (tensor<2x3xf32> {train.output = "logits"}) {
  %y = train.matmul %x, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
// expected-error @+1 {{argument 'fc.bias' is not an argument of @forward}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<4x3xf32> {train.param = "fc.weight"},
    %c: tensor<3xf32> {train.param = "fc.bias"})
    -> (tensor<3xf32> {train.grad = "fc.bias"}) {
  return %c : tensor<3xf32>
}
}

// -----

// A name is looked up with its role: "stat" is a buffer of @forward, not a
// parameter.
module @role_mismatch {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %s: tensor<4xf32> {train.buffer = "stat"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  return %x : tensor<2x4xf32>
}
// expected-error @+1 {{argument 'stat' is not an argument of @forward}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %s: tensor<4xf32> {train.param = "stat"})
    -> (tensor<4xf32> {train.grad = "stat"}) {
  return %s : tensor<4xf32>
}
}
