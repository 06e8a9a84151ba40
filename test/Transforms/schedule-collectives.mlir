// RUN: trainc-opt %s -train-schedule-collectives -split-input-file -verify-diagnostics | FileCheck %s

// train-schedule-collectives on hand-written @train_step functions as
// train-data-parallel leaves them, with a hand-written train.buckets (the
// pass reads only each bucket's `params`). Every case is a named module,
// its CHECK-LABEL.
//
// What is checked (ScheduleCollectives.cpp):
//   - every gradient's train.all_reduce is gone and the gradient is
//     returned as backward leaves it; the loss's all_reduce stays where it
//     was (step, out_of_order);
//   - train.allreduce_start N comes right after the op that produces the
//     last-finished gradient of bucket N (the latest in the block, not the
//     last listed), or after the last op that still reads one of them
//     (read_after_start); starts after one op keep bucket order
//     (step, out_of_order, same_producer);
//   - one train.allreduce_wait N per bucket, right before the return, in
//     bucket order, with the bucket's reduction ("mean", or "sum" when its
//     gradients were summed) (step, out_of_order);
//   - a constant returned for two parameters (CSE-merged zeros) is cloned
//     for the second one in bucket order, right after the original, so each
//     parameter has a value of its own; a non-constant shared value is not
//     (shared_zero, shared_value);
//   - a module without train.buckets, without all-reduced gradients, or
//     without @train_step is left unchanged (no_buckets, not_reduced,
//     no_train_step);
//
// Diagnostics (on @train_step), by case:
//   "bucket parameter '<name>' has no gradient result" ....... unknown_param
//   "the gradients of bucket <N> are not all-reduced alike
//     ('<name>')" ................................ mean_and_sum, reduced_and_not
//   "some gradients are all-reduced and others not" .......... some_reduced
//   "the gradient of '<name>' is in no bucket" ............... unbucketed
//   "parameter '<name>' is in two buckets" ................... twice

// The buckets train-bucket-gradients makes for this step: fc.weight
// (second gemm), bn.weight and bn.bias (batch_norm_backward), conv.weight
// (conv2d_backward_filter). Each start follows its bucket's producer; the
// loss's all_reduce, then the three waits, precede the return.
// CHECK-LABEL: module @step
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK: %[[DFW:.+]] = train.gemm %{{.+}} trans_a = true
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: train.reshape
// CHECK-NEXT: %{{[^,]+}}, %[[DG:[^,]+]], %[[DB:[^,]+]] = train.batch_norm_backward
// CHECK-NEXT: train.allreduce_start 1
// CHECK-NEXT: %[[DW:.+]] = train.conv2d_backward_filter
// CHECK-NEXT: train.allreduce_start 2
// CHECK-NEXT: %[[RLOSS:.+]] = train.all_reduce mean %[[LOSS]] : tensor<f32>
// CHECK-NEXT: train.allreduce_wait 0 mean
// CHECK-NEXT: train.allreduce_wait 1 mean
// CHECK-NEXT: train.allreduce_wait 2 mean
// CHECK-NEXT: return %[[RLOSS]], %[[DW]], %[[DG]], %[[DB]], %[[DFW]], %{{.+}}, %{{.+}} :
module @step attributes {train.buckets = [{bytes = 2560 : i64, params = ["fc.weight"]}, {bytes = 128 : i64, params = ["bn.weight", "bn.bias"]}, {bytes = 448 : i64, params = ["conv.weight"]}]} {
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
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  %rdw = train.all_reduce "mean" %dw : tensor<4x3x3x3xf32>
  %rdg = train.all_reduce "mean" %dg : tensor<4xf32>
  %rdb = train.all_reduce "mean" %db : tensor<4xf32>
  %rdfw = train.all_reduce "mean" %dfw : tensor<10x64xf32>
  return %rloss, %rdw, %rdg, %rdb, %rdfw, %rm, %rv : tensor<f32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<10x64xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Buckets that do not follow backward: bucket 0 = {conv.weight, bn.bias}
// is finished by conv2d_backward_filter (the later of its two producers,
// though listed first), bucket 1 = {fc.weight, bn.weight} by
// batch_norm_backward. So start 1 precedes start 0; the waits are still in
// bucket order. Bucket 1's gradients are summed, not averaged: its wait
// says "sum".
// CHECK-LABEL: module @out_of_order
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK: %[[DFW:.+]] = train.gemm %{{.+}} trans_a = true
// CHECK-NEXT: train.reshape
// CHECK-NEXT: %{{[^,]+}}, %[[DG:[^,]+]], %[[DB:[^,]+]] = train.batch_norm_backward
// CHECK-NEXT: train.allreduce_start 1
// CHECK-NEXT: %[[DW:.+]] = train.conv2d_backward_filter
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: %[[RLOSS:.+]] = train.all_reduce mean %[[LOSS]] : tensor<f32>
// CHECK-NEXT: train.allreduce_wait 0 mean
// CHECK-NEXT: train.allreduce_wait 1 sum
// CHECK-NEXT: return %[[RLOSS]], %[[DW]], %[[DG]], %[[DB]], %[[DFW]] :
module @out_of_order attributes {train.buckets = [{bytes = 512 : i64, params = ["conv.weight", "bn.bias"]}, {bytes = 2624 : i64, params = ["fc.weight", "bn.weight"]}]} {
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
        tensor<10x64xf32> {train.grad = "fc.weight"}) {
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
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  %rdw = train.all_reduce "mean" %dw : tensor<4x3x3x3xf32>
  %rdg = train.all_reduce "sum" %dg : tensor<4xf32>
  %rdb = train.all_reduce "mean" %db : tensor<4xf32>
  %rdfw = train.all_reduce "sum" %dfw : tensor<10x64xf32>
  return %rloss, %rdw, %rdg, %rdb, %rdfw : tensor<f32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<10x64xf32>
}
}

// -----

// Two buckets finished by the same op (bn2's scale and bias gradients in
// buckets of their own): both starts follow batch_norm_backward, in bucket
// order.
// CHECK-LABEL: module @same_producer
// CHECK: %{{[^,]+}}, %[[DG2:[^,]+]], %[[DB2:[^,]+]] = train.batch_norm_backward
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: train.allreduce_start 1
// CHECK-NEXT: %{{[^,]+}}, %[[DG1:[^,]+]], %[[DB1:[^,]+]] = train.batch_norm_backward
// CHECK-NEXT: train.allreduce_start 2
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: train.allreduce_wait 0 mean
// CHECK-NEXT: train.allreduce_wait 1 mean
// CHECK-NEXT: train.allreduce_wait 2 mean
// CHECK-NEXT: return %{{.+}}, %[[DG1]], %[[DB1]], %[[DG2]], %[[DB2]] :
module @same_producer attributes {train.buckets = [{bytes = 64 : i64, params = ["bn2.bias"]}, {bytes = 64 : i64, params = ["bn2.weight"]}, {bytes = 128 : i64, params = ["bn1.weight", "bn1.bias"]}]} {
func.func @train_step(%x: tensor<2x4x1x1xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %g1: tensor<4xf32> {train.param = "bn1.weight"},
    %b1: tensor<4xf32> {train.param = "bn1.bias"},
    %m1: tensor<4xf32> {train.buffer = "bn1.running_mean"},
    %v1: tensor<4xf32> {train.buffer = "bn1.running_var"},
    %g2: tensor<4xf32> {train.param = "bn2.weight"},
    %b2: tensor<4xf32> {train.param = "bn2.bias"},
    %m2: tensor<4xf32> {train.buffer = "bn2.running_mean"},
    %v2: tensor<4xf32> {train.buffer = "bn2.running_var"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "bn1.weight"}, tensor<4xf32> {train.grad = "bn1.bias"},
        tensor<4xf32> {train.grad = "bn2.weight"}, tensor<4xf32> {train.grad = "bn2.bias"}) {
  %o1, %rm1, %rv1, %bm1, %bv1 = train.batch_norm %x, %g1, %b1, %m1, %v1 epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %o2, %rm2, %rv2, %bm2, %bv2 = train.batch_norm %o1, %g2, %b2, %m2, %v2 epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %f = train.flatten %o2 axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %f, %labels, %one label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %do2 = train.reshape %dl [2, 4, 1, 1] : tensor<2x4xf32> -> tensor<2x4x1x1xf32>
  %do1, %dg2, %db2 = train.batch_norm_backward %do2, %o1, %g2, %bm2, %bv2 epsilon = 1.0e-05 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %dx, %dg1, %db1 = train.batch_norm_backward %do1, %x, %g1, %bm1, %bv1 epsilon = 1.0e-05 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %dg1 : tensor<4xf32>
  %r2 = train.all_reduce "mean" %db1 : tensor<4xf32>
  %r3 = train.all_reduce "mean" %dg2 : tensor<4xf32>
  %r4 = train.all_reduce "mean" %db2 : tensor<4xf32>
  return %r0, %r1, %r2, %r3, %r4 : tensor<f32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Two parameters the loss does not reach share CSE's zero constant. In
// bucket order "unused.b" (bucket 0) comes first and keeps the original;
// "unused.a" (bucket 1) gets a clone, right after it. Each bucket's start
// follows its own constant.
// CHECK-LABEL: module @shared_zero
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK-NEXT: %[[Z:.+]] = train.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: %[[Z2:.+]] = train.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: train.allreduce_start 1
// CHECK-NEXT: %[[R:.+]] = train.all_reduce mean %[[LOSS]] : tensor<f32>
// CHECK-NEXT: train.allreduce_wait 0 mean
// CHECK-NEXT: train.allreduce_wait 1 mean
// CHECK-NEXT: return %[[R]], %[[Z2]], %[[Z]] : tensor<f32>, tensor<4xf32>, tensor<4xf32>
module @shared_zero attributes {train.buckets = [{bytes = 64 : i64, params = ["unused.b"]}, {bytes = 64 : i64, params = ["unused.a"]}]} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %p: tensor<4xf32> {train.param = "unused.a"},
    %q: tensor<4xf32> {train.param = "unused.b"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "unused.a"},
        tensor<4xf32> {train.grad = "unused.b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %zero = train.constant dense<0.0> : tensor<4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %zero : tensor<4xf32>
  %r2 = train.all_reduce "mean" %zero : tensor<4xf32>
  return %r0, %r1, %r2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// A shared value that is not a constant is left shared (the lowering copies
// it into the second home): one relu, returned for both parameters.
// CHECK-LABEL: module @shared_value
// CHECK: %[[D:.+]] = train.relu
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: train.allreduce_wait 0 mean
// CHECK-NEXT: return %{{.+}}, %[[D]], %[[D]] :
module @shared_value attributes {train.buckets = [{bytes = 128 : i64, params = ["a", "b"]}]} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "a"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %d : tensor<4xf32>
  %r2 = train.all_reduce "mean" %d : tensor<4xf32>
  return %r0, %r1, %r2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// A gradient that backward goes on reading. "shift" is added to an
// activation (train.add without broadcasting), so its gradient is the
// cotangent %ds of the sum itself, which backward also needs for
// fc1.weight's gradient (%dw1 = gemm %ds, %x). After train-plan-memory %ds
// lives in shift's slot of the gradient arena, which the all-reduce sums in
// place from its start on: bucket 0 = {shift} may start only after that
// gemm has read %ds, not right after %ds is produced.
// CHECK-LABEL: module @read_after_start
// CHECK: %[[DS:.+]] = train.gemm %{{.+}}, %{{.+}} trans_a = false trans_b = false
// CHECK-NEXT: train.gemm %{{.+}} trans_a = true
// CHECK-NEXT: train.allreduce_start 1
// CHECK-NEXT: %[[DW1:.+]] = train.gemm %[[DS]], %{{.+}} trans_a = true
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: train.allreduce_start 2
// CHECK: return %{{.+}}, %[[DW1]], %[[DS]], %{{.+}} :
module @read_after_start attributes {train.buckets = [{bytes = 64 : i64, params = ["shift"]}, {bytes = 64 : i64, params = ["fc.weight"]}, {bytes = 64 : i64, params = ["fc1.weight"]}]} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w1: tensor<4x4xf32> {train.param = "fc1.weight"},
    %p: tensor<2x4xf32> {train.param = "shift"},
    %w: tensor<3x4xf32> {train.param = "fc.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4x4xf32> {train.grad = "fc1.weight"},
        tensor<2x4xf32> {train.grad = "shift"},
        tensor<3x4xf32> {train.grad = "fc.weight"}) {
  %h = train.gemm %x, %w1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %s = train.add %h, %p : tensor<2x4xf32>
  %l = train.gemm %s, %w trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %loss = train.softmax_xent %l, %labels label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %l, %labels, %one label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %ds = train.gemm %dl, %w trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %dw = train.gemm %dl, %s trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %dw1 = train.gemm %ds, %x trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %dw1 : tensor<4x4xf32>
  %r2 = train.all_reduce "mean" %ds : tensor<2x4xf32>
  %r3 = train.all_reduce "mean" %dw : tensor<3x4xf32>
  return %r0, %r1, %r2, %r3 : tensor<f32>, tensor<4x4xf32>, tensor<2x4xf32>, tensor<3x4xf32>
}
}

// -----

// No train.buckets: the per-gradient all_reduces stay.
// CHECK-LABEL: module @no_buckets
// CHECK: %[[D:.+]] = train.relu
// CHECK-NEXT: %[[R0:.+]] = train.all_reduce mean %{{.+}} : tensor<f32>
// CHECK-NEXT: %[[R1:.+]] = train.all_reduce mean %[[D]] : tensor<4xf32>
// CHECK-NEXT: return %[[R0]], %[[R1]] :
module @no_buckets {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %d : tensor<4xf32>
  return %r0, %r1 : tensor<f32>, tensor<4xf32>
}
}

// -----

// Buckets but no all-reduced gradient (train-data-parallel did not run, or
// only the loss is reduced): nothing to schedule, nothing changes.
// CHECK-LABEL: module @not_reduced
// CHECK: %[[D:.+]] = train.relu
// CHECK-NEXT: %[[R0:.+]] = train.all_reduce mean %{{.+}} : tensor<f32>
// CHECK-NEXT: return %[[R0]], %[[D]] :
module @not_reduced attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  return %r0, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// No @train_step: no error, nothing changes.
// CHECK-LABEL: module @no_train_step
// CHECK: train.all_reduce mean
// CHECK-NOT: train.allreduce_start
module @no_train_step attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @step(%a: tensor<4xf32> {train.param = "a"})
    -> (tensor<4xf32> {train.grad = "a"}) {
  %r = train.all_reduce "mean" %a : tensor<4xf32>
  return %r : tensor<4xf32>
}
}

// -----

module @unknown_param attributes {train.buckets = [{bytes = 128 : i64, params = ["a", "fc.bias"]}]} {
// expected-error @+1 {{bucket parameter 'fc.bias' has no gradient result}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %c: tensor<4xf32> {train.param = "fc.bias"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %d : tensor<4xf32>
  return %r0, %r1 : tensor<f32>, tensor<4xf32>
}
}

// -----

// Bucket 1 mixes a mean and a sum: one wait cannot finish both. The
// diagnostic names the first gradient that differs.
module @mean_and_sum attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 128 : i64, params = ["b", "c"]}]} {
// expected-error @+1 {{the gradients of bucket 1 are not all-reduced alike ('c')}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"},
    %c: tensor<4xf32> {train.param = "c"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<4xf32> {train.grad = "b"}, tensor<4xf32> {train.grad = "c"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %a : tensor<4xf32>
  %r2 = train.all_reduce "mean" %b : tensor<4xf32>
  %r3 = train.all_reduce "sum" %c : tensor<4xf32>
  return %r0, %r1, %r2, %r3 : tensor<f32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Bucket 0's first gradient is not reduced, its second is.
module @reduced_and_not attributes {train.buckets = [{bytes = 128 : i64, params = ["a", "b"]}]} {
// expected-error @+1 {{the gradients of bucket 0 are not all-reduced alike ('b')}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r2 = train.all_reduce "mean" %b : tensor<4xf32>
  return %r0, %a, %r2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Each bucket is uniform, but bucket 0 is reduced and bucket 1 is not.
module @some_reduced attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 64 : i64, params = ["b"]}]} {
// expected-error @+1 {{some gradients are all-reduced and others not}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %a : tensor<4xf32>
  return %r0, %r1, %b : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Gradient "b" is all-reduced like "a" but in no bucket.
module @unbucketed attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
// expected-error @+1 {{the gradient of 'b' is in no bucket}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %a : tensor<4xf32>
  %r2 = train.all_reduce "mean" %b : tensor<4xf32>
  return %r0, %r1, %r2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// A parameter listed in two buckets.
module @twice attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 64 : i64, params = ["a", "b"]}]} {
// expected-error @+1 {{parameter 'a' is in two buckets}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %r0 = train.all_reduce "mean" %loss : tensor<f32>
  %r1 = train.all_reduce "mean" %a : tensor<4xf32>
  %r2 = train.all_reduce "mean" %b : tensor<4xf32>
  return %r0, %r1, %r2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}
