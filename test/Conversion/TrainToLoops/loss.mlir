// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The loss family (Loss.cpp) on logits [N, K] = [4, 5]: the mean softmax
// cross-entropy (log-sum-exp in f64, shifted by the row maximum; labels
// clamped into [0, K)), with and without label smoothing, its backward,
// reduce_sum_to (the adjoint of broadcasting) and conv2d_backward_bias.
//
// Homes: %plain (an unused loss) at arena 0, the smoothed loss in the output
// argument, the cotangent constant at 128, the logits' gradient at 0, the
// two bias gradients straight into the gradient arena (fc.bias at 0,
// conv.bias at 64), the [4, 1] reduction at 128.

// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = "grads"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<192xi8> {train.role = "arena"}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<80xi8> {train.role = "input"}
// CHECK-SAME: %[[LABELS:[^:]+]]: memref<16xi8> {train.role = "labels"}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<4xi8> {train.role = "output"}

// softmax_xent, no smoothing: sum over rows of lse - x[label], / N.
// CHECK: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<4x5xf32>
// CHECK: %[[L:.+]] = memref.view %[[LABELS]][%c0{{(_[0-9]+)?}}][] : memref<16xi8> to memref<4xi32>
// CHECK: %[[PLAIN:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<f32>
// CHECK: %[[TOTAL:.+]] = scf.for %[[N:.+]] = %c0{{.*}} to %c4{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// The row maximum, in f32, from x[n, 0].
// CHECK: %[[FIRST:.+]] = memref.load %[[X]][%[[N]], %c0{{.*}}]
// CHECK: %[[MAX:.+]] = scf.for %[[J:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[M:.+]] = %[[FIRST]]) -> (f32) {
// CHECK-NEXT: %[[V:.+]] = memref.load %[[X]][%[[N]], %[[J]]]
// CHECK-NEXT: %[[NM:.+]] = arith.maximumf %[[M]], %[[V]] : f32
// CHECK: %[[MAX64:.+]] = arith.extf %[[MAX]] : f32 to f64
// sum_j exp(x[n, j] - max), in f64.
// CHECK: %[[SUM:.+]] = scf.for %[[J:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[S:.+]] = %{{.+}}) -> (f64) {
// CHECK-NEXT: %[[V:.+]] = memref.load %[[X]][%[[N]], %[[J]]]
// CHECK-NEXT: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-NEXT: %[[SH:.+]] = arith.subf %[[V64]], %[[MAX64]] : f64
// CHECK-NEXT: %[[E:.+]] = math.exp %[[SH]] : f64
// CHECK-NEXT: arith.addf %[[S]], %[[E]] : f64
// CHECK: %[[LOG:.+]] = math.log %[[SUM]] : f64
// CHECK-NEXT: %[[LSE:.+]] = arith.addf %[[MAX64]], %[[LOG]] : f64
// The label, clamped into [0, 4].
// CHECK-NEXT: %[[RAW:.+]] = memref.load %[[L]][%[[N]]] : memref<4xi32>
// CHECK-NEXT: %[[IDX:.+]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK-NEXT: %c4{{.*}} = arith.constant 4 : index
// CHECK-NEXT: %[[LO:.+]] = arith.minsi %[[IDX]], %c4
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[LABEL:.+]] = arith.maxsi %c0{{(_[0-9]+)?}}, %[[LO]] : index
// CHECK-NEXT: %[[XL:.+]] = memref.load %[[X]][%[[N]], %[[LABEL]]]
// CHECK-NEXT: %[[XL64:.+]] = arith.extf %[[XL]] : f32 to f64
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: %[[TARGET:.+]] = arith.mulf %[[ONE]], %[[XL64]] : f64
// CHECK-NEXT: %[[ROW:.+]] = arith.subf %[[LSE]], %[[TARGET]] : f64
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[ROW]] : f64
// CHECK-NEXT: scf.yield %[[NEXT]] : f64
// CHECK: %[[FOUR:.+]] = arith.constant 4.000000e+00 : f64
// CHECK-NEXT: %[[MEAN:.+]] = arith.divf %[[TOTAL]], %[[FOUR]] : f64
// CHECK-NEXT: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-NEXT: memref.store %[[MEAN32]], %[[PLAIN]][] : memref<f32>

// softmax_xent with label_smoothing = 0.25: the target is
// 0.75 x[label] + 0.25 / 5 * sum_j x[n, j]; the loss goes to the output.
// CHECK: %[[LOSS:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<4xi8> to memref<f32>
// CHECK: %[[TOTAL:.+]] = scf.for %[[N:.+]] = %c0{{.*}} to %c4{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// CHECK: %[[LG:.+]] = math.log %{{.+}} : f64
// CHECK-NEXT: %[[LSE:.+]] = arith.addf %{{.+}}, %[[LG]] : f64
// CHECK: %[[XL64:.+]] = arith.extf %{{.+}} : f32 to f64
// CHECK-NEXT: %[[KEEP:.+]] = arith.constant 7.500000e-01 : f64
// CHECK-NEXT: %[[HIT:.+]] = arith.mulf %[[KEEP]], %[[XL64]] : f64
// CHECK: %[[ROWSUM:.+]] = scf.for %{{.+}} = %c0{{.*}} to %c5{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK: %[[SPREAD:.+]] = arith.constant 5.000000e-02 : f64
// CHECK-NEXT: %[[UNIFORM:.+]] = arith.mulf %[[SPREAD]], %[[ROWSUM]] : f64
// CHECK-NEXT: %[[TARGET:.+]] = arith.addf %[[HIT]], %[[UNIFORM]] : f64
// CHECK-NEXT: %[[ROW:.+]] = arith.subf %[[LSE]], %[[TARGET]] : f64
// CHECK-NEXT: arith.addf %[[ACC]], %[[ROW]] : f64
// CHECK: arith.divf %[[TOTAL]], %{{.+}} : f64
// CHECK: memref.store %{{.+}}, %[[LOSS]][] : memref<f32>

// The cotangent of the loss, a splat constant (2.0) at arena 128.
// CHECK: %[[TWO:.+]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[DLOSS:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<192xi8> to memref<1xf32>
// CHECK: scf.parallel {{.*}} to (%c1{{(_[0-9]+)?}})
// CHECK-NEXT: memref.store %[[TWO]], %[[DLOSS]]

// softmax_xent_backward: dx[n, j] = dloss / N * (softmax(x)[n, j] - q),
// q = 1 - 0.25 + 0.25 / 5 = 0.8 at the label, 0.05 elsewhere; parallel over
// rows.
// CHECK: %[[BX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<4x5xf32>
// CHECK: %[[BL:.+]] = memref.view %[[LABELS]][%c0{{(_[0-9]+)?}}][] : memref<16xi8> to memref<4xi32>
// CHECK: %[[DX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4x5xf32>
// CHECK: %[[N4:.+]] = arith.constant 4.000000e+00 : f32
// CHECK: %[[G:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<192xi8> to memref<f32>
// CHECK-NEXT: %[[GV:.+]] = memref.load %[[G]][] : memref<f32>
// CHECK-NEXT: %[[SCALE:.+]] = arith.divf %[[GV]], %[[N4]] : f32
// CHECK: scf.parallel (%[[N:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: %[[LG:.+]] = math.log %{{.+}} : f64
// CHECK-NEXT: %[[LSE:.+]] = arith.addf %{{.+}}, %[[LG]] : f64
// CHECK: %[[LABEL:.+]] = arith.maxsi
// CHECK: scf.for %[[J:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[BX]][%[[N]], %[[J]]]
// CHECK-NEXT: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-NEXT: %[[SH:.+]] = arith.subf %[[V64]], %[[LSE]] : f64
// CHECK-NEXT: %[[P64:.+]] = math.exp %[[SH]] : f64
// CHECK-NEXT: %[[P:.+]] = arith.truncf %[[P64]] : f64 to f32
// CHECK-NEXT: %[[ISL:.+]] = arith.cmpi eq, %[[J]], %[[LABEL]] : index
// CHECK-NEXT: %[[OFF:.+]] = arith.constant 5.000000e-02 : f32
// CHECK-NEXT: %[[ON:.+]] = arith.constant 8.000000e-01 : f32
// CHECK-NEXT: %[[Q:.+]] = arith.select %[[ISL]], %[[ON]], %[[OFF]] : f32
// CHECK-NEXT: %[[D:.+]] = arith.subf %[[P]], %[[Q]] : f32
// CHECK-NEXT: %[[R:.+]] = arith.mulf %[[SCALE]], %[[D]] : f32
// CHECK-NEXT: memref.store %[[R]], %[[DX]][%[[N]], %[[J]]] : memref<4x5xf32>
// CHECK: scf.reduce

// reduce_sum_to [4, 5] -> [5] (fc.bias's gradient): zero the result, then
// accumulate sequentially over the input.
// CHECK: %[[RX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4x5xf32>
// CHECK: %[[RY:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<5xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[RYF:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<5xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c5{{(_[0-9]+)?}}) step
// CHECK-NEXT: memref.store %[[ZERO]], %[[RYF]][%[[I]]]
// CHECK: scf.for %[[I:.+]] = %c0{{.*}} to %c4{{(_[0-9]+)?}} step
// CHECK: scf.for %[[J:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[RX]][%[[I]], %[[J]]]
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[RY]][%[[J]]]
// CHECK-NEXT: %[[NEW:.+]] = arith.addf %[[OLD]], %[[V]] : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[RY]][%[[J]]]

// reduce_sum_to [4, 5] -> [4, 1]: the unit dimension is indexed by 0.
// CHECK: %[[KX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4x5xf32>
// CHECK: %[[KY:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4x1xf32>
// CHECK: scf.parallel {{.*}} to (%c4{{(_[0-9]+)?}})
// CHECK: scf.for %[[I:.+]] = %c0{{.*}} to %c4{{(_[0-9]+)?}} step
// CHECK: scf.for %[[J:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[V:.+]] = memref.load %[[KX]][%[[I]], %[[J]]]
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[KY]][%[[I]], %[[Z]]]
// CHECK-NEXT: %[[NEW:.+]] = arith.addf %[[OLD]], %[[V]] : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[KY]][%[[I]], %[[Z]]]

// conv2d_backward_bias on a reshape of the logits' gradient, [2, 5, 2]:
// parallel over the 5 channels, the sum over batch and space in f64,
// written into conv.bias's gradient slot.
// CHECK: %[[CDY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<192xi8> to memref<2x5x2xf32>
// CHECK: %[[CDB:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<5xf32>
// CHECK: scf.parallel (%[[M:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c5{{(_[0-9]+)?}}) step
// CHECK: %[[SUM:.+]] = scf.for %[[N:.+]] = %c0{{.*}} to %c2{{(_[0-9]+)?}} step {{.*}} -> (f64) {
// CHECK: scf.for %[[S:.+]] = %c0{{.*}} to %c2{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// CHECK-NEXT: %[[V:.+]] = memref.load %[[CDY]][%[[N]], %[[M]], %[[S]]]
// CHECK-NEXT: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-NEXT: arith.addf %[[ACC]], %[[V64]] : f64
// CHECK: %[[SUM32:.+]] = arith.truncf %[[SUM]] : f64 to f32
// CHECK-NEXT: memref.store %[[SUM32]], %[[CDB]][%[[M]]]
// CHECK: scf.reduce
// No copies: every result was written in place.
// CHECK-NOT: scf.parallel
// CHECK: return

module @loss {
func.func @forward(%x: tensor<4x5xf32> {train.input = "input"},
    %fb: tensor<5xf32> {train.param = "fc.bias", train.init = dense<0.0> : tensor<5xf32>},
    %cb: tensor<5xf32> {train.param = "conv.bias", train.init = dense<0.0> : tensor<5xf32>})
    -> (tensor<4x5xf32> {train.output = "logits"}) {
  %r = train.relu %x : tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}
func.func @train_step(%x: tensor<4x5xf32> {train.input = "input"},
    %labels: tensor<4xi32> {train.labels = "labels"},
    %fb: tensor<5xf32> {train.param = "fc.bias"},
    %cb: tensor<5xf32> {train.param = "conv.bias"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<5xf32> {train.grad = "fc.bias"},
        tensor<5xf32> {train.grad = "conv.bias"}) {
  %plain = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<4x5xf32>, tensor<4xi32>
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.25 : tensor<4x5xf32>, tensor<4xi32>
  %two = train.constant dense<2.0> : tensor<f32>
  %dl = train.softmax_xent_backward %x, %labels, %two label_smoothing = 0.25 : tensor<4x5xf32>, tensor<4xi32>
  %db = train.reduce_sum_to %dl : tensor<4x5xf32> -> tensor<5xf32>
  %dk = train.reduce_sum_to %dl : tensor<4x5xf32> -> tensor<4x1xf32>
  %d3 = train.reshape %dl [2, 5, 2] : tensor<4x5xf32> -> tensor<2x5x2xf32>
  %dc = train.conv2d_backward_bias %d3 : tensor<2x5x2xf32> -> tensor<5xf32>
  return %loss, %db, %dc : tensor<f32>, tensor<5xf32>, tensor<5xf32>
}
}
