// RUN: trainc-opt %s -train-add-debug-info -mlir-print-debuginfo | FileCheck %s
// RUN: trainc-opt %s -train-add-debug-info -mlir-print-debuginfo | mlir-translate -mlir-to-llvmir | FileCheck %s --check-prefix=LLVM

// train-add-debug-info (passes/Conversion/DebugInfo/AddDebugInfo.cpp): a
// compile unit for the ONNX file (train.source), a subprogram per defined
// function, and one per ONNX node, into which each op the node produced is
// inlined at the node's line (its position in the graph, which the
// importer puts in the node's location). Ops of no node are line 0 of
// their function; declarations get nothing.

// CHECK-LABEL: llvm.func @kernel(
// The relu's ops, twice (a load and a store): inlined from the node.
// CHECK: llvm.load {{.*}} loc(#[[RELU_AT:loc[0-9]+]])
// CHECK: llvm.fadd {{.*}} loc(#[[NONE:loc[0-9]*]])
// CHECK: llvm.store {{.*}} loc(#[[RELU_AT]])
// A location fused by canonicalization still finds its node.
// CHECK: llvm.fmul {{.*}} loc(#[[CONV_AT:loc[0-9]+]])
// CHECK: llvm.return loc(#[[NONE]])
// CHECK: } loc(#[[KERNEL:loc[0-9]+]])
// CHECK: llvm.func @trainc_rt_fill(!llvm.ptr) loc(#[[DECL:loc[0-9]+]])
// CHECK-DAG: #[[FILE:di_file[0-9]*]] = #llvm.di_file<"m.onnx" in "">
// CHECK-DAG: #[[NONE]] = loc("m.onnx":0:0)
// CHECK-DAG: #[[DECL]] = loc("{{.*}}add-debug-info.mlir":{{[0-9]+}}:{{[0-9]+}})
// CHECK-DAG: #[[UNIT:di_compile_unit[0-9]*]] = #llvm.di_compile_unit<id = distinct[{{[0-9]+}}]<>, sourceLanguage = DW_LANG_C, file = #[[FILE]], producer = "trainc", isOptimized = true, emissionKind = LineTablesOnly>
// CHECK-DAG: #[[RELU_SP:di_subprogram[0-9]*]] = #llvm.di_subprogram<id = distinct[{{[0-9]+}}]<>, compileUnit = #[[UNIT]], scope = #[[FILE]], name = "relu_1", file = #[[FILE]], line = 3, scopeLine = 3, subprogramFlags = "Definition|Optimized", type = #{{.+}}>
// CHECK-DAG: #[[CONV_SP:di_subprogram[0-9]*]] = #llvm.di_subprogram<id = distinct[{{[0-9]+}}]<>, compileUnit = #[[UNIT]], scope = #[[FILE]], name = "conv_0", file = #[[FILE]], line = 2,
// CHECK-DAG: #[[KERNEL_SP:di_subprogram[0-9]*]] = #llvm.di_subprogram<id = distinct[{{[0-9]+}}]<>, compileUnit = #[[UNIT]], scope = #[[FILE]], name = "kernel", linkageName = "kernel", file = #[[FILE]], subprogramFlags = "Definition|Optimized",
// CHECK-DAG: #[[RELU_LINE:loc[0-9]+]] = loc("m.onnx":3:0)
// CHECK-DAG: #[[CONV_LINE:loc[0-9]+]] = loc("m.onnx":2:0)
// CHECK-DAG: #[[KERNEL]] = loc(fused<#[[KERNEL_SP]]>[#[[NONE]]])
// CHECK-DAG: #[[RELU_IN:loc[0-9]+]] = loc(fused<#[[RELU_SP]]>[#[[RELU_LINE]]])
// CHECK-DAG: #[[RELU_AT]] = loc(callsite(#[[RELU_IN]] at #[[RELU_LINE]]))
// CHECK-DAG: #[[CONV_IN:loc[0-9]+]] = loc(fused<#[[CONV_SP]]>[#[[CONV_LINE]]])
// CHECK-DAG: #[[CONV_AT]] = loc(callsite(#[[CONV_IN]] at #[[CONV_LINE]]))

// In LLVM IR: the instructions carry DILocations in the node's scope,
// inlined at the same line of the function's subprogram.
// LLVM-LABEL: define void @kernel(ptr %0) !dbg
// LLVM: load float, ptr %0, align 4, !dbg ![[LOAD:[0-9]+]]
// LLVM: fadd float {{.*}}, !dbg ![[ZERO:[0-9]+]]
// LLVM: fmul float {{.*}}, !dbg ![[MUL:[0-9]+]]
// LLVM: declare void @trainc_rt_fill(ptr){{$}}
// LLVM-DAG: ![[UNIT:[0-9]+]] = distinct !DICompileUnit(language: DW_LANG_C, file: ![[FILE:[0-9]+]], producer: "trainc", isOptimized: true, runtimeVersion: 0, emissionKind: LineTablesOnly)
// LLVM-DAG: ![[FILE]] = !DIFile(filename: "m.onnx", directory: "")
// LLVM-DAG: ![[KERNEL:[0-9]+]] = distinct !DISubprogram(name: "kernel", linkageName: "kernel", scope: ![[FILE]], file: ![[FILE]], type: !{{[0-9]+}}, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: ![[UNIT]])
// LLVM-DAG: ![[LOAD]] = !DILocation(line: 3, scope: ![[RELU:[0-9]+]], inlinedAt: ![[AT:[0-9]+]])
// LLVM-DAG: ![[RELU]] = distinct !DISubprogram(name: "relu_1", scope: ![[FILE]], file: ![[FILE]], line: 3, type: !{{[0-9]+}}, scopeLine: 3, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: ![[UNIT]])
// LLVM-DAG: ![[AT]] = !DILocation(line: 3, scope: ![[KERNEL]])
// LLVM-DAG: ![[ZERO]] = !DILocation(line: 0, scope: ![[KERNEL]])
// LLVM-DAG: ![[MUL]] = !DILocation(line: 2, scope: ![[CONV:[0-9]+]], inlinedAt: ![[CONV_AT:[0-9]+]])
// LLVM-DAG: ![[CONV]] = distinct !DISubprogram(name: "conv_0",{{.*}} line: 2,
// LLVM-DAG: ![[CONV_AT]] = !DILocation(line: 2, scope: ![[KERNEL]])

module attributes {train.source = "m.onnx"} {
  llvm.func @kernel(%p: !llvm.ptr) {
    %x = llvm.load %p : !llvm.ptr -> f32 loc(#relu)
    %y = llvm.fadd %x, %x : f32 loc(unknown)
    llvm.store %y, %p : f32, !llvm.ptr loc(#relu)
    %z = llvm.fmul %y, %y : f32 loc(fused["conv_0"("m.onnx":2:0), "relu_1"("m.onnx":3:0)])
    llvm.store %z, %p : f32, !llvm.ptr loc(#conv)
    llvm.return
  }
  llvm.func @trainc_rt_fill(!llvm.ptr)
}
#relu = loc("relu_1"("m.onnx":3:0))
#conv = loc("conv_0"("m.onnx":2:0))
