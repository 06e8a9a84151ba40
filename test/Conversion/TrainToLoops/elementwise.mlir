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

// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<64xi8> {train.role = "params"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<256xi8> {train.role = "arena"}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<64xi8> {train.role = "input"}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<64xi8> {train.role = "output"}

// relu: out = maximumf(x, 0).
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<16xf32>
// CHECK: %[[R:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step (%c1{{(_[0-9]+)?}}) {
// CHECK-NEXT: %[[V:.+]] = memref.load %[[X]][%[[I]]] : memref<16xf32>
// CHECK-NEXT: %[[MAX:.+]] = arith.maximumf %[[V]], %[[ZERO]] : f32
// CHECK-NEXT: memref.store %[[MAX]], %[[R]][%[[I]]] : memref<16xf32>
// CHECK-NEXT: scf.reduce

// add of an activation and a parameter.
// CHECK: %[[R2:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: %[[P:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<16xf32>
// CHECK: %[[A:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[LHS:.+]] = memref.load %[[R2]][%[[I]]]
// CHECK-NEXT: %[[RHS:.+]] = memref.load %[[P]][%[[I]]]
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[LHS]], %[[RHS]] : f32
// CHECK-NEXT: memref.store %[[SUM]], %[[A]][%[[I]]]

// scale by 0.5.
// CHECK: %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[A2:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][]
// CHECK: %[[S:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][]
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[A2]][%[[I]]]
// CHECK-NEXT: %[[MUL:.+]] = arith.mulf %[[V]], %[[HALF]] : f32
// CHECK-NEXT: memref.store %[[MUL]], %[[S]][%[[I]]]

// A splat constant is a fill: no loads.
// CHECK: %[[TWO:.+]] = arith.constant 2.000000e+00 : f32
// CHECK: %[[C:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][]
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-NEXT: memref.store %[[TWO]], %[[C]][%[[I]]]
// CHECK-NEXT: scf.reduce

// relu_backward: the cotangent where the relu's output is positive.
// CHECK: %[[ZERO2:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[DY:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][]
// CHECK: %[[OUT:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][]
// CHECK: %[[DX:.+]] = memref.view %[[ARENA]][%c192{{(_[0-9]+)?}}][]
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[G:.+]] = memref.load %[[DY]][%[[I]]]
// CHECK-NEXT: %[[Y:.+]] = memref.load %[[OUT]][%[[I]]]
// CHECK-NEXT: %[[POS:.+]] = arith.cmpf ogt, %[[Y]], %[[ZERO2]] : f32
// CHECK-NEXT: %[[SEL:.+]] = arith.select %[[POS]], %[[G]], %[[ZERO2]] : f32
// CHECK-NEXT: memref.store %[[SEL]], %[[DX]][%[[I]]]

// The last add writes the logits straight into the output argument.
// CHECK: %[[M:.+]] = memref.view %[[ARENA]][%c192{{(_[0-9]+)?}}][]
// CHECK: %[[C2:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][]
// CHECK: %[[T:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<16xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[LHS:.+]] = memref.load %[[M]][%[[I]]]
// CHECK-NEXT: %[[RHS:.+]] = memref.load %[[C2]][%[[I]]]
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[LHS]], %[[RHS]] : f32
// CHECK-NEXT: memref.store %[[SUM]], %[[T]][%[[I]]]

// A constant that is not a splat is copied from a private global table.
// CHECK: %[[TABLE:.+]] = memref.get_global @train_constant_0 : memref<4xf32>
// CHECK: %[[K:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[TABLE]][%[[I]]] : memref<4xf32>
// CHECK-NEXT: memref.store %[[V]], %[[K]][%[[I]]] : memref<4xf32>
// No copy of the result: it was written in place.
// CHECK-NOT: scf.parallel
// CHECK: return

// The table, at the top of the module (before the function, so checked by
// a second RUN).
// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s --check-prefix=GLOBALS
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
