// RUN: trainc-opt %s -split-input-file -train-map-kernels-to-gpu="block-size=32" | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-map-kernels-to-gpu="block-size=32 cooperative=false" | FileCheck %s --check-prefix=SERIAL

// A kernel whose outputs are sums (a BatchNorm statistic's shape: per
// channel, the mean over batch and plane, then a scalar store and an
// element-wise nest that uses it) maps onto one block per output: blocks
// walk the channels grid-stride; the block's threads split the flat sum
// (thread t takes t, t + 32, ...), add their partial sums in a fixed tree
// in shared memory (16, 8, 4, 2, 1), every thread adds the total to the
// sum's initial value; thread 0 stores the scalar; a barrier; the threads
// split the element-wise nest.
// CHECK-LABEL: func.func @stats(
// CHECK: arith.constant 5.120000e+02 : f64
// CHECK-NEXT: arith.constant 4 : index
// CHECK-NEXT: %[[GRID:.*]] = arith.constant 4 : index
// CHECK-NEXT: arith.constant 1 : index
// CHECK-NEXT: %[[THREADS:.*]] = arith.constant 32 : index
// CHECK-NEXT: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%[[BS:.*]] = %[[THREADS]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) workgroup(%[[SHM:.*]] : memref<32xf64, #gpu.address_space<workgroup>>)
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[TX]], %{{.*}} : index
// CHECK: scf.for %[[O:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK-NEXT: %[[CH:.*]] = arith.addi %[[O]], %{{.*}} : index
// CHECK: %[[PART:.*]] = scf.for %[[J:.*]] = %[[TX]] to %{{.*}} step %[[BS]] iter_args(%[[ACC:.*]] = %{{.*}}) -> (f64) {
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[CH]], %{{.*}}] : memref<8x4x64xf32>
// CHECK: arith.addf %[[ACC]], %{{.*}} : f64
// CHECK: memref.store %[[PART]], %[[SHM]][%[[TX]]]
// CHECK-NEXT: gpu.barrier
// CHECK: arith.cmpi ult, %[[TX]], %c16
// CHECK: scf.if
// CHECK: gpu.barrier
// CHECK: arith.cmpi ult, %[[TX]], %c8
// CHECK: arith.cmpi ult, %[[TX]], %c4
// CHECK: arith.cmpi ult, %[[TX]], %c2
// CHECK: arith.cmpi ult, %[[TX]], %c1
// CHECK: %[[TOTAL:.*]] = memref.load %[[SHM]][%c0{{.*}}]
// CHECK-NEXT: gpu.barrier
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %[[TOTAL]] : f64
// CHECK: %[[MEAN:.*]] = arith.divf %[[SUM]]
// CHECK: scf.if %[[FIRST]] {
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%[[CH]]] : memref<4xf32>
// CHECK: gpu.barrier
// CHECK: scf.for %{{.*}} = %[[TX]] to %{{.*}} step %[[BS]] {
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}, %[[CH]], %{{.*}}] : memref<8x4x64xf32>
// CHECK-NOT: scf.parallel
// Without `cooperative`, one thread per channel sums in the CPU's order.
// SERIAL-LABEL: func.func @stats(
// SERIAL-NOT: workgroup
// SERIAL: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
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

// A nest that stores inside a sum, or sums too short for a block, keep one
// thread per output.
// CHECK-LABEL: func.func @not_a_sum(
// CHECK-NOT: workgroup
// CHECK: gpu.launch
// CHECK-LABEL: func.func @short_sum(
// CHECK-NOT: workgroup
// CHECK: gpu.launch
func.func @not_a_sum(%x: memref<4x64xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%c) = (%c0) to (%c4) step (%c1) {
    %sum = scf.for %k = %c0 to %c64 step %c1 iter_args(%a = %zero) -> (f32) {
      %v = memref.load %x[%c, %k] : memref<4x64xf32>
      memref.store %a, %x[%c, %k] : memref<4x64xf32>
      %s = arith.addf %a, %v : f32
      scf.yield %s : f32
    }
    memref.store %sum, %out[%c] : memref<4xf32>
    scf.reduce
  }
  return
}
func.func @short_sum(%x: memref<4x8xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%c) = (%c0) to (%c4) step (%c1) {
    %sum = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %zero) -> (f32) {
      %v = memref.load %x[%c, %k] : memref<4x8xf32>
      %s = arith.addf %a, %v : f32
      scf.yield %s : f32
    }
    memref.store %sum, %out[%c] : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// Loads, then a store by thread 0 (synchronised BatchNorm: every thread
// reads the channel's all-reduced sum, thread 0 overwrites it with the
// mean): a barrier between them, or another thread could still be about
// to read the sum. Found by test/e2e/gpu-mapping.test (the mapping run on
// the CPU, threads in order).
// CHECK-LABEL: func.func @overwrite(
// CHECK: scf.for %[[O:.*]] = %{{.*}} to %{{.*}} step %{{.*}} {
// CHECK: %[[SUM:.*]] = memref.load %{{.*}}[%[[CH:.*]]] : memref<5xf64>
// CHECK-NEXT: %[[N:.*]] = memref.load %{{.*}}[%c4{{.*}}] : memref<5xf64>
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[SUM]], %[[N]] : f64
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: scf.if %{{.*}} {
// CHECK-NEXT: memref.store %[[MEAN]], %{{.*}}[%[[CH]]] : memref<5xf64>
// CHECK: gpu.barrier
// CHECK-NEXT: arith.constant 0.000000e+00 : f64
// CHECK: scf.for %{{.*}} = %{{.*}} to %c512{{.*}} step %{{.*}} iter_args
func.func @overwrite(%x: memref<8x4x64xf32>, %stats: memref<5xf64>, %var: memref<4xf64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f64
  scf.parallel (%c) = (%c0) to (%c4) step (%c1) {
    %sum = memref.load %stats[%c] : memref<5xf64>
    %n = memref.load %stats[%c4] : memref<5xf64>
    %mean = arith.divf %sum, %n : f64
    memref.store %mean, %stats[%c] : memref<5xf64>
    %sq = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %zero) -> (f64) {
      %inner = scf.for %k = %c0 to %c64 step %c1 iter_args(%b = %a) -> (f64) {
        %v = memref.load %x[%i, %c, %k] : memref<8x4x64xf32>
        %w = arith.extf %v : f32 to f64
        %d = arith.subf %w, %mean : f64
        %e = arith.mulf %d, %d : f64
        %s = arith.addf %b, %e : f64
        scf.yield %s : f64
      }
      scf.yield %inner : f64
    }
    memref.store %sq, %var[%c] : memref<4xf64>
    scf.reduce
  }
  return
}

// -----

// A split nest's stores, then thread 0's store of an element the nest
// wrote: a barrier between them, or another thread's store could land
// last.
// CHECK-LABEL: func.func @overwrite_after_nest(
// CHECK: scf.for %{{.*}} = %{{.*}} to %c512{{.*}} step %{{.*}} {
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] : memref<8x4x64xf32>
// CHECK: }
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: scf.if %{{.*}} {
// CHECK-NEXT: memref.store %{{.*}}, %{{.*}}[%c0{{.*}}, %{{.*}}, %c0{{.*}}] : memref<8x4x64xf32>
func.func @overwrite_after_nest(%x: memref<8x4x64xf32>, %y: memref<8x4x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%c) = (%c0) to (%c4) step (%c1) {
    %sum = scf.for %i = %c0 to %c8 step %c1 iter_args(%a = %zero) -> (f32) {
      %inner = scf.for %k = %c0 to %c64 step %c1 iter_args(%b = %a) -> (f32) {
        %v = memref.load %x[%i, %c, %k] : memref<8x4x64xf32>
        %s = arith.addf %b, %v : f32
        scf.yield %s : f32
      }
      scf.yield %inner : f32
    }
    scf.for %i = %c0 to %c8 step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        memref.store %zero, %y[%i, %c, %k] : memref<8x4x64xf32>
      }
    }
    memref.store %sum, %y[%c0, %c, %c0] : memref<8x4x64xf32>
    scf.reduce
  }
  return
}
