// RUN: trainc-opt %s -split-input-file -train-plan-memory -convert-train-to-loops -verify-diagnostics | FileCheck %s

// The collectives of data-parallel training, lowered (TrainToLoops.cpp,
// Normalization.cpp), on hand-written @train_step functions in the form
// train-data-parallel (all_reduce, sync_batch_norm) or
// train-schedule-collectives (buckets, ...) leaves them, planned by
// train-plan-memory. Every case is a named module, its CHECK-LABEL.
//
// What is checked:
//   - train.all_reduce: a copy loop from the operand's home into the
//     result's home (the loss into the output, a gradient into the gradient
//     arena), then call @trainc_rt_allreduce(pointer to the result's home,
//     element count, 1 for "mean" / 0 for "sum") (all_reduce);
//   - train.allreduce_start N: call @trainc_rt_allreduce_start(N, pointer
//     to the bucket's planned offset in the gradient arena, bytes / 4
//     floats, 0 = f32 on the wire), after the kernel that wrote the
//     bucket's gradient straight into the gradient arena (buckets); a
//     gradient result that needs a copy is copied into its home before its
//     bucket's start, not at the end (bucket_copy);
//   - train.allreduce_wait N "mean": call @trainc_rt_allreduce_wait(N), then
//     call @trainc_rt_world() and, only when world > 1, a loop scaling the
//     bucket's range of the gradient arena (its planned offset, bytes / 4
//     floats, padding included) by 1 / world (buckets); "sum": the call
//     alone (sum_bucket);
//   - a sync train.batch_norm: two memref.alloca scratch buffers of C + 1
//     doubles at the top of the function; per-channel sums and the element
//     count (N * S) all-reduced with call @trainc_rt_allreduce_f64(buffer,
//     C + 1), the mean = sum / total, then the squared deviations and the
//     count all-reduced likewise, var = squares / total, and the running
//     variance unbiased with total / (total - 1) when total > 1; a sync
//     train.batch_norm_backward: one scratch of 2C + 1 doubles (sum(dy),
//     sum(dy * xhat) interleaved, then the count), one call with 2C + 1
//     (sync_batch_norm); without `sync`, no scratch and no call
//     (local_batch_norm);
//   - a result copy is made right after the op producing the value, before
//     any later start: a value shared by buckets 0 and 1 is copied out of
//     bucket 0's range before bucket 0's reduction begins
//     (shared_across_buckets).
// The compressed wire types (`as f16` / `as bf16`, staging in the arena)
// are checked end to end by test/e2e/mpi-compression.test.
//
// Diagnostics, by case:
//   "bucket <N> has no planned offset (run train-plan-memory first)"
//     ............................... start_unknown_bucket, wait_unknown_bucket

// Two linear layers, as train-data-parallel leaves them, except that
// fc2.weight's gradient is summed, not averaged. Plan: fc1.weight at
// parameter/gradient offset 0 (20 floats), fc2.weight at 128 (15 floats);
// in the arena the loss is at 320, dW1 at 0, dW2 at 128.
// CHECK-LABEL: module @all_reduce
// CHECK-DAG: func.func private @trainc_rt_allreduce(!llvm.ptr, i64, i32)
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = "grads"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<384xi8> {train.role = "arena"}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<4xi8> {train.role = "output"}
// The loss: arena 320 -> output, then reduced there (1 float, mean).
// CHECK: %[[FROM:.+]] = memref.view %[[ARENA]][%c320{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[OUTPUT]][%[[O]]][] : memref<4xi8> to memref<1xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]] : memref<1xf32>
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]] : memref<1xf32>
// CHECK: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[OUTPUT]]
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: %[[A64:.+]] = arith.index_cast %[[A]] : index to i64
// CHECK-NEXT: %[[PTR:.+]] = llvm.inttoptr %[[A64]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = arith.constant 1 : i64
// CHECK-NEXT: %[[MEAN:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @trainc_rt_allreduce(%[[PTR]], %[[N]], %[[MEAN]]) : (!llvm.ptr, i64, i32) -> ()
// dW1: arena 0 -> gradient 0, 20 floats, mean.
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[FROM:.+]] = memref.view %[[ARENA]][%[[O]]][] : memref<384xi8> to memref<20xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<20xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c20{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]] : memref<20xf32>
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]] : memref<20xf32>
// CHECK: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[A:.+]] = arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: %[[A64:.+]] = arith.index_cast %[[A]] : index to i64
// CHECK-NEXT: %[[PTR:.+]] = llvm.inttoptr %[[A64]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = arith.constant 20 : i64
// CHECK-NEXT: %[[MEAN:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @trainc_rt_allreduce(%[[PTR]], %[[N]], %[[MEAN]]) : (!llvm.ptr, i64, i32) -> ()
// dW2: arena 128 -> gradient 128, 15 floats, sum.
// CHECK-NEXT: %[[O:.+]] = arith.constant 128 : index
// CHECK-NEXT: %[[FROM:.+]] = memref.view %[[ARENA]][%[[O]]][] : memref<384xi8> to memref<15xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 128 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<15xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c15{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]] : memref<15xf32>
// CHECK: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant 128 : index
// CHECK-NEXT: %[[A:.+]] = arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: %[[A64:.+]] = arith.index_cast %[[A]] : index to i64
// CHECK-NEXT: %[[PTR:.+]] = llvm.inttoptr %[[A64]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = arith.constant 15 : i64
// CHECK-NEXT: %[[SUM:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce(%[[PTR]], %[[N]], %[[SUM]]) : (!llvm.ptr, i64, i32) -> ()
// CHECK-NEXT: return
// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-NOT: trainc_rt_allreduce
// CHECK: return
module @all_reduce {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight", train.init = dense<0.5> : tensor<5x4xf32>},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight", train.init = dense<0.25> : tensor<3x5xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) {
  %h = train.gemm %x, %w1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return %l : tensor<2x3xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight"},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<5x4xf32> {train.grad = "fc1.weight"},
        tensor<3x5xf32> {train.grad = "fc2.weight"}) {
  %h = train.gemm %x, %w1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  %loss = train.softmax_xent %l, %labels label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %l, %labels, %one label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %dh = train.gemm %dl, %w2 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %dw2 = train.gemm %dl, %h trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
  %dw1 = train.gemm %dh, %x trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  %rdw1 = train.all_reduce "mean" %dw1 : tensor<5x4xf32>
  %rdw2 = train.all_reduce "sum" %dw2 : tensor<3x5xf32>
  return %rloss, %rdw1, %rdw2 : tensor<f32>, tensor<5x4xf32>, tensor<3x5xf32>
}
}

// -----

// The same layers as train-schedule-collectives leaves them, with the
// buckets train-bucket-gradients makes: bucket 0 = fc2.weight (finished
// first), bucket 1 = fc1.weight. train-plan-memory lays the gradient arena
// out bucket by bucket: bucket 0 at 0 (15 floats, 64 bytes), bucket 1 at
// 64 (20 floats, 128 bytes). Each gemm writes its gradient straight into
// its bucket (no copy), then the bucket starts. The waits scale each
// bucket's range: its offset, bytes / 4 floats (B0 = 64, O0 = 0; B1 =
// 128, O1 = 64: 32 floats, fc1.weight's 20 and the padding).
// CHECK-LABEL: module @buckets
// CHECK-SAME: train.buckets = [{bytes = [[#B0:64]] : i64, offset = [[#O0:0]] : i64, params = ["fc2.weight"]},
// CHECK-SAME: {bytes = [[#B1:128]] : i64, offset = [[#O1:64]] : i64, params = ["fc1.weight"]}]
// CHECK-SAME: tensors = [{{{.+}}, name = "fc1.weight", offset = 64 : i64, {{.+}}}, {{{.+}}, name = "fc2.weight", offset = 0 : i64,
// CHECK-DAG: func.func private @trainc_rt_allreduce_start(i32, !llvm.ptr, i64, i32)
// CHECK-DAG: func.func private @trainc_rt_allreduce_wait(i32)
// CHECK-DAG: func.func private @trainc_rt_world() -> i32
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = "grads"}
// dW2 = dL^T h, C = the gradient arena at fc2.weight's offset; then
// bucket 0 starts: trainc_rt_allreduce_start(bucket, its range of the
// gradient arena, its floats, wire 0 = f32).
// CHECK: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O0]] : index
// CHECK-NEXT: arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: %[[C:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_gemm(%{{.+}}, %[[C]]) :
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O0]] : index
// CHECK-NEXT: %[[A:.+]] = arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: %[[A64:.+]] = arith.index_cast %[[A]] : index to i64
// CHECK-NEXT: %[[PTR:.+]] = llvm.inttoptr %[[A64]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = arith.constant [[#div(B0,4)]] : i64
// CHECK-NEXT: %[[F32:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_start(%[[B]], %[[PTR]], %[[N]], %[[F32]]) : (i32, !llvm.ptr, i64, i32) -> ()
// dW1 = dH^T x, into fc1.weight's slot, then bucket 1 starts.
// CHECK: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O1]] : index
// CHECK-NEXT: arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: %[[C:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_gemm(%{{.+}}, %[[C]]) :
// CHECK-NEXT: %[[B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O1]] : index
// CHECK-NEXT: %[[A:.+]] = arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: %[[A64:.+]] = arith.index_cast %[[A]] : index to i64
// CHECK-NEXT: %[[PTR:.+]] = llvm.inttoptr %[[A64]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[N:.+]] = arith.constant [[#div(B1,4)]] : i64
// CHECK-NEXT: %[[F32:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_start(%[[B]], %[[PTR]], %[[N]], %[[F32]]) : (i32, !llvm.ptr, i64, i32) -> ()
// The loss's own all_reduce, then the waits in bucket order, each
// followed by its epilogue: when trainc_rt_world() > 1, the bucket's range
// times 1 / world.
// CHECK: call @trainc_rt_allreduce(%{{.+}}, %{{.+}}, %{{.+}}) : (!llvm.ptr, i64, i32) -> ()
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O0]] : index
// CHECK-NEXT: %[[R:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<[[#div(B0,4)]]xf32>
// CHECK-NEXT: %[[W:.+]] = call @trainc_rt_world() : () -> i32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[MANY:.+]] = arith.cmpi sgt, %[[W]], %[[ONE]] : i32
// CHECK-NEXT: scf.if %[[MANY]] {
// CHECK-NEXT: %[[F1:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[WF:.+]] = arith.sitofp %[[W]] : i32 to f32
// CHECK-NEXT: %[[S:.+]] = arith.divf %[[F1]], %[[WF]] : f32
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant [[#div(B0,4)]] : index
// CHECK-NEXT: %[[ST:.+]] = arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:.+]]) = (%[[LB]]) to (%[[UB]]) step (%[[ST]]) {
// CHECK-NEXT: %[[G:.+]] = memref.load %[[R]][%[[I]]] : memref<[[#div(B0,4)]]xf32>
// CHECK-NEXT: %[[GS:.+]] = arith.mulf %[[G]], %[[S]] : f32
// CHECK-NEXT: memref.store %[[GS]], %[[R]][%[[I]]] : memref<[[#div(B0,4)]]xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: %[[B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O1]] : index
// CHECK-NEXT: %[[R:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<[[#div(B1,4)]]xf32>
// CHECK-NEXT: %[[W:.+]] = call @trainc_rt_world() : () -> i32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[MANY:.+]] = arith.cmpi sgt, %[[W]], %[[ONE]] : i32
// CHECK-NEXT: scf.if %[[MANY]] {
// CHECK-NEXT: %[[F1:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[WF:.+]] = arith.sitofp %[[W]] : i32 to f32
// CHECK-NEXT: %[[S:.+]] = arith.divf %[[F1]], %[[WF]] : f32
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant [[#div(B1,4)]] : index
// CHECK-NEXT: %[[ST:.+]] = arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:.+]]) = (%[[LB]]) to (%[[UB]]) step (%[[ST]]) {
// CHECK-NEXT: %[[G:.+]] = memref.load %[[R]][%[[I]]] : memref<[[#div(B1,4)]]xf32>
// CHECK-NEXT: %[[GS:.+]] = arith.mulf %[[G]], %[[S]] : f32
// CHECK-NEXT: memref.store %[[GS]], %[[R]][%[[I]]] : memref<[[#div(B1,4)]]xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
module @buckets attributes {train.buckets = [{bytes = 64 : i64, params = ["fc2.weight"]}, {bytes = 128 : i64, params = ["fc1.weight"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight", train.init = dense<0.5> : tensor<5x4xf32>},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight", train.init = dense<0.25> : tensor<3x5xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) {
  %h = train.gemm %x, %w1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return %l : tensor<2x3xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight"},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<5x4xf32> {train.grad = "fc1.weight"},
        tensor<3x5xf32> {train.grad = "fc2.weight"}) {
  %h = train.gemm %x, %w1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  %loss = train.softmax_xent %l, %labels label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %l, %labels, %one label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %dh = train.gemm %dl, %w2 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %dw2 = train.gemm %dl, %h trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
  train.allreduce_start 0
  %dw1 = train.gemm %dh, %x trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  train.allreduce_start 1
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean"
  train.allreduce_wait 1 "mean"
  return %rloss, %dw1, %dw2 : tensor<f32>, tensor<5x4xf32>, tensor<3x5xf32>
}
}

// -----

// A bucket of summed gradients: the wait is the runtime call alone, with no
// world size and no scaling loop.
// CHECK-LABEL: module @sum_bucket
// CHECK-NOT: trainc_rt_world
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK: call @trainc_rt_allreduce_start
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: return
module @sum_bucket attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "sum"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// One value returned as the gradient of two parameters of one bucket (a
// at gradient offset 0, b at 64): the relu writes a's home; b's home gets
// a copy of it, made before the bucket starts (so the all-reduce sees it),
// not after the body.
// CHECK-LABEL: module @bucket_copy
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = "grads"}
// CHECK: %[[DA:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel
// CHECK: memref.store %{{.+}}, %[[DA]][
// CHECK: %[[FROM:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[P:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]]
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: arith.addi %[[P]], %[[O]] : index
// CHECK-NEXT: arith.index_cast
// CHECK-NEXT: %[[PTR:.+]] = llvm.inttoptr
// CHECK-NEXT: %[[N:.+]] = arith.constant 32 : i64
// CHECK-NEXT: %[[F32:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_start(%[[B]], %[[PTR]], %[[N]], %[[F32]]) : (i32, !llvm.ptr, i64, i32) -> ()
// Nothing is copied after the wait's epilogue.
// CHECK: call @trainc_rt_allreduce_wait
// CHECK: scf.if
// CHECK: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
module @bucket_copy attributes {train.buckets = [{bytes = 128 : i64, params = ["a", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "a"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean"
  return %rloss, %d, %d : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// The value shared by a (bucket 0) and b (bucket 1) lives in a's home. b's
// copy is made right after the relu that produces it, before bucket 0's
// all-reduce starts summing a's slot in place.
// CHECK-LABEL: module @shared_across_buckets
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = "grads"}
// CHECK: arith.maximumf %{{.+}}, %cst{{.*}} : f32
// CHECK: scf.reduce
// CHECK: %[[FROM:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4xf32>
// CHECK: %[[O:.+]] = arith.constant 64 : index
// CHECK: %[[TO:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK: scf.parallel
// CHECK: %[[V:.+]] = memref.load %[[FROM]]
// CHECK: memref.store %[[V]], %[[TO]]
// CHECK: %[[B:.+]] = arith.constant 0 : i32
// CHECK: call @trainc_rt_allreduce_start(%[[B]], %{{.+}}) : (i32, !llvm.ptr, i64, i32) -> ()
// CHECK: %[[BONE:.+]] = arith.constant 1 : i32
// CHECK: call @trainc_rt_allreduce_start(%[[BONE]], %{{.+}}) : (i32, !llvm.ptr, i64, i32) -> ()
module @shared_across_buckets attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 128 : i64, params = ["b", "c"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>},
    %c: tensor<4xf32> {train.param = "c", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"},
    %c: tensor<4xf32> {train.param = "c"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<4xf32> {train.grad = "a"}, tensor<4xf32> {train.grad = "b"},
        tensor<4xf32> {train.grad = "c"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  %dc = train.relu %c : tensor<4xf32>
  train.allreduce_start 1
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean"
  train.allreduce_wait 1 "mean"
  return %rloss, %d, %d, %dc : tensor<f32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// A wait for a bucket the module does not have: its range is unknown.
module @wait_unknown_bucket attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  // expected-error @+1 {{bucket 1 has no planned offset (run train-plan-memory first)}}
  train.allreduce_wait 1 "mean"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// A start for a bucket the module does not have: its range is unknown.
module @start_unknown_bucket attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  // expected-error @+1 {{bucket 2 has no planned offset (run train-plan-memory first)}}
  train.allreduce_start 2
  train.allreduce_wait 0 "mean"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// Synchronised BatchNorm, forward and backward, on x = [N, C, H, W] =
// [2, 3, 2, 5] (C = 3, m = N * S = 20 elements per channel on this rank),
// the homes of normalization.mlir. The scratch train-plan-memory gives each
// op, in the activation arena: the forward's sums and squares (C + 1 = 4
// doubles each) at 256 and 288, the backward's 2C + 1 = 7 doubles at 512.
// Every access is inside a kernel; the count is stored by the kernel's
// first channel.
// CHECK-LABEL: module @sync_batch_norm
// CHECK-DAG: func.func private @trainc_rt_allreduce_f64(!llvm.ptr, i64)
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = "grads"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<704xi8> {train.role = "arena"}
// CHECK-NOT: memref.alloca
// CHECK-DAG: %[[X:.+]] = memref.view %{{.+}}[%{{.+}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[BM:.+]] = memref.view %[[ARENA]][%c576{{.*}}][] : memref<704xi8> to memref<3xf32>
// CHECK-DAG: %[[BV:.+]] = memref.view %[[ARENA]][%c640{{.*}}][] : memref<704xi8> to memref<3xf32>
// CHECK-DAG: %[[SUMS:.+]] = memref.view %[[ARENA]][%c256{{.*}}][] : memref<704xi8> to memref<4xf64>
// CHECK-DAG: %[[SQUARES:.+]] = memref.view %[[ARENA]][%c288{{.*}}][] : memref<704xi8> to memref<4xf64>
// 1. This rank's per-channel sums of x, and its count (20) at index C.
// CHECK: scf.parallel (%[[C:.+]]) = (%{{.+}}) to (%c3{{.*}}) step
// CHECK: memref.load %[[X]]
// CHECK: memref.store %{{.+}}, %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[C]], %{{.+}} : index
// CHECK: scf.if %[[FIRST]] {
// CHECK: %[[M:.+]] = arith.constant 2.000000e+01 : f64
// CHECK: memref.store %[[M]], %[[SUMS]][%[[AT:.+]]] : memref<4xf64>
// CHECK: scf.reduce
// The sums' bytes, all-reduced in place (a pointer from the arena).
// CHECK: %[[BASE:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: %[[OFF:.+]] = arith.constant 256 : index
// CHECK: %[[ADDR:.+]] = arith.addi %[[BASE]], %[[OFF]] : index
// CHECK: %[[A64:.+]] = arith.index_cast %[[ADDR]] : index to i64
// CHECK: %[[PTR:.+]] = llvm.inttoptr %[[A64]] : i64 to !llvm.ptr
// CHECK: %[[N:.+]] = arith.constant 4 : i64
// CHECK: call @trainc_rt_allreduce_f64(%[[PTR]], %[[N]]) : (!llvm.ptr, i64) -> ()
// 2. mean = global sum / global count, kept in the sums buffer; this
// rank's squared deviations from it, and its count again.
// CHECK: scf.parallel (%[[C:.+]]) = (%{{.+}}) to (%c3{{.*}}) step
// CHECK: %[[S:.+]] = memref.load %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK: %[[TOTAL:.+]] = memref.load %[[SUMS]][%[[AT]]] : memref<4xf64>
// CHECK: %[[MEAN:.+]] = arith.divf %[[S]], %[[TOTAL]] : f64
// CHECK: memref.store %[[MEAN]], %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK: arith.subf %{{.+}}, %[[MEAN]] : f64
// CHECK: memref.store %{{.+}}, %[[SQUARES]][%[[C]]] : memref<4xf64>
// CHECK: scf.if
// CHECK: memref.store %{{.+}}, %[[SQUARES]][%[[AT]]] : memref<4xf64>
// CHECK: %[[OFF:.+]] = arith.constant 288 : index
// CHECK: call @trainc_rt_allreduce_f64(%{{.+}}, %{{.+}}) : (!llvm.ptr, i64) -> ()
// 3. var = global squares / global count; batch statistics; the running
// variance unbiased by total / (total - 1) if total > 1, else 1.
// CHECK: scf.parallel (%[[C:.+]]) = (%{{.+}}) to (%c3{{.*}}) step
// CHECK: %[[TOTAL:.+]] = memref.load %[[SUMS]][%[[AT]]] : memref<4xf64>
// CHECK: %[[Q:.+]] = memref.load %[[SQUARES]][%[[C]]] : memref<4xf64>
// CHECK: %[[VAR:.+]] = arith.divf %[[Q]], %[[TOTAL]] : f64
// CHECK: %[[MEAN:.+]] = memref.load %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK: memref.store %[[MEAN32]], %[[BM]][%[[C]]]
// CHECK: %[[VAR32:.+]] = arith.truncf %[[VAR]] : f64 to f32
// CHECK: memref.store %[[VAR32]], %[[BV]][%[[C]]]
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f64
// CHECK: %[[GT:.+]] = arith.cmpf ogt, %[[TOTAL]], %[[ONE]] : f64
// CHECK: %[[TM1:.+]] = arith.subf %[[TOTAL]], %[[ONE]] : f64
// CHECK: %[[RATIO:.+]] = arith.divf %[[TOTAL]], %[[TM1]] : f64
// CHECK: %[[UNBIAS:.+]] = arith.select %[[GT]], %[[RATIO]], %[[ONE]] : f64
// CHECK: arith.mulf %[[VAR]], %[[UNBIAS]] : f64
// Backward: this rank's sum(dy) and sum(dy * xhat) give the bias and scale
// gradients (reduced later with the other gradients) and go to the
// scratch at 2c and 2c + 1; the count at 2C = 6; 7 doubles all-reduced.
// CHECK-DAG: %[[DSCALE:.+]] = memref.view %[[GRADS]][%{{.+}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[DBIAS:.+]] = memref.view %[[GRADS]][%c64{{.*}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[GLOBAL:.+]] = memref.view %[[ARENA]][%c512{{.*}}][] : memref<704xi8> to memref<7xf64>
// CHECK: scf.parallel (%[[C:.+]]) = (%{{.+}}) to (%c3{{.*}}) step
// CHECK: %[[T1:.+]] = arith.truncf %[[SUMDY:.+]] : f64 to f32
// CHECK: memref.store %[[T1]], %[[DBIAS]][%[[C]]] : memref<3xf32>
// CHECK: %[[T2:.+]] = arith.truncf %[[SUMDYX:.+]] : f64 to f32
// CHECK: memref.store %[[T2]], %[[DSCALE]][%[[C]]] : memref<3xf32>
// CHECK: %[[C2:.+]] = arith.muli %[[C]], %{{.+}} : index
// CHECK: memref.store %[[SUMDY]], %[[GLOBAL]][%[[C2]]] : memref<7xf64>
// CHECK: %[[C21:.+]] = arith.addi %[[C2]], %{{.+}} : index
// CHECK: memref.store %[[SUMDYX]], %[[GLOBAL]][%[[C21]]] : memref<7xf64>
// CHECK: scf.if
// CHECK: %[[M:.+]] = arith.constant 2.000000e+01 : f64
// CHECK: memref.store %[[M]], %[[GLOBAL]][%[[AT2:.+]]] : memref<7xf64>
// CHECK: arith.constant 512 : index
// CHECK: %[[N:.+]] = arith.constant 7 : i64
// CHECK: call @trainc_rt_allreduce_f64(%{{.+}}, %[[N]]) : (!llvm.ptr, i64) -> ()
// dx from the global sums divided by the global count.
// CHECK: scf.parallel (%[[C:.+]]) = (%{{.+}}) to (%c3{{.*}}) step
// CHECK: %[[GDY:.+]] = memref.load %[[GLOBAL]][%{{.+}}] : memref<7xf64>
// CHECK: %[[GDYX:.+]] = memref.load %[[GLOBAL]][%{{.+}}] : memref<7xf64>
// CHECK: %[[TOTAL:.+]] = memref.load %[[GLOBAL]][%[[AT2]]] : memref<7xf64>
// CHECK: arith.divf %[[GDY]], %[[TOTAL]] : f64
// CHECK: arith.divf %[[GDYX]], %[[TOTAL]] : f64
// CHECK-NOT: trainc_rt_allreduce_f64
// CHECK: return
// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-NOT: memref.alloca
// CHECK-NOT: trainc_rt_allreduce
module @sync_batch_norm {
func.func @forward(%x: tensor<2x3x2x5xf32> {train.input = "input"},
    %g: tensor<3xf32> {train.param = "bn.weight", train.init = dense<1.0> : tensor<3xf32>},
    %b: tensor<3xf32> {train.param = "bn.bias", train.init = dense<0.0> : tensor<3xf32>},
    %m: tensor<3xf32> {train.buffer = "bn.running_mean", train.init = dense<0.0> : tensor<3xf32>},
    %v: tensor<3xf32> {train.buffer = "bn.running_var", train.init = dense<1.0> : tensor<3xf32>})
    -> (tensor<2x3x2x5xf32> {train.output = "logits"}) {
  %y = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-03 : tensor<2x3x2x5xf32>, tensor<3xf32>
  return %y : tensor<2x3x2x5xf32>
}
func.func @train_step(%x: tensor<2x3x2x5xf32> {train.input = "input"},
    %g: tensor<3xf32> {train.param = "bn.weight"},
    %b: tensor<3xf32> {train.param = "bn.bias"},
    %m: tensor<3xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<3xf32> {train.buffer = "bn.running_var"})
    -> (tensor<3xf32> {train.grad = "bn.weight"}, tensor<3xf32> {train.grad = "bn.bias"},
        tensor<3xf32> {train.buffer_update = "bn.running_mean"},
        tensor<3xf32> {train.buffer_update = "bn.running_var"}) {
  %o, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-03 momentum = 0.75 sync : tensor<2x3x2x5xf32>, tensor<3xf32>
  %dx, %dg, %db = train.batch_norm_backward %o, %x, %g, %bm, %bv epsilon = 1.0e-03 sync : tensor<2x3x2x5xf32>, tensor<3xf32>
  return %dg, %db, %rm, %rv : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}
}

// -----

// The same step without `sync`: each rank's own statistics, no scratch, no
// collective, and the running variance unbiased by the constant 20 / 19.
// CHECK-LABEL: module @local_batch_norm
// CHECK-NOT: trainc_rt_allreduce_f64
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-NOT: memref.alloca
// CHECK-NOT: trainc_rt_allreduce
// CHECK: arith.constant 1.0526315789473684 : f64
// CHECK-NOT: memref.alloca
// CHECK-NOT: trainc_rt_allreduce
// CHECK: return
module @local_batch_norm {
func.func @forward(%x: tensor<2x3x2x5xf32> {train.input = "input"},
    %g: tensor<3xf32> {train.param = "bn.weight", train.init = dense<1.0> : tensor<3xf32>},
    %b: tensor<3xf32> {train.param = "bn.bias", train.init = dense<0.0> : tensor<3xf32>},
    %m: tensor<3xf32> {train.buffer = "bn.running_mean", train.init = dense<0.0> : tensor<3xf32>},
    %v: tensor<3xf32> {train.buffer = "bn.running_var", train.init = dense<1.0> : tensor<3xf32>})
    -> (tensor<2x3x2x5xf32> {train.output = "logits"}) {
  %y = train.batch_norm_inference %x, %g, %b, %m, %v epsilon = 1.0e-03 : tensor<2x3x2x5xf32>, tensor<3xf32>
  return %y : tensor<2x3x2x5xf32>
}
func.func @train_step(%x: tensor<2x3x2x5xf32> {train.input = "input"},
    %g: tensor<3xf32> {train.param = "bn.weight"},
    %b: tensor<3xf32> {train.param = "bn.bias"},
    %m: tensor<3xf32> {train.buffer = "bn.running_mean"},
    %v: tensor<3xf32> {train.buffer = "bn.running_var"})
    -> (tensor<3xf32> {train.grad = "bn.weight"}, tensor<3xf32> {train.grad = "bn.bias"},
        tensor<3xf32> {train.buffer_update = "bn.running_mean"},
        tensor<3xf32> {train.buffer_update = "bn.running_var"}) {
  %o, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %v epsilon = 1.0e-03 momentum = 0.75 : tensor<2x3x2x5xf32>, tensor<3xf32>
  %dx, %dg, %db = train.batch_norm_backward %o, %x, %g, %bm, %bv epsilon = 1.0e-03 : tensor<2x3x2x5xf32>, tensor<3xf32>
  return %dg, %db, %rm, %rv : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
}
}
