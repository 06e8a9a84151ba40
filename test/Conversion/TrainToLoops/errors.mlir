// RUN: trainc-opt %s -convert-train-to-loops -split-input-file -verify-diagnostics

// Diagnostics of convert-train-to-loops (TrainToLoops.cpp), one case each:
//   "expected @forward (and @train_step) planned by train-plan-memory"
//     ........................ not_planned, no_forward, train_step_not_planned
//   "needs scratch in the activation arena that train-plan-memory did not
//    plan" ....................................................... no_scratch

// @forward without train.arena_bytes: train-plan-memory has not run.
// expected-error @+1 {{expected @forward (and @train_step) planned by train-plan-memory}}
module @not_planned {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
}

// -----

// expected-error @+1 {{expected @forward (and @train_step) planned by train-plan-memory}}
module @no_forward attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 0 : i64} {
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) attributes {train.arena_bytes = 0 : i64} {
  return %x : tensor<2x4xf32>
}
}

// -----

// @forward is planned, @train_step is not.
// expected-error @+1 {{expected @forward (and @train_step) planned by train-plan-memory}}
module @train_step_not_planned attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 0 : i64} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) attributes {train.arena_bytes = 0 : i64} {
  return %x : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"})
    -> (tensor<f32> {train.loss = "loss"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}

// -----

// Planned by hand, but the loss's row scratch (train.scratch) is missing.
module @no_scratch attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 0 : i64} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"})
    -> (tensor<2x4xf32> {train.output = "logits"}) attributes {train.arena_bytes = 64 : i64} {
  return %x : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"})
    -> (tensor<f32> {train.loss = "loss"}) attributes {train.arena_bytes = 64 : i64} {
  // expected-error @+1 {{needs scratch in the activation arena that train-plan-memory did not plan}}
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 {train.slots = array<i64: -1>} : tensor<2x4xf32>, tensor<2xi32>
  return %loss : tensor<f32>
}
}
