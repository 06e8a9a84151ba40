// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The pooling family (Pooling.cpp) on x = [1, 2, 5, 5], 3x3 windows with
// stride 2 and padding 1 (outputs 3x3). Forward: one scf.parallel over every
// output element. Backward (max, average): one scf.parallel over the
// (batch, channel) planes, each zeroed and then scattered into sequentially.
// Global average pooling reduces a plane in f64; its backward spreads dy /
// (H * W) over every element.
//
// Homes: the forward results at arena 256, the backward results at arena 0
// (the planner reuses the two slots), the global backward is the output.

// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<384xi8> {train.role = "arena"}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<200xi8> {train.role = "input"}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<200xi8> {train.role = "output"}

// max_pool2d: parallel over [1, 2, 3, 3]; the window's top-left corner is
// (oy * 2 - 1, ox * 2 - 1); a 3x3 sequential reduction from -inf keeps the
// value and flat index (y * 5 + x) of the first maximum, NaN winning.
// CHECK: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK: %[[Y:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK: scf.parallel (%[[N:[^,]+]], %[[C:[^,]+]], %[[OY:[^,]+]], %[[OX:[^)]+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}) step
// CHECK-NEXT: %c2{{.*}} = arith.constant 2 : index
// CHECK-NEXT: %[[SY:.+]] = arith.muli %[[OY]], %c2
// CHECK-NEXT: %c-1{{.*}} = arith.constant -1 : index
// CHECK-NEXT: %[[Y0:.+]] = arith.addi %[[SY]], %c-1
// CHECK: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[NONE:.+]] = arith.constant -1 : index
// CHECK: %[[BEST:.+]]:2 = scf.for %[[I:.+]] = %c0{{.*}} to %c3{{(_[0-9]+)?}} step %{{.+}} iter_args(%{{.+}} = %[[NEGINF]], %{{.+}} = %[[NONE]]) -> (f32, index) {
// CHECK: scf.for %[[J:.+]] = %c0{{.*}} to %c3{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:[^ ]+]] = %{{.+}}, %[[AT:[^ ]+]] = %{{.+}}) -> (f32, index) {
// CHECK: %[[V:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[YC:.+]], %[[XC:.+]]] : memref<1x2x5x5xf32>
// CHECK-NEXT: %[[NAN:.+]] = arith.cmpf uno, %[[V]], %[[V]] : f32
// CHECK-NEXT: %[[GT:.+]] = arith.cmpf ogt, %[[V]], %[[ACC]] : f32
// CHECK-NEXT: %[[OR:.+]] = arith.ori %[[GT]], %[[NAN]] : i1
// CHECK-NEXT: %[[BETTER:.+]] = arith.andi %{{.+}}, %[[OR]] : i1
// CHECK-NEXT: %c5{{.*}} = arith.constant 5 : index
// CHECK-NEXT: %[[ROW:.+]] = arith.muli %[[YC]], %c5
// CHECK-NEXT: %[[FLAT:.+]] = arith.addi %[[ROW]], %[[XC]] : index
// CHECK-NEXT: %[[NV:.+]] = arith.select %[[BETTER]], %[[V]], %[[ACC]] : f32
// CHECK-NEXT: %[[NI:.+]] = arith.select %[[BETTER]], %[[FLAT]], %[[AT]] : index
// CHECK-NEXT: scf.yield %[[NV]], %[[NI]] : f32, index
// CHECK: memref.store %[[BEST]]#0, %[[Y]][%[[N]], %[[C]], %[[OY]], %[[OX]]] : memref<1x2x3x3xf32>
// CHECK-NEXT: scf.reduce

// max_pool2d_backward: per plane, dx (seen as [1, 2, 25]) is zeroed, then
// each output's dy is added at its window's argmax, when there is one.
// CHECK: %[[BX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK: %[[DY:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK: %[[DX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x25xf32>
// CHECK: scf.parallel (%[[N:[^,]+]], %[[C:[^)]+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.for %[[S:.+]] = %c0{{.*}} to %c25{{(_[0-9]+)?}} step
// CHECK-NEXT: memref.store %[[ZERO]], %[[DX]][%[[N]], %[[C]], %[[S]]] : memref<1x2x25xf32>
// CHECK: scf.for %[[OY:.+]] = %c0{{.*}} to %c3{{(_[0-9]+)?}} step
// CHECK: scf.for %[[OX:.+]] = %c0{{.*}} to %c3{{(_[0-9]+)?}} step
// CHECK: %[[BEST:.+]]:2 = scf.for
// CHECK: memref.load %[[BX]]
// CHECK: %[[FOUND:.+]] = arith.cmpi sle, %c0{{(_[0-9]+)?}}, %[[BEST]]#1 : index
// CHECK-NEXT: scf.if %[[FOUND]] {
// CHECK-NEXT: %[[G:.+]] = memref.load %[[DY]][%[[N]], %[[C]], %[[OY]], %[[OX]]]
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[DX]][%[[N]], %[[C]], %[[BEST]]#1]
// CHECK-NEXT: %[[NEW:.+]] = arith.addf %[[OLD]], %[[G]] : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[DX]][%[[N]], %[[C]], %[[BEST]]#1]
// CHECK: scf.reduce

// avg_pool2d without count_include_pad: the window [y0, y1) x [x0, x1) is
// clipped to the image, and so is the divisor (y1 - y0) * (x1 - x0). The
// unclipped end is min(start + 3, 5 + 1).
// CHECK: %[[AX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][]
// CHECK: %[[AY:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK: scf.parallel (%[[N:[^,]+]], %[[C:[^,]+]], %[[OY:[^,]+]], %[[OX:[^)]+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}) step
// CHECK: %c6{{.*}} = arith.constant 6 : index
// CHECK: %[[Y1P:.+]] = arith.minsi %{{.+}}, %c6
// CHECK: %[[PADDED:.+]] = arith.muli
// CHECK: %[[Y0:.+]] = arith.maxsi %{{.+}}, %c0
// CHECK-NEXT: %[[X0:.+]] = arith.maxsi %{{.+}}, %c0
// CHECK: %[[Y1:.+]] = arith.minsi %[[Y1P]], %c5
// CHECK: %[[X1:.+]] = arith.minsi %{{.+}}, %c5
// CHECK-NEXT: %[[W:.+]] = arith.subi %[[X1]], %[[X0]] : index
// CHECK-NEXT: %[[H:.+]] = arith.subi %[[Y1]], %[[Y0]] : index
// CHECK-NEXT: %[[VALID:.+]] = arith.muli %[[H]], %[[W]] : index
// CHECK-NEXT: %[[VALID64:.+]] = arith.index_cast %[[VALID]] : index to i64
// CHECK-NEXT: %[[DIVISOR:.+]] = arith.sitofp %[[VALID64]] : i64 to f32
// CHECK: %[[SUM:.+]] = scf.for {{.*}} to %c3{{(_[0-9]+)?}} step {{.*}} -> (f32) {
// CHECK: scf.for {{.*}} to %c3{{(_[0-9]+)?}} step {{.*}} -> (f32) {
// CHECK: memref.load %[[AX]]
// CHECK: %[[MEAN:.+]] = arith.divf %[[SUM]], %[[DIVISOR]] : f32
// CHECK-NEXT: memref.store %[[MEAN]], %[[AY]][%[[N]], %[[C]], %[[OY]], %[[OX]]]

// avg_pool2d_backward with count_include_pad: per plane, zero the 5x5 plane,
// then for each of the 3x3 outputs spread dy / divisor over its clipped
// window; the divisor counts the padding: (min(y0 + 3, 6) - y0) * (...).
// CHECK: %[[ADY:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK: %[[ADX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x5x5xf32>
// CHECK: scf.parallel (%[[N:[^,]+]], %[[C:[^)]+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK: scf.for %[[R:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step
// CHECK: scf.for %[[S:.+]] = %c0{{.*}} to %c5{{(_[0-9]+)?}} step
// CHECK-NEXT: memref.store %{{.+}}, %[[ADX]][%[[N]], %[[C]], %[[R]], %[[S]]]
// CHECK: scf.for %[[OY:.+]] = %c0{{.*}} to %c3{{(_[0-9]+)?}} step
// CHECK: scf.for %[[OX:.+]] = %c0{{.*}} to %c3{{(_[0-9]+)?}} step
// CHECK: %[[Y1P:.+]] = arith.minsi %{{.+}}, %c6
// CHECK: %[[X1P:.+]] = arith.minsi %{{.+}}, %c6
// CHECK-NEXT: %[[PW:.+]] = arith.subi %[[X1P]], %{{.+}} : index
// CHECK-NEXT: %[[PH:.+]] = arith.subi %[[Y1P]], %{{.+}} : index
// CHECK-NEXT: %[[PADDED:.+]] = arith.muli %[[PH]], %[[PW]] : index
// CHECK: %[[PADDED64:.+]] = arith.index_cast %[[PADDED]] : index to i64
// CHECK-NEXT: %[[DIVISOR:.+]] = arith.sitofp %[[PADDED64]] : i64 to f32
// CHECK-NEXT: %[[G:.+]] = memref.load %[[ADY]][%[[N]], %[[C]], %[[OY]], %[[OX]]]
// CHECK-NEXT: %[[SHARE:.+]] = arith.divf %[[G]], %[[DIVISOR]] : f32
// CHECK: scf.for {{.*}} to %c3
// CHECK: scf.for {{.*}} to %c3
// CHECK: scf.if
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[ADX]][%[[N]], %[[C]], %[[YY:.+]], %[[XX:.+]]]
// CHECK-NEXT: %[[NEW:.+]] = arith.addf %[[OLD]], %[[SHARE]] : f32
// CHECK-NEXT: memref.store %[[NEW]], %[[ADX]][%[[N]], %[[C]], %[[YY]], %[[XX]]]
// CHECK: scf.reduce

// global_avg_pool: parallel over (n, c), the plane's 25 values summed in f64.
// CHECK: %[[GX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x25xf32>
// CHECK: %[[GY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2xf32>
// CHECK: scf.parallel (%[[N:[^,]+]], %[[C:[^)]+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK: %[[SUM:.+]] = scf.for %[[S:.+]] = %c0{{.*}} to %c25{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f64) {
// CHECK-NEXT: %[[V:.+]] = memref.load %[[GX]][%[[N]], %[[C]], %[[S]]]
// CHECK-NEXT: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-NEXT: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[V64]] : f64
// CHECK: %[[COUNT:.+]] = arith.constant 2.500000e+01 : f64
// CHECK-NEXT: %[[MEAN:.+]] = arith.divf %[[SUM]], %[[COUNT]] : f64
// CHECK-NEXT: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK-NEXT: memref.store %[[MEAN32]], %[[GY]][%[[N]], %[[C]]]

// global_avg_pool_backward: parallel over every input element, writing the
// output argument (the logits).
// CHECK: %[[GDY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2xf32>
// CHECK: %[[GDX:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x25xf32>
// CHECK: %[[COUNT:.+]] = arith.constant 2.500000e+01 : f32
// CHECK: scf.parallel (%[[N:[^,]+]], %[[C:[^,]+]], %[[S:[^)]+]]) = (%{{.+}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c25{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[G:.+]] = memref.load %[[GDY]][%[[N]], %[[C]]]
// CHECK-NEXT: %[[SHARE:.+]] = arith.divf %[[G]], %[[COUNT]] : f32
// CHECK-NEXT: memref.store %[[SHARE]], %[[GDX]][%[[N]], %[[C]], %[[S]]]

// A dilated window (2x2 taps, dilations [2, 3], stride 1, no padding):
// outputs [1, 2, 3, 2], taps at (oy + 2 i, ox + 3 j).
// CHECK: %[[DX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK: scf.parallel ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK: scf.for %[[I:.+]] = %c0{{.*}} to %c2{{(_[0-9]+)?}} step
// CHECK: scf.for %[[J:.+]] = %c0{{.*}} to %c2{{(_[0-9]+)?}} step
// CHECK-NEXT: %c2{{.*}} = arith.constant 2 : index
// CHECK-NEXT: arith.muli %[[I]], %c2
// CHECK: %c3{{.*}} = arith.constant 3 : index
// CHECK-NEXT: arith.muli %[[J]], %c3
// CHECK: return

module @pooling {
func.func @forward(%x: tensor<1x2x5x5xf32> {train.input = "input"})
    -> (tensor<1x2x5x5xf32> {train.output = "logits"}) {
  %mp = train.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  %mpb = train.max_pool2d_backward %mp, %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<1x2x3x3xf32>, tensor<1x2x5x5xf32>
  %ap = train.avg_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = false : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  %apb = train.avg_pool2d_backward %ap kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = true : tensor<1x2x3x3xf32> -> tensor<1x2x5x5xf32>
  %gp = train.global_avg_pool %x : tensor<1x2x5x5xf32> -> tensor<1x2x1x1xf32>
  %gpb = train.global_avg_pool_backward %gp : tensor<1x2x1x1xf32> -> tensor<1x2x5x5xf32>
  %md = train.max_pool2d %x kernel = [2, 2] strides = [1, 1] pads = [0, 0, 0, 0] dilations = [2, 3] ceil_mode = false : tensor<1x2x5x5xf32> -> tensor<1x2x3x2xf32>
  return %gpb : tensor<1x2x5x5xf32>
}
}
