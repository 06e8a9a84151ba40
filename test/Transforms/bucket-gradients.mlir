// RUN: trainc-opt %s -train-bucket-gradients="first-bucket-bytes=192 bucket-cap-bytes=256" -split-input-file -verify-diagnostics | FileCheck %s
// RUN: trainc-opt %s -train-bucket-gradients -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=DEFAULT
// RUN: not trainc-opt %s -train-bucket-gradients="bucket-cap-bytes=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=CAP
// RUN: not trainc-opt %s -train-bucket-gradients="first-bucket-bytes=-1" -split-input-file 2>&1 | FileCheck %s --check-prefix=FIRST

// train-bucket-gradients on hand-written @train_step functions, as
// train-data-parallel leaves them (step) or without collectives (caps).
// Every case is a named module, its CHECK-LABEL.
//
// What is checked (BucketGradients.cpp):
//   - the gradients are ordered by the position in @train_step of the op
//     that produces them, looking through the all_reduce "mean" of
//     train-data-parallel (otherwise every gradient would be "ready" at its
//     all_reduce, i.e. in result order); the loss and buffer updates are
//     not bucketed (step, caps);
//   - gradients produced by one op (batch_norm_backward's scale and bias)
//     keep the order of the results, i.e. of the parameters, not that of
//     the op's results (step: bn.bias before bn.weight);
//   - sizes are element count x element width, each rounded up to 64 bytes
//     (caps: a 16-byte, a 12-byte and an f16 gradient each take 64);
//   - the first bucket holds up to first-bucket-bytes, every later one up
//     to bucket-cap-bytes; a bucket may fill its cap exactly; a gradient
//     larger than the cap is a bucket of its own (caps, step);
//   - defaults (second RUN): 1 MiB first, 25 MiB cap: one bucket (DEFAULT);
//   - train.buckets is the only change; the all_reduces stay (step).
//
// Diagnostics, by case:
//   "expected a func.func @train_step (run train-autodiff first)"
//     ......................................... no_train_step, external_train_step
//   "bucket sizes must be positive" ........... bucket-cap-bytes=0 (third RUN,
//     CAP), first-bucket-bytes=-1 (fourth RUN, FIRST), for every module

// Backward finishes fc.weight (op 8, the second gemm), then bn.weight and
// bn.bias together (op 10, batch_norm_backward), then conv.weight (op 11).
// The parameters list bn.bias before bn.weight, and so does the bucket.
// fc.weight (2560 bytes) exceeds even the cap: alone in bucket 0. Then
// bn.bias and bn.weight, 64 bytes each; conv.weight (432 -> 448 bytes)
// does not fit beside them under the 256-byte cap, and is alone too.
// CHECK-LABEL: module @step attributes {train.buckets = [
// CHECK-SAME: {bytes = 2560 : i64, params = ["fc.weight"]},
// CHECK-SAME: {bytes = 128 : i64, params = ["bn.bias", "bn.weight"]},
// CHECK-SAME: {bytes = 448 : i64, params = ["conv.weight"]}]}
// CHECK: train.conv2d_backward_filter
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: train.all_reduce mean
// CHECK-NEXT: return
// DEFAULT-LABEL: module @step attributes {train.buckets = [
// DEFAULT-SAME: {bytes = 3136 : i64, params = ["fc.weight", "bn.bias", "bn.weight", "conv.weight"]}]}
module @step {
func.func @train_step(%x: tensor<2x3x4x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<4x3x3x3xf32> {train.param = "conv.weight"},
    %b: tensor<4xf32> {train.param = "bn.bias"},
    %g: tensor<4xf32> {train.param = "bn.weight"},
    %m: tensor<4xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<4xf32> {train.buffer = "bn.running_var"},
    %fw: tensor<10x64xf32> {train.param = "fc.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4x3x3x3xf32> {train.grad = "conv.weight"},
        tensor<4xf32> {train.grad = "bn.bias"},
        tensor<4xf32> {train.grad = "bn.weight"},
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
  %rdb = train.all_reduce "mean" %db : tensor<4xf32>
  %rdg = train.all_reduce "mean" %dg : tensor<4xf32>
  %rdfw = train.all_reduce "mean" %dfw : tensor<10x64xf32>
  return %rloss, %rdw, %rdb, %rdg, %rdfw, %rm, %rv : tensor<f32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<10x64xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// The caps, on gradients each produced by one op (a relu, standing for any
// backward op), in this backward order (sizes raw -> aligned):
//   c   16 x f32   64 ->  64      a    4 x f32   16 ->  64
//   e    3 x f32   12 ->  64      b   20 x f16   40 ->  64
//   d  100 x f32  400 -> 448      g   30 x f32  120 -> 128
//   f   17 x f32   68 -> 128
// Bucket 0 (first-bucket-bytes = 192): c, a, e = 192, exactly full; b
// would make 256 (it would fit under the 256-byte cap, and unaligned
// c, a, e, b are only 132 bytes). Bucket 1 (cap 256): b, 64; d would make
// 512. Bucket 2: d alone, larger than the cap. Bucket 3: g, f = 256,
// exactly the cap (it would not fit under the first bucket's 192).
// CHECK-LABEL: module @caps attributes {train.buckets = [
// CHECK-SAME: {bytes = 192 : i64, params = ["c", "a", "e"]},
// CHECK-SAME: {bytes = 64 : i64, params = ["b"]},
// CHECK-SAME: {bytes = 448 : i64, params = ["d"]},
// CHECK-SAME: {bytes = 256 : i64, params = ["g", "f"]}]}
// DEFAULT-LABEL: module @caps attributes {train.buckets = [
// DEFAULT-SAME: {bytes = 960 : i64, params = ["c", "a", "e", "b", "d", "g", "f"]}]}
module @caps {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<20xf16> {train.param = "b"},
    %c: tensor<16xf32> {train.param = "c"},
    %d: tensor<100xf32> {train.param = "d"},
    %e: tensor<3xf32> {train.param = "e"},
    %f: tensor<17xf32> {train.param = "f"},
    %g: tensor<30xf32> {train.param = "g"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "a"}, tensor<20xf16> {train.grad = "b"},
        tensor<16xf32> {train.grad = "c"}, tensor<100xf32> {train.grad = "d"},
        tensor<3xf32> {train.grad = "e"}, tensor<17xf32> {train.grad = "f"},
        tensor<30xf32> {train.grad = "g"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dc = train.relu %c : tensor<16xf32>
  %da = train.relu %a : tensor<4xf32>
  %de = train.relu %e : tensor<3xf32>
  %db = train.relu %b : tensor<20xf16>
  %dd = train.relu %d : tensor<100xf32>
  %dg = train.relu %g : tensor<30xf32>
  %df = train.relu %f : tensor<17xf32>
  return %loss, %da, %db, %dc, %dd, %de, %df, %dg : tensor<f32>, tensor<4xf32>, tensor<20xf16>, tensor<16xf32>, tensor<100xf32>, tensor<3xf32>, tensor<17xf32>, tensor<30xf32>
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

// Non-positive sizes: every module with a @train_step fails, none gets a
// plan (the two without one fail on that first).
// CAP: error: bucket sizes must be positive
// CAP-NEXT: module @step {
// CAP: error: bucket sizes must be positive
// CAP-NEXT: module @caps {
// CAP-NOT: train.buckets
// FIRST: error: bucket sizes must be positive
// FIRST-NEXT: module @step {
// FIRST: error: bucket sizes must be positive
// FIRST-NEXT: module @caps {
// FIRST-NOT: train.buckets
