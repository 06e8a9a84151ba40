// RUN: trainc-opt %s -split-input-file -train-emit-entry-points -verify-diagnostics | FileCheck %s

// train-emit-entry-points: a lowered entry point (llvm.func with one pointer
// per train.role) becomes <name>.body, and <name>(args) checks the
// trainc_step_args header (size at least 104 = 8 + 8 * 12 fields, ABI
// version 8) and loads each argument from its role's field (trainc/abi.h:
// field i at byte 8 + 8 i; context 0, params 1, ..., output 8, hyper 9,
// accum 10, stats 11).
// CHECK-LABEL: llvm.func internal @trainc_eval_step.body(
// CHECK: llvm.func @trainc_eval_step(%[[ARGS:[^:]+]]: !llvm.ptr)
// CHECK-DAG: %[[SIZE:.+]] = llvm.load %[[ARGS]] : !llvm.ptr -> i32
// CHECK-DAG: %[[VP:.+]] = llvm.getelementptr %[[ARGS]][4] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[VERSION:.+]] = llvm.load %[[VP]] : !llvm.ptr -> i32
// CHECK-DAG: %[[N104:.+]] = llvm.mlir.constant(104 : i32) : i32
// CHECK-DAG: llvm.icmp "uge" %[[SIZE]], %[[N104]] : i32
// CHECK-DAG: %[[ABI:.+]] = llvm.mlir.constant(9 : i32) : i32
// CHECK-DAG: llvm.icmp "eq" %[[VERSION]], %[[ABI]] : i32
// CHECK: llvm.cond_br %{{.+}}, ^[[CALL:.+]], ^[[BAD:[a-z0-9]+]]
// CHECK: ^[[BAD]]:
// CHECK-NEXT: llvm.call @trainc_rt_bad_step_args(%[[SIZE]], %[[VERSION]]) : (i32, i32) -> ()
// CHECK-NEXT: llvm.unreachable
// CHECK: ^[[CALL]]:
// CHECK-DAG: %[[F0:.+]] = llvm.getelementptr %[[ARGS]][8] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[CTX:.+]] = llvm.load %[[F0]] : !llvm.ptr -> !llvm.ptr
// CHECK-DAG: %[[F8:.+]] = llvm.getelementptr %[[ARGS]][72] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[OUT:.+]] = llvm.load %[[F8]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @trainc_eval_step.body(%[[CTX]], %[[OUT]]) : (!llvm.ptr, !llvm.ptr) -> ()
module {
  llvm.func @trainc_eval_step(%ctx: !llvm.ptr {train.role = #train.role<context>}, %out: !llvm.ptr {train.role = #train.role<output>}) {
    llvm.return
  }
}

// -----

// The fields ABI version 8 added, after hyper (field 9, byte 80): accum
// (field 10, byte 88) and stats (field 11, byte 96), passed in role order.
// CHECK-LABEL: llvm.func internal @trainc_train_step.body(
// CHECK: llvm.func @trainc_train_step(%[[ARGS:[^:]+]]: !llvm.ptr)
// CHECK: llvm.call @trainc_rt_bad_step_args(
// CHECK-DAG: %[[F0:.+]] = llvm.getelementptr %[[ARGS]][8] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[CTX:.+]] = llvm.load %[[F0]] : !llvm.ptr -> !llvm.ptr
// CHECK-DAG: %[[F9:.+]] = llvm.getelementptr %[[ARGS]][80] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[HYPER:.+]] = llvm.load %[[F9]] : !llvm.ptr -> !llvm.ptr
// CHECK-DAG: %[[F10:.+]] = llvm.getelementptr %[[ARGS]][88] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[ACCUM:.+]] = llvm.load %[[F10]] : !llvm.ptr -> !llvm.ptr
// CHECK-DAG: %[[F11:.+]] = llvm.getelementptr %[[ARGS]][96] : (!llvm.ptr) -> !llvm.ptr, i8
// CHECK-DAG: %[[STATS:.+]] = llvm.load %[[F11]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @trainc_train_step.body(%[[CTX]], %[[HYPER]], %[[ACCUM]], %[[STATS]]) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
module {
  llvm.func @trainc_train_step(%ctx: !llvm.ptr {train.role = #train.role<context>}, %hyper: !llvm.ptr {train.role = #train.role<hyper>},
                               %accum: !llvm.ptr {train.role = #train.role<accum>}, %stats: !llvm.ptr {train.role = #train.role<stats>}) {
    llvm.return
  }
}

// -----

module {
  // expected-error @+1 {{argument 1 of an entry point has no step-argument role (train.role) or is not a pointer}}
  llvm.func @trainc_train_step(%ctx: !llvm.ptr {train.role = #train.role<context>}, %x: !llvm.ptr) {
    llvm.return
  }
}
