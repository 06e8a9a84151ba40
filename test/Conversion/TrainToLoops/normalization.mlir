// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s
// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s --check-prefix=EVAL

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

// The checks follow the structure, not the order of SSA values: each
// kernel is one CHECK-DAG group (its views, loop headers and the data flow
// of its formulas, each value found from its operands) closed by its last
// store. Index constants are matched by their names (%c64, %c64_7, ...).
// CHECK looks at @trainc_train_step, EVAL (a second run) at
// @trainc_eval_step, whatever their order in the module.

// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>}
// CHECK-SAME: %[[BUFFERS:[^:]+]]: memref<128xi8> {train.role = #train.role<buffers>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<640xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<240xi8> {train.role = #train.role<input>}

// batch_norm (training): every operand and result a view of its home; one
// iteration per channel.
// CHECK-DAG: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[Y:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<640xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[SCALE:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[SHIFT:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[BM:.+]] = memref.view %[[ARENA]][%c512{{(_[0-9]+)?}}][] : memref<640xi8> to memref<3xf32>
// CHECK-DAG: %[[BV:.+]] = memref.view %[[ARENA]][%c576{{(_[0-9]+)?}}][] : memref<640xi8> to memref<3xf32>
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// The mean: a sequential f64 reduction from 0 over n < 2 and s < 10,
// divided by m.
// CHECK-DAG: %[[M:.+]] = arith.constant 2.000000e+01 : f64
// CHECK-DAG: %[[MEAN:.+]] = arith.divf %[[SUM:.+]], %[[M]] : f64
// CHECK-DAG: %[[SUM]] = scf.for %[[N:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:[a-z0-9_]+]] = %[[ZERO:.+]]) -> (f64) {
// CHECK-DAG: %[[ZERO]] = arith.constant 0.000000e+00 : f64
// CHECK-DAG: scf.for %[[S:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c10{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC2:[a-z0-9_]+]] = %[[ACC]]) -> (f64) {
// CHECK-DAG: %[[V:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[S]]] : memref<2x3x10xf32>
// CHECK-DAG: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-DAG: arith.addf %[[ACC2]], %[[V64]] : f64
// The variance: a second pass over the squared deviations, divided by m.
// CHECK-DAG: %[[VAR:.+]] = arith.divf %[[SQ:.+]], %{{.+}} : f64
// CHECK-DAG: %[[SQ]] = scf.for %{{.+}} to %c2{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK-DAG: %[[D:.+]] = arith.subf %{{.+}}, %[[MEAN]] : f64
// CHECK-DAG: %[[D2:.+]] = arith.mulf %[[D]], %[[D]] : f64
// CHECK-DAG: arith.addf %{{.+}}, %[[D2]] : f64
// The batch statistics, for the backward pass.
// CHECK-DAG: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-DAG: memref.store %[[MEAN32]], %[[BM]][%[[C]]]
// CHECK-DAG: %[[VAR32:.+]] = arith.truncf %[[VAR]] : f64 to f32
// CHECK-DAG: memref.store %[[VAR32]], %[[BV]][%[[C]]]
// running_mean = 0.75 * running_mean + 0.25 * mean, read from and written
// to the same bytes (buffers 0: in place).
// CHECK-DAG: %[[KEEP:.+]] = arith.constant 7.500000e-01 : f64
// CHECK-DAG: %[[TAKE:.+]] = arith.constant 2.500000e-01 : f64
// CHECK-DAG: %[[NEW:.+]] = arith.mulf %[[TAKE]], %[[MEAN]] : f64
// CHECK-DAG: %[[RMV:.+]] = arith.addf %[[KEPT:.+]], %[[NEW]] : f64
// CHECK-DAG: %[[KEPT]] = arith.mulf %[[KEEP]], %[[OLD64:.+]] : f64
// CHECK-DAG: %[[OLD64]] = arith.extf %[[OLD:.+]] : f32 to f64
// CHECK-DAG: %[[OLD]] = memref.load %[[RM:[a-z0-9_]+]][%[[C]]] : memref<3xf32>
// CHECK-DAG: %[[RM]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[RMV32:.+]] = arith.truncf %[[RMV]] : f64 to f32
// CHECK-DAG: memref.store %[[RMV32]], %[[RM_OUT:[a-z0-9_]+]][%[[C]]] : memref<3xf32>
// CHECK-DAG: %[[RM_OUT]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// running_var = 0.75 * running_var + 0.25 * var * m / (m - 1) (unbiased,
// as PyTorch; 20 / 19), in place at buffers 64.
// CHECK-DAG: %[[UNBIAS:.+]] = arith.constant 1.0526315789473684 : f64
// CHECK-DAG: %[[UVAR:.+]] = arith.mulf %[[VAR]], %[[UNBIAS]] : f64
// CHECK-DAG: %[[NEWV:.+]] = arith.mulf %[[TAKE]], %[[UVAR]] : f64
// CHECK-DAG: %[[RVV:.+]] = arith.addf %[[KEPTV:.+]], %[[NEWV]] : f64
// CHECK-DAG: %[[KEPTV]] = arith.mulf %[[KEEP]], %[[OLDV64:.+]] : f64
// CHECK-DAG: %[[OLDV64]] = arith.extf %[[OLDV:.+]] : f32 to f64
// CHECK-DAG: %[[OLDV]] = memref.load %[[RV:[a-z0-9_]+]][%[[C]]] : memref<3xf32>
// CHECK-DAG: %[[RV]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[RVV32:.+]] = arith.truncf %[[RVV]] : f64 to f32
// CHECK-DAG: memref.store %[[RVV32]], %[[RV_OUT:[a-z0-9_]+]][%[[C]]] : memref<3xf32>
// CHECK-DAG: %[[RV_OUT]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// y = (x - mean) * (scale * rsqrt(var + eps)) + shift, with the biased
// variance and epsilon 1e-3 (as f32, widened).
// CHECK-DAG: %[[EPS:.+]] = arith.constant 0.0010000000474974513 : f64
// CHECK-DAG: %[[VE:.+]] = arith.addf %[[VAR]], %[[EPS]] : f64
// CHECK-DAG: %[[INV:.+]] = math.rsqrt %[[VE]] : f64
// CHECK-DAG: %[[INV32:.+]] = arith.truncf %[[INV]] : f64 to f32
// CHECK-DAG: %[[G:.+]] = memref.load %[[SCALE]][%[[C]]]
// CHECK-DAG: %[[MUL:.+]] = arith.mulf %[[G]], %[[INV32]] : f32
// CHECK-DAG: %[[MU:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-DAG: %[[B:.+]] = memref.load %[[SHIFT]][%[[C]]]
// CHECK-DAG: scf.for %[[YN:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step %{{[^ ]+}} {
// CHECK-DAG: scf.for %[[YS:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c10{{(_[0-9]+)?}} step %{{[^ ]+}} {
// CHECK-DAG: %[[XV:.+]] = memref.load %[[X]][%[[YN]], %[[C]], %[[YS]]]
// CHECK-DAG: %[[XC:.+]] = arith.subf %[[XV]], %[[MU]] : f32
// CHECK-DAG: %[[XS:.+]] = arith.mulf %[[XC]], %[[MUL]] : f32
// CHECK-DAG: %[[YV:.+]] = arith.addf %[[XS]], %[[B]] : f32
// CHECK: memref.store %[[YV]], %[[Y]][%[[YN]], %[[C]], %[[YS]]]
// CHECK: scf.reduce

// batch_norm_backward: dy is the BatchNorm's output (arena 0), x the
// input, the batch statistics at 512 and 576; dx goes to arena 256, dscale
// and dbias to the gradient arena (bn.weight at 0, bn.bias at 64).
// CHECK-DAG: %[[BX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[DY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<640xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[DX:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<640xi8> to memref<2x3x10xf32>
// CHECK-DAG: %[[BSCALE:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[BBM:.+]] = memref.view %[[ARENA]][%c512{{(_[0-9]+)?}}][] : memref<640xi8> to memref<3xf32>
// CHECK-DAG: %[[BBV:.+]] = memref.view %[[ARENA]][%c576{{(_[0-9]+)?}}][] : memref<640xi8> to memref<3xf32>
// CHECK-DAG: %[[DSCALE:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: %[[DBIAS:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// CHECK-DAG: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c3{{(_[0-9]+)?}}) step
// inv = rsqrt(var + eps) from the saved batch statistics, in f64.
// CHECK-DAG: %[[BMV:.+]] = memref.load %[[BBM]][%[[C]]]
// CHECK-DAG: %[[MEAN:.+]] = arith.extf %[[BMV]] : f32 to f64
// CHECK-DAG: %[[BVV:.+]] = memref.load %[[BBV]][%[[C]]]
// CHECK-DAG: %[[VAR:.+]] = arith.extf %[[BVV]] : f32 to f64
// CHECK-DAG: %[[EPS:.+]] = arith.constant 0.0010000000474974513 : f64
// CHECK-DAG: %[[VE:.+]] = arith.addf %[[VAR]], %[[EPS]] : f64
// CHECK-DAG: %[[INV:.+]] = math.rsqrt %[[VE]] : f64
// sum(dy) and sum(dy * xhat), xhat = (x - mean) * inv, in f64 over n < 2
// and s < 10.
// CHECK-DAG: %[[SUMDY:.+]] = scf.for {{.*}} to %c2{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK-DAG: %[[DYV:.+]] = memref.load %[[DY]][%[[N:[a-z0-9_]+]], %[[C]], %[[S:[a-z0-9_]+]]]
// CHECK-DAG: %[[DYV64:.+]] = arith.extf %[[DYV]] : f32 to f64
// CHECK-DAG: arith.addf %{{.+}}, %[[DYV64]] : f64
// CHECK-DAG: %[[SUMDYX:.+]] = scf.for {{.*}} to %c2{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK-DAG: %[[XV:.+]] = memref.load %[[BX]][%[[N]], %[[C]], %[[S]]]
// CHECK-DAG: %[[XV64:.+]] = arith.extf %[[XV]] : f32 to f64
// CHECK-DAG: %[[XM:.+]] = arith.subf %[[XV64]], %[[MEAN]] : f64
// CHECK-DAG: %[[XHAT:.+]] = arith.mulf %[[XM]], %[[INV]] : f64
// CHECK-DAG: %[[DYXHAT:.+]] = arith.mulf %{{.+}}, %[[XHAT]] : f64
// CHECK-DAG: arith.addf %{{.+}}, %[[DYXHAT]] : f64
// dbias = sum(dy), dscale = sum(dy * xhat).
// CHECK-DAG: %[[T1:.+]] = arith.truncf %[[SUMDY]] : f64 to f32
// CHECK-DAG: memref.store %[[T1]], %[[DBIAS]][%[[C]]]
// CHECK-DAG: %[[T2:.+]] = arith.truncf %[[SUMDYX]] : f64 to f32
// CHECK-DAG: memref.store %[[T2]], %[[DSCALE]][%[[C]]]
// dx = scale * inv * (dy - sum(dy) / m - xhat * sum(dy * xhat) / m).
// CHECK-DAG: %[[BM20:.+]] = arith.constant 2.000000e+01 : f64
// CHECK-DAG: %[[GS:.+]] = memref.load %[[BSCALE]][%[[C]]]
// CHECK-DAG: %[[GS64:.+]] = arith.extf %[[GS]] : f32 to f64
// CHECK-DAG: %[[K64:.+]] = arith.mulf %[[GS64]], %{{.+}} : f64
// CHECK-DAG: %[[K:.+]] = arith.truncf %[[K64]] : f64 to f32
// CHECK-DAG: %[[MDY64:.+]] = arith.divf %[[SUMDY]], %[[BM20]] : f64
// CHECK-DAG: %[[MDY:.+]] = arith.truncf %[[MDY64]] : f64 to f32
// CHECK-DAG: %[[MDYX64:.+]] = arith.divf %[[SUMDYX]], %[[BM20]] : f64
// CHECK-DAG: %[[MDYX:.+]] = arith.truncf %[[MDYX64]] : f64 to f32
// CHECK-DAG: %[[MU:.+]] = arith.truncf %{{.+}} : f64 to f32
// CHECK-DAG: scf.for %[[DN:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step %{{[^ ]+}} {
// CHECK-DAG: scf.for %[[DS:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c10{{(_[0-9]+)?}} step %{{[^ ]+}} {
// CHECK-DAG: %[[X2:.+]] = memref.load %[[BX]][%[[DN]], %[[C]], %[[DS]]]
// CHECK-DAG: %[[XM2:.+]] = arith.subf %[[X2]], %[[MU]] : f32
// CHECK-DAG: %[[XHAT2:.+]] = arith.mulf %[[XM2]], %{{.+}} : f32
// CHECK-DAG: %[[T3:.+]] = arith.mulf %[[XHAT2]], %[[MDYX]] : f32
// CHECK-DAG: %[[DY2:.+]] = memref.load %[[DY]][%[[DN]], %[[C]], %[[DS]]]
// CHECK-DAG: %[[T4:.+]] = arith.subf %[[DY2]], %[[MDY]] : f32
// CHECK-DAG: %[[T5:.+]] = arith.subf %[[T4]], %[[T3]] : f32
// CHECK-DAG: %[[DXV:.+]] = arith.mulf %[[K]], %[[T5]] : f32
// CHECK: memref.store %[[DXV]], %[[DX]][%[[DN]], %[[C]], %[[DS]]]
// CHECK: scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return

// batch_norm_inference: parallel over every element, the running
// statistics read from the buffers, the result in the output argument.
// EVAL-LABEL: func.func @trainc_eval_step(
// EVAL-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}
// EVAL-SAME: %[[BUFFERS:[^:]+]]: memref<128xi8> {train.role = #train.role<buffers>}
// EVAL-SAME: %[[ARENA:[^:]+]]: memref<640xi8> {train.role = #train.role<arena>}
// EVAL-SAME: %[[INPUT:[^:]+]]: memref<240xi8> {train.role = #train.role<input>}
// EVAL-SAME: %[[OUTPUT:[^:]+]]: memref<240xi8> {train.role = #train.role<output>}
// EVAL-DAG: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// EVAL-DAG: %[[Y:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<240xi8> to memref<2x3x10xf32>
// EVAL-DAG: %[[SCALE:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// EVAL-DAG: %[[SHIFT:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// EVAL-DAG: %[[RM:.+]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// EVAL-DAG: %[[RV:.+]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<3xf32>
// EVAL-DAG: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]], %[[S:[a-z0-9_]+]]) = ({{.*}}) to (%c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c10{{(_[0-9]+)?}}) step
// EVAL-DAG: %[[V:.+]] = memref.load %[[RV]][%[[C]]]
// EVAL-DAG: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// EVAL-DAG: %[[EPS:.+]] = arith.constant 0.0010000000474974513 : f64
// EVAL-DAG: %[[VE:.+]] = arith.addf %[[V64]], %[[EPS]] : f64
// EVAL-DAG: %[[INV:.+]] = math.rsqrt %[[VE]] : f64
// EVAL-DAG: %[[INV32:.+]] = arith.truncf %[[INV]] : f64 to f32
// EVAL-DAG: %[[MU:.+]] = memref.load %[[RM]][%[[C]]]
// EVAL-DAG: %[[XV:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[S]]]
// EVAL-DAG: %[[XC:.+]] = arith.subf %[[XV]], %[[MU]] : f32
// EVAL-DAG: %[[B:.+]] = memref.load %[[SHIFT]][%[[C]]]
// EVAL-DAG: %[[G:.+]] = memref.load %[[SCALE]][%[[C]]]
// EVAL-DAG: %[[K:.+]] = arith.mulf %[[G]], %[[INV32]] : f32
// EVAL-DAG: %[[XS:.+]] = arith.mulf %[[XC]], %[[K]] : f32
// EVAL-DAG: %[[YV:.+]] = arith.addf %[[XS]], %[[B]] : f32
// EVAL: memref.store %[[YV]], %[[Y]][%[[N]], %[[C]], %[[S]]]
// EVAL: scf.reduce
// EVAL-NOT: scf.parallel
// EVAL: return

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
