// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The library family (Library.cpp): convolutions and GEMMs become calls to
// the runtime's oneDNN kernels (runtime/include/trainc/kernels.h) with raw
// pointers to the first byte of each tensor's home (the arena argument's
// address plus the offset).
//
// The convolution: x [2, 4, 7, 7], a grouped filter [6, 2, 3, 3] (groups
// 2), strides [2, 1], pads [top 1, left 0, bottom 1, right 2], dilations
// [1, 2]: y [2, 6, 4, 5]. Its trainc_conv2d_geometry, 21 int64:
//   n c h w = 2 4 7 7; m kh kw = 6 3 3; oh ow = 4 5; stride 2 1;
//   pads 1 0 1 2; dilation 1 2; groups 2; channel blocks of x, y and the
//   filter 0 0 0 (plain)
// the same for the forward (with and without bias) and for both backward
// convolutions, whose shapes come from their gradient operands and results.
//
// Homes: parameters conv.weight 0, conv.bias 448, a 512, b 576, c 640,
// a2 704, b2 768, c5 832; %y arena 1600, %yb 2560, %dx and %dw 0; the first
// gemm is the output (logits), the others arena 0.

// The checks follow the structure, not the order of SSA values: each call
// is checked with its operands, each pointer operand found from its
// arena argument and byte offset (extract_aligned_pointer_as_index, + the
// offset, index_cast, inttoptr) by CHECK-DAG, whatever the order in which
// the operands are computed. Index constants are matched by their names
// (%c448, %c448_3, ...), integer ones likewise (%c4_i64, ...).

// The runtime's entry points and the geometry tables are module-level
// declarations, checked by a second RUN (DECL) wherever they stand: four
// identical geometries, one per convolution.
// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s --check-prefix=DECL
// DECL-LABEL: module @library
// DECL-DAG: func.func private @trainc_rt_conv2d_forward(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// DECL-DAG: func.func private @trainc_rt_conv2d_backward_data(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// DECL-DAG: func.func private @trainc_rt_conv2d_backward_filter(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// DECL-DAG: func.func private @trainc_rt_gemm(!llvm.ptr, i32, i32, i64, i64, i64, f32, !llvm.ptr, !llvm.ptr, f32, !llvm.ptr)
// DECL-DAG: memref.global "private" constant @conv2d_geometry_{{[0-9]+}} : memref<21xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2, 0, 0, 0]>
// DECL-DAG: memref.global "private" constant @conv2d_geometry_{{[0-9]+}} : memref<21xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2, 0, 0, 0]>
// DECL-DAG: memref.global "private" constant @conv2d_geometry_{{[0-9]+}} : memref<21xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2, 0, 0, 0]>
// DECL-DAG: memref.global "private" constant @conv2d_geometry_{{[0-9]+}} : memref<21xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2, 0, 0, 0]>

// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<896xi8> {train.role = #train.role<params>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<3520xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<1568xi8> {train.role = #train.role<input>}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<80xi8> {train.role = #train.role<output>}

// conv2d without bias: the geometry's address, x (input + 0), w (params +
// 0), a null bias, y (arena + 1600).
// CHECK-DAG: %[[G0_G:.+]] = memref.get_global @conv2d_geometry_{{[0-9]+}} : memref<21xi64>
// CHECK-DAG: %[[G0_B:.+]] = memref.extract_aligned_pointer_as_index %[[G0_G]] :
// CHECK-DAG: %[[G0_I:.+]] = arith.index_cast %[[G0_B]] : index to i64
// CHECK-DAG: %[[G0:.+]] = llvm.inttoptr %[[G0_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-DAG: %[[X0_B:.+]] = memref.extract_aligned_pointer_as_index %[[INPUT]] :
// CHECK-DAG: %[[X0_A:.+]] = arith.addi %[[X0_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X0_I:.+]] = arith.index_cast %[[X0_A]] : index to i64
// CHECK-DAG: %[[X0:.+]] = llvm.inttoptr %[[X0_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[W0_B:.+]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[W0_A:.+]] = arith.addi %[[W0_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[W0_I:.+]] = arith.index_cast %[[W0_A]] : index to i64
// CHECK-DAG: %[[W0:.+]] = llvm.inttoptr %[[W0_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[Y0_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[Y0_A:.+]] = arith.addi %[[Y0_B]], %c1600{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y0_I:.+]] = arith.index_cast %[[Y0_A]] : index to i64
// CHECK-DAG: %[[Y0:.+]] = llvm.inttoptr %[[Y0_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_conv2d_forward(%arg0, %[[G0]], %[[X0]], %[[W0]], %[[NULL]], %[[Y0]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()

// conv2d with bias: the bias pointer is conv.bias's slot (params + 448);
// y at arena + 2560.
// CHECK-DAG: %[[G1_G:.+]] = memref.get_global @conv2d_geometry_{{[0-9]+}} : memref<21xi64>
// CHECK-DAG: %[[G1_B:.+]] = memref.extract_aligned_pointer_as_index %[[G1_G]] :
// CHECK-DAG: %[[G1_I:.+]] = arith.index_cast %[[G1_B]] : index to i64
// CHECK-DAG: %[[G1:.+]] = llvm.inttoptr %[[G1_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[B1_A:.+]] = arith.addi %[[B1_B:.+]], %c448{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[B1_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[B1_I:.+]] = arith.index_cast %[[B1_A]] : index to i64
// CHECK-DAG: %[[B1:.+]] = llvm.inttoptr %[[B1_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[X1_B:.+]] = memref.extract_aligned_pointer_as_index %[[INPUT]] :
// CHECK-DAG: %[[X1_A:.+]] = arith.addi %[[X1_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X1_I:.+]] = arith.index_cast %[[X1_A]] : index to i64
// CHECK-DAG: %[[X1:.+]] = llvm.inttoptr %[[X1_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[W1_B:.+]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[W1_A:.+]] = arith.addi %[[W1_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[W1_I:.+]] = arith.index_cast %[[W1_A]] : index to i64
// CHECK-DAG: %[[W1:.+]] = llvm.inttoptr %[[W1_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[Y1_A:.+]] = arith.addi %[[Y1_B:.+]], %c2560{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y1_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[Y1_I:.+]] = arith.index_cast %[[Y1_A]] : index to i64
// CHECK-DAG: %[[Y1:.+]] = llvm.inttoptr %[[Y1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_conv2d_forward(%arg0, %[[G1]], %[[X1]], %[[W1]], %[[B1]], %[[Y1]])

// conv2d_backward_data(geometry, dy = %y at arena 1600, w, dx at arena 0).
// CHECK-DAG: %[[G2_G:.+]] = memref.get_global @conv2d_geometry_{{[0-9]+}} : memref<21xi64>
// CHECK-DAG: %[[G2_B:.+]] = memref.extract_aligned_pointer_as_index %[[G2_G]] :
// CHECK-DAG: %[[G2_I:.+]] = arith.index_cast %[[G2_B]] : index to i64
// CHECK-DAG: %[[G2:.+]] = llvm.inttoptr %[[G2_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[DY2_A:.+]] = arith.addi %[[DY2_B:.+]], %c1600{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[DY2_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[DY2_I:.+]] = arith.index_cast %[[DY2_A]] : index to i64
// CHECK-DAG: %[[DY2:.+]] = llvm.inttoptr %[[DY2_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[W2_B:.+]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[W2_A:.+]] = arith.addi %[[W2_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[W2_I:.+]] = arith.index_cast %[[W2_A]] : index to i64
// CHECK-DAG: %[[W2:.+]] = llvm.inttoptr %[[W2_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[DX2_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[DX2_A:.+]] = arith.addi %[[DX2_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[DX2_I:.+]] = arith.index_cast %[[DX2_A]] : index to i64
// CHECK-DAG: %[[DX2:.+]] = llvm.inttoptr %[[DX2_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_conv2d_backward_data(%arg0, %[[G2]], %[[DY2]], %[[W2]], %[[DX2]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()

// conv2d_backward_filter(geometry, dy = %yb at arena 2560, x, dw at arena 0).
// CHECK-DAG: %[[G3_G:.+]] = memref.get_global @conv2d_geometry_{{[0-9]+}} : memref<21xi64>
// CHECK-DAG: %[[G3_B:.+]] = memref.extract_aligned_pointer_as_index %[[G3_G]] :
// CHECK-DAG: %[[G3_I:.+]] = arith.index_cast %[[G3_B]] : index to i64
// CHECK-DAG: %[[G3:.+]] = llvm.inttoptr %[[G3_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[DY3_A:.+]] = arith.addi %[[DY3_B:.+]], %c2560{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[DY3_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[DY3_I:.+]] = arith.index_cast %[[DY3_A]] : index to i64
// CHECK-DAG: %[[DY3:.+]] = llvm.inttoptr %[[DY3_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[X3_B:.+]] = memref.extract_aligned_pointer_as_index %[[INPUT]] :
// CHECK-DAG: %[[X3_A:.+]] = arith.addi %[[X3_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[X3_I:.+]] = arith.index_cast %[[X3_A]] : index to i64
// CHECK-DAG: %[[X3:.+]] = llvm.inttoptr %[[X3_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[DW3_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[DW3_A:.+]] = arith.addi %[[DW3_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[DW3_I:.+]] = arith.index_cast %[[DW3_A]] : index to i64
// CHECK-DAG: %[[DW3:.+]] = llvm.inttoptr %[[DW3_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_conv2d_backward_filter(%arg0, %[[G3]], %[[DY3]], %[[X3]], %[[DW3]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()

// gemm, trans_a and trans_b, A [K, M] = [3, 4], B [N, K] = [5, 3], alpha 2,
// beta 0.5 and C [4, 1] (params + 640): C is first broadcast into the
// output (parallel over [4, 5], column 0 of C), then the GEMM accumulates
// beta * C there: trainc_rt_gemm(1, 1, M 4, N 5, K 3, 2.0, a, b, 0.5, y).
// CHECK-DAG: %[[C:.+]] = memref.view %[[PARAMS]][%c640{{(_[0-9]+)?}}][] : memref<896xi8> to memref<4x1xf32>
// CHECK-DAG: %[[Y:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<4x5xf32>
// CHECK-DAG: scf.parallel (%[[I:[a-z0-9_]+]], %[[J:[a-z0-9_]+]]) = ({{.*}}) to (%c4{{(_[0-9]+)?}}, %c5{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[CV:.+]] = memref.load %[[C]][%[[I]], %c0{{(_[0-9]+)?}}] : memref<4x1xf32>
// CHECK: memref.store %[[CV]], %[[Y]][%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK: scf.reduce
// CHECK-DAG: %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[BETA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-DAG: %[[A4_A:.+]] = arith.addi %[[A4_B:.+]], %c512{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[A4_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[A4_I:.+]] = arith.index_cast %[[A4_A]] : index to i64
// CHECK-DAG: %[[A4:.+]] = llvm.inttoptr %[[A4_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[B4_A:.+]] = arith.addi %[[B4_B:.+]], %c576{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[B4_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[B4_I:.+]] = arith.index_cast %[[B4_A]] : index to i64
// CHECK-DAG: %[[B4:.+]] = llvm.inttoptr %[[B4_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[Y4_B:.+]] = memref.extract_aligned_pointer_as_index %[[OUTPUT]] :
// CHECK-DAG: %[[Y4_A:.+]] = arith.addi %[[Y4_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y4_I:.+]] = arith.index_cast %[[Y4_A]] : index to i64
// CHECK-DAG: %[[Y4:.+]] = llvm.inttoptr %[[Y4_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_gemm(%arg0, %c1_i32{{(_[0-9]+)?}}, %c1_i32{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c5_i64{{(_[0-9]+)?}}, %c3_i64{{(_[0-9]+)?}}, %[[ALPHA]], %[[A4]], %[[B4]], %[[BETA]], %[[Y4]]) : (!llvm.ptr, i32, i32, i64, i64, i64, f32, !llvm.ptr, !llvm.ptr, f32, !llvm.ptr) -> ()

// gemm without C (its beta attribute is 1): beta 0 is passed, nothing is
// copied first; trainc_rt_gemm(0, 0, 4, 5, 3, 1.0, a2, b2, 0.0, y) with a2
// at params + 704, b2 at 768, y at arena 0.
// CHECK-NOT: scf.parallel
// CHECK-DAG: %[[ALPHA:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[BETA:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[A5_A:.+]] = arith.addi %[[A5_B:.+]], %c704{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[A5_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[A5_I:.+]] = arith.index_cast %[[A5_A]] : index to i64
// CHECK-DAG: %[[A5:.+]] = llvm.inttoptr %[[A5_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[B5_A:.+]] = arith.addi %[[B5_B:.+]], %c768{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[B5_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[B5_I:.+]] = arith.index_cast %[[B5_A]] : index to i64
// CHECK-DAG: %[[B5:.+]] = llvm.inttoptr %[[B5_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[Y5_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[Y5_A:.+]] = arith.addi %[[Y5_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y5_I:.+]] = arith.index_cast %[[Y5_A]] : index to i64
// CHECK-DAG: %[[Y5:.+]] = llvm.inttoptr %[[Y5_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_gemm(%arg0, %c0_i32{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c5_i64{{(_[0-9]+)?}}, %c3_i64{{(_[0-9]+)?}}, %[[ALPHA]], %[[A5]], %[[B5]], %[[BETA]], %[[Y5]])

// gemm with C [5] (params + 832), broadcast over the rows (C[j]) into arena
// 0, beta 0.25.
// CHECK-DAG: %[[C5:.+]] = memref.view %[[PARAMS]][%c832{{(_[0-9]+)?}}][] : memref<896xi8> to memref<5xf32>
// CHECK-DAG: %[[Y3:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<3520xi8> to memref<4x5xf32>
// CHECK-DAG: scf.parallel (%[[I:[a-z0-9_]+]], %[[J:[a-z0-9_]+]]) = ({{.*}}) to (%c4{{(_[0-9]+)?}}, %c5{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[CV:.+]] = memref.load %[[C5]][%[[J]]] : memref<5xf32>
// CHECK: memref.store %[[CV]], %[[Y3]][%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK: scf.reduce
// CHECK-DAG: %[[ALPHA:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[BETA:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[A6_A:.+]] = arith.addi %[[A6_B:.+]], %c704{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[A6_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[A6_I:.+]] = arith.index_cast %[[A6_A]] : index to i64
// CHECK-DAG: %[[A6:.+]] = llvm.inttoptr %[[A6_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[B6_A:.+]] = arith.addi %[[B6_B:.+]], %c768{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[B6_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[B6_I:.+]] = arith.index_cast %[[B6_A]] : index to i64
// CHECK-DAG: %[[B6:.+]] = llvm.inttoptr %[[B6_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[Y6_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[Y6_A:.+]] = arith.addi %[[Y6_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y6_I:.+]] = arith.index_cast %[[Y6_A]] : index to i64
// CHECK-DAG: %[[Y6:.+]] = llvm.inttoptr %[[Y6_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_gemm(%arg0, %c0_i32{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c5_i64{{(_[0-9]+)?}}, %c3_i64{{(_[0-9]+)?}}, %[[ALPHA]], %[[A6]], %[[B6]], %[[BETA]], %[[Y6]])

// matmul [4, 3] x [3, 5]: trainc_rt_gemm(0, 0, 4, 5, 3, 1.0, lhs, rhs, 0.0, y).
// CHECK-NOT: scf.parallel
// CHECK-DAG: %[[ALPHA:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[BETA:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[A7_A:.+]] = arith.addi %[[A7_B:.+]], %c704{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[A7_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[A7_I:.+]] = arith.index_cast %[[A7_A]] : index to i64
// CHECK-DAG: %[[A7:.+]] = llvm.inttoptr %[[A7_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[B7_A:.+]] = arith.addi %[[B7_B:.+]], %c768{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[B7_B]] = memref.extract_aligned_pointer_as_index %[[PARAMS]] :
// CHECK-DAG: %[[B7_I:.+]] = arith.index_cast %[[B7_A]] : index to i64
// CHECK-DAG: %[[B7:.+]] = llvm.inttoptr %[[B7_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[Y7_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[Y7_A:.+]] = arith.addi %[[Y7_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[Y7_I:.+]] = arith.index_cast %[[Y7_A]] : index to i64
// CHECK-DAG: %[[Y7:.+]] = llvm.inttoptr %[[Y7_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_gemm(%arg0, %c0_i32{{(_[0-9]+)?}}, %c0_i32{{(_[0-9]+)?}}, %c4_i64{{(_[0-9]+)?}}, %c5_i64{{(_[0-9]+)?}}, %c3_i64{{(_[0-9]+)?}}, %[[ALPHA]], %[[A7]], %[[B7]], %[[BETA]], %[[Y7]])
// CHECK-NOT: scf.parallel
// CHECK-NOT: call
// CHECK: return

module @library {
func.func @forward(%x: tensor<2x4x7x7xf32> {train.input = "input"},
    %w: tensor<6x2x3x3xf32> {train.param = "conv.weight", train.init = dense<0.5> : tensor<6x2x3x3xf32>},
    %cb: tensor<6xf32> {train.param = "conv.bias", train.init = dense<0.0> : tensor<6xf32>},
    %a: tensor<3x4xf32> {train.param = "a", train.init = dense<1.0> : tensor<3x4xf32>},
    %b: tensor<5x3xf32> {train.param = "b", train.init = dense<1.0> : tensor<5x3xf32>},
    %c: tensor<4x1xf32> {train.param = "c", train.init = dense<1.0> : tensor<4x1xf32>},
    %a2: tensor<4x3xf32> {train.param = "a2", train.init = dense<1.0> : tensor<4x3xf32>},
    %b2: tensor<3x5xf32> {train.param = "b2", train.init = dense<1.0> : tensor<3x5xf32>},
    %c5: tensor<5xf32> {train.param = "c5", train.init = dense<1.0> : tensor<5xf32>})
    -> (tensor<4x5xf32> {train.output = "logits"}) {
  %y = train.conv2d %x, %w strides = [2, 1] pads = [1, 0, 1, 2] dilations = [1, 2] groups = 2 : (tensor<2x4x7x7xf32>, tensor<6x2x3x3xf32>) -> tensor<2x6x4x5xf32>
  %yb = train.conv2d %x, %w, %cb strides = [2, 1] pads = [1, 0, 1, 2] dilations = [1, 2] groups = 2 : (tensor<2x4x7x7xf32>, tensor<6x2x3x3xf32>, tensor<6xf32>) -> tensor<2x6x4x5xf32>
  %dx = train.conv2d_backward_data %y, %w strides = [2, 1] pads = [1, 0, 1, 2] dilations = [1, 2] groups = 2 : (tensor<2x6x4x5xf32>, tensor<6x2x3x3xf32>) -> tensor<2x4x7x7xf32>
  %dw = train.conv2d_backward_filter %yb, %x strides = [2, 1] pads = [1, 0, 1, 2] dilations = [1, 2] groups = 2 : (tensor<2x6x4x5xf32>, tensor<2x4x7x7xf32>) -> tensor<6x2x3x3xf32>
  %g1 = train.gemm %a, %b, %c trans_a = true trans_b = true alpha = 2.0 beta = 0.5 : (tensor<3x4xf32>, tensor<5x3xf32>, tensor<4x1xf32>) -> tensor<4x5xf32>
  %g2 = train.gemm %a2, %b2 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  %g3 = train.gemm %a2, %b2, %c5 trans_a = false trans_b = false alpha = 1.0 beta = 0.25 : (tensor<4x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<4x5xf32>
  %mm = train.matmul %a2, %b2 : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
  return %g1 : tensor<4x5xf32>
}
}
