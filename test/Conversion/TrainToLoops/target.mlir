// RUN: trainc-opt %s -convert-train-to-loops=target=tpu -verify-diagnostics
// RUN: trainc-opt %s -convert-train-to-loops=target=cpu | FileCheck %s

// The target (passes/Conversion/TargetInfo.h) is an option of the
// conversion; one it does not know is one error naming the known ones.
// expected-error @+1 {{unknown target 'tpu' (known: cpu, cuda)}}
module attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64} {
// On the CPU a matmul is a call of the runtime's GEMM (oneDNN) and a relu a
// generated kernel.
// CHECK-LABEL: func.func @trainc_eval_step(
// CHECK: scf.parallel
// CHECK: call @trainc_rt_gemm(
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<4x3xf32> {train.offset = 0 : i64, train.param = "w", train.init = dense<1.0> : tensor<4x3xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) attributes {train.arena_bytes = 64 : i64} {
  %r = train.relu %x {train.slots = array<i64: 0>} : tensor<2x4xf32>
  %y = train.matmul %r, %w {train.slots = array<i64: -1>} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
}
