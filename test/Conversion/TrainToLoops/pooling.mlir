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

// The checks follow the structure (which kernels, what each reads, computes
// and writes), not the order of SSA values: index constants are matched by
// their names (%c3, %c3_12, ...), independent definitions with CHECK-DAG.

// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<384xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<200xi8> {train.role = #train.role<input>}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<200xi8> {train.role = #train.role<output>}

// max_pool2d: parallel over [1, 2, 3, 3]; the window's top-left corner is
// (oy * 2 - 1, ox * 2 - 1); a 3x3 sequential reduction from -inf keeps the
// value and flat index (y * 5 + x) of the first maximum, NaN winning.
// CHECK-DAG: %[[X:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK-DAG: %[[Y:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]], %[[OY:[a-z0-9_]+]], %[[OX:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[SY:.+]] = arith.muli %[[OY]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y0:.+]] = arith.addi %[[SY]], %c-1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[SX:.+]] = arith.muli %[[OX]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X0:.+]] = arith.addi %[[SX]], %c-1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: %[[BEST:.+]]:2 = scf.for %[[I:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step %{{.+}} iter_args(%{{.+}} = %[[NEGINF]], %{{.+}} = %c-1{{(_[0-9]+)?}}) -> (f32, index) {
// CHECK: scf.for %[[J:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:[a-z0-9_]+]] = %{{.+}}, %[[AT:[a-z0-9_]+]] = %{{.+}}) -> (f32, index) {
// CHECK-DAG: %[[TY:.+]] = arith.addi %[[Y0]], %{{.+}} : index
// CHECK-DAG: %[[TX:.+]] = arith.addi %[[X0]], %{{.+}} : index
// CHECK-DAG: %[[V:.+]] = memref.load %[[X]][%[[N]], %[[C]], %[[YC:[a-z0-9_]+]], %[[XC:[a-z0-9_]+]]] : memref<1x2x5x5xf32>
// CHECK-DAG: %[[NAN:.+]] = arith.cmpf uno, %[[V]], %[[V]] : f32
// CHECK-DAG: %[[GT:.+]] = arith.cmpf ogt, %[[V]], %[[ACC]] : f32
// CHECK-DAG: %[[OR:.+]] = arith.ori %[[GT]], %[[NAN]] : i1
// CHECK-DAG: %[[BETTER:.+]] = arith.andi %{{.+}}, %[[OR]] : i1
// CHECK-DAG: %[[ROW:.+]] = arith.muli %[[YC]], %c5{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[FLAT:.+]] = arith.addi %[[ROW]], %[[XC]] : index
// CHECK-DAG: %[[NV:.+]] = arith.select %[[BETTER]], %[[V]], %[[ACC]] : f32
// CHECK-DAG: %[[NI:.+]] = arith.select %[[BETTER]], %[[FLAT]], %[[AT]] : index
// CHECK: scf.yield %[[NV]], %[[NI]] : f32, index
// CHECK: memref.store %[[BEST]]#0, %[[Y]][%[[N]], %[[C]], %[[OY]], %[[OX]]] : memref<1x2x3x3xf32>
// CHECK: scf.reduce

// max_pool2d_backward: per plane, dx (seen as [1, 2, 25], arena 0) is
// zeroed, then each output's dy (arena 256) is added at its window's argmax
// (recomputed from x), when there is one.
// CHECK-DAG: %[[BX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK-DAG: %[[DY:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK-DAG: %[[DX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x25xf32>
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.for %[[S:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c25{{(_[0-9]+)?}} step
// CHECK: memref.store %[[ZERO]], %[[DX]][%[[N]], %[[C]], %[[S]]] : memref<1x2x25xf32>
// CHECK: scf.for %[[OY:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step
// CHECK: scf.for %[[OX:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step
// CHECK-DAG: arith.muli %[[OY]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: arith.muli %[[OX]], %c2{{(_[0-9]+)?}} : index
// CHECK: %[[BEST:.+]]:2 = scf.for
// CHECK: memref.load %[[BX]]
// CHECK: %[[FOUND:.+]] = arith.cmpi sle, %c0{{(_[0-9]+)?}}, %[[BEST]]#1 : index
// CHECK: scf.if %[[FOUND]] {
// CHECK-DAG: %[[G:.+]] = memref.load %[[DY]][%[[N]], %[[C]], %[[OY]], %[[OX]]]
// CHECK-DAG: %[[OLD:.+]] = memref.load %[[DX]][%[[N]], %[[C]], %[[BEST]]#1]
// CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[G]] : f32
// CHECK: memref.store %[[NEW]], %[[DX]][%[[N]], %[[C]], %[[BEST]]#1]
// CHECK: scf.reduce

// avg_pool2d without count_include_pad: the window [y0, y1) x [x0, x1) is
// clipped to the image, and so is the divisor (y1 - y0) * (x1 - x0). The
// unclipped end is min(start + 3, 5 + 1).
// CHECK-DAG: %[[AX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK-DAG: %[[AY:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]], %[[OY:[a-z0-9_]+]], %[[OX:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[SY:.+]] = arith.muli %[[OY]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y0P:.+]] = arith.addi %[[SY]], %c-1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[SX:.+]] = arith.muli %[[OX]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X0P:.+]] = arith.addi %[[SX]], %c-1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[YE:.+]] = arith.addi %[[Y0P]], %c3{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y1P:.+]] = arith.minsi %[[YE]], %c6{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[XE:.+]] = arith.addi %[[X0P]], %c3{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X1P:.+]] = arith.minsi %[[XE]], %c6{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y0:.+]] = arith.maxsi %[[Y0P]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X0:.+]] = arith.maxsi %[[X0P]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y1:.+]] = arith.minsi %[[Y1P]], %c5{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X1:.+]] = arith.minsi %[[X1P]], %c5{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[H:.+]] = arith.subi %[[Y1]], %[[Y0]] : index
// CHECK-DAG: %[[W:.+]] = arith.subi %[[X1]], %[[X0]] : index
// CHECK-DAG: %[[VALID:.+]] = arith.muli %[[H]], %[[W]] : index
// CHECK-DAG: %[[VALID64:.+]] = arith.index_cast %[[VALID]] : index to i64
// CHECK-DAG: %[[DIVISOR:.+]] = arith.sitofp %[[VALID64]] : i64 to f32
// CHECK: %[[SUM:.+]] = scf.for {{.*}} to %c3{{(_[0-9]+)?}} step {{.*}} -> (f32) {
// CHECK: scf.for {{.*}} to %c3{{(_[0-9]+)?}} step {{.*}} -> (f32) {
// CHECK: memref.load %[[AX]]
// CHECK: %[[MEAN:.+]] = arith.divf %[[SUM]], %[[DIVISOR]] : f32
// CHECK: memref.store %[[MEAN]], %[[AY]][%[[N]], %[[C]], %[[OY]], %[[OX]]]
// CHECK: scf.reduce

// avg_pool2d_backward with count_include_pad: per plane, zero the 5x5 plane,
// then for each of the 3x3 outputs spread dy / divisor over its clipped
// window; the divisor counts the padding: (min(y0 + 3, 6) - y0) * (...).
// CHECK-DAG: %[[ADY:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x3xf32>
// CHECK-DAG: %[[ADX:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x5x5xf32>
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK: scf.for %[[R:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c5{{(_[0-9]+)?}} step
// CHECK: scf.for %[[S:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c5{{(_[0-9]+)?}} step
// CHECK: memref.store %{{.+}}, %[[ADX]][%[[N]], %[[C]], %[[R]], %[[S]]]
// CHECK: scf.for %[[OY:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step
// CHECK: scf.for %[[OX:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c3{{(_[0-9]+)?}} step
// CHECK-DAG: %[[SY:.+]] = arith.muli %[[OY]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y0P:.+]] = arith.addi %[[SY]], %c-1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[SX:.+]] = arith.muli %[[OX]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X0P:.+]] = arith.addi %[[SX]], %c-1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[YE:.+]] = arith.addi %[[Y0P]], %c3{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y1P:.+]] = arith.minsi %[[YE]], %c6{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[XE:.+]] = arith.addi %[[X0P]], %c3{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X1P:.+]] = arith.minsi %[[XE]], %c6{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[PH:.+]] = arith.subi %[[Y1P]], %[[Y0P]] : index
// CHECK-DAG: %[[PW:.+]] = arith.subi %[[X1P]], %[[X0P]] : index
// CHECK-DAG: %[[PADDED:.+]] = arith.muli %[[PH]], %[[PW]] : index
// CHECK-DAG: %[[PADDED64:.+]] = arith.index_cast %[[PADDED]] : index to i64
// CHECK-DAG: %[[DIVISOR:.+]] = arith.sitofp %[[PADDED64]] : i64 to f32
// CHECK-DAG: %[[G:.+]] = memref.load %[[ADY]][%[[N]], %[[C]], %[[OY]], %[[OX]]]
// CHECK-DAG: %[[SHARE:.+]] = arith.divf %[[G]], %[[DIVISOR]] : f32
// CHECK: scf.for {{.*}} to %c3
// CHECK: scf.for {{.*}} to %c3
// CHECK: scf.if
// CHECK: %[[OLD:.+]] = memref.load %[[ADX]][%[[N]], %[[C]], %[[YY:[a-z0-9_]+]], %[[XX:[a-z0-9_]+]]]
// CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[SHARE]] : f32
// CHECK: memref.store %[[NEW]], %[[ADX]][%[[N]], %[[C]], %[[YY]], %[[XX]]]
// CHECK: scf.reduce

// global_avg_pool: parallel over (n, c), the plane's 25 values summed in
// f64 from 0, / 25, into arena 0.
// CHECK-DAG: %[[GX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x25xf32>
// CHECK-DAG: %[[GY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x1xf32>
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[INIT:.+]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[SUM:.+]] = scf.for %[[S:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c25{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[ACC:[a-z0-9_]+]] = %[[INIT]]) -> (f64) {
// CHECK-DAG: %[[V:.+]] = memref.load %[[GX]][%[[N]], %[[C]], %[[S]]]
// CHECK-DAG: %[[V64:.+]] = arith.extf %[[V]] : f32 to f64
// CHECK-DAG: %[[NEXT:.+]] = arith.addf %[[ACC]], %[[V64]] : f64
// CHECK: scf.yield %[[NEXT]] : f64
// CHECK-DAG: %[[COUNT:.+]] = arith.constant 2.500000e+01 : f64
// CHECK-DAG: %[[MEAN:.+]] = arith.divf %[[SUM]], %[[COUNT]] : f64
// CHECK-DAG: %[[MEAN32:.+]] = arith.truncf %[[MEAN]] : f64 to f32
// CHECK: memref.store %[[MEAN32]], %[[GY]][%[[N]], %[[C]], %c0{{(_[0-9]+)?}}]
// CHECK: scf.reduce

// global_avg_pool_backward: parallel over every input element, writing the
// output argument (the logits).
// CHECK-DAG: %[[GDY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x1xf32>
// CHECK-DAG: %[[GDX:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x25xf32>
// CHECK-DAG: %[[COUNT:.+]] = arith.constant 2.500000e+01 : f32
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]], %[[S:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c25{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[G:.+]] = memref.load %[[GDY]][%[[N]], %[[C]], %c0{{(_[0-9]+)?}}]
// CHECK-DAG: %[[SHARE:.+]] = arith.divf %[[G]], %[[COUNT]] : f32
// CHECK: memref.store %[[SHARE]], %[[GDX]][%[[N]], %[[C]], %[[S]]]
// CHECK: scf.reduce

// A dilated window (2x2 taps, dilations [2, 3], stride 1, no padding):
// outputs [1, 2, 3, 2] (arena 0), taps at (oy + 2 i, ox + 3 j).
// CHECK-DAG: %[[DX:.+]] = memref.view %[[INPUT]][%c0{{(_[0-9]+)?}}][] : memref<200xi8> to memref<1x2x5x5xf32>
// CHECK-DAG: %[[DY:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<1x2x3x2xf32>
// CHECK: scf.parallel (%[[N:[a-z0-9_]+]], %[[C:[a-z0-9_]+]], %[[OY:[a-z0-9_]+]], %[[OX:[a-z0-9_]+]]) = ({{.*}}) to (%c1{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}, %c3{{(_[0-9]+)?}}, %c2{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[SY:.+]] = arith.muli %[[OY]], %c1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y0:.+]] = arith.addi %[[SY]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[SX:.+]] = arith.muli %[[OX]], %c1{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X0:.+]] = arith.addi %[[SX]], %c0{{(_[0-9]+)?}} : index
// CHECK: %[[BEST:.+]]:2 = scf.for %[[I:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step
// CHECK: scf.for %[[J:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c2{{(_[0-9]+)?}} step
// CHECK-DAG: %[[DI:.+]] = arith.muli %[[I]], %c2{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[TY:.+]] = arith.addi %[[Y0]], %[[DI]] : index
// CHECK-DAG: %[[DJ:.+]] = arith.muli %[[J]], %c3{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[TX:.+]] = arith.addi %[[X0]], %[[DJ]] : index
// CHECK: memref.load %[[DX]][%[[N]], %[[C]], %{{.+}}, %{{.+}}]
// CHECK: memref.store %[[BEST]]#0, %[[DY]][%[[N]], %[[C]], %[[OY]], %[[OX]]] : memref<1x2x3x2xf32>
// CHECK: scf.reduce
// CHECK-NOT: scf.parallel
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
