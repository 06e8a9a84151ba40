// RUN: trainc-opt %s -split-input-file -train-map-kernels-to-gpu -cse -verify-diagnostics | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-map-kernels-to-gpu=block-size=128 -cse -verify-diagnostics | FileCheck %s --check-prefix=B128
// RUN: not trainc-opt %s -split-input-file -train-map-kernels-to-gpu=block-size=100 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not trainc-opt %s -split-input-file -train-map-kernels-to-gpu=block-size=96 2>&1 | FileCheck %s --check-prefix=BAD96

// train-map-kernels-to-gpu (passes/Conversion/KernelsToGpu): each
// top-level scf.parallel becomes a gpu.launch over a 1-D grid of 256
// threads per block, at most 8192 blocks, the nest collapsed with its
// innermost dimension fastest and walked grid-stride; inner nests run in
// order in their thread. Diagnostics, one case each:
//   "a kernel with reductions (an scf.parallel with results) has no GPU
//    mapping" ............................................. reduction
//   "a reduction (an scf.parallel with results) inside a kernel has no GPU
//    mapping" ............................................. inner_reduction
//   "a kernel calls a function; device code cannot" ........ call
//   "a kernel reads host global '..'" ........................ global
//   "an scf.parallel is left in device code after train-map-kernels-to-gpu"
//     ..................................................... in_launch
//   "block-size must be a power of two in [32, 1024], not 100" (BAD)

// An element-wise kernel over 1000 elements: 4 blocks of 256 threads
// (ceil(1000 / 256), at most 8192, at least 1; the bounds are constants,
// so the counts fold); thread i = block * 256 + tid walks i, i + grid *
// 256, ... below 1000. (-cse only merges the folded constants.)
// CHECK-LABEL: func.func @relu(
// CHECK-SAME: %[[A:[^:]+]]: memref<4000xi8>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1000:.+]] = arith.constant 1000 : index
// CHECK-DAG: %[[C256:.+]] = arith.constant 256 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK: gpu.launch blocks(%[[BX:.+]], %{{.+}}, %{{.+}}) in (%[[GX:.+]] = %[[C4]], %{{.+}} = %[[C1]], %{{.+}} = %[[C1]]) threads(%[[TX:.+]], %{{.+}}, %{{.+}}) in (%[[BSX:.+]] = %[[C256]], %{{.+}} = %[[C1]], %{{.+}} = %[[C1]])
// The view is rebuilt inside the kernel, which captures the arena only.
// CHECK-NEXT: %[[X:.+]] = memref.view %[[A]][%[[C0]]][] : memref<4000xi8> to memref<1000xf32>
// CHECK-DAG: %[[BASE:.+]] = arith.muli %[[BX]], %[[BSX]] : index
// CHECK-DAG: %[[FIRST:.+]] = arith.addi %[[BASE]], %[[TX]] : index
// CHECK-DAG: %[[STRIDE:.+]] = arith.muli %[[GX]], %[[BSX]] : index
// CHECK: scf.for %[[I:.+]] = %[[FIRST]] to %[[C1000]] step %[[STRIDE]] {
// CHECK-DAG: %[[IV:.+]] = arith.addi %[[I]], %[[C0]] : index
// CHECK-DAG: %[[V:.+]] = memref.load %[[X]][%[[IV]]]
// CHECK-DAG: %[[R:.+]] = arith.maximumf %[[V]], %{{.+}} : f32
// CHECK: memref.store %[[R]], %[[X]][%[[IV]]]
// CHECK-NEXT: }
// CHECK-NEXT: gpu.terminator
// CHECK-NOT: scf.parallel
// CHECK: return
// B128-LABEL: func.func @relu(
// B128-DAG: %[[C8:.+]] = arith.constant 8 : index
// B128-DAG: %[[C128:.+]] = arith.constant 128 : index
// B128: gpu.launch blocks({{.+}}) in (%{{.+}} = %[[C8]], {{.+}}) threads({{.+}}) in (%{{.+}} = %[[C128]],
func.func @relu(%arena: memref<4000xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c1000 = arith.constant 1000 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<4000xi8> to memref<1000xf32>
  scf.parallel (%i) = (%c0) to (%c1000) step (%c1) {
    %v = memref.load %x[%i] : memref<1000xf32>
    %r = arith.maximumf %v, %zero : f32
    memref.store %r, %x[%i] : memref<1000xf32>
    scf.reduce
  }
  return
}

// -----

// A 3-D nest (2 x 3 x 8 iterations; the middle dimension from 1 below 7
// step 2): 48 iterations, one block; collapsed innermost-fastest,
// k = i mod 8, j = 1 + ((i / 8) mod 3) * 2, n = (i / 8) / 3.
// CHECK-LABEL: func.func @nest(
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[C8:.+]] = arith.constant 8 : index
// CHECK-DAG: %[[C48:.+]] = arith.constant 48 : index
// CHECK: gpu.launch blocks({{.+}}) in (%{{.+}} = %[[C1]],
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %[[C48]] step %{{.+}} {
// CHECK-DAG: %[[KI:.+]] = arith.remui %[[I]], %[[C8]] : index
// CHECK-DAG: %[[IJ:.+]] = arith.divui %[[I]], %[[C8]] : index
// CHECK-DAG: %[[K:.+]] = arith.addi %[[KI]], %[[C0]] : index
// CHECK-DAG: %[[JI:.+]] = arith.remui %[[IJ]], %[[C3]] : index
// CHECK-DAG: %[[NI:.+]] = arith.divui %[[IJ]], %[[C3]] : index
// CHECK-DAG: %[[JS:.+]] = arith.muli %[[JI]], %[[C2]] : index
// CHECK-DAG: %[[J:.+]] = arith.addi %[[JS]], %[[C1]] : index
// CHECK-DAG: %[[N:.+]] = arith.addi %[[NI]], %[[C0]] : index
// CHECK: memref.store %{{.+}}, %{{.+}}[%[[N]], %[[J]], %[[K]]]
// CHECK: gpu.terminator
func.func @nest(%x: memref<2x7x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%n, %j, %k) = (%c0, %c1, %c0) to (%c2, %c7, %c8) step (%c1, %c2, %c1) {
    memref.store %one, %x[%n, %j, %k] : memref<2x7x8xf32>
    scf.reduce
  }
  return
}

// -----

// A per-channel sum (the shape of BatchNorm's statistics): one thread per
// channel, the inner nest over the batch and the plane in order, as
// nested scf.for loops.
// CHECK-LABEL: func.func @per_channel(
// CHECK: gpu.launch
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NEXT: scf.for %[[P:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: memref.load %{{.+}}[%[[N]], %{{.+}}, %[[P]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @per_channel(%x: memref<4x3x16xf32>, %sum: memref<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%c) = (%c0) to (%c3) step (%c1) {
    memref.store %zero, %sum[%c] : memref<3xf32>
    scf.parallel (%n, %p) = (%c0, %c0) to (%c4, %c16) step (%c1, %c1) {
      %v = memref.load %x[%n, %c, %p] : memref<4x3x16xf32>
      %s = memref.load %sum[%c] : memref<3xf32>
      %t = arith.addf %s, %v : f32
      memref.store %t, %sum[%c] : memref<3xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

// -----

func.func @reduction(%x: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{a kernel with reductions (an scf.parallel with results) has no GPU mapping}}
  %s = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
    %v = memref.load %x[%i] : memref<8xf32>
    scf.reduce(%v : f32) {
    ^bb0(%a: f32, %b: f32):
      %t = arith.addf %a, %b : f32
      scf.reduce.return %t : f32
    }
  }
  return %s : f32
}

// -----

func.func @inner_reduction(%x: memref<8x8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    // expected-error @+1 {{a reduction (an scf.parallel with results) inside a kernel has no GPU mapping}}
    %s = scf.parallel (%j) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
      %v = memref.load %x[%i, %j] : memref<8x8xf32>
      scf.reduce(%v : f32) {
      ^bb0(%a: f32, %b: f32):
        %t = arith.addf %a, %b : f32
        scf.reduce.return %t : f32
      }
    }
    memref.store %s, %y[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

func.func private @helper(f32) -> f32

func.func @call(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  // expected-error @+1 {{a kernel calls a function; device code cannot}}
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    %w = func.call @helper(%v) : (f32) -> f32
    memref.store %w, %x[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

memref.global "private" constant @table : memref<8xf32> = dense<1.0>

func.func @global(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %t = memref.get_global @table : memref<8xf32>
  // expected-error @+1 {{a kernel reads host global 'table'}}
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %t[%i] : memref<8xf32>
    memref.store %v, %x[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// A launch written by hand around a parallel loop: the pass maps only
// what is outside device code, and its guard refuses what is left.
func.func @in_launch(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{an scf.parallel is left in device code after train-map-kernels-to-gpu}}
    scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
      memref.store %one, %x[%i] : memref<8xf32>
      scf.reduce
    }
    gpu.terminator
  }
  return
}

// BAD: error: block-size must be a power of two in [32, 1024], not 100
// A multiple of 32 that is not a power of two: a tree of 96 would halve to
// 48, 24, 12, 6, 3 and lose a partial sum.
// BAD96: error: block-size must be a power of two in [32, 1024], not 96
