// RUN: trainc-opt %s -convert-train-to-loops -split-input-file -verify-diagnostics

// Diagnostics of convert-train-to-loops (TrainToLoops.cpp), one case each:
//   "expected @forward (and @train_step) planned by train-plan-memory"
//     ........................ not_planned, no_forward, train_step_not_planned
//   "needs scratch in the activation arena that train-plan-memory did not
//    plan" ......................... no_scratch, lars_no_scratch, nlcg_no_scratch
//   "optimizer '<name>' needs scratch (run train-plan-memory)" . nlcg_no_scratch

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

// -----

// Planned by hand without LARS's per-layer scratch on its update: refused
// at the update, before any kernel reads the scales.
module @lars_no_scratch attributes {train.optimizer = "lars", train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64, train.buckets = [{bytes = 64 : i64, offset = 0 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.offset = 0 : i64, train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) attributes {train.arena_bytes = 64 : i64} {
  return %x : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.offset = 0 : i64})
    -> (tensor<4xf32> {train.grad = "a"}) attributes {train.arena_bytes = 64 : i64} {
  %d = train.relu %a {train.slots = array<i64: -1>} : tensor<4xf32>
  // expected-error @+1 {{needs scratch in the activation arena that train-plan-memory did not plan}}
  train.optimizer_update 0 "lars"
  return %d : tensor<4xf32>
}
}

// -----

// NLCG without its tables (the step's scratch, which its updates fill):
// the gather pass is refused at the update, the phases at the step.
module @nlcg_no_scratch attributes {train.optimizer = "nlcg", train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64, train.buckets = [{bytes = 64 : i64, offset = 0 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.offset = 0 : i64, train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) attributes {train.arena_bytes = 64 : i64} {
  return %x : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.offset = 0 : i64})
    -> (tensor<4xf32> {train.grad = "a"}) attributes {train.arena_bytes = 64 : i64} {
  %d = train.relu %a {train.slots = array<i64: -1>} : tensor<4xf32>
  // expected-error @+1 {{optimizer 'nlcg' needs scratch (run train-plan-memory)}}
  train.optimizer_update 0 "nlcg"
  // expected-error @+1 {{needs scratch in the activation arena that train-plan-memory did not plan}}
  train.optimizer_step "nlcg"
  return %d : tensor<4xf32>
}
}
