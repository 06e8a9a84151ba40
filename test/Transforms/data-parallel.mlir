// RUN: trainc-opt %s -train-data-parallel -split-input-file -verify-diagnostics | FileCheck %s
// RUN: trainc-opt %s -train-data-parallel="sync-bn=true" -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=SYNC
// RUN: not trainc-opt %s -train-data-parallel -train-data-parallel -split-input-file 2>&1 | FileCheck %s --check-prefix=TWICE

// train-data-parallel on hand-written @train_step functions, in the form
// train-autodiff (then CSE) produces them. Every case is a named module, its
// CHECK-LABEL / SYNC-LABEL.
//
// What is checked (DataParallel.cpp):
//   - the loss and every gradient result (train.loss, train.grad) are
//     returned through their own train.all_reduce "mean", created in result
//     order right before the return; buffer updates (running statistics)
//     are returned as they were (step, shared_zero, loss_only);
//   - a value returned for two parameters (CSE-merged zeros) gets one
//     all_reduce per result (shared_zero);
//   - without sync-bn no op gets `sync`; with sync-bn (second RUN) every
//     train.batch_norm and train.batch_norm_backward of @train_step gets it,
//     and no op of any other function does, not even a training-form
//     BatchNorm of @forward (step, two_batch_norms);
//   - running the pass twice fails on the first all_reduce it created, which
//     carries the location of the loss (third RUN, TWICE).
//
// Diagnostics, by case:
//   "expected a func.func @train_step (run train-autodiff first)"
//     ......................................... no_train_step, external_train_step
//   "@train_step already has collectives (run train-data-parallel once)"
//     ......................... has_all_reduce, has_allreduce_start,
//                               has_allreduce_wait; and every case that
//                               passes once, when run twice (TWICE)

// A convolution, a BatchNorm and a linear head. The all_reduces follow the
// last backward op, in result order: loss, conv.weight, bn.weight, bn.bias,
// fc.weight; the running statistics are returned unreduced.
// CHECK-LABEL: module @step
// CHECK: func.func @forward(
// CHECK-NEXT: train.conv2d
// CHECK-NEXT: train.batch_norm %{{.+}} momentum = 0.899999976 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK-NOT: train.all_reduce
// CHECK: func.func @train_step(
// CHECK: %[[Y:.+]] = train.conv2d
// CHECK-NEXT: %[[O:[^,]+]], %[[RM:[^,]+]], %[[RV:[^,]+]], %[[BM:[^,]+]], %[[BV:[^,]+]] = train.batch_norm %[[Y]], {{.+}} momentum = 0.899999976 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK: %[[DFW:.+]] = train.gemm %{{.+}} trans_a = true
// CHECK: %{{[^,]+}}, %[[DG:[^,]+]], %[[DB:[^,]+]] = train.batch_norm_backward {{.+}} epsilon = 9.99999974E-6 : tensor<2x4x4x4xf32>, tensor<4xf32>
// CHECK-NEXT: %[[DW:.+]] = train.conv2d_backward_filter
// CHECK-NEXT: %[[RLOSS:.+]] = train.all_reduce mean %[[LOSS]] : tensor<f32>
// CHECK-NEXT: %[[RDW:.+]] = train.all_reduce mean %[[DW]] : tensor<4x3x3x3xf32>
// CHECK-NEXT: %[[RDG:.+]] = train.all_reduce mean %[[DG]] : tensor<4xf32>
// CHECK-NEXT: %[[RDB:.+]] = train.all_reduce mean %[[DB]] : tensor<4xf32>
// CHECK-NEXT: %[[RDFW:.+]] = train.all_reduce mean %[[DFW]] : tensor<10x64xf32>
// CHECK-NEXT: return %[[RLOSS]], %[[RDW]], %[[RDG]], %[[RDB]], %[[RDFW]], %[[RM]], %[[RV]] :
//
// With sync-bn: the BatchNorm of @forward (training form here, standing for
// any op outside @train_step) is left alone; both ops of @train_step get it.
// SYNC-LABEL: module @step
// SYNC: func.func @forward(
// SYNC-NEXT: train.conv2d
// SYNC-NEXT: train.batch_norm %{{.+}} momentum = 0.899999976 : tensor<2x4x4x4xf32>, tensor<4xf32>
// SYNC: func.func @train_step(
// SYNC-NEXT: train.conv2d
// SYNC-NEXT: train.batch_norm %{{.+}} momentum = 0.899999976 sync : tensor<2x4x4x4xf32>, tensor<4xf32>
// SYNC: train.batch_norm_backward {{.+}} epsilon = 9.99999974E-6 sync : tensor<2x4x4x4xf32>, tensor<4xf32>
// SYNC-NEXT: train.conv2d_backward_filter
// SYNC-NEXT: train.all_reduce mean
//
// Run twice: the first all_reduce of the first run has the loss's location.
// TWICE: within split at {{.+}}data-parallel.mlir:1 offset :[[@LINE+35]]:11: error: @train_step already has collectives (run train-data-parallel once)
module @step {
func.func @forward(%x: tensor<2x3x4x4xf32> {train.input = "input"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv.weight"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %fw: tensor<10x64xf32> {train.param = "fc.weight"})
    -> (tensor<2x10xf32> {train.output = "logits"}) {
  %y = train.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  %o, %rm, %rv, %bm, %bv = train.batch_norm %y, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x4x4xf32>, tensor<4xf32>
  %f = train.flatten %o axis = 1 : tensor<2x4x4x4xf32> -> tensor<2x64xf32>
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

// Two BatchNorms in a row (train-autodiff's output for x -> bn1 -> bn2 ->
// loss): with sync-bn all four ops get `sync`, not only the first or the
// forward ones. The gradients come in parameter order (bn1 first), which is
// not the order backward finishes them; the all_reduces follow the result
// order all the same, and the four running statistics stay unreduced.
// CHECK-LABEL: module @two_batch_norms
// CHECK: %[[O1:[^,]+]], %[[RM1:[^,]+]], %[[RV1:[^,]+]], %{{.+}} = train.batch_norm {{.+}} momentum = 0.899999976 :
// CHECK-NEXT: %{{[^,]+}}, %[[RM2:[^,]+]], %[[RV2:[^,]+]], %{{.+}} = train.batch_norm {{.+}} momentum = 0.899999976 :
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK: %{{[^,]+}}, %[[DG2:[^,]+]], %[[DB2:[^,]+]] = train.batch_norm_backward {{.+}} epsilon = 9.99999974E-6 :
// CHECK-NEXT: %{{[^,]+}}, %[[DG1:[^,]+]], %[[DB1:[^,]+]] = train.batch_norm_backward {{.+}} epsilon = 9.99999974E-6 :
// CHECK-NEXT: %[[A0:.+]] = train.all_reduce mean %[[LOSS]]
// CHECK-NEXT: %[[A1:.+]] = train.all_reduce mean %[[DG1]]
// CHECK-NEXT: %[[A2:.+]] = train.all_reduce mean %[[DB1]]
// CHECK-NEXT: %[[A3:.+]] = train.all_reduce mean %[[DG2]]
// CHECK-NEXT: %[[A4:.+]] = train.all_reduce mean %[[DB2]]
// CHECK-NEXT: return %[[A0]], %[[A1]], %[[A2]], %[[A3]], %[[A4]], %[[RM1]], %[[RV1]], %[[RM2]], %[[RV2]] :
// SYNC-LABEL: module @two_batch_norms
// SYNC: train.batch_norm {{.+}} momentum = 0.899999976 sync :
// SYNC-NEXT: train.batch_norm {{.+}} momentum = 0.899999976 sync :
// SYNC: train.batch_norm_backward {{.+}} epsilon = 9.99999974E-6 sync :
// SYNC-NEXT: train.batch_norm_backward {{.+}} epsilon = 9.99999974E-6 sync :
// SYNC-NEXT: train.all_reduce mean
module @two_batch_norms {
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
        tensor<4xf32> {train.grad = "bn2.weight"}, tensor<4xf32> {train.grad = "bn2.bias"},
        tensor<4xf32> {train.buffer_update = "bn1.running_mean"},
        tensor<4xf32> {train.buffer_update = "bn1.running_var"},
        tensor<4xf32> {train.buffer_update = "bn2.running_mean"},
        tensor<4xf32> {train.buffer_update = "bn2.running_var"}) {
  %o1, %rm1, %rv1, %bm1, %bv1 = train.batch_norm %x, %g1, %b1, %m1, %v1 epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %o2, %rm2, %rv2, %bm2, %bv2 = train.batch_norm %o1, %g2, %b2, %m2, %v2 epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %f = train.flatten %o2 axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %f, %labels, %one label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %do2 = train.reshape %dl [2, 4, 1, 1] : tensor<2x4xf32> -> tensor<2x4x1x1xf32>
  %do1, %dg2, %db2 = train.batch_norm_backward %do2, %o1, %g2, %bm2, %bv2 epsilon = 1.0e-05 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %dx, %dg1, %db1 = train.batch_norm_backward %do1, %x, %g1, %bm1, %bv1 epsilon = 1.0e-05 : tensor<2x4x1x1xf32>, tensor<4xf32>
  return %loss, %dg1, %db1, %dg2, %db2, %rm1, %rv1, %rm2, %rv2 : tensor<f32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Two parameters the loss does not reach: train-autodiff gives each a zero
// gradient, and CSE merges the two constants into one value returned twice.
// Each result still gets its own all_reduce (of the same value).
// CHECK-LABEL: module @shared_zero
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK-NEXT: %[[Z:.+]] = train.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[A0:.+]] = train.all_reduce mean %[[LOSS]] : tensor<f32>
// CHECK-NEXT: %[[A1:.+]] = train.all_reduce mean %[[Z]] : tensor<4xf32>
// CHECK-NEXT: %[[A2:.+]] = train.all_reduce mean %[[Z]] : tensor<4xf32>
// CHECK-NEXT: return %[[A0]], %[[A1]], %[[A2]] : tensor<f32>, tensor<4xf32>, tensor<4xf32>
module @shared_zero {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %p: tensor<4xf32> {train.param = "unused.a"},
    %q: tensor<4xf32> {train.param = "unused.b"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "unused.a"},
        tensor<4xf32> {train.grad = "unused.b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %zero = train.constant dense<0.0> : tensor<4xf32>
  return %loss, %zero, %zero : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// No parameters: only the loss is averaged over ranks; the running
// statistics of a BatchNorm of the images are not.
// CHECK-LABEL: module @loss_only
// CHECK: %{{[^,]+}}, %[[RM:[^,]+]], %[[RV:[^,]+]], %{{.+}} = train.batch_norm
// CHECK: %[[LOSS:.+]] = train.softmax_xent
// CHECK-NEXT: %[[A:.+]] = train.all_reduce mean %[[LOSS]] : tensor<f32>
// CHECK-NEXT: return %[[RM]], %[[A]], %[[RV]] : tensor<4xf32>, tensor<f32>, tensor<4xf32>
// CHECK-NOT: train.all_reduce
// SYNC-LABEL: module @loss_only
// SYNC: train.batch_norm {{.+}} sync :
module @loss_only {
func.func @train_step(%x: tensor<2x4x1x1xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %g: tensor<4xf32>, %b: tensor<4xf32>,
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"})
    -> (tensor<4xf32> {train.buffer_update = "bn.running_mean"},
        tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.buffer_update = "bn.running_var"}) {
  %o, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %f = train.flatten %o axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %loss = train.softmax_xent %f, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %rm, %loss, %rv : tensor<4xf32>, tensor<f32>, tensor<4xf32>
}
}

// -----

// expected-error @+1 {{expected a func.func @train_step (run train-autodiff first)}}
module @no_train_step {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  return %x : tensor<2x4xf32>
}
}

// -----

// expected-error @+1 {{expected a func.func @train_step (run train-autodiff first)}}
module @external_train_step {
func.func private @train_step(tensor<2x4xf32>) -> tensor<f32>
}

// -----

module @has_all_reduce {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"})
    -> (tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  // expected-error @+1 {{@train_step already has collectives (run train-data-parallel once)}}
  %r = train.all_reduce "sum" %loss : tensor<f32>
  return %r : tensor<f32>
}
}

// -----

module @has_allreduce_start attributes {train.buckets = [{bytes = 64 : i64, params = ["w"]}]} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<4xf32> {train.param = "w"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "w"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  // expected-error @+1 {{@train_step already has collectives (run train-data-parallel once)}}
  train.allreduce_start 0
  return %loss, %w : tensor<f32>, tensor<4xf32>
}
}

// -----

module @has_allreduce_wait attributes {train.buckets = [{bytes = 64 : i64, params = ["w"]}]} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<4xf32> {train.param = "w"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "w"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  // expected-error @+1 {{@train_step already has collectives (run train-data-parallel once)}}
  train.allreduce_wait 0 "mean"
  return %loss, %w : tensor<f32>, tensor<4xf32>
}
}
