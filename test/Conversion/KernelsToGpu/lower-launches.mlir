// RUN: trainc-opt %s -split-input-file -train-lower-gpu-launches -verify-diagnostics | FileCheck %s

// train-lower-gpu-launches: the binary becomes constants (the image, the
// kernels' names in the order they are first launched, the chip); each
// launch one trainc_rt_launch on the function's context, its arguments in
// 8-byte slots of one stack array per function (sized for the module's
// widest launch): an arena's aligned address, an index as i64, an f32 and
// an i32 in their own bytes. No module load, unload or stream call.
// CHECK-NOT: gpu.binary
// CHECK-DAG: llvm.mlir.global private constant @trainc.gpu_image("FATBIN") {addr_space = 0 : i32, alignment = 8 : i64}
// CHECK-DAG: llvm.mlir.global private constant @trainc.gpu_kernels("second\00first\00flagged\00\00")
// CHECK-DAG: llvm.mlir.global private constant @trainc.gpu_arch("sm_90\00")
// CHECK-DAG: func.func private @trainc_rt_launch(!llvm.ptr, i32, i64, i64, i64, i64, i64, i64, i32, !llvm.ptr, i32)
// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[CTX:[^:]+]]: !llvm.ptr {train.role = #train.role<context>}
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<64xi8> {train.role = #train.role<arena>}
// CHECK-SAME: %[[LR:[^:]+]]: f32, %[[N:[^:]+]]: index, %[[K:[^:]+]]: i32, %[[FLAG:[^:]+]]: i1
// CHECK: %[[THREE:.*]] = llvm.mlir.constant(3 : i64) : i64
// CHECK: %[[SLOTS:.*]] = llvm.alloca %[[THREE]] x i64 {alignment = 8 : i64}
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// First launch: kernel 0 (second), one arena and a float.
// CHECK: %[[ADDR:.*]] = memref.extract_aligned_pointer_as_index %[[ARENA]]
// CHECK: %[[ADDR64:.*]] = arith.index_cast %[[ADDR]] : index to i64
// CHECK: %[[PTR:.*]] = llvm.inttoptr %[[ADDR64]] : i64 to !llvm.ptr
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[SLOTS]][0] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.store %[[PTR]], %[[S0]] : !llvm.ptr, !llvm.ptr
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[SLOTS]][1] : (!llvm.ptr) -> !llvm.ptr, i64
// CHECK: llvm.store %[[LR]], %[[S1]] : f32, !llvm.ptr
// CHECK: arith.constant 0 : i32
// CHECK-NEXT: %[[K0:.*]] = arith.constant 0 : i32
// CHECK-NEXT: %[[TWO:.*]] = arith.constant 2 : i32
// CHECK-NEXT: %[[GX:.*]] = arith.index_cast %[[C4]] : index to i64
// CHECK: %[[BX:.*]] = arith.index_cast %[[C256]] : index to i64
// CHECK: call @trainc_rt_launch(%[[CTX]], %[[K0]], %[[GX]], %{{.*}}, %{{.*}}, %[[BX]], %{{.*}}, %{{.*}}, %{{.*}}, %[[SLOTS]], %[[TWO]])
// Second launch: kernel 1 (first), an index widened to i64 and an i32.
// CHECK: %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: llvm.store %[[N64]], %{{.*}} : i64, !llvm.ptr
// CHECK: llvm.store %[[K]], %{{.*}} : i32, !llvm.ptr
// CHECK: arith.constant 0 : i32
// CHECK-NEXT: %[[K1:.*]] = arith.constant 1 : i32
// CHECK-NEXT: %[[THREEARGS:.*]] = arith.constant 3 : i32
// CHECK: call @trainc_rt_launch(%[[CTX]], %[[K1]], {{.*}}, %[[SLOTS]], %[[THREEARGS]])
// Third: the first kernel again keeps its number.
// CHECK: arith.constant 0 : i32
// CHECK-NEXT: %[[K1B:.*]] = arith.constant 1 : i32
// CHECK: call @trainc_rt_launch(%[[CTX]], %[[K1B]],
// Fourth: a flag travels as a byte (NVPTX's .u8 parameter), 0 or 1.
// CHECK: %[[BYTE:.*]] = arith.extui %[[FLAG]] : i1 to i8
// CHECK: llvm.store %[[BYTE]], %{{.*}} : i8, !llvm.ptr
// CHECK-NOT: gpu.launch_func
// CHECK-NOT: gpu.container_module
module attributes {gpu.container_module} {
  gpu.binary @trainc_kernels [#gpu.object<#nvvm.target<chip = "sm_90">, "FATBIN">]
  func.func @step(%ctx: !llvm.ptr {train.role = #train.role<context>},
                  %arena: memref<64xi8> {train.role = #train.role<arena>},
                  %lr: f32, %n: index, %k: i32, %flag: i1) {
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    %c256 = arith.constant 256 : index
    gpu.launch_func @trainc_kernels::@second blocks in (%c4, %c1, %c1)
        threads in (%c256, %c1, %c1) args(%arena : memref<64xi8>, %lr : f32)
    gpu.launch_func @trainc_kernels::@first blocks in (%c1, %c1, %c1)
        threads in (%c256, %c1, %c1) args(%n : index, %k : i32, %arena : memref<64xi8>)
    gpu.launch_func @trainc_kernels::@first blocks in (%c1, %c1, %c1)
        threads in (%c256, %c1, %c1) args(%n : index, %k : i32, %arena : memref<64xi8>)
    gpu.launch_func @trainc_kernels::@flagged blocks in (%c1, %c1, %c1)
        threads in (%c256, %c1, %c1) args(%flag : i1)
    return
  }
}

// -----

// A launch needs the step's context.
module attributes {gpu.container_module} {
  gpu.binary @trainc_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "X">]
  func.func @step(%arena: memref<64xi8>) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{a kernel launch needs the function's runtime context}}
    gpu.launch_func @trainc_kernels::@k blocks in (%c1, %c1, %c1)
        threads in (%c1, %c1, %c1) args(%arena : memref<64xi8>)
    return
  }
}

// -----

// A view (not the identity layout) cannot be a bare pointer.
module attributes {gpu.container_module} {
  gpu.binary @trainc_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "X">]
  func.func @step(%ctx: !llvm.ptr {train.role = #train.role<context>},
                  %view: memref<4xf32, strided<[2]>>) {
    %c1 = arith.constant 1 : index
    // expected-error @+1 {{a kernel argument of type 'memref<4xf32, strided<[2]>>' cannot be passed}}
    gpu.launch_func @trainc_kernels::@k blocks in (%c1, %c1, %c1)
        threads in (%c1, %c1, %c1) args(%view : memref<4xf32, strided<[2]>>)
    return
  }
}

// -----

// One binary (train-merge-gpu-modules made one module) ...
// expected-error @+1 {{expected one gpu.binary (train-merge-gpu-modules, gpu-module-to-binary), found 2}}
module attributes {gpu.container_module} {
  gpu.binary @trainc_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "X">]
  gpu.binary @other [#gpu.object<#nvvm.target<chip = "sm_80">, "Y">]
  func.func @step(%ctx: !llvm.ptr {train.role = #train.role<context>}) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @trainc_kernels::@k blocks in (%c1, %c1, %c1)
        threads in (%c1, %c1, %c1)
    return
  }
}

// -----

// ... with one object (one target).
module attributes {gpu.container_module} {
  // expected-error @+1 {{expected one object in the GPU binary}}
  gpu.binary @trainc_kernels [#gpu.object<#nvvm.target<chip = "sm_80">, "X">,
                              #gpu.object<#nvvm.target<chip = "sm_90">, "Y">]
  func.func @step(%ctx: !llvm.ptr {train.role = #train.role<context>}) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @trainc_kernels::@k blocks in (%c1, %c1, %c1)
        threads in (%c1, %c1, %c1)
    return
  }
}
