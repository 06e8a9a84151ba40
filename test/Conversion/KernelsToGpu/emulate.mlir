// RUN: trainc-opt %s -split-input-file -train-map-kernels-to-gpu="block-size=32" -train-emulate-gpu-launches | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-map-kernels-to-gpu="block-size=32" -train-emulate-gpu-launches="reverse-threads" | FileCheck %s --check-prefix=REV

// train-emulate-gpu-launches runs the CUDA target's mapping on the CPU.
// A BatchNorm statistic mapped one block per channel (map-sums.mlir):
// the blocks become an scf.parallel; the block's 32 threads run in lock
// step between barriers, each barrier-free run a loop over the threads;
// the thread-0 test crosses a barrier, so it lives in a per-thread buffer;
// shared memory is a buffer of the block; the output loop, which holds
// the barriers, runs once for the block; the tree's levels are thread
// loops in order (16, 8, 4, 2, 1), so its additions are the GPU's.
// CHECK-LABEL: func.func @stats(
// CHECK-NOT: gpu.
// CHECK: scf.parallel (%[[BLOCK:.*]]) = (%{{.*}}) to (%c4{{.*}}) step (%{{.*}}) {
// CHECK-DAG: %[[SHM:.*]] = memref.alloc() : memref<32xf64>
// CHECK-DAG: %[[FIRST:.*]] = memref.alloc() : memref<32xi1>
// CHECK: scf.for %[[T0:.*]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK-NEXT: %[[IS0:.*]] = arith.cmpi eq, %[[T0]], %{{.*}} : index
// CHECK-NEXT: memref.store %[[IS0]], %[[FIRST]][%[[T0]]] : memref<32xi1>
// CHECK: scf.for %[[OUT:.*]] = %[[BLOCK]] to %{{.*}} step %{{.*}} {
// CHECK: %[[CH:.*]] = arith.addi %[[OUT]], %{{.*}} : index
// CHECK: scf.for %[[T1:.*]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK-NEXT: %[[PART:.*]] = scf.for %{{.*}} = %[[T1]] to %c512 step %{{.*}} iter_args
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[CH]], %{{.*}}] : memref<8x4x64xf32>
// CHECK: memref.store %[[PART]], %[[SHM]][%[[T1]]] : memref<32xf64>
// CHECK: scf.for %[[T2:.*]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK-NEXT: arith.cmpi ult, %[[T2]], %c16
// CHECK: scf.for
// CHECK: arith.cmpi ult, %{{.*}}, %c8
// CHECK: scf.for
// CHECK: arith.cmpi ult, %{{.*}}, %c4
// CHECK: scf.for
// CHECK: arith.cmpi ult, %{{.*}}, %c2
// CHECK: scf.for
// CHECK: arith.cmpi ult, %{{.*}}, %c1
// Thread 0's store of the mean reads its own lane of the test.
// CHECK: scf.for %[[T3:.*]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK: memref.load %[[FIRST]][%[[T3]]] : memref<32xi1>
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[CH]]] : memref<4xf32>
// CHECK: memref.dealloc %[[FIRST]]
// CHECK: memref.dealloc %[[SHM]]
// CHECK-NEXT: scf.reduce
func.func @stats(%x: memref<8x4x64xf32>, %y: memref<8x4x64xf32>, %mean: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f64
  %n = arith.constant 512.0 : f64
  scf.parallel (%c) = (%c0) to (%c4) step (%c1) {
    %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %zero) -> (f64) {
      %inner = scf.for %k = %c0 to %c64 step %c1 iter_args(%b = %a) -> (f64) {
        %v = memref.load %x[%i, %c, %k] : memref<8x4x64xf32>
        %w = arith.extf %v : f32 to f64
        %s = arith.addf %b, %w : f64
        scf.yield %s : f64
      }
      scf.yield %inner : f64
    }
    %m = arith.divf %sum, %n : f64
    %m32 = arith.truncf %m : f64 to f32
    memref.store %m32, %mean[%c] : memref<4xf32>
    scf.for %i = %c0 to %c8 step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        %v = memref.load %x[%i, %c, %k] : memref<8x4x64xf32>
        %d = arith.subf %v, %m32 : f32
        memref.store %d, %y[%i, %c, %k] : memref<8x4x64xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// An element-wise kernel (no barrier): one loop over the threads, each
// walking the grid-stride loop the mapping gave it.
// CHECK-LABEL: func.func @scale(
// CHECK: scf.parallel (%[[BLOCK:.*]]) = (%{{.*}}) to (%c32{{.*}}) step
// CHECK-NOT: memref.alloc
// CHECK: %[[BASE:.*]] = arith.muli %[[BLOCK]], %c32
// CHECK: scf.for %[[T:.*]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK-NEXT: %[[FIRST:.*]] = arith.addi %[[BASE]], %[[T]] : index
// CHECK-NEXT: scf.for %{{.*}} = %[[FIRST]] to %c1000{{.*}} step %{{.*}} {
// CHECK: arith.mulf
// CHECK-NOT: memref.dealloc
// CHECK: scf.reduce
// With reverse-threads the threads run 31, 30, ..., 0.
// REV-LABEL: func.func @scale(
// REV: scf.for %[[I:.*]] = %c0{{.*}} to %c32{{.*}} step %c1{{.*}} {
// REV: %[[T:.*]] = arith.subi %c31{{.*}}, %[[I]] : index
// REV-NEXT: arith.addi %{{.*}}, %[[T]] : index
func.func @scale(%x: memref<1000xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %two = arith.constant 2.0 : f32
  scf.parallel (%i) = (%c0) to (%c1000) step (%c1) {
    %v = memref.load %x[%i] : memref<1000xf32>
    %w = arith.mulf %v, %two : f32
    memref.store %w, %x[%i] : memref<1000xf32>
    scf.reduce
  }
  return
}

// -----

// A branch holding a barrier runs once for the block (its condition is
// the same in every thread); its result is per thread: each side stores
// its threads' yielded values into the result's buffer.
// CHECK-LABEL: func.func @branch(
// CHECK: scf.parallel
// CHECK-DAG: %[[V:.*]] = memref.alloc() : memref<32xf32>
// CHECK-DAG: %[[R:.*]] = memref.alloc() : memref<32xf32>
// CHECK: scf.if %{{.*}} {
// CHECK: scf.for %[[T:.*]] = %c0{{.*}} to %c32{{.*}} step
// CHECK: memref.store %{{.*}}, %[[R]][%[[T]]]
// CHECK: } else {
// CHECK: scf.for %[[U:.*]] = %c0{{.*}} to %c32{{.*}} step
// CHECK-NEXT: %[[MINE:.*]] = memref.load %[[V]][%[[U]]]
// CHECK-NEXT: memref.store %[[MINE]], %[[R]][%[[U]]]
// CHECK: scf.for %[[W:.*]] = %c0{{.*}} to %c32{{.*}} step
// CHECK-NEXT: memref.load %[[R]][%[[W]]]
func.func @branch(%x: memref<64xf32>, %flag: i1) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %i = arith.muli %bx, %c32 : index
    %j = arith.addi %i, %tx : index
    %v = memref.load %x[%j] : memref<64xf32>
    %r = scf.if %flag -> (f32) {
      gpu.barrier
      %w = arith.addf %v, %v : f32
      scf.yield %w : f32
    } else {
      scf.yield %v : f32
    }
    gpu.barrier
    memref.store %r, %x[%j] : memref<64xf32>
    gpu.terminator
  }
  return
}


// -----

// What decides whether a barrier is reached must be the same in every
// thread: lane 0 is read after a check of every other lane.
// CHECK-LABEL: func.func @divergent(
// CHECK: %[[C:.*]] = memref.alloc() : memref<32xi1>
// CHECK: %[[FIRST:.*]] = memref.load %[[C]][%c0{{.*}}] : memref<32xi1>
// CHECK: scf.for %[[T:.*]] = %c1{{.*}} to %c32{{.*}} step %c1{{.*}} {
// CHECK-NEXT: %[[MINE:.*]] = memref.load %[[C]][%[[T]]] : memref<32xi1>
// CHECK-NEXT: %[[SAME:.*]] = arith.cmpi eq, %[[MINE]], %[[FIRST]] : i1
// CHECK-NEXT: cf.assert %[[SAME]], "emulated GPU kernel: the threads of a block disagree on a branch or loop bound around a barrier"
// CHECK: scf.if %[[FIRST]] {
func.func @divergent(%x: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    %low = arith.cmpi ult, %tx, %c16 : index
    scf.if %low {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}
