// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s

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
//     element count, 1 for "mean" / 0 for "sum"); for the loss (the step's
//     train.loss result) the call is in the else of an scf.if on the early
//     micro-step flag (trainc_update_coeffs.micro, hyper 16, is 1 or 2), and
//     in the last micro-step (micro == 3) a one-iteration kernel first makes
//     the loss (loss + loss_carry) / K (hyper 18 and 15) (all_reduce);
//   - train.allreduce_start N: first the bucket's prologue, three branches
//     on micro: micro == 2 adds the gradients into the accum arena, micro
//     == 3 adds accum into the gradients, otherwise (noise flag, hyper 17,
//     set) a read-only pass; each a chunked scf.parallel (8192 elements a
//     chunk) that also sums squares into the stats arena under the noise
//     flag (micro_steps); then, in the else of the early-micro-step scf.if,
//     call @trainc_rt_allreduce_start(%arg0, N, pointer to the bucket's
//     planned offset in the gradient arena, bytes / 4 floats, 0 = f32 on
//     the wire), the starts in bucket order, each after the kernel that
//     wrote the bucket's gradient straight into the gradient arena
//     (buckets); a gradient result that needs a copy is copied into its
//     home before its bucket's prologue and start, not at the end
//     (bucket_copy);
//   - train.allreduce_wait N "mean", after the loss's all_reduce, in bucket
//     order: in the else of the early-micro-step scf.if, call
//     @trainc_rt_allreduce_wait(N), then the scale 1 / (world max(K, 1))
//     (call @trainc_rt_world(), K the accumulate coefficient, hyper 15) and,
//     when that scale is not 1 (arith.cmpf one), a loop multiplying the
//     bucket's range of the gradient arena (its planned offset, bytes / 4
//     floats, padding included) by it; then, with the noise flag and
//     several processes, the squares of the finished gradient into the
//     second stats table (buckets); "sum": the call alone, nothing after
//     it (sum_bucket);
//   - a sync train.batch_norm: two scratch buffers of C + 1 doubles that
//     train-plan-memory places in the activation arena (no memref.alloca);
//     per-channel sums and the element count (N * S) all-reduced with call
//     @trainc_rt_allreduce_f64(buffer, C + 1), the mean = sum / total, then the squared deviations and the
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
// The checks follow the structure, not the order of SSA values: each
// collective call is checked with its operands (pointers found from their
// arena argument and byte offset by CHECK-DAG), after the kernels that must
// precede it; the calls themselves, which every rank must make in the same
// order, in their order. Index constants are matched by their names (%c64,
// %c64_3, ...), integer ones likewise (%c1_i32, %c16_i64, ...).
// Module-level declarations are checked by a second RUN (DECL), wherever
// they stand in the module; the eval steps by a third (EVAL), wherever they
// stand.
// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s --check-prefix=DECL
// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s --check-prefix=EVAL
//
// Diagnostics, by case:
//   "bucket <N> has no planned offset (run train-plan-memory first)"
//     ............................... start_unknown_bucket, wait_unknown_bucket

// Two linear layers, as train-data-parallel leaves them, except that
// fc2.weight's gradient is summed, not averaged. Plan: fc1.weight at
// parameter/gradient offset 0 (20 floats), fc2.weight at 128 (15 floats);
// in the arena the loss is at 320, dW1 at 0, dW2 at 128.
// CHECK-LABEL: module @all_reduce
// DECL-LABEL: module @all_reduce
// DECL-DAG: func.func private @trainc_rt_allreduce(!llvm.ptr, !llvm.ptr, i64, i32)
// DECL-NOT: trainc_rt_allreduce_start
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = #train.role<grads>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<384xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<4xi8> {train.role = #train.role<output>}
// The loss: arena 320 -> output, then reduced there (1 float, mean).
// CHECK-DAG: %[[FROML:.+]] = memref.view %[[ARENA]][%c320{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1xf32>
// CHECK-DAG: %[[TOL:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<4xi8> to memref<1xf32>
// CHECK-DAG: scf.parallel (%[[IL:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[VL:.+]] = memref.load %[[FROML]][%[[IL]]] : memref<1xf32>
// CHECK-DAG: memref.store %[[VL]], %[[TOL]][%[[IL]]] : memref<1xf32>
// CHECK: scf.reduce
// The loss's reduction is skipped in a micro-step before the last (micro,
// hyper 16, is 1 or 2: the else of an scf.if on that flag); in the last
// (micro == 3) a one-iteration kernel first makes the loss (loss +
// loss_carry) / K (hyper 18 and 15), the mean over the micro-batches.
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-DAG: %[[MICRO:.+]] = memref.load %{{.+}}[%c16{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[ADD:.+]] = arith.cmpf oeq, %[[MICRO]], %[[TWO:.+]] : f32
// CHECK-DAG: %[[TWO]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[LAST:.+]] = arith.cmpf oeq, %[[MICRO]], %[[THREE:.+]] : f32
// CHECK-DAG: %[[THREE]] = arith.constant 3.000000e+00 : f32
// CHECK: scf.if %[[LAST]] {
// CHECK-DAG: %[[CARRY:.+]] = memref.load %{{.+}}[%c18{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[K:.+]] = memref.load %{{.+}}[%c15{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[L:.+]] = memref.load %[[TOL]][%c0{{(_[0-9]+)?}}] : memref<1xf32>
// CHECK-DAG: %[[LC:.+]] = arith.addf %[[L]], %[[CARRY]] : f32
// CHECK-DAG: %[[LM:.+]] = arith.divf %[[LC]], %[[K]] : f32
// CHECK: memref.store %[[LM]], %[[TOL]][%c0{{(_[0-9]+)?}}] : memref<1xf32>
// CHECK: scf.reduce
// CHECK-DAG: %[[PL_B:.+]] = memref.extract_aligned_pointer_as_index %[[OUTPUT]] :
// CHECK-DAG: %[[PL_A:.+]] = arith.addi %[[PL_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PL_I:.+]] = arith.index_cast %[[PL_A]] : index to i64
// CHECK-DAG: %[[PL:.+]] = llvm.inttoptr %[[PL_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce(%arg0, %[[PL]], %c1_i64{{(_[0-9]+)?}}, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64, i32) -> ()
// CHECK-NEXT: }
// dW1: arena 0 -> gradient 0, 20 floats, mean.
// CHECK-DAG: %[[FROMW1:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<20xf32>
// CHECK-DAG: %[[TOW1:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<20xf32>
// CHECK-DAG: scf.parallel (%[[IW1:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c20{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[VW1:.+]] = memref.load %[[FROMW1]][%[[IW1]]] : memref<20xf32>
// CHECK-DAG: memref.store %[[VW1]], %[[TOW1]][%[[IW1]]] : memref<20xf32>
// CHECK-DAG: %[[PW1_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[PW1_A:.+]] = arith.addi %[[PW1_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PW1_I:.+]] = arith.index_cast %[[PW1_A]] : index to i64
// CHECK-DAG: %[[PW1:.+]] = llvm.inttoptr %[[PW1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce(%arg0, %[[PW1]], %c20_i64{{(_[0-9]+)?}}, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64, i32) -> ()
// dW2: arena 128 -> gradient 128, 15 floats, sum.
// CHECK-DAG: %[[FROMW2:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<384xi8> to memref<15xf32>
// CHECK-DAG: %[[TOW2:.+]] = memref.view %[[GRADS]][%c128{{(_[0-9]+)?}}][] : memref<192xi8> to memref<15xf32>
// CHECK-DAG: scf.parallel (%[[IW2:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c15{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[VW2:.+]] = memref.load %[[FROMW2]][%[[IW2]]] : memref<15xf32>
// CHECK-DAG: memref.store %[[VW2]], %[[TOW2]][%[[IW2]]] : memref<15xf32>
// CHECK-DAG: %[[PW2_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[PW2_A:.+]] = arith.addi %[[PW2_B]], %c128{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PW2_I:.+]] = arith.index_cast %[[PW2_A]] : index to i64
// CHECK-DAG: %[[PW2:.+]] = llvm.inttoptr %[[PW2_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce(%arg0, %[[PW2]], %c15_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64, i32) -> ()
// CHECK-NOT: scf.parallel
// CHECK-NOT: call
// CHECK: return
// EVAL-LABEL: module @all_reduce
// EVAL-LABEL: func.func @trainc_eval_step(
// EVAL-NOT: trainc_rt_allreduce
// EVAL: return
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
// CHECK-SAME: tensors = [#train.tensor<name = "fc1.weight", {{.+}}, offset = 64, {{.+}}>, #train.tensor<name = "fc2.weight", {{.+}}, offset = 0,
// DECL-LABEL: module @buckets
// DECL-DAG: func.func private @trainc_rt_allreduce_start(!llvm.ptr, i32, !llvm.ptr, i64, i32)
// DECL-DAG: func.func private @trainc_rt_allreduce_wait(!llvm.ptr, i32)
// DECL-DAG: func.func private @trainc_rt_world(!llvm.ptr) -> i32
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = #train.role<grads>}
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>},
// CHECK-SAME: %[[STATS:[^:]+]]: memref<32xi8> {train.role = #train.role<stats>}
// dW2 = dL^T h, C = the gradient arena at fc2.weight's offset; then
// bucket 0's prologue (three branches on the micro-step: @micro_steps) and
// its start, in the else of the early-micro-step scf.if:
// trainc_rt_allreduce_start(bucket, its range of the gradient arena, its
// floats, wire 0 = f32).
// CHECK-DAG: %[[C0_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[C0_A:.+]] = arith.addi %[[C0_B]], %c[[#O0]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[C0_I:.+]] = arith.index_cast %[[C0_A]] : index to i64
// CHECK-DAG: %[[C0:.+]] = llvm.inttoptr %[[C0_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_gemm(%arg0, {{.*}}, %[[C0]]) :
// CHECK: scf.if
// CHECK: } else {
// CHECK-NEXT: scf.if
// CHECK: } else {
// CHECK-NEXT: scf.if
// CHECK: scf.reduce
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-DAG: %[[S0_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[S0_A:.+]] = arith.addi %[[S0_B]], %c[[#O0]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[S0_I:.+]] = arith.index_cast %[[S0_A]] : index to i64
// CHECK-DAG: %[[S0:.+]] = llvm.inttoptr %[[S0_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c0_i32{{(_[0-9]+)?}}, %[[S0]], %c[[#div(B0,4)]]_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// CHECK-NEXT: }
// dW1 = dH^T x, into fc1.weight's slot, then bucket 1's prologue and
// start.
// CHECK-DAG: %[[C1_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[C1_A:.+]] = arith.addi %[[C1_B]], %c[[#O1]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[C1_I:.+]] = arith.index_cast %[[C1_A]] : index to i64
// CHECK-DAG: %[[C1:.+]] = llvm.inttoptr %[[C1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_gemm(%arg0, {{.*}}, %[[C1]]) :
// CHECK: scf.if
// CHECK: } else {
// CHECK-NEXT: scf.if
// CHECK: } else {
// CHECK-NEXT: scf.if
// CHECK: scf.reduce
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-DAG: %[[S1_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[S1_A:.+]] = arith.addi %[[S1_B]], %c[[#O1]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[S1_I:.+]] = arith.index_cast %[[S1_A]] : index to i64
// CHECK-DAG: %[[S1:.+]] = llvm.inttoptr %[[S1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c1_i32{{(_[0-9]+)?}}, %[[S1]], %c[[#div(B1,4)]]_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// CHECK-NEXT: }
// The loss's own all_reduce, then the waits in bucket order, each in the
// else of the early-micro-step scf.if and followed there by its epilogue:
// the scale 1 / (world max(K, 1)) (trainc_rt_world(), K the accumulate
// coefficient, hyper 15) and, when it is not 1 (cmpf one), the bucket's
// range times that scale. The noise scale's squares of the finished
// gradient are the update's (optimizer.mlir): no update follows here.
// CHECK: call @trainc_rt_allreduce(%arg0, %{{.+}}, %c1_i64{{(_[0-9]+)?}}, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64, i32) -> ()
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-DAG: %[[R0:.+]] = memref.view %[[GRADS]][%c[[#O0]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<[[#div(B0,4)]]xf32>
// CHECK-DAG: %[[W0:.+]] = {{(func\.)?}}call @trainc_rt_world(%arg0) : (!llvm.ptr) -> i32
// CHECK-DAG: %[[H0:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[K0:.+]] = memref.load %[[H0]][%c15{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KM0:.+]] = arith.maximumf %[[K0]], %[[F10:.+]] : f32
// CHECK-DAG: %[[F10]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[WF0:.+]] = arith.sitofp %[[W0]] : i32 to f32
// CHECK-DAG: %[[N0:.+]] = arith.mulf %[[WF0]], %[[KM0]] : f32
// CHECK-DAG: %[[S0:.+]] = arith.divf %[[ONE0:.+]], %[[N0]] : f32
// CHECK-DAG: %[[ONE0]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[UNIT0:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[SCALED0:.+]] = arith.cmpf one, %[[S0]], %[[UNIT0]] : f32
// CHECK-NEXT: scf.if %[[SCALED0]] {
// CHECK: scf.parallel (%[[I0:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c[[#div(B0,4)]]{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[G0:.+]] = memref.load %[[R0]][%[[I0]]] : memref<[[#div(B0,4)]]xf32>
// CHECK-DAG: %[[GS0:.+]] = arith.mulf %[[G0]], %[[S0]] : f32
// CHECK: memref.store %[[GS0]], %[[R0]][%[[I0]]] : memref<[[#div(B0,4)]]xf32>
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-DAG: %[[R1:.+]] = memref.view %[[GRADS]][%c[[#O1]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<[[#div(B1,4)]]xf32>
// CHECK-DAG: %[[W1:.+]] = {{(func\.)?}}call @trainc_rt_world(%arg0) : (!llvm.ptr) -> i32
// CHECK-DAG: %[[H1:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[K1:.+]] = memref.load %[[H1]][%c15{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KM1:.+]] = arith.maximumf %[[K1]], %{{.+}} : f32
// CHECK-DAG: %[[WF1:.+]] = arith.sitofp %[[W1]] : i32 to f32
// CHECK-DAG: %[[N1:.+]] = arith.mulf %[[WF1]], %[[KM1]] : f32
// CHECK-DAG: %[[S1:.+]] = arith.divf %{{.+}}, %[[N1]] : f32
// CHECK: %[[SCALED1:.+]] = arith.cmpf one, %[[S1]], %{{.+}} : f32
// CHECK-NEXT: scf.if %[[SCALED1]] {
// CHECK: scf.parallel (%[[I1:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c[[#div(B1,4)]]{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[G1:.+]] = memref.load %[[R1]][%[[I1]]] : memref<[[#div(B1,4)]]xf32>
// CHECK-DAG: %[[GS1:.+]] = arith.mulf %[[G1]], %[[S1]] : f32
// CHECK: memref.store %[[GS1]], %[[R1]][%[[I1]]] : memref<[[#div(B1,4)]]xf32>
// CHECK-NOT: call
// CHECK: return
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

// Gradient accumulation: the prologue every allreduce_start N emits first
// (Collectives.cpp: emitBucketPrologue), on one bucket holding a (4 floats
// at gradient offset 0; accum has the gradients' layout, so a is at 0
// there too; stats is 2 tables of 1 partial: 2 doubles). Three branches on
// the micro-step coefficient (hyper 16), each a pass over the bucket in
// chunks of 8192 elements (chunks in parallel, one scf.for over a chunk):
//   micro == 2 (micro-batches 2..K-1): accum += grads;
//   micro == 3 (the last): grads += accum, before the all-reduce;
//   otherwise: only when the noise flag (hyper 17) is set, the squares of
//     the gradient, read only.
// Each pass stores its f64 sums of squares into stats only under the noise
// flag. Then the start, in the else of an scf.if on the early micro-step
// flag (micro == 1 or micro == 2): no collective before the last.
// CHECK-LABEL: module @micro_steps
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<64xi8> {train.role = #train.role<grads>}
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>},
// CHECK-SAME: %[[ACCUM:[^:]+]]: memref<64xi8> {train.role = #train.role<accum>},
// CHECK-SAME: %[[STATS:[^:]+]]: memref<16xi8> {train.role = #train.role<stats>})
// The relu writes a's gradient; then the flags, read from the hyper arena.
// CHECK: arith.maximumf
// CHECK: scf.reduce
// CHECK-DAG: %[[NOISE_F:.+]] = memref.load %{{.+}}[%c17{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[NOISE:.+]] = arith.cmpf one, %[[NOISE_F]], %{{.+}} : f32
// CHECK-DAG: %[[MICRO:.+]] = memref.load %{{.+}}[%c16{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[ADD:.+]] = arith.cmpf oeq, %[[MICRO]], %[[TWO:.+]] : f32
// CHECK-DAG: %[[TWO]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[LAST:.+]] = arith.cmpf oeq, %[[MICRO]], %[[THREE:.+]] : f32
// CHECK-DAG: %[[THREE]] = arith.constant 3.000000e+00 : f32
// micro == 2: accum[i] = accum[i] + grads[i], and the squares of grads.
// CHECK: scf.if %[[ADD]] {
// CHECK-DAG: %[[T:.+]] = memref.view %[[STATS]][%c0{{(_[0-9]+)?}}][] : memref<16xi8> to memref<2xf64>
// CHECK-DAG: %[[G:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK-DAG: %[[A:.+]] = memref.view %[[ACCUM]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[K:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK: %[[LO:.+]] = arith.muli %[[K]], %c8192{{(_[0-9]+)?}} : index
// CHECK: scf.for %[[J:[a-z0-9_]+]] = %[[LO]] to %{{.+}} step
// CHECK-DAG: %[[GJ:.+]] = memref.load %[[G]][%[[J]]] : memref<4xf32>
// CHECK-DAG: %[[AJ:.+]] = memref.load %[[A]][%[[J]]] : memref<4xf32>
// CHECK-DAG: %[[SUM:.+]] = arith.addf %[[AJ]], %[[GJ]] : f32
// CHECK-DAG: memref.store %[[SUM]], %[[A]][%[[J]]] : memref<4xf32>
// CHECK-DAG: %[[GJ64:.+]] = arith.extf %[[GJ]] : f32 to f64
// CHECK-DAG: arith.mulf %[[GJ64]], %[[GJ64]] : f64
// CHECK-NOT: memref.store %{{.+}}, %[[G]]
// CHECK: scf.if %[[NOISE]] {
// CHECK: memref.store %{{.+}}, %[[T]][%{{.+}}] : memref<2xf64>
// micro == 3: grads[i] = grads[i] + accum[i]; the squares of the
// micro-batch's own gradient go to the first table (partial 0). Those of
// the step's gradient are the update's, which reads it finished
// (optimizer.mlir).
// CHECK: } else {
// CHECK-NEXT: scf.if %[[LAST]] {
// CHECK-DAG: %[[T:.+]] = memref.view %[[STATS]][%c0{{(_[0-9]+)?}}][] : memref<16xi8> to memref<2xf64>
// CHECK-DAG: %[[G:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK-DAG: %[[A:.+]] = memref.view %[[ACCUM]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK: scf.for %[[J:[a-z0-9_]+]] = {{.+}} -> (f64) {
// CHECK-DAG: %[[GJ:.+]] = memref.load %[[G]][%[[J]]] : memref<4xf32>
// CHECK-DAG: %[[AJ:.+]] = memref.load %[[A]][%[[J]]] : memref<4xf32>
// CHECK-DAG: %[[SUM:.+]] = arith.addf %[[GJ]], %[[AJ]] : f32
// CHECK-DAG: memref.store %[[SUM]], %[[G]][%[[J]]] : memref<4xf32>
// CHECK-NOT: memref.store %{{.+}}, %[[A]]
// CHECK: scf.if %[[NOISE]] {
// CHECK: memref.store %{{.+}}, %[[T]][%{{.+}}] : memref<2xf64>
// CHECK-NEXT: }
// Otherwise (a whole step or micro-batch 1): with the noise flag only,
// the squares of the gradient, neither arena written.
// CHECK: } else {
// CHECK-NEXT: scf.if %[[NOISE]] {
// CHECK-NOT: %[[ACCUM]]
// CHECK: %[[G:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK-NOT: %[[ACCUM]]
// CHECK: scf.for %[[J:[a-z0-9_]+]] =
// CHECK-NEXT: %[[GJ:.+]] = memref.load %[[G]][%[[J]]] : memref<4xf32>
// CHECK-NOT: memref.store {{.+}} : memref<4xf32>
// CHECK: memref.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<2xf64>
// CHECK: scf.reduce
// The start, skipped for the micro-steps before the last.
// CHECK-DAG: %[[MICRO2:.+]] = memref.load %{{.+}}[%c16{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[ADD2:.+]] = arith.cmpf oeq, %[[MICRO2]], %[[TWO2:.+]] : f32
// CHECK-DAG: %[[TWO2]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[LAST2:.+]] = arith.cmpf oeq, %[[MICRO2]], %[[THREE2:.+]] : f32
// CHECK-DAG: %[[THREE2]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[FIRST2:.+]] = arith.cmpf oeq, %[[MICRO2]], %[[ONE2:.+]] : f32
// CHECK-DAG: %[[ONE2]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[EARLY:.+]] = arith.ori %[[FIRST2]], %[[ADD2]] : i1
// CHECK: scf.if %[[EARLY]] {
// CHECK-NEXT: } else {
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c0_i32{{(_[0-9]+)?}}, %{{.+}}, %c16_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// CHECK-NEXT: }
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
module @micro_steps attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
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
  train.allreduce_wait 0 "mean"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// A bucket of summed gradients: the wait is the runtime call alone (in the
// else of the early-micro-step scf.if), with no world size, no scaling
// loop and no noise pass after it: the step ends there.
// CHECK-LABEL: module @sum_bucket
// DECL-LABEL: module @sum_bucket
// DECL-DAG: func.func private @trainc_rt_allreduce_wait(!llvm.ptr, i32)
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c0_i32{{(_[0-9]+)?}},
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-NOT: trainc_rt_world
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-NEXT: }
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
// DECL-LABEL: module @bucket_copy
// DECL-DAG: func.func private @trainc_rt_allreduce_start(!llvm.ptr, i32, !llvm.ptr, i64, i32)
// DECL-DAG: func.func private @trainc_rt_allreduce_wait(!llvm.ptr, i32)
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>}
// CHECK-DAG: %[[DA:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: arith.maximumf
// CHECK: memref.store %{{.+}}, %[[DA]][
// CHECK: scf.reduce
// CHECK-DAG: %[[FROM:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[TO:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[V:.+]] = memref.load %[[FROM]][%[[I]]] : memref<4xf32>
// CHECK-DAG: memref.store %[[V]], %[[TO]][%[[I]]] : memref<4xf32>
// CHECK: scf.reduce
// Nothing else before the bucket's prologue, whose passes (micro == 2:
// accum += grads, the first branch) cover a's home and then b's (the copy
// included); then the start.
// CHECK-NOT: scf.parallel
// CHECK: scf.if %{{.+}} {
// CHECK-DAG: %[[PA:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: scf.for %[[JA:[a-z0-9_]+]] =
// CHECK-DAG: memref.load %[[PA]][%[[JA]]] : memref<4xf32>
// CHECK-DAG: %[[PB:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: scf.for %[[JB:[a-z0-9_]+]] =
// CHECK-DAG: memref.load %[[PB]][%[[JB]]] : memref<4xf32>
// CHECK-DAG: %[[P_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[P_A:.+]] = arith.addi %[[P_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[P_I:.+]] = arith.index_cast %[[P_A]] : index to i64
// CHECK-DAG: %[[P:.+]] = llvm.inttoptr %[[P_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c0_i32{{(_[0-9]+)?}}, %[[P]], %c32_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// Nothing is copied after the wait's epilogue (the scaling loop).
// CHECK: call @trainc_rt_allreduce_wait
// CHECK: arith.cmpf one
// CHECK-NEXT: scf.if
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c32{{(_[0-9]+)?}}) step
// CHECK: scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return
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
// DECL-LABEL: module @shared_across_buckets
// DECL-DAG: func.func private @trainc_rt_allreduce_start(!llvm.ptr, i32, !llvm.ptr, i64, i32)
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = #train.role<grads>}
// CHECK-DAG: %[[DA:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4xf32>
// CHECK-DAG: arith.maximumf
// CHECK: memref.store %{{.+}}, %[[DA]][
// CHECK: scf.reduce
// CHECK-DAG: %[[FROM:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4xf32>
// CHECK-DAG: %[[TO:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4xf32>
// CHECK-DAG: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[V:.+]] = memref.load %[[FROM]][%[[I]]] : memref<4xf32>
// CHECK-DAG: memref.store %[[V]], %[[TO]][%[[I]]] : memref<4xf32>
// CHECK: scf.reduce
// CHECK-DAG: %[[P0_B:.+]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[P0_A:.+]] = arith.addi %[[P0_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[P0_I:.+]] = arith.index_cast %[[P0_A]] : index to i64
// CHECK-DAG: %[[P0:.+]] = llvm.inttoptr %[[P0_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c0_i32{{(_[0-9]+)?}}, %[[P0]], %c16_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// CHECK-DAG: %[[P1_A:.+]] = arith.addi %[[P1_B:.+]], %c64{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[P1_B]] = memref.extract_aligned_pointer_as_index %[[GRADS]] :
// CHECK-DAG: %[[P1_I:.+]] = arith.index_cast %[[P1_A]] : index to i64
// CHECK-DAG: %[[P1:.+]] = llvm.inttoptr %[[P1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c1_i32{{(_[0-9]+)?}}, %[[P1]], %c32_i64{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
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
// DECL-LABEL: module @sync_batch_norm
// DECL-DAG: func.func private @trainc_rt_allreduce_f64(!llvm.ptr, !llvm.ptr, i64)
// DECL-NOT: memref.alloca
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<704xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<240xi8> {train.role = #train.role<input>}
// 1. This rank's per-channel sums of x, and its count (20) at index C = 3,
// stored by channel 0.
// CHECK-DAG: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[BM:.+]] = memref.view %[[ARENA]][%c576{{(_[0-9]+)?}}][] : memref<704xi8> to memref<3xf32>
// CHECK-DAG: %[[BV:.+]] = memref.view %[[ARENA]][%c640{{(_[0-9]+)?}}][] : memref<704xi8> to memref<3xf32>
// CHECK-DAG: %[[SUMS:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<704xi8> to memref<4xf64>
// CHECK-DAG: %[[SQUARES:.+]] = memref.view %[[ARENA]][%c288{{(_[0-9]+)?}}][] : memref<704xi8> to memref<4xf64>
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[SUM:.+]] = scf.for {{.*}} to %c2{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK-DAG: memref.load %[[X]][%{{.+}}, %[[C]], %{{.+}}]
// CHECK-DAG: memref.store %[[SUM]], %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK-DAG: %[[FIRST:.+]] = arith.cmpi eq, %[[C]], %c0{{(_[0-9]+)?}} : index
// CHECK: scf.if %[[FIRST]] {
// CHECK-DAG: %[[M:.+]] = arith.constant 2.000000e+01 : f64
// CHECK: memref.store %[[M]], %[[SUMS]][%c3{{(_[0-9]+)?}}] : memref<4xf64>
// CHECK: scf.reduce
// The sums' bytes, all-reduced in place (a pointer from the arena).
// CHECK-DAG: %[[PS_A:.+]] = arith.addi %[[PS_B:.+]], %c256{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PS_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[PS_I:.+]] = arith.index_cast %[[PS_A]] : index to i64
// CHECK-DAG: %[[PS:.+]] = llvm.inttoptr %[[PS_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_f64(%arg0, %[[PS]], %c4_i64{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64) -> ()
// 2. mean = global sum / global count, kept in the sums buffer; this
// rank's squared deviations from it, and its count again.
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[S:.+]] = memref.load %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK-DAG: %[[TOTAL:.+]] = memref.load %[[SUMS]][%c3{{(_[0-9]+)?}}] : memref<4xf64>
// CHECK-DAG: %[[MEAN:.+]] = arith.divf %[[S]], %[[TOTAL]] : f64
// CHECK-DAG: memref.store %[[MEAN]], %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK-DAG: %[[SQ:.+]] = scf.for {{.*}} to %c2{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK-DAG: %[[D:.+]] = arith.subf %{{.+}}, %[[MEAN]] : f64
// CHECK-DAG: arith.mulf %[[D]], %[[D]] : f64
// CHECK-DAG: memref.store %[[SQ]], %[[SQUARES]][%[[C]]] : memref<4xf64>
// CHECK: scf.if
// CHECK: memref.store %{{.+}}, %[[SQUARES]][%c3{{(_[0-9]+)?}}] : memref<4xf64>
// CHECK: scf.reduce
// CHECK-DAG: %[[PQ_A:.+]] = arith.addi %[[PQ_B:.+]], %c288{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PQ_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[PQ_I:.+]] = arith.index_cast %[[PQ_A]] : index to i64
// CHECK-DAG: %[[PQ:.+]] = llvm.inttoptr %[[PQ_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_f64(%arg0, %[[PQ]], %c4_i64{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64) -> ()
// 3. var = global squares / global count; batch statistics; the running
// variance unbiased by total / (total - 1) if total > 1, else 1.
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[TOTAL:.+]] = memref.load %[[SUMS]][%c3{{(_[0-9]+)?}}] : memref<4xf64>
// CHECK-DAG: %[[Q:.+]] = memref.load %[[SQUARES]][%[[C]]] : memref<4xf64>
// CHECK-DAG: %[[VAR:.+]] = arith.divf %[[Q]], %[[TOTAL]] : f64
// CHECK-DAG: %[[MEAN:.+]] = memref.load %[[SUMS]][%[[C]]] : memref<4xf64>
// CHECK-DAG: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-DAG: memref.store %[[MEAN32]], %[[BM]][%[[C]]]
// CHECK-DAG: %[[VAR32:.+]] = arith.truncf %[[VAR]] : f64 to f32
// CHECK-DAG: memref.store %[[VAR32]], %[[BV]][%[[C]]]
// CHECK-DAG: %[[ONE:.+]] = arith.constant 1.000000e+00 : f64
// CHECK-DAG: %[[GT:.+]] = arith.cmpf ogt, %[[TOTAL]], %[[ONE]] : f64
// CHECK-DAG: %[[TM1:.+]] = arith.subf %[[TOTAL]], %[[ONE]] : f64
// CHECK-DAG: %[[RATIO:.+]] = arith.divf %[[TOTAL]], %[[TM1]] : f64
// CHECK-DAG: %[[UNBIAS:.+]] = arith.select %[[GT]], %[[RATIO]], %[[ONE]] : f64
// CHECK-DAG: arith.mulf %[[VAR]], %[[UNBIAS]] : f64
// CHECK: scf.reduce
// Backward: this rank's sum(dy) and sum(dy * xhat) give the bias and scale
// gradients (reduced later with the other gradients) and go to the
// scratch at 2c and 2c + 1; the count at 2C = 6; 7 doubles all-reduced.
// CHECK-DAG: %[[DSCALE:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[DBIAS:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[GLOBAL:.+]] = memref.view %[[ARENA]][%c512{{(_[0-9]+)?}}][] : memref<704xi8> to memref<7xf64>
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[T1:.+]] = arith.truncf %[[SUMDY:.+]] : f64 to f32
// CHECK-DAG: memref.store %[[T1]], %[[DBIAS]][%[[C]]] : memref<3xf32>
// CHECK-DAG: %[[T2:.+]] = arith.truncf %[[SUMDYX:.+]] : f64 to f32
// CHECK-DAG: memref.store %[[T2]], %[[DSCALE]][%[[C]]] : memref<3xf32>
// CHECK-DAG: %[[C2:.+]] = arith.muli %[[C]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: memref.store %[[SUMDY]], %[[GLOBAL]][%[[C2]]] : memref<7xf64>
// CHECK-DAG: %[[C21:.+]] = arith.addi %[[C2]], %c1{{(_[0-9]+)?}} : index
// CHECK-DAG: memref.store %[[SUMDYX]], %[[GLOBAL]][%[[C21]]] : memref<7xf64>
// CHECK: scf.if
// CHECK-DAG: %[[M:.+]] = arith.constant 2.000000e+01 : f64
// CHECK: memref.store %[[M]], %[[GLOBAL]][%c6{{(_[0-9]+)?}}] : memref<7xf64>
// CHECK: scf.reduce
// CHECK-DAG: %[[PG_A:.+]] = arith.addi %[[PG_B:.+]], %c512{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PG_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[PG_I:.+]] = arith.index_cast %[[PG_A]] : index to i64
// CHECK-DAG: %[[PG:.+]] = llvm.inttoptr %[[PG_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_f64(%arg0, %[[PG]], %c7_i64{{(_[0-9]+)?}}) : (!llvm.ptr, !llvm.ptr, i64) -> ()
// dx from the global sums divided by the global count.
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[I2:.+]] = arith.muli %[[C]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[GDY:.+]] = memref.load %[[GLOBAL]][%[[I2]]] : memref<7xf64>
// CHECK-DAG: %[[I21:.+]] = arith.addi %[[I2]], %c1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[GDYX:.+]] = memref.load %[[GLOBAL]][%[[I21]]] : memref<7xf64>
// CHECK-DAG: %[[TOTAL:.+]] = memref.load %[[GLOBAL]][%c6{{(_[0-9]+)?}}] : memref<7xf64>
// CHECK-DAG: arith.divf %[[GDY]], %[[TOTAL]] : f64
// CHECK-DAG: arith.divf %[[GDYX]], %[[TOTAL]] : f64
// CHECK: scf.reduce
// CHECK-NOT: trainc_rt_allreduce_f64
// CHECK: return
// EVAL-LABEL: module @sync_batch_norm
// EVAL-LABEL: func.func @trainc_eval_step(
// EVAL-NOT: memref.alloca
// EVAL-NOT: trainc_rt_allreduce
// EVAL: return
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
// DECL-LABEL: module @local_batch_norm
// DECL-NOT: trainc_rt_allreduce
// DECL-NOT: memref.alloca
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-NOT: trainc_rt_allreduce
// CHECK: arith.constant 1.0526315789473684 : f64
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
