// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The normalisation family (Normalization.cpp) on x = [N, C, H, W] =
// [2, 3, 2, 5], seen as [N, C, S] = [2, 3, 10]: per channel, m = N * S = 20
// values. momentum = 0.75 (ONNX: the weight of the old running value) and
// epsilon = 1e-3 keep the constants readable.
//
// Homes (train-plan-memory): in @train_step, the BatchNorm's output at arena
// 0, its batch mean and variance at 512 and 576, its running statistics
// updated in place (buffers 0 and 64), the backward's input gradient at
// arena 256 and its scale and bias gradients straight into the gradient
// arena (bn.weight at 0, bn.bias at 64). In @forward the inference output is
// the logits, written into the output argument.

// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = "params"}
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = "grads"}
// CHECK-SAME: %[[BUFFERS:[^:]+]]: memref<128xi8> {train.role = "buffers"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<640xi8> {train.role = "arena"}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<240xi8> {train.role = "input"}

// batch_norm (training): every operand and result a view of its home.
// CHECK: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[Y:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<640xi8> to memref<2x3x10xf32>
// CHECK: %[[SCALE:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: %[[SHIFT:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: %[[RM:.+]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: %[[RV:.+]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// The running statistics' new values: the same bytes (in place).
// CHECK: %[[RM_OUT:.+]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: %[[RV_OUT:.+]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: %[[BM:.+]] = memref.view %[[ARENA]][%c512{{(_[0-9]+)?}}][] : memref<640xi8> to memref<3xf32>
// CHECK: %[[BV:.+]] = memref.view %[[ARENA]][%c576{{(_[0-9]+)?}}][] : memref<640xi8> to memref<3xf32>
// One iteration per channel.
// CHECK: scf.parallel (%[[C:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// The mean: a sequential f64 reduction over n < 2 and s < 10, divided by m.
// CHECK: %[[M:.+]] = arith.constant 2.000000e+01 : f64
// CHECK: %[[SUM:.+]] = scf.for %[[N:.+]] = %c0{{.*}} to %c2{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// CHECK: scf.for %[[S:.+]] = %c0{{.*}} to %c10{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC2:.+]] = %[[ACC]]) -> (f64) {
// CHECK-NEXT: %[[V:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[S]]] : memref<2x3x10xf32>
// CHECK-NEXT: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-NEXT: arith.addf %[[ACC2]], %[[V64]] : f64
// CHECK: %[[MEAN:.+]] = arith.divf %[[SUM]], %[[M]] : f64
// The variance: a second pass over the squared deviations.
// CHECK: %[[SQ:.+]] = scf.for
// CHECK: scf.for
// CHECK: %[[D:.+]] = arith.subf %{{.+}}, %[[MEAN]] : f64
// CHECK-NEXT: %[[D2:.+]] = arith.mulf %[[D]], %[[D]] : f64
// CHECK: %[[VAR:.+]] = arith.divf %[[SQ]], %{{.+}} : f64
// The batch statistics, for the backward pass.
// CHECK: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-NEXT: memref.store %[[MEAN32]], %[[BM]][%[[C]]]
// CHECK-NEXT: %[[VAR32:.+]] = arith.truncf %[[VAR]] : f64 to f32
// CHECK-NEXT: memref.store %[[VAR32]], %[[BV]][%[[C]]]
// running_mean = 0.75 * running_mean + 0.25 * mean.
// CHECK-NEXT: %[[KEEP:.+]] = arith.constant 7.500000e-01 : f64
// CHECK-NEXT: %[[TAKE:.+]] = arith.constant 2.500000e-01 : f64
// CHECK-NEXT: %[[NEW:.+]] = arith.mulf %[[TAKE]], %[[MEAN]] : f64
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[RM]][%[[C]]]
// CHECK-NEXT: %[[OLD64:.+]] = arith.extf %[[OLD]] : f32 to f64
// CHECK-NEXT: %[[KEPT:.+]] = arith.mulf %[[KEEP]], %[[OLD64]] : f64
// CHECK-NEXT: %[[RMV:.+]] = arith.addf %[[KEPT]], %[[NEW]] : f64
// CHECK-NEXT: %[[RMV32:.+]] = arith.truncf %[[RMV]] : f64 to f32
// CHECK-NEXT: memref.store %[[RMV32]], %[[RM_OUT]][%[[C]]]
// running_var = 0.75 * running_var + 0.25 * var * m / (m - 1) (unbiased,
// as PyTorch; 20 / 19).
// CHECK-NEXT: %[[UNBIAS:.+]] = arith.constant 1.0526315789473684 : f64
// CHECK-NEXT: %[[UVAR:.+]] = arith.mulf %[[VAR]], %[[UNBIAS]] : f64
// CHECK-NEXT: %[[NEWV:.+]] = arith.mulf %[[TAKE]], %[[UVAR]] : f64
// CHECK-NEXT: %[[OLDV:.+]] = memref.load %[[RV]][%[[C]]]
// CHECK-NEXT: %[[OLDV64:.+]] = arith.extf %[[OLDV]] : f32 to f64
// CHECK-NEXT: %[[KEPTV:.+]] = arith.mulf %[[KEEP]], %[[OLDV64]] : f64
// CHECK-NEXT: %[[RVV:.+]] = arith.addf %[[KEPTV]], %[[NEWV]] : f64
// CHECK-NEXT: %[[RVV32:.+]] = arith.truncf %[[RVV]] : f64 to f32
// CHECK-NEXT: memref.store %[[RVV32]], %[[RV_OUT]][%[[C]]]
// y = (x - mean) * (scale * rsqrt(var + eps)) + shift, with the biased
// variance and epsilon 1e-3 (as f32, widened).
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 0.0010000000474974513 : f64
// CHECK-NEXT: %[[VE:.+]] = arith.addf %[[VAR]], %[[EPS]] : f64
// CHECK-NEXT: %[[INV:.+]] = math.rsqrt %[[VE]] : f64
// CHECK-NEXT: %[[INV32:.+]] = arith.truncf %[[INV]] : f64 to f32
// CHECK-NEXT: %[[G:.+]] = memref.load %[[SCALE]][%[[C]]]
// CHECK-NEXT: %[[MUL:.+]] = arith.mulf %[[G]], %[[INV32]] : f32
// CHECK-NEXT: %[[MU:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-NEXT: %[[B:.+]] = memref.load %[[SHIFT]][%[[C]]]
// CHECK: scf.for %[[N:.+]] = %c0{{.*}} to %c2{{(_[0-9]+)?}} step
// CHECK: scf.for %[[S:.+]] = %c0{{.*}} to %c10{{(_[0-9]+)?}} step
// CHECK-NEXT: %[[XV:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[S]]]
// CHECK-NEXT: %[[XC:.+]] = arith.subf %[[XV]], %[[MU]] : f32
// CHECK-NEXT: %[[XS:.+]] = arith.mulf %[[XC]], %[[MUL]] : f32
// CHECK-NEXT: %[[YV:.+]] = arith.addf %[[XS]], %[[B]] : f32
// CHECK-NEXT: memref.store %[[YV]], %[[Y]][%[[N]], %[[C]], %[[S]]]
// CHECK: scf.reduce

// batch_norm_backward: dy is the BatchNorm's output (arena 0), dx goes to
// arena 256, dscale and dbias to the gradient arena.
// CHECK: %[[BX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK: %[[DY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<640xi8> to memref<2x3x10xf32>
// CHECK: %[[DX:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<640xi8> to memref<2x3x10xf32>
// CHECK: %[[BSCALE:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][]
// CHECK: %[[BBM:.+]] = memref.view %[[ARENA]][%c512{{(_[0-9]+)?}}][]
// CHECK: %[[BBV:.+]] = memref.view %[[ARENA]][%c576{{(_[0-9]+)?}}][]
// CHECK: %[[DSCALE:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: %[[DBIAS:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK: scf.parallel (%[[C:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[BMV:.+]] = memref.load %[[BBM]][%[[C]]]
// CHECK-NEXT: %[[MEAN:.+]] = arith.extf %[[BMV]] : f32 to f64
// CHECK-NEXT: %[[BVV:.+]] = memref.load %[[BBV]][%[[C]]]
// CHECK-NEXT: %[[VAR:.+]] = arith.extf %[[BVV]] : f32 to f64
// CHECK-NEXT: arith.constant 0.0010000000474974513 : f64
// CHECK-NEXT: %[[VE:.+]] = arith.addf %[[VAR]], %{{.+}} : f64
// CHECK-NEXT: %[[INV:.+]] = math.rsqrt %[[VE]] : f64
// sum(dy) and sum(dy * xhat), in f64.
// CHECK: %[[SUMDY:.+]] = scf.for {{.*}} -> (f64) {
// CHECK: memref.load %[[DY]]
// CHECK: %[[SUMDYX:.+]] = scf.for {{.*}} -> (f64) {
// CHECK: memref.load %[[BX]]
// CHECK: arith.mulf %{{.+}}, %[[INV]] : f64
// CHECK: memref.load %[[DY]]
// CHECK: %[[T1:.+]] = arith.truncf %[[SUMDY]] : f64 to f32
// CHECK-NEXT: memref.store %[[T1]], %[[DBIAS]][%[[C]]]
// CHECK-NEXT: %[[T2:.+]] = arith.truncf %[[SUMDYX]] : f64 to f32
// CHECK-NEXT: memref.store %[[T2]], %[[DSCALE]][%[[C]]]
// dx = scale * inv * (dy - sum(dy) / m - xhat * sum(dy * xhat) / m).
// CHECK: memref.load %[[BSCALE]][%[[C]]]
// CHECK: arith.divf %[[SUMDY]], %{{.+}} : f64
// CHECK: arith.divf %[[SUMDYX]], %{{.+}} : f64
// CHECK: scf.for {{.*}} to %c2
// CHECK: scf.for {{.*}} to %c10
// CHECK: memref.store %{{.+}}, %[[DX]][
// CHECK: scf.reduce
// CHECK: return

// batch_norm_inference: parallel over every element, the running
// statistics read from the buffers, the result in the output argument.
// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = "params"}
// CHECK-SAME: %[[BUFFERS:[^:]+]]: memref<128xi8> {train.role = "buffers"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<640xi8> {train.role = "arena"}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<240xi8> {train.role = "input"}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<240xi8> {train.role = "output"}
// CHECK: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK: %[[Y:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK: %[[SCALE:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][]
// CHECK: %[[SHIFT:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][]
// CHECK: %[[RM:.+]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][]
// CHECK: %[[RV:.+]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][]
// CHECK: scf.parallel (%[[N:.+]], %[[C:.+]], %[[S:.+]]) = (%{{.+}}, %{{.+}}, %{{.+}}) to (%c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c10{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[RV]][%[[C]]]
// CHECK-NEXT: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-NEXT: %[[EPS:.+]] = arith.constant 0.0010000000474974513 : f64
// CHECK-NEXT: %[[VE:.+]] = arith.addf %[[V64]], %[[EPS]] : f64
// CHECK-NEXT: %[[INV:.+]] = math.rsqrt %[[VE]] : f64
// CHECK-NEXT: %[[INV32:.+]] = arith.truncf %[[INV]] : f64 to f32
// CHECK-NEXT: %[[MU:.+]] = memref.load %[[RM]][%[[C]]]
// CHECK-NEXT: %[[XV:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[S]]]
// CHECK-NEXT: %[[XC:.+]] = arith.subf %[[XV]], %[[MU]] : f32
// CHECK-NEXT: %[[B:.+]] = memref.load %[[SHIFT]][%[[C]]]
// CHECK-NEXT: %[[G:.+]] = memref.load %[[SCALE]][%[[C]]]
// CHECK-NEXT: %[[K:.+]] = arith.mulf %[[G]], %[[INV32]] : f32
// CHECK-NEXT: %[[XS:.+]] = arith.mulf %[[XC]], %[[K]] : f32
// CHECK-NEXT: %[[YV:.+]] = arith.addf %[[XS]], %[[B]] : f32
// CHECK-NEXT: memref.store %[[YV]], %[[Y]][%[[N]], %[[C]], %[[S]]]

module @normalization {
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
