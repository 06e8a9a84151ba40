// RUN: trainc-opt %s -train-plan-memory -convert-train-to-loops | FileCheck %s

// The library family (Library.cpp): convolutions and GEMMs become calls to
// the runtime's oneDNN kernels (runtime/include/trainc/kernels.h) with raw
// pointers to the first byte of each tensor's home (the arena argument's
// address plus the offset).
//
// The convolution: x [2, 4, 7, 7], a grouped filter [6, 2, 3, 3] (groups
// 2), strides [2, 1], pads [top 1, left 0, bottom 1, right 2], dilations
// [1, 2]: y [2, 6, 4, 5]. Its trainc_conv2d_geometry, 18 int64:
//   n c h w = 2 4 7 7; m kh kw = 6 3 3; oh ow = 4 5; stride 2 1;
//   pads 1 0 1 2; dilation 1 2; groups 2
// the same for the forward (with and without bias) and for both backward
// convolutions, whose shapes come from their gradient operands and results.
//
// Homes: parameters conv.weight 0, conv.bias 448, a 512, b 576, c 640,
// a2 704, b2 768, c5 832; %y arena 1600, %yb 2560, %dx and %dw 0; the first
// gemm is the output (logits), the others arena 0.

// CHECK-DAG: func.func private @trainc_rt_conv2d_forward(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: func.func private @trainc_rt_conv2d_backward_data(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: func.func private @trainc_rt_conv2d_backward_filter(!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: func.func private @trainc_rt_gemm(i32, i32, i64, i64, i64, f32, !llvm.ptr, !llvm.ptr, f32, !llvm.ptr)
// CHECK-DAG: memref.global "private" constant @conv2d_geometry_0 : memref<18xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2]>
// CHECK-DAG: memref.global "private" constant @conv2d_geometry_1 : memref<18xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2]>
// CHECK-DAG: memref.global "private" constant @conv2d_geometry_2 : memref<18xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2]>
// CHECK-DAG: memref.global "private" constant @conv2d_geometry_3 : memref<18xi64> = dense<[2, 4, 7, 7, 6, 3, 3, 4, 5, 2, 1, 1, 0, 1, 2, 1, 2, 2]>

// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<896xi8> {train.role = "params"}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<3520xi8> {train.role = "arena"}
// CHECK-SAME: %[[INPUT:[^:]+]]: memref<1568xi8> {train.role = "input"}
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<80xi8> {train.role = "output"}

// conv2d without bias: the geometry's address, x, w, a null bias, y.
// CHECK: %[[G0:.+]] = memref.get_global @conv2d_geometry_0 : memref<18xi64>
// CHECK-NEXT: %[[G0I:.+]] = memref.extract_aligned_pointer_as_index %[[G0]]
// CHECK-NEXT: %[[G0L:.+]] = arith.index_cast %[[G0I]] : index to i64
// CHECK-NEXT: %[[G0P:.+]] = llvm.inttoptr %[[G0L]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT: %[[XB:.+]] = memref.extract_aligned_pointer_as_index %[[INPUT]]
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[XA:.+]] = arith.addi %[[XB]], %c0{{.*}} : index
// CHECK-NEXT: %[[XL:.+]] = arith.index_cast %[[XA]] : index to i64
// CHECK-NEXT: %[[XP:.+]] = llvm.inttoptr %[[XL]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[WB:.+]] = memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[WA:.+]] = arith.addi %[[WB]], %c0{{.*}} : index
// CHECK-NEXT: %[[WL:.+]] = arith.index_cast %[[WA]] : index to i64
// CHECK-NEXT: %[[WP:.+]] = llvm.inttoptr %[[WL]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[YB:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: %c1600{{.*}} = arith.constant 1600 : index
// CHECK-NEXT: %[[YA:.+]] = arith.addi %[[YB]], %c1600{{.*}} : index
// CHECK-NEXT: %[[YL:.+]] = arith.index_cast %[[YA]] : index to i64
// CHECK-NEXT: %[[YP:.+]] = llvm.inttoptr %[[YL]] : i64 to !llvm.ptr
// CHECK-NEXT: call @trainc_rt_conv2d_forward(%[[G0P]], %[[XP]], %[[WP]], %[[NULL]], %[[YP]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()

// conv2d with bias: the bias pointer is conv.bias's slot (params + 448).
// CHECK: %[[G1:.+]] = memref.get_global @conv2d_geometry_1 : memref<18xi64>
// CHECK: %[[G1P:.+]] = llvm.inttoptr
// CHECK-NEXT: %[[BB:.+]] = memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c448{{.*}} = arith.constant 448 : index
// CHECK-NEXT: %[[BA:.+]] = arith.addi %[[BB]], %c448{{.*}} : index
// CHECK-NEXT: %[[BL:.+]] = arith.index_cast %[[BA]] : index to i64
// CHECK-NEXT: %[[BP:.+]] = llvm.inttoptr %[[BL]] : i64 to !llvm.ptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[INPUT]]
// CHECK: %[[X1P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK: %[[W1P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: %c2560{{.*}} = arith.constant 2560 : index
// CHECK: %[[Y1P:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_conv2d_forward(%[[G1P]], %[[X1P]], %[[W1P]], %[[BP]], %[[Y1P]])

// conv2d_backward_data(geometry, dy = %y at arena 1600, w, dx at arena 0).
// CHECK: %[[G2:.+]] = memref.get_global @conv2d_geometry_2 : memref<18xi64>
// CHECK: %[[G2P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: %c1600{{.*}} = arith.constant 1600 : index
// CHECK: %[[DYP:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK: %[[W2P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK: %[[DXP:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_conv2d_backward_data(%[[G2P]], %[[DYP]], %[[W2P]], %[[DXP]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()

// conv2d_backward_filter(geometry, dy = %yb at arena 2560, x, dw at arena 0).
// CHECK: %[[G3:.+]] = memref.get_global @conv2d_geometry_3 : memref<18xi64>
// CHECK: %[[G3P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: %c2560{{.*}} = arith.constant 2560 : index
// CHECK: %[[DY3P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[INPUT]]
// CHECK: %[[X3P:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK: %[[DWP:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_conv2d_backward_filter(%[[G3P]], %[[DY3P]], %[[X3P]], %[[DWP]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()

// gemm, trans_a and trans_b, A [K, M] = [3, 4], B [N, K] = [5, 3], alpha 2,
// beta 0.5 and C [4, 1]: C is first broadcast into the output (parallel
// over [4, 5], column 0 of C), then the GEMM accumulates beta * C there:
// trainc_rt_gemm(1, 1, M 4, N 5, K 3, 2.0, a, b, 0.5, y).
// CHECK: %[[C:.+]] = memref.view %[[PARAMS]][%c640{{(_[0-9]+)?}}][] : memref<896xi8> to memref<4x1xf32>
// CHECK: %[[Y:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<4x5xf32>
// CHECK: scf.parallel (%[[I:[^,]+]], %[[J:[^)]+]]) = (%{{.+}}) to (%c4{{(_[0-9]+)?}}, %c5{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[CV:.+]] = memref.load %[[C]][%[[I]], %[[Z]]] : memref<4x1xf32>
// CHECK-NEXT: memref.store %[[CV]], %[[Y]][%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK: %[[TA:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[TB:.+]] = arith.constant 1 : i32
// CHECK-NEXT: %[[M:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[N:.+]] = arith.constant 5 : i64
// CHECK-NEXT: %[[K:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 2.000000e+00 : f32
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c512{{.*}} = arith.constant 512 : index
// CHECK: %[[AP:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c576{{.*}} = arith.constant 576 : index
// CHECK: %[[BP:.+]] = llvm.inttoptr
// CHECK-NEXT: %[[BETA:.+]] = arith.constant 5.000000e-01 : f32
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[OUTPUT]]
// CHECK: %[[OP:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_gemm(%[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %[[ALPHA]], %[[AP]], %[[BP]], %[[BETA]], %[[OP]]) : (i32, i32, i64, i64, i64, f32, !llvm.ptr, !llvm.ptr, f32, !llvm.ptr) -> ()

// gemm without C (its beta attribute is 1): beta 0 is passed, nothing is
// copied first; trainc_rt_gemm(0, 0, 4, 5, 3, 1.0, a2, b2, 0.0, y).
// CHECK-NEXT: %[[TA:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[TB:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[M:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[N:.+]] = arith.constant 5 : i64
// CHECK-NEXT: %[[K:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c704{{.*}} = arith.constant 704 : index
// CHECK: %[[AP:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c768{{.*}} = arith.constant 768 : index
// CHECK: %[[BP:.+]] = llvm.inttoptr
// CHECK-NEXT: %[[BETA:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: %[[OP:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_gemm(%[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %[[ALPHA]], %[[AP]], %[[BP]], %[[BETA]], %[[OP]])

// gemm with C [5], broadcast over the rows (C[j]), beta 0.25.
// CHECK-NEXT: %c832{{.*}} = arith.constant 832 : index
// CHECK-NEXT: %[[C5:.+]] = memref.view %[[PARAMS]][%c832{{.*}}][] : memref<896xi8> to memref<5xf32>
// CHECK: %[[Y3:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<3520xi8> to memref<4x5xf32>
// CHECK: scf.parallel (%[[I:[^,]+]], %[[J:[^)]+]]) = (%{{.+}}) to (%c4{{(_[0-9]+)?}}, %c5{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[CV:.+]] = memref.load %[[C5]][%[[J]]] : memref<5xf32>
// CHECK-NEXT: memref.store %[[CV]], %[[Y3]][%[[I]], %[[J]]] : memref<4x5xf32>
// CHECK: %[[BETA:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: call @trainc_rt_gemm(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %[[BETA]], %{{.+}})

// matmul [4, 3] x [3, 5]: trainc_rt_gemm(0, 0, 4, 5, 3, 1.0, lhs, rhs, 0.0, y).
// CHECK-NEXT: %[[TA:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[TB:.+]] = arith.constant 0 : i32
// CHECK-NEXT: %[[M:.+]] = arith.constant 4 : i64
// CHECK-NEXT: %[[N:.+]] = arith.constant 5 : i64
// CHECK-NEXT: %[[K:.+]] = arith.constant 3 : i64
// CHECK-NEXT: %[[ALPHA:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c704{{.*}} = arith.constant 704 : index
// CHECK: %[[AP:.+]] = llvm.inttoptr
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[PARAMS]]
// CHECK-NEXT: %c768{{.*}} = arith.constant 768 : index
// CHECK: %[[BP:.+]] = llvm.inttoptr
// CHECK-NEXT: %[[BETA:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: %[[OP:.+]] = llvm.inttoptr
// CHECK-NEXT: call @trainc_rt_gemm(%[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %[[ALPHA]], %[[AP]], %[[BP]], %[[BETA]], %[[OP]])
// CHECK-NEXT: return

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
