// RUN: trainc %models/resnet20.onnx --batch 8 --channel-block=0 --emit=loops -o %t.loops.mlir
// RUN: trainc-opt %t.loops.mlir -train-split-gpu-sums -o %t.split.mlir
// RUN: FileCheck %s --check-prefix=BEFORE < %t.loops.mlir
// RUN: FileCheck %s < %t.split.mlir
// Idempotent: the kernels it made are not split again.
// RUN: trainc-opt %t.split.mlir -train-split-gpu-sums | FileCheck %s --check-prefix=AGAIN

// ResNet-20's first BatchNorm in training form: per channel (16) the mean
// over 8 x 784 elements, then the variance from the mean, then stores.
// One block per channel would use 16 blocks; train-split-gpu-sums splits
// each sum's outermost loop (the batch, 8) into 4 chunks of 2 (the most
// that leave each chunk 4 passes of a 256-thread block: 6272 / 4 >= 1024):
// a kernel per sum over (channel, chunk) storing partial sums from zero in
// a region of the arena past every function's (9740480 bytes: the
// description's arena grows, and so does the argument), and a kernel per
// channel adding each sum's initial value and its partial sums in chunk
// order before the rest of the body.
// BEFORE: arena_bytes = 9740480
// CHECK: arena_bytes = 9754816
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[ARENA:arg[0-9]+]]: memref<9754816xi8> {train.role = #train.role<arena>}
// CHECK: %[[MEANS:.*]] = memref.view %[[ARENA]][%c9740480{{.*}}][] : memref<9754816xi8> to memref<64xf64>
// CHECK: %[[SQUARES:.*]] = memref.view %[[ARENA]][%c9740992{{.*}}][] : memref<9754816xi8> to memref<64xf64>
// The mean's chunks: the batch loop walks 2 images from chunk * 2.
// CHECK: scf.parallel (%[[C:.*]], %[[K:.*]]) = (%c0, %{{.*}}) to (%c16, %c4{{.*}}) step
// CHECK: %[[SUM:.*]] = scf.for %[[I:.*]] = %{{.*}} to %c2{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[ZERO:.*]]) -> (f64) {
// CHECK: scf.for %[[J:.*]] = %c0 to %c784 step %c1 iter_args
// CHECK: %[[FIRST:.*]] = arith.muli %[[K]], %c2
// CHECK: %[[IMAGE:.*]] = arith.addi %[[FIRST]], %[[I]] : index
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[C]], %[[J]]] : memref<8x16x784xf32>
// CHECK: %[[AT:.*]] = arith.addi %{{.*}}, %[[K]] : index
// CHECK-NEXT: memref.store %[[SUM]], %[[MEANS]][%[[AT]]] : memref<64xf64>
// The variance's chunks: each recomputes the mean from its 4 partials.
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%c0, %{{.*}}) to (%c16, %c4{{.*}}) step
// CHECK: scf.for %{{.*}} = %{{.*}} to %c4{{.*}} step %{{.*}} iter_args
// CHECK: memref.load %[[MEANS]]
// CHECK: arith.subf
// CHECK: memref.store %{{.*}}, %[[SQUARES]]
// The channel's kernel: both sums from their partials, then the stores.
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c16) step (%c1) {
// CHECK: memref.load %[[MEANS]]
// CHECK: memref.load %[[SQUARES]]
// CHECK: memref.store %{{.*}} : memref<16xf32>
// AGAIN: arena_bytes = 9754816
