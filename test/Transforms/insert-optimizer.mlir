// RUN: trainc-opt %s -split-input-file -train-insert-optimizer -verify-diagnostics | FileCheck %s
// RUN: not trainc-opt %s -split-input-file -train-insert-optimizer='optimizer=adam' 2>&1 | FileCheck %s --check-prefix=ADAM

// train-insert-optimizer (InsertOptimizer.cpp) on lowered modules, of which
// it reads only the model description (train.model). It adds
// @trainc_optimizer_step(params, grads, state, hyper): state has the
// parameters' layout; hyper is trainc_sgd_hyper (model.h), 7 floats:
//   0 lr, 1 momentum, 2 dampening, 3 weight_decay, 4 nesterov, 5 first_step,
//   6 weight_decay_bn_bias.
// One scf.parallel per parameter (kind 0; buffers, kind 1, get none), over
// its elements, updating in place as torch.optim.SGD:
//   d   = g + wd * w                 (wd: hyper[6] for BatchNorm parameters
//                                     and biases, hyper[3] otherwise)
//   buf = first_step ? d : momentum * buf + (1 - dampening) * d
//   step = momentum != 0 ? (nesterov ? d + momentum * buf : buf) : d
//   w  -= lr * step

// CHECK-LABEL: module @sgd
// The description gains the optimizer and the size of its state.
// CHECK-SAME: optimizer = "sgd"
// CHECK-SAME: state_bytes = 832 : i64
// CHECK: func.func @trainc_optimizer_step(
// CHECK-SAME: %[[W:[^:]+]]: memref<832xi8> {train.role = "params"},
// CHECK-SAME: %[[G:[^:]+]]: memref<832xi8> {train.role = "grads"},
// CHECK-SAME: %[[S:[^:]+]]: memref<832xi8> {train.role = "state"},
// CHECK-SAME: %[[H:[^:]+]]: memref<28xi8> {train.role = "hyper"}) {
// CHECK: %[[HYPER:.+]] = memref.view %[[H]][%c0{{(_[0-9]+)?}}][] : memref<28xi8> to memref<7xf32>
// CHECK: %[[LR:.+]] = memref.load %[[HYPER]][%c0{{(_[0-9]+)?}}] : memref<7xf32>
// CHECK: %[[MOMENTUM:.+]] = memref.load %[[HYPER]][%c1{{(_[0-9]+)?}}] : memref<7xf32>
// CHECK: %[[DAMPENING:.+]] = memref.load %[[HYPER]][%c2{{(_[0-9]+)?}}] : memref<7xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[NESTEROV_F:.+]] = memref.load %[[HYPER]][%c4{{(_[0-9]+)?}}] : memref<7xf32>
// CHECK-NEXT: %[[NESTEROV:.+]] = arith.cmpf one, %[[NESTEROV_F]], %[[ZERO]] : f32
// CHECK: %[[FIRST_F:.+]] = memref.load %[[HYPER]][%c5{{(_[0-9]+)?}}] : memref<7xf32>
// CHECK-NEXT: %[[FIRST:.+]] = arith.cmpf one, %[[FIRST_F]], %[[ZERO]] : f32
// CHECK-NEXT: %[[HAS_MOMENTUM:.+]] = arith.cmpf one, %[[MOMENTUM]], %[[ZERO]] : f32
// CHECK-NEXT: %[[KEEP:.+]] = arith.subf %[[ONE]], %[[DAMPENING]] : f32

// conv.weight: 4x3x3x3 = 108 elements at offset 0, weight decay hyper[3].
// CHECK: %[[WV:.+]] = memref.view %[[W]][%[[OFF:c0(_[0-9]+)?]]][] : memref<832xi8> to memref<108xf32>
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[G]][%[[OFF]]][] : memref<832xi8> to memref<108xf32>
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[S]][%[[OFF]]][] : memref<832xi8> to memref<108xf32>
// CHECK-NEXT: %c3{{.*}} = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[HYPER]][%c3{{.*}}] : memref<7xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c108{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<108xf32>
// CHECK-NEXT: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<108xf32>
// CHECK-NEXT: %[[BI:.+]] = memref.load %[[SV]][%[[I]]] : memref<108xf32>
// CHECK-NEXT: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-NEXT: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-NEXT: %[[KD:.+]] = arith.mulf %[[KEEP]], %[[D]] : f32
// CHECK-NEXT: %[[MB:.+]] = arith.mulf %[[MOMENTUM]], %[[BI]] : f32
// CHECK-NEXT: %[[ACC:.+]] = arith.addf %[[MB]], %[[KD]] : f32
// CHECK-NEXT: %[[BUF:.+]] = arith.select %[[FIRST]], %[[D]], %[[ACC]] : f32
// CHECK-NEXT: memref.store %[[BUF]], %[[SV]][%[[I]]] : memref<108xf32>
// CHECK-NEXT: %[[MBUF:.+]] = arith.mulf %[[MOMENTUM]], %[[BUF]] : f32
// CHECK-NEXT: %[[NEST:.+]] = arith.addf %[[D]], %[[MBUF]] : f32
// CHECK-NEXT: %[[WITH:.+]] = arith.select %[[NESTEROV]], %[[NEST]], %[[BUF]] : f32
// CHECK-NEXT: %[[STEP:.+]] = arith.select %[[HAS_MOMENTUM]], %[[WITH]], %[[D]] : f32
// CHECK-NEXT: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[STEP]] : f32
// CHECK-NEXT: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<108xf32>
// CHECK-NEXT: scf.reduce

// bn.weight: 4 elements at offset 448, weight decay hyper[6].
// CHECK: %[[WV:.+]] = memref.view %[[W]][%c448{{.*}}][] : memref<832xi8> to memref<4xf32>
// CHECK-NEXT: %[[GV:.+]] = memref.view %[[G]][%c448{{.*}}][] : memref<832xi8> to memref<4xf32>
// CHECK-NEXT: %[[SV:.+]] = memref.view %[[S]][%c448{{.*}}][] : memref<832xi8> to memref<4xf32>
// CHECK-NEXT: %c6{{.*}} = arith.constant 6 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[HYPER]][%c6{{.*}}] : memref<7xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[WI:.+]] = memref.load %[[WV]][%[[I]]]
// CHECK-NEXT: memref.load %[[GV]][%[[I]]]
// CHECK-NEXT: memref.load %[[SV]][%[[I]]]
// CHECK-NEXT: arith.mulf %[[WD]], %[[WI]] : f32

// bn.running_mean is a buffer: no loop. fc.weight: 40 elements at 576,
// hyper[3] again; fc.bias, 10 at 768, hyper[6].
// CHECK-NOT: memref<200xf32>
// CHECK: %[[WV:.+]] = memref.view %[[W]][%c576{{.*}}][] : memref<832xi8> to memref<40xf32>
// CHECK: %c3{{.*}} = arith.constant 3 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[HYPER]][%c3{{.*}}]
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c40{{(_[0-9]+)?}}) step
// CHECK: arith.mulf %[[WD]], %{{.+}} : f32
// CHECK: %[[WV:.+]] = memref.view %[[W]][%c768{{.*}}][] : memref<832xi8> to memref<10xf32>
// CHECK: %c6{{.*}} = arith.constant 6 : index
// CHECK-NEXT: %[[WD:.+]] = memref.load %[[HYPER]][%c6{{.*}}]
// CHECK: scf.parallel (%[[I:.+]]) = (%{{.+}}) to (%c10{{(_[0-9]+)?}}) step
// CHECK: arith.mulf %[[WD]], %{{.+}} : f32
// Four parameters, four loops.
// CHECK: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
// CHECK-NOT: scf.parallel

// With the adam option, every module is refused.
// ADAM-NOT: func.func @trainc_optimizer_step
// ADAM: error: unknown optimizer 'adam'
// ADAM-NOT: func.func @trainc_optimizer_step

module @sgd attributes {train.model = {arena_bytes = 4736 : i64, buffer_bytes = 128 : i64, input_name = "input", input_shape = array<i64: 2, 3, 6, 6>, num_classes = 10 : i64, output_name = "logits", param_bytes = 832 : i64, tensors = [
    {bn_or_bias = false, init = dense<5.000000e-01> : tensor<4x3x3x3xf32>, kind = 0 : i32, name = "conv.weight", offset = 0 : i64, shape = array<i64: 4, 3, 3, 3>},
    {bn_or_bias = true, init = dense<1.000000e+00> : tensor<4xf32>, kind = 0 : i32, name = "bn.weight", offset = 448 : i64, shape = array<i64: 4>},
    {bn_or_bias = false, init = dense<0.000000e+00> : tensor<200xf32>, kind = 1 : i32, name = "bn.running_mean", offset = 0 : i64, shape = array<i64: 200>},
    {bn_or_bias = false, init = dense<2.500000e-01> : tensor<10x4xf32>, kind = 0 : i32, name = "fc.weight", offset = 576 : i64, shape = array<i64: 10, 4>},
    {bn_or_bias = true, init = dense<0.000000e+00> : tensor<10xf32>, kind = 0 : i32, name = "fc.bias", offset = 768 : i64, shape = array<i64: 10>}]}} {
}

// -----

// A module the lowering has not produced.
// ADAM: error: expected a lowered module (train.model, from convert-train-to-loops)
// expected-error @+1 {{expected a lowered module (train.model, from convert-train-to-loops)}}
module @not_lowered {
}
