// RUN: trainc-opt %s -split-input-file -train-plan-memory -convert-train-to-loops -verify-diagnostics | FileCheck %s

// The parameter update inside the train step, lowered (Collectives.cpp:
// lowerUpdate, fusedUpdate, Sgd; TrainToLoops.cpp: the roles and
// train.model), on hand-written @train_step functions as
// train-insert-optimizer leaves them (train.optimizer = "sgd" on the
// module, `train.optimizer_update N "sgd"` after bucket N's wait), planned
// by train-plan-memory. Every case is a named module, its CHECK-LABEL.
//
// @trainc_train_step gains two arguments after the output: "state" (the
// optimizer state: the parameters' layout and size, one momentum buffer)
// and "hyper" (trainc_sgd_hyper, runtime/include/trainc/model.h, 7 floats:
//   0 lr, 1 momentum, 2 dampening, 3 weight_decay, 4 nesterov, 5 first_step,
//   6 weight_decay_bn_bias).
// train.model records optimizer = "sgd" and state_bytes = param_bytes.
// Per update: the 7 hyper-parameters are loaded, then one scf.parallel per
// parameter of the bucket over exactly its elements, at its offset (the same
// in params, grads and state), updating in place as torch.optim.SGD:
//   d    = g + wd * w               (wd: hyper[6] for BatchNorm parameters
//                                    and biases, hyper[3] otherwise)
//   buf  = first_step ? d : momentum * buf + (1 - dampening) * d
//   step = momentum != 0 ? (nesterov ? d + momentum * buf : buf) : d
//   w   -= lr * step
// where g, the finished gradient, depends on the wait before the update:
//   "mean" ........ g = grad * scale, scale = world > 1 ? 1 / world : 1
//                   (trainc_rt_world() once per update), stored back to the
//                   gradient arena before the update math; the wait emits no
//                   epilogue of its own (mean)
//   "sum", none ... g = grad as is, no world (sum, no_wait)
//   "mean" as bf16  scf.if world > 1: g = the staged bf16 bits (arena at
//                   train.wire_offset + bucket offset / 2, element
//                   (parameter offset - bucket offset) / 4 + i) widened with
//                   extui / shli 16 / bitcast, stored back; else the plain
//                   loops (one process never compressed) (bf16)
// An update not right after its own bucket's wait is not fused: the wait
// scales on its own and the update reads the gradient as is (unfused).
// An update op in a module without train.optimizer (whose state would be
// 0 bytes) is refused (no_optimizer_attr).
//
// The lowering builds every op as a named step (never two inside one
// argument list, whose evaluation order C++ leaves open), so the order
// checked below does not depend on the compiler.
//
// Diagnostics, by case:
//   "no CPU lowering for optimizer '<name>'" ..................... adam
//   "the module's optimizer (train.optimizer) is not '<name>'" ... no_optimizer_attr
//   "no bucket <N>" ............................................. unknown_bucket

// Two linear layers, fc1 with a bias, as train-insert-optimizer leaves
// them: bucket 0 = fc2.weight (gradient offset 0, 15 floats), bucket 1 =
// fc1.weight (64, 20 floats) and fc1.bias (192, 5 floats), both "mean".
// CHECK-LABEL: module @mean
// CHECK-SAME: train.buckets = [{bytes = 64 : i64, offset = [[#O0:0]] : i64, params = ["fc2.weight"]}, {bytes = 192 : i64, offset = [[#O1:64]] : i64, params = ["fc1.weight", "fc1.bias"]}]
// CHECK-SAME: train.model = {
// CHECK-SAME: optimizer = "sgd", output_name = "logits", param_bytes = [[#P:256]] : i64, source = "",
// CHECK-SAME: state_bytes = [[#P]] : i64,
// CHECK-SAME: tensors = [{bn_or_bias = false, init = dense<5.000000e-01> : tensor<5x4xf32>, kind = 0 : i32, name = "fc1.weight", offset = [[#W1:64]] : i64, shape = array<i64: 5, 4>},
// CHECK-SAME: {bn_or_bias = true, init = dense<0.000000e+00> : tensor<5xf32>, kind = 0 : i32, name = "fc1.bias", offset = [[#B1:192]] : i64, shape = array<i64: 5>},
// CHECK-SAME: {bn_or_bias = false, init = dense<2.500000e-01> : tensor<3x5xf32>, kind = 0 : i32, name = "fc2.weight", offset = [[#W2:0]] : i64, shape = array<i64: 3, 5>}]},
// CHECK-SAME: train.optimizer = "sgd", train.param_bytes = [[#P]] : i64} {
// CHECK-DAG: func.func private @trainc_rt_world() -> i32
// CHECK-DAG: func.func private @trainc_rt_allreduce_wait(i32)
// The roles in the order of the C ABI, state and hyper last.
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<[[#P]]xi8> {train.role = "params"},
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<[[#P]]xi8> {train.role = "grads"},
// CHECK-SAME: %{{[^:]+}}: memref<0xi8> {train.role = "buffers"},
// CHECK-SAME: %{{[^:]+}}: memref<{{[0-9]+}}xi8> {train.role = "arena"},
// CHECK-SAME: %{{[^:]+}}: memref<32xi8> {train.role = "input"},
// CHECK-SAME: %{{[^:]+}}: memref<8xi8> {train.role = "labels"},
// CHECK-SAME: %{{[^:]+}}: memref<4xi8> {train.role = "output"},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<[[#P]]xi8> {train.role = "state"},
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<28xi8> {train.role = "hyper"}) {
// The loss's all-reduce, then bucket 0's wait and its update, in full.
// CHECK: call @trainc_rt_allreduce(
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[H:.+]] = memref.view %[[HYPER]][%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[LR:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[MOMENTUM:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[K:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[DAMPENING:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[KEEP:.+]] = arith.subf %[[ONE]], %[[DAMPENING]] : f32
// CHECK-NEXT: %[[K:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[NESTEROV_F:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[NESTEROV:.+]] = arith.cmpf one, %[[NESTEROV_F]], %[[ZERO]] : f32
// CHECK-NEXT: %[[K:.+]] = arith.constant 5 : index
// CHECK-NEXT: %[[FIRST_F:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[FIRST:.+]] = arith.cmpf one, %[[FIRST_F]], %[[ZERO]] : f32
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[HAS_MOMENTUM:.+]] = arith.cmpf one, %[[MOMENTUM]], %[[ZERO]] : f32
// CHECK-NEXT: %[[K:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[WD_BN:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// The mean's scale: 1 / world when world > 1, else 1.
// CHECK-NEXT: %[[WORLD:.+]] = call @trainc_rt_world() : () -> i32
// CHECK-NEXT: %[[I1:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[MANY:.+]] = arith.cmpi sgt, %[[WORLD]], %[[I1]] : i32
// CHECK-NEXT: %[[ONE_DIV:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[WORLD_F:.+]] = arith.sitofp %[[WORLD]] : i32 to f32
// CHECK-NEXT: %[[INV:.+]] = arith.divf %[[ONE_DIV]], %[[WORLD_F]] : f32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[SCALE:.+]] = arith.select %[[MANY]], %[[INV]], %[[ONE]] : f32
// fc2.weight: 15 elements at W2 in params, grads and state; hyper[3].
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W2]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<[[#P]]xi8> to memref<15xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W2]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<[[#P]]xi8> to memref<15xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W2]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<[[#P]]xi8> to memref<15xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 15 : index
// CHECK-NEXT: %[[STEP1:.+]] = arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%[[LB]]) to (%[[UB]]) step (%[[STEP1]]) {
// The gradient of the global batch, stored back, then the update.
// CHECK-NEXT: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-NEXT: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: %[[BI:.+]] = memref.load %[[SV]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-NEXT: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-NEXT: %[[MB:.+]] = arith.mulf %[[MOMENTUM]], %[[BI]] : f32
// CHECK-NEXT: %[[KD:.+]] = arith.mulf %[[KEEP]], %[[D]] : f32
// CHECK-NEXT: %[[ACC:.+]] = arith.addf %[[MB]], %[[KD]] : f32
// CHECK-NEXT: %[[BUF:.+]] = arith.select %[[FIRST]], %[[D]], %[[ACC]] : f32
// CHECK-NEXT: memref.store %[[BUF]], %[[SV]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: %[[MBUF:.+]] = arith.mulf %[[MOMENTUM]], %[[BUF]] : f32
// CHECK-NEXT: %[[NEST:.+]] = arith.addf %[[D]], %[[MBUF]] : f32
// CHECK-NEXT: %[[WITH:.+]] = arith.select %[[NESTEROV]], %[[NEST]], %[[BUF]] : f32
// CHECK-NEXT: %[[STEP:.+]] = arith.select %[[HAS_MOMENTUM]], %[[WITH]], %[[D]] : f32
// CHECK-NEXT: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[STEP]] : f32
// CHECK-NEXT: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<15xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// One loop for bucket 0 and no epilogue of the wait's own: bucket 1's wait
// comes next.
// CHECK-NEXT: %[[B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[H:.+]] = memref.view %[[HYPER]][%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK: %[[K:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[WD_BN:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[WORLD:.+]] = call @trainc_rt_world() : () -> i32
// CHECK: %[[SCALE:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
// fc1.weight: 20 elements at W1, hyper[3]; the first parameter of bucket 1
// starts at the bucket's offset.
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#O1]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<[[#P]]xi8> to memref<20xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W1]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<[[#P]]xi8> to memref<20xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W1]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<[[#P]]xi8> to memref<20xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 20 : index
// CHECK-NEXT: %[[STEP1:.+]] = arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%[[LB]]) to (%[[UB]]) step (%[[STEP1]]) {
// CHECK-NEXT: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<20xf32>
// CHECK-NEXT: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-NEXT: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<20xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<20xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<20xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<20xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<20xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// fc1.bias: 5 elements at B1, hyper[6].
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#B1]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<[[#P]]xi8> to memref<5xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#B1]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<[[#P]]xi8> to memref<5xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#B1]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<[[#P]]xi8> to memref<5xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 5 : index
// CHECK-NEXT: %[[STEP1:.+]] = arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%[[LB]]) to (%[[UB]]) step (%[[STEP1]]) {
// CHECK-NEXT: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<5xf32>
// CHECK-NEXT: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-NEXT: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<5xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<5xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<5xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<5xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<5xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
// The eval step neither updates nor takes state.
// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-NOT: train.role = "state"
// CHECK-NOT: train.role = "hyper"
// CHECK-NOT: memref<7xf32>
// CHECK: return
module @mean attributes {train.optimizer = "sgd", train.buckets = [{bytes = 64 : i64, params = ["fc2.weight"]}, {bytes = 192 : i64, params = ["fc1.weight", "fc1.bias"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight", train.init = dense<0.5> : tensor<5x4xf32>},
    %b1: tensor<5xf32> {train.param = "fc1.bias", train.init = dense<0.0> : tensor<5xf32>},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight", train.init = dense<0.25> : tensor<3x5xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) {
  %h = train.gemm %x, %w1, %b1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return %l : tensor<2x3xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight"},
    %b1: tensor<5xf32> {train.param = "fc1.bias"},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<5x4xf32> {train.grad = "fc1.weight"},
        tensor<5xf32> {train.grad = "fc1.bias"},
        tensor<3x5xf32> {train.grad = "fc2.weight"}) {
  %h = train.gemm %x, %w1, %b1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  %loss = train.softmax_xent %l, %labels label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %l, %labels, %one label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %dh = train.gemm %dl, %w2 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %dw2 = train.gemm %dl, %h trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
  train.allreduce_start 0
  %dw1 = train.gemm %dh, %x trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %db1 = train.reduce_sum_to %dh : tensor<2x5xf32> -> tensor<5xf32>
  train.allreduce_start 1
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean"
  train.optimizer_update 0 "sgd"
  train.allreduce_wait 1 "mean"
  train.optimizer_update 1 "sgd"
  return %rloss, %dw1, %db1, %dw2 : tensor<f32>, tensor<5x4xf32>, tensor<5xf32>, tensor<3x5xf32>
}
}

// -----

// A bucket of summed gradients (a, rank 1: hyper[6]): the wait's call, then
// the update reading the gradient as is; no world size anywhere.
// CHECK-LABEL: module @sum
// CHECK-SAME: optimizer = "sgd", {{.+}}, state_bytes = 64 : i64,
// CHECK-NOT: trainc_rt_world
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<64xi8> {train.role = "params"},
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<64xi8> {train.role = "grads"},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<64xi8> {train.role = "state"},
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<28xi8> {train.role = "hyper"}) {
// CHECK: call @trainc_rt_allreduce_start(
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[H:.+]] = memref.view %[[HYPER]][%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK: %[[K:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[WD_BN:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<64xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<64xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<64xi8> to memref<4xf32>
// CHECK-NEXT: %[[LB:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[STEP1:.+]] = arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%[[LB]]) to (%[[UB]]) step (%[[STEP1]]) {
// CHECK-NEXT: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[BI:.+]] = memref.load %[[SV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-NEXT: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-NEXT: arith.mulf %{{.+}}, %[[BI]] : f32
// CHECK-NEXT: arith.mulf %{{.+}}, %[[D]] : f32
// CHECK-NOT: memref.store %{{.+}}, %[[GV]]
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
module @sum attributes {train.optimizer = "sgd", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
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
  train.optimizer_update 0 "sgd"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// One process, no collectives: the updates before the return, in bucket
// order, reading the gradients as is. a (bucket 0, rank 1) at 0: hyper[6];
// w (bucket 1, 2x4) at 64: hyper[3].
// CHECK-LABEL: module @no_wait
// CHECK-SAME: optimizer = "sgd", {{.+}}, param_bytes = 128 : i64, {{.+}}, state_bytes = 128 : i64,
// CHECK-SAME: {bn_or_bias = true, {{.+}}, name = "a", offset = 0 : i64,
// CHECK-SAME: {bn_or_bias = false, {{.+}}, name = "w", offset = 64 : i64,
// CHECK-NOT: trainc_rt_world
// CHECK-NOT: trainc_rt_allreduce
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = "params"},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<128xi8> {train.role = "state"},
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<28xi8> {train.role = "hyper"}) {
// The relu of w writes its gradient (the first store of 8 floats): the
// last op before the updates.
// CHECK: memref.store %{{.+}}, %{{.+}}[%{{.+}}] : memref<8xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// Bucket 0.
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[H:.+]] = memref.view %[[HYPER]][%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK: %[[K:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[WD_BN:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<128xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %{{.+}}[%[[O]]][] : memref<128xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<128xi8> to memref<4xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 4 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%{{.+}}) to (%[[UB]]) step
// CHECK-NEXT: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// Bucket 1, right after.
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[H:.+]] = memref.view %[[HYPER]][%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK: %[[K:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[WD_BN:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<128xi8> to memref<8xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %{{.+}}[%[[O]]][] : memref<128xi8> to memref<8xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<128xi8> to memref<8xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 8 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%{{.+}}) to (%[[UB]]) step
// CHECK-NEXT: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<8xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
module @no_wait attributes {train.optimizer = "sgd", train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 64 : i64, params = ["w"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %w: tensor<2x4xf32> {train.param = "w"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}, tensor<2x4xf32> {train.grad = "w"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %da = train.relu %a : tensor<4xf32>
  %dw = train.relu %w : tensor<2x4xf32>
  train.optimizer_update 0 "sgd"
  train.optimizer_update 1 "sgd"
  return %loss, %da, %dw : tensor<f32>, tensor<4xf32>, tensor<2x4xf32>
}
}

// -----

// Compressed buckets (as bf16): bucket 0 = a (gradient offset 0, 4 floats),
// bucket 1 = w (64, 2x4: hyper[3]) and b (128, 4: hyper[6]), 32 floats.
// The staging range starts at WIRE (train.wire_offset, read off bucket 0's
// start); bucket 1 stages at WIRE + 64 / 2 as 32 i16, w's elements from
// index 0, b's from (128 - 64) / 4 = 16.
// CHECK-LABEL: module @bf16
// CHECK-SAME: train.buckets = [{bytes = 64 : i64, offset = [[#O0:0]] : i64, params = ["a"]}, {bytes = 128 : i64, offset = [[#O1:64]] : i64, params = ["w", "b"]}]
// CHECK-SAME: name = "w", offset = [[#W:64]] : i64, shape = array<i64: 2, 4>}, {bn_or_bias = true, {{.+}}, name = "b", offset = [[#BB:128]] : i64,
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<192xi8> {train.role = "params"},
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<192xi8> {train.role = "grads"},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<[[#ARENA_BYTES:]]xi8> {train.role = "arena"},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<192xi8> {train.role = "state"},
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<28xi8> {train.role = "hyper"}) {
// CHECK: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: arith.constant [[#WIRE:]] : index
// CHECK: call @trainc_rt_allreduce_start(
// CHECK: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: arith.constant [[#WIRE + div(O1,2)]] : index
// CHECK: call @trainc_rt_allreduce_start(
// Bucket 0's wait and update (one loop in each branch), then bucket 1's.
// CHECK: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK: scf.if
// CHECK: memref<16xi16>
// CHECK: } else {
// CHECK: %[[B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[H:.+]] = memref.view %[[HYPER]][%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK: %[[K:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[K:.+]] = arith.constant 6 : index
// CHECK-NEXT: %[[WD_BN:.+]] = memref.load %[[H]][%[[K]]] : memref<7xf32>
// CHECK-NEXT: %[[WORLD:.+]] = call @trainc_rt_world() : () -> i32
// CHECK-NEXT: %[[I1:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[MANY:.+]] = arith.cmpi sgt, %[[WORLD]], %[[I1]] : i32
// CHECK-NEXT: scf.if %[[MANY]] {
// Several processes: the staged bf16 mean, widened, stored back, updated.
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#WIRE + div(O1,2)]] : index
// CHECK-NEXT: %[[STAGED:.+]] = memref.view %[[ARENA]][%[[O]]][] : memref<[[#ARENA_BYTES]]xi8> to memref<32xi16>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<192xi8> to memref<8xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<8xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<192xi8> to memref<8xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 8 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%{{.+}}) to (%[[UB]]) step
// CHECK-NEXT: %[[SHIFT:.+]] = arith.constant [[#div(W - O1,4)]] : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[I]], %[[SHIFT]] : index
// CHECK-NEXT: %[[BITS:.+]] = memref.load %[[STAGED]][%[[AT]]] : memref<32xi16>
// CHECK-NEXT: %[[WIDE:.+]] = arith.extui %[[BITS]] : i16 to i32
// CHECK-NEXT: %[[SIXTEEN:.+]] = arith.constant 16 : i32
// CHECK-NEXT: %[[HIGH:.+]] = arith.shli %[[WIDE]], %[[SIXTEEN]] : i32
// CHECK-NEXT: %[[GI:.+]] = arith.bitcast %[[HIGH]] : i32 to f32
// CHECK-NEXT: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<8xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#BB]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#BB]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#BB]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 4 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%{{.+}}) to (%[[UB]]) step
// CHECK-NEXT: %[[SHIFT:.+]] = arith.constant [[#div(BB - O1,4)]] : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[I]], %[[SHIFT]] : index
// CHECK-NEXT: %[[BITS:.+]] = memref.load %[[STAGED]][%[[AT]]] : memref<32xi16>
// CHECK-NEXT: %[[WIDE:.+]] = arith.extui %[[BITS]] : i16 to i32
// CHECK-NEXT: %[[SIXTEEN:.+]] = arith.constant 16 : i32
// CHECK-NEXT: %[[HIGH:.+]] = arith.shli %[[WIDE]], %[[SIXTEEN]] : i32
// CHECK-NEXT: %[[GI:.+]] = arith.bitcast %[[HIGH]] : i32 to f32
// CHECK-NEXT: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// One process: nothing was compressed; the plain loops read the gradients.
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<192xi8> to memref<8xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<8xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#W]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<192xi8> to memref<8xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 8 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%{{.+}}) to (%[[UB]]) step
// CHECK-NEXT: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<8xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#BB]] : index
// CHECK-NEXT: %[[WV:.+]] = memref.view %[[PARAMS]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#BB]] : index
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: %[[O:.+]] = arith.constant [[#BB]] : index
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[STATE]][%[[O]]][] : memref<192xi8> to memref<4xf32>
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[UB:.+]] = arith.constant 4 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: scf.parallel (%[[I:[^)]+]]) = (%{{.+}}) to (%[[UB]]) step
// CHECK-NEXT: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: memref.load %[[SV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-NEXT: arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[SV]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return
module @bf16 attributes {train.optimizer = "sgd", train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %da = train.relu %a : tensor<4xf32>
  train.allreduce_start 0 as bf16
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 1 as bf16
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean" as bf16
  train.optimizer_update 0 "sgd"
  train.allreduce_wait 1 "mean" as bf16
  train.optimizer_update 1 "sgd"
  return %rloss, %da, %dw, %db : tensor<f32>, tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----

// Updates that do not follow their own bucket's wait (not what
// train-insert-optimizer makes): each wait keeps its own epilogue (the
// 1 / world loop over the bucket's range, padding included), and the
// updates read the finished gradients as is.
// CHECK-LABEL: module @unfused
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = "grads"},
// CHECK: call @trainc_rt_allreduce_start(
// CHECK: call @trainc_rt_allreduce_start(
// CHECK-NEXT: %[[B:.+]] = arith.constant 0 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[O:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[BV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<128xi8> to memref<16xf32>
// CHECK-NEXT: %[[WORLD:.+]] = call @trainc_rt_world() : () -> i32
// CHECK-NEXT: %[[I1:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[MANY:.+]] = arith.cmpi sgt, %[[WORLD]], %[[I1]] : i32
// CHECK-NEXT: scf.if %[[MANY]] {
// CHECK: scf.parallel
// CHECK-NEXT: %[[X:.+]] = memref.load %[[BV]]
// CHECK-NEXT: %[[Y:.+]] = arith.mulf %[[X]], %{{.+}} : f32
// CHECK-NEXT: memref.store %[[Y]], %[[BV]]
// CHECK-NEXT: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: %[[B:.+]] = arith.constant 1 : i32
// CHECK-NEXT: call @trainc_rt_allreduce_wait(%[[B]]) : (i32) -> ()
// CHECK-NEXT: %[[O:.+]] = arith.constant 64 : index
// CHECK-NEXT: %[[BV:.+]] = memref.view %[[GRADS]][%[[O]]][] : memref<128xi8> to memref<16xf32>
// CHECK-NEXT: call @trainc_rt_world() : () -> i32
// CHECK: scf.if
// CHECK: scf.parallel
// CHECK-NEXT: memref.load %[[BV]]
// CHECK: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: }
// Then the two updates, plain: the first op of each loop loads the gradient
// and the next but one the momentum buffer (no scale, no store back).
// CHECK-NEXT: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %{{.+}}[%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK-NOT: trainc_rt_world
// CHECK: %[[GV:.+]] = memref.view %[[GRADS]][%{{.+}}][] : memref<128xi8> to memref<4xf32>
// CHECK-NEXT: arith.constant
// CHECK-NEXT: %[[SV:.+]] = memref.view
// CHECK: scf.parallel
// CHECK-NEXT: memref.load %[[GV]]
// CHECK-NEXT: memref.load
// CHECK-NEXT: memref.load %[[SV]]
// CHECK: %[[K:.+]] = arith.constant 0 : index
// CHECK-NEXT: memref.view %{{.+}}[%[[K]]][] : memref<28xi8> to memref<7xf32>
// CHECK-NOT: trainc_rt_world
// CHECK: %[[GV:.+]] = memref.view %[[GRADS]][%{{.+}}][] : memref<128xi8> to memref<4xf32>
// CHECK-NEXT: arith.constant
// CHECK-NEXT: %[[SV:.+]] = memref.view
// CHECK: scf.parallel
// CHECK-NEXT: memref.load %[[GV]]
// CHECK-NEXT: memref.load
// CHECK-NEXT: memref.load %[[SV]]
// CHECK: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
module @unfused attributes {train.optimizer = "sgd", train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 64 : i64, params = ["b"]}]} {
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
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %da = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 1
  train.allreduce_wait 0 "mean"
  train.allreduce_wait 1 "mean"
  train.optimizer_update 0 "sgd"
  train.optimizer_update 1 "sgd"
  return %loss, %da, %db : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----

// Update ops in a module without train.optimizer: the state arena is sized
// by that attribute, so the lowering refuses them.
module @no_optimizer_attr attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
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
  // expected-error @+1 {{the module's optimizer (train.optimizer) is not 'sgd' (run train-insert-optimizer)}}
  train.optimizer_update 0 "sgd"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// An algorithm the CPU lowering does not have.
module @adam attributes {train.optimizer = "adam", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
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
  // expected-error @+1 {{no CPU lowering for optimizer 'adam'}}
  train.optimizer_update 0 "adam"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// An update of a bucket the module does not have.
module @unknown_bucket attributes {train.optimizer = "sgd", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
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
  // expected-error @+1 {{no bucket 1}}
  train.optimizer_update 1 "sgd"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}
