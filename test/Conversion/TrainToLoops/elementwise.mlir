// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The elementwise family (Elementwise.cpp): one flat scf.parallel over the
// elements, whatever the rank (16 = 2x2x2x2), each operand and the result a
// 1-D view of its home. train-plan-memory places the values of @forward:
//   %r relu            arena 0    (live until the relu_backward)
//   %a add             arena 64   %c splat constant  arena 64 (after %a)
//   %s scale           arena 128  %m relu_backward   arena 192
//   %t add             the output (the logits are written in place)
//   %k constant table  arena 0    (after %r)
// The lowered function's arguments: params, buffers, arena, input, output.

// The checks follow the structure (which kernels, what each reads, computes
// and writes, in the order the values need), not the order of SSA values.
// Offsets are the index constants' names (%c64, %c64_3, ...).

// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<64xi8> {train.role = #train.role<params>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<256xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<64xi8> {train.role = #train.role<input>}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<64xi8> {train.role = #train.role<output>}

// relu: out = maximumf(x, 0), input -> arena 0.
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<16xf32>
// CHECK-DAG: %[[R:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK: %[[V:.+]] = memref.load %[[X]][%[[I]]] : memref<16xf32>
// CHECK: %[[MAX:.+]] = arith.maximumf %[[V]], %[[ZERO]] : f32
// CHECK: memref.store %[[MAX]], %[[R]][%[[I]]] : memref<16xf32>
// CHECK: scf.reduce

// add of an activation and a parameter: arena 0 + params 0 -> arena 64.
// CHECK-DAG: %[[R2:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK-DAG: %[[P:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<16xf32>
// CHECK-DAG: %[[A:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[LHS:.+]] = memref.load %[[R2]][%[[I]]]
// CHECK-DAG: %[[RHS:.+]] = memref.load %[[P]][%[[I]]]
// CHECK: %[[SUM:.+]] = arith.addf %[[LHS]], %[[RHS]] : f32
// CHECK: memref.store %[[SUM]], %[[A]][%[[I]]]
// CHECK: scf.reduce

// scale by 0.5: arena 64 -> arena 128.
// CHECK-DAG: %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[A2:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK-DAG: %[[S:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK: %[[V:.+]] = memref.load %[[A2]][%[[I]]]
// CHECK: %[[MUL:.+]] = arith.mulf %[[V]], %[[HALF]] : f32
// CHECK: memref.store %[[MUL]], %[[S]][%[[I]]]
// CHECK: scf.reduce

// A splat constant is a fill of arena 64: no loads.
// CHECK-DAG: %[[TWO:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[C:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-NOT: memref.load
// CHECK: memref.store %[[TWO]], %[[C]][%[[I]]]
// CHECK-NOT: memref.load
// CHECK: scf.reduce

// relu_backward: the cotangent (arena 128) where the relu's output (arena
// 0) is positive, into arena 192.
// CHECK-DAG: %[[ZERO2:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[DY:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK-DAG: %[[OUT:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK-DAG: %[[DX:.+]] = memref.view %[[ARENA]][%c192{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[G:.+]] = memref.load %[[DY]][%[[I]]]
// CHECK-DAG: %[[Y:.+]] = memref.load %[[OUT]][%[[I]]]
// CHECK: %[[POS:.+]] = arith.cmpf ogt, %[[Y]], %[[ZERO2]] : f32
// CHECK: %[[SEL:.+]] = arith.select %[[POS]], %[[G]], %[[ZERO2]] : f32
// CHECK: memref.store %[[SEL]], %[[DX]][%[[I]]]
// CHECK: scf.reduce

// The last add (arena 192 + arena 64) writes the logits straight into the
// output argument.
// CHECK-DAG: %[[M:.+]] = memref.view %[[ARENA]][%c192{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK-DAG: %[[C2:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK-DAG: %[[T:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[LHS:.+]] = memref.load %[[M]][%[[I]]]
// CHECK-DAG: %[[RHS:.+]] = memref.load %[[C2]][%[[I]]]
// CHECK: %[[SUM:.+]] = arith.addf %[[LHS]], %[[RHS]] : f32
// CHECK: memref.store %[[SUM]], %[[T]][%[[I]]]
// CHECK: scf.reduce

// A constant that is not a splat is copied from a private global table
// into arena 0 (4 elements).
// CHECK-DAG: %[[TABLE:.+]] = memref.get_global @train_constant_0 : memref<4xf32>
// CHECK-DAG: %[[K:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[^)]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: %[[V:.+]] = memref.load %[[TABLE]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %[[V]], %[[K]][%[[I]]] : memref<4xf32>
// CHECK: scf.reduce
// No copy of the result: it was written in place.
// CHECK-NOT: scf.parallel
// CHECK: return

// The table, a module-level declaration (wherever the module puts it,
// so checked by a second RUN), and the only one.
// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s --check-prefix=GLOBALS
// GLOBALS-LABEL: module @elementwise
// GLOBALS-NOT: memref.global
// GLOBALS: memref.global "private" constant @train_constant_0 : memref<4xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]>
// GLOBALS-NOT: memref.global

module @elementwise {
func.func @forward(%x: tensor<2x2x2x2xf32> {train.input = "input"},
    %p: tensor<2x2x2x2xf32> {train.param = "p", train.init = dense<1.0> : tensor<2x2x2x2xf32>})
    -> (tensor<2x2x2x2xf32> {train.output = "logits"}) {
  %r = train.relu %x : tensor<2x2x2x2xf32>
  %a = train.add %r, %p : tensor<2x2x2x2xf32>
  %s = train.scale %a by 0.5 : tensor<2x2x2x2xf32>
  %c = train.constant dense<2.0> : tensor<2x2x2x2xf32>
  %m = train.relu_backward %s, %r : tensor<2x2x2x2xf32>
  %t = train.add %m, %c : tensor<2x2x2x2xf32>
  %k = train.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  return %t : tensor<2x2x2x2xf32>
}
}
