// RUN: trainc-opt %s --convert-parallel-loops-to-threads=min-accesses=64 --split-input-file | FileCheck %s

// A nest over an arena view with a scalar computed on the host: the view is
// rebuilt in the kernel from the arena's pointer, the scalar travels by
// value, the constants are cloned, and the outermost dimension is split.

// CHECK-LABEL: func.func private @step_kernel0
// CHECK-SAME: (%[[CTX:.+]]: !llvm.ptr, %[[LO:.+]]: index, %[[HI:.+]]: index)
// CHECK: %[[SLOT0:.+]] = llvm.getelementptr %[[CTX]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: %[[ARENA_PTR:.+]] = llvm.load %[[SLOT0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[ARENA:.+]] = builtin.unrealized_conversion_cast %{{.+}} : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)> to memref<4096xi8>
// CHECK: %[[SLOT1:.+]] = llvm.getelementptr %[[CTX]][1]
// CHECK: %[[SCALE:.+]] = llvm.load %[[SLOT1]] : !llvm.ptr -> f32
// CHECK: %[[VIEW:.+]] = memref.view %[[ARENA]]
// CHECK: %[[FROM:.+]] = arith.addi %{{.+}}, %{{.+}}
// CHECK: %[[TO:.+]] = arith.minsi
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]]) = (%[[FROM]], %{{.+}}) to (%[[TO]], %{{.+}})
// CHECK:   memref.load %[[VIEW]][%[[I]], %[[J]]]
// CHECK:   arith.mulf %{{.+}}, %[[SCALE]]
// CHECK: return

// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[RT:[^:]+]]: !llvm.ptr {train.role = #train.role<context>}, %[[A:[^:]+]]: memref<4096xi8>, %[[H:[^:]+]]: memref<4xi8>)
// CHECK: %[[CONTEXT:.+]] = llvm.alloca %{{.+}} x i64 {alignment = 8 : i64}
// CHECK: %[[S:.+]] = memref.load
// CHECK: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: llvm.store %{{.+}}, %{{.+}} : !llvm.ptr, !llvm.ptr
// CHECK: llvm.store %[[S]], %{{.+}} : f32, !llvm.ptr
// CHECK: %[[K:.+]] = constant @step_kernel0
// CHECK: %[[N:.+]] = arith.constant 32 : i64
// The launch is a runtime call: the step's runtime context comes first.
// CHECK: call @trainc_rt_parallel_for(%[[RT]], %[[K]], %[[CONTEXT]], %[[N]])
// CHECK-NOT: scf.parallel
// CHECK: return
func.func @step(%rt: !llvm.ptr {train.role = #train.role<context>}, %arena: memref<4096xi8>, %hyper: memref<4xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %hv = memref.view %hyper[%c0][] : memref<4xi8> to memref<f32>
  %scale = memref.load %hv[] : memref<f32>
  %x = memref.view %arena[%c0][] : memref<4096xi8> to memref<32x32xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c32, %c32) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<32x32xf32>
    %w = arith.mulf %v, %scale : f32
    memref.store %w, %x[%i, %j] : memref<32x32xf32>
    scf.reduce
  }
  return
}

// -----

// Nests that stay on the calling thread: too little work, a call (the
// runtime is not re-entrant), a reduction (scf.reduce results), and a
// single iteration. Only the nested loop of a kernel is not split again.

// CHECK-LABEL: func.func @stay
// CHECK-NOT: trainc_rt_parallel_for
// CHECK: scf.parallel
// CHECK: call @helper
// CHECK: scf.parallel {{.*}} init
// CHECK: scf.parallel
// CHECK: return
func.func private @helper(index)
func.func @stay(%arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<4096xi8> to memref<64x16xf32>
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %zero, %x[%i, %c0] : memref<64x16xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    func.call @helper(%i) : (index) -> ()
    scf.reduce
  }
  %sum = scf.parallel (%i) = (%c0) to (%c64) step (%c1) init (%zero) -> f32 {
    %v = memref.load %x[%i, %c0] : memref<64x16xf32>
    scf.reduce(%v : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  memref.store %sum, %x[%c0, %c0] : memref<64x16xf32>
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    scf.for %j = %c0 to %c64 step %c1 {
      scf.for %k = %c0 to %c64 step %c1 {
        memref.store %zero, %x[%j, %c0] : memref<64x16xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// A kernel's inner parallel dimension and a nested scf.parallel stay inside
// the one kernel.

// CHECK-LABEL: func.func private @nested_kernel0
// CHECK: scf.parallel
// CHECK: scf.parallel
// CHECK-LABEL: func.func @nested
// CHECK: call @trainc_rt_parallel_for
// CHECK-NOT: scf.parallel
func.func @nested(%rt: !llvm.ptr {train.role = #train.role<context>}, %arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<4096xi8> to memref<64x16xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c16) step (%c1) {
      memref.store %zero, %x[%i, %j] : memref<64x16xf32>
      scf.reduce
    }
    scf.reduce
  }
  return
}

