// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The loss family (Loss.cpp) on logits [N, K] = [4, 5]: the mean softmax
// cross-entropy (log-sum-exp in f64, shifted by the row maximum; labels
// clamped into [0, K)), with and without label smoothing, its backward,
// reduce_sum_to (the adjoint of broadcasting) and conv2d_backward_bias.
//
// Homes: the rows of each loss (f64 scratch, live only while its op runs)
// at arena 0, %plain (an unused loss) at arena 64, the smoothed loss in the
// output argument, the cotangent constant at 128, the logits' gradient at
// 0, the two bias gradients straight into the gradient arena (fc.bias at 0,
// conv.bias at 64), the [4, 1] reduction at 128.
//
// The checks follow the structure (which kernels, what each reads, reduces
// and writes), not the order of SSA values.

// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<192xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<80xi8> {train.role = #train.role<input>}
// CHECK-SAME: %[[LABELS:[^:]+]]: memref<16xi8> {train.role = #train.role<labels>}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<4xi8> {train.role = #train.role<output>}

// softmax_xent, no smoothing, in two kernels. First, parallel over the 4
// rows: lse - x[label] in f64 (log-sum-exp shifted by the row maximum,
// the label clamped into [0, 4]) into the row's scratch.
// CHECK-DAG: %[[X:.+]] = memref.view %[[INPUT]][%{{.+}}][] : memref<80xi8> to memref<4x5xf32>
// CHECK-DAG: %[[L:.+]] = memref.view %[[LABELS]][%{{.+}}][] : memref<16xi8> to memref<4xi32>
// CHECK-DAG: %[[PLAIN:.+]] = memref.view %[[ARENA]][%c64{{.*}}][] : memref<192xi8> to memref<f32>
// CHECK-DAG: %[[ROWS:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<192xi8> to memref<4xf64>
// CHECK: scf.parallel (%[[N:.+]]) = (%{{.+}}) to (%c4{{.*}}) step
// CHECK: %[[FIRST:.+]] = memref.load %[[X]][%[[N]], %{{.+}}]
// CHECK: %[[MAX:.+]] = scf.for %[[J:.+]] = %{{.+}} to %c5{{.*}} step %{{.+}} iter_args(%[[M:.+]] = %[[FIRST]]) -> (f32) {
// CHECK: arith.maximumf %[[M]], %{{.+}} : f32
// CHECK: %[[MAX64:.+]] = arith.extf %[[MAX]] : f32 to f64
// CHECK: %[[SUM:.+]] = scf.for {{.*}} -> (f64) {
// CHECK: math.exp
// CHECK: %[[LOG:.+]] = math.log %[[SUM]] : f64
// CHECK: %[[LSE:.+]] = arith.addf %[[MAX64]], %[[LOG]] : f64
// CHECK: %[[RAW:.+]] = memref.load %[[L]][%[[N]]] : memref<4xi32>
// CHECK: %[[IDX:.+]] = arith.index_cast %[[RAW]] : i32 to index
// CHECK: %[[LO:.+]] = arith.minsi %[[IDX]], %c4
// CHECK: %[[LABEL:.+]] = arith.maxsi %{{.+}}, %[[LO]] : index
// CHECK: %[[XL:.+]] = memref.load %[[X]][%[[N]], %[[LABEL]]]
// CHECK: %[[XL64:.+]] = arith.extf %[[XL]] : f32 to f64
// CHECK: %[[TARGET:.+]] = arith.mulf %{{.+}}, %[[XL64]] : f64
// CHECK: %[[ROW:.+]] = arith.subf %[[LSE]], %[[TARGET]] : f64
// CHECK: memref.store %[[ROW]], %[[ROWS]][%[[N]]] : memref<4xf64>
// CHECK: scf.reduce
// Then a serial kernel (one iteration) adds the rows in order, / N.
// CHECK: scf.parallel (%{{.+}}) = (%{{.+}}) to (%c1{{.*}}) step
// CHECK: %[[TOTAL:.+]] = scf.for %[[R:.+]] = %{{.+}} to %c4{{.*}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// CHECK: %[[V:.+]] = memref.load %[[ROWS]][%[[R]]] : memref<4xf64>
// CHECK: arith.addf %[[ACC]], %[[V]] : f64
// CHECK: %[[FOUR:.+]] = arith.constant 4.000000e+00 : f64
// CHECK: %[[MEAN:.+]] = arith.divf %[[TOTAL]], %[[FOUR]] : f64
// CHECK: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK: memref.store %[[MEAN32]], %[[PLAIN]][] : memref<f32>
// CHECK: scf.reduce

// softmax_xent with label_smoothing = 0.25: the target is
// 0.75 x[label] + 0.25 / 5 * sum_j x[n, j]; the loss goes to the output.
// CHECK: %[[LOSS:.+]] = memref.view %[[OUTPUT]][%{{.+}}][] : memref<4xi8> to memref<f32>
// CHECK: %[[ROWS2:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<192xi8> to memref<4xf64>
// CHECK: scf.parallel (%[[N:.+]]) = (%{{.+}}) to (%c4{{.*}}) step
// CHECK: %[[LG:.+]] = math.log %{{.+}} : f64
// CHECK: %[[LSE:.+]] = arith.addf %{{.+}}, %[[LG]] : f64
// CHECK: %[[KEEP:.+]] = arith.constant 7.500000e-01 : f64
// CHECK: %[[HIT:.+]] = arith.mulf %[[KEEP]], %{{.+}} : f64
// CHECK: %[[ROWSUM:.+]] = scf.for {{.*}} -> (f64) {
// CHECK: %[[SPREAD:.+]] = arith.constant 5.000000e-02 : f64
// CHECK: %[[UNIFORM:.+]] = arith.mulf %[[SPREAD]], %[[ROWSUM]] : f64
// CHECK: %[[TARGET:.+]] = arith.addf %[[HIT]], %[[UNIFORM]] : f64
// CHECK: %[[ROW:.+]] = arith.subf %[[LSE]], %[[TARGET]] : f64
// CHECK: memref.store %[[ROW]], %[[ROWS2]][%[[N]]]
// CHECK: scf.parallel (%{{.+}}) = (%{{.+}}) to (%c1{{.*}}) step
// CHECK: %[[TOTAL:.+]] = scf.for {{.*}} -> (f64) {
// CHECK: memref.load %[[ROWS2]]
// CHECK: arith.divf %[[TOTAL]], %{{.+}} : f64
// CHECK: memref.store %{{.+}}, %[[LOSS]][] : memref<f32>

// The cotangent of the loss, a splat constant (2.0) at arena 128.
// CHECK: %[[DLOSS:.+]] = memref.view %[[ARENA]][%c128{{.*}}][] : memref<192xi8> to memref<1xf32>
// CHECK: scf.parallel {{.*}} to (%c1{{.*}})
// CHECK: memref.store %{{.+}}, %[[DLOSS]]

// softmax_xent_backward: dx[n, j] = dloss / N * (softmax(x)[n, j] - q),
// q = 1 - 0.25 + 0.25 / 5 = 0.8 at the label, 0.05 elsewhere; parallel over
// rows, the cotangent read inside the kernel.
// CHECK-DAG: %[[BX:.+]] = memref.view %[[INPUT]][%{{.+}}][] : memref<80xi8> to memref<4x5xf32>
// CHECK-DAG: %[[DX:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<192xi8> to memref<4x5xf32>
// CHECK-DAG: %[[G:.+]] = memref.view %[[ARENA]][%c128{{.*}}][] : memref<192xi8> to memref<f32>
// CHECK: scf.parallel (%[[N:.+]]) = (%{{.+}}) to (%c4{{.*}}) step
// CHECK: %[[GV:.+]] = memref.load %[[G]][] : memref<f32>
// CHECK: %[[SCALE:.+]] = arith.divf %[[GV]], %{{.+}} : f32
// CHECK: %[[LG:.+]] = math.log %{{.+}} : f64
// CHECK: %[[LSE:.+]] = arith.addf %{{.+}}, %[[LG]] : f64
// CHECK: %[[LABEL:.+]] = arith.maxsi
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %c5{{.*}} step
// CHECK: %[[V:.+]] = memref.load %[[BX]][%[[N]], %[[J]]]
// CHECK: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK: %[[SH:.+]] = arith.subf %[[V64]], %[[LSE]] : f64
// CHECK: %[[P64:.+]] = math.exp %[[SH]] : f64
// CHECK: %[[P:.+]] = arith.truncf %[[P64]] : f64 to f32
// CHECK: %[[ISL:.+]] = arith.cmpi eq, %[[J]], %[[LABEL]] : index
// CHECK-DAG: %[[OFF:.+]] = arith.constant 5.000000e-02 : f32
// CHECK-DAG: %[[ON:.+]] = arith.constant 8.000000e-01 : f32
// CHECK: %[[Q:.+]] = arith.select %[[ISL]], %[[ON]], %[[OFF]] : f32
// CHECK: %[[D:.+]] = arith.subf %[[P]], %[[Q]] : f32
// CHECK: %[[R:.+]] = arith.mulf %[[SCALE]], %[[D]] : f32
// CHECK: memref.store %[[R]], %[[DX]][%[[N]], %[[J]]] : memref<4x5xf32>
// CHECK: scf.reduce

// reduce_sum_to [4, 5] -> [5] (fc.bias's gradient): a kernel over the 5
// results, each adding its column in row order (f32, from 0).
// CHECK-DAG: %[[RX:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<192xi8> to memref<4x5xf32>
// CHECK-DAG: %[[RY:.+]] = memref.view %[[GRADS]][%{{.+}}][] : memref<128xi8> to memref<5xf32>
// CHECK: scf.parallel (%[[J:.+]]) = (%{{.+}}) to (%c5{{.*}}) step
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[COL:.+]] = scf.for %[[I:.+]] = %{{.+}} to %c4{{.*}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[ZERO]]) -> (f32) {
// CHECK: %[[V:.+]] = memref.load %[[RX]][%[[I]], %[[J]]]
// CHECK: arith.addf %[[ACC]], %[[V]] : f32
// CHECK: memref.store %[[COL]], %[[RY]][%[[J]]]
// CHECK: scf.reduce

// reduce_sum_to [4, 5] -> [4, 1]: a kernel over [4, 1], each result the
// sum of its row.
// CHECK-DAG: %[[KX:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<192xi8> to memref<4x5xf32>
// CHECK-DAG: %[[KY:.+]] = memref.view %[[ARENA]][%c128{{.*}}][] : memref<192xi8> to memref<4x1xf32>
// CHECK: scf.parallel (%[[I:.+]], %[[Z:.+]]) = ({{.*}}) to (%c4{{.*}}, %c1{{.*}}) step
// CHECK: %[[ROWSUM:.+]] = scf.for %[[J:.+]] = %{{.+}} to %c5{{.*}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f32) {
// CHECK: %[[V:.+]] = memref.load %[[KX]][%[[I]], %[[J]]]
// CHECK: arith.addf %[[ACC]], %[[V]] : f32
// CHECK: memref.store %[[ROWSUM]], %[[KY]][%[[I]], %[[Z]]]

// conv2d_backward_bias on a reshape of the logits' gradient, [2, 5, 2]:
// parallel over the 5 channels, the sum over batch and space in f64,
// written into conv.bias's gradient slot.
// CHECK-DAG: %[[CDY:.+]] = memref.view %[[ARENA]][%{{.+}}][] : memref<192xi8> to memref<2x5x2xf32>
// CHECK-DAG: %[[CDB:.+]] = memref.view %[[GRADS]][%c64{{.*}}][] : memref<128xi8> to memref<5xf32>
// CHECK: scf.parallel (%[[M:.+]]) = (%{{.+}}) to (%c5{{.*}}) step
// CHECK: %[[SUM:.+]] = scf.for %[[N:.+]] = %{{.+}} to %c2{{.*}} step {{.*}} -> (f64) {
// CHECK: scf.for %[[S:.+]] = %{{.+}} to %c2{{.*}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// CHECK: %[[V:.+]] = memref.load %[[CDY]][%[[N]], %[[M]], %[[S]]]
// CHECK: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK: arith.addf %[[ACC]], %[[V64]] : f64
// CHECK: %[[SUM32:.+]] = arith.truncf %[[SUM]] : f64 to f32
// CHECK: memref.store %[[SUM32]], %[[CDB]][%[[M]]]
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
