// RUN: trainc-opt %s -split-input-file -train-fuse-updates -verify-diagnostics | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-fuse-updates -train-fuse-updates -verify-diagnostics | FileCheck %s --check-prefix=TWICE

// train-fuse-updates (FuseUpdates.cpp) on hand-written @train_step functions
// as train-insert-optimizer leaves them. What is checked:
//   - an update right after its bucket's wait takes the wait's epilogue
//     (`fused "mean"`, `fused "sum"`, with the wire type), and the wait is
//     marked `fused` (waits);
//   - an update elsewhere, or after another bucket's wait, is left alone,
//     and so is its wait (apart);
//   - a second run changes nothing (TWICE);
//   - the verifier refuses a fused wait without its update, or an update's
//     epilogue without its fused wait (bad_*).

// CHECK-LABEL: module @waits
// CHECK: train.allreduce_wait 2 mean as bf16 fused
// CHECK-NEXT: train.optimizer_update 2 nlcg fused mean as bf16
// CHECK-NEXT: train.allreduce_wait 0 sum fused
// CHECK-NEXT: train.optimizer_update 0 nlcg fused sum
// CHECK-NEXT: train.allreduce_wait 1 mean fused
// CHECK-NEXT: train.optimizer_update 1 nlcg fused mean
// CHECK-NEXT: train.optimizer_step nlcg
// TWICE-LABEL: module @waits
// TWICE: train.allreduce_wait 2 mean as bf16 fused
// TWICE-NEXT: train.optimizer_update 2 nlcg fused mean as bf16
module @waits {
func.func @train_step(%a: tensor<4xf32> {train.param = "a"})
    -> (tensor<4xf32> {train.grad = "a"}) {
  %da = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_start 1
  train.allreduce_start 2 as bf16
  train.allreduce_wait 2 "mean" as bf16
  train.optimizer_update 2 "nlcg"
  train.allreduce_wait 0 "sum"
  train.optimizer_update 0 "nlcg"
  train.allreduce_wait 1 "mean"
  train.optimizer_update 1 "nlcg"
  train.optimizer_step "nlcg"
  return %da : tensor<4xf32>
}
}

// -----

// CHECK-LABEL: module @apart
// CHECK: train.allreduce_wait 0 mean{{$}}
// CHECK-NEXT: train.allreduce_wait 1 mean{{$}}
// CHECK-NEXT: train.optimizer_update 0 sgd{{$}}
// CHECK-NEXT: train.optimizer_update 1 sgd{{$}}
module @apart {
func.func @train_step(%a: tensor<4xf32> {train.param = "a"})
    -> (tensor<4xf32> {train.grad = "a"}) {
  train.allreduce_start 0
  train.allreduce_start 1
  train.allreduce_wait 0 "mean"
  train.allreduce_wait 1 "mean"
  train.optimizer_update 0 "sgd"
  train.optimizer_update 1 "sgd"
  return %a : tensor<4xf32>
}
}

// -----

module @bad_wait {
func.func @train_step(%a: tensor<4xf32> {train.param = "a"})
    -> (tensor<4xf32> {train.grad = "a"}) {
  train.allreduce_start 0
  // expected-error @+1 {{'train.allreduce_wait' op is fused but not followed by bucket 0's optimizer_update with the same epilogue}}
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "sgd"
  return %a : tensor<4xf32>
}
}

// -----

module @bad_update {
func.func @train_step(%a: tensor<4xf32> {train.param = "a"})
    -> (tensor<4xf32> {train.grad = "a"}) {
  train.allreduce_start 0
  train.allreduce_wait 0 "mean"
  // expected-error @+1 {{'train.optimizer_update' op has a fused epilogue but does not follow bucket 0's fused allreduce_wait}}
  train.optimizer_update 0 "sgd" fused "mean"
  return %a : tensor<4xf32>
}
}

// -----

module @bad_wire {
func.func @train_step(%a: tensor<4xf32> {train.param = "a"})
    -> (tensor<4xf32> {train.grad = "a"}) {
  // expected-error @+1 {{'train.optimizer_update' op has a wire type but no fused epilogue}}
  train.optimizer_update 0 "sgd" as bf16
  return %a : tensor<4xf32>
}
}
