// RUN: trainc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// train.all_reduce, train.allreduce_start and train.allreduce_wait
// round-trip. Their reduction is an enum attribute (train.Reduction: sum or
// mean), printed bare and parsed bare or quoted; another word is a parse
// error naming the attribute; train.buckets and
// train.onnx_export are verified on the module (what train-bucket-gradients, train-plan-memory and
// the importer write; hand-written IR gets these errors).

// CHECK: module attributes {train.buckets = [{bytes = 128 : i64, offset = 0 : i64, params = ["w"]}]}
// CHECK: %[[M:.+]] = train.all_reduce mean %arg0 : tensor<f32>
// CHECK-NEXT: train.all_reduce sum %[[M]] : tensor<f32>
// CHECK-NEXT: train.allreduce_start 0
// CHECK-NEXT: train.allreduce_wait 0 mean
module attributes {train.buckets = [{bytes = 128 : i64, offset = 0 : i64, params = ["w"]}]} {
  func.func @f(%loss: tensor<f32>) -> tensor<f32> {
    %m = train.all_reduce "mean" %loss : tensor<f32>
    %s = train.all_reduce sum %m : tensor<f32>
    train.allreduce_start 0
    train.allreduce_wait 0 "mean"
    return %s : tensor<f32>
  }
}

// -----

func.func @bad_reduction(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{custom op 'train.all_reduce' invalid reduction attribute specification: "max"}}
  %r = train.all_reduce "max" %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func @bad_wait() {
  // expected-error @+1 {{custom op 'train.allreduce_wait' expected string or keyword containing one of the following enum values for attribute 'reduction' [sum, mean]}}
  train.allreduce_wait 0 avg
  return
}

// -----

// expected-error @+1 {{'train.buckets' must be an array of {params = [names], bytes = N} with at least one parameter each}}
module attributes {train.buckets = [{bytes = 128 : i64, params = []}]} {}

// -----

// expected-error @+1 {{'train.buckets' must be an array of {params = [names], bytes = N} with at least one parameter each}}
module attributes {train.buckets = [{params = ["w"]}]} {}

// -----

// expected-error @+1 {{'train.onnx_export' with 'unsupported' holds only that string}}
module attributes {train.onnx_export = {unsupported = 3 : i64}} {}

// -----

// expected-error @+1 {{'train.onnx_export' must hold 'template' (i8 elements) and 'holes'}}
module attributes {train.onnx_export = {holes = []}} {}

// -----

// expected-error @+1 {{'train.onnx_export' holes must be {at, bytes, name, kind = "param" or "buffer"}}}
module attributes {train.onnx_export = {template = dense<0> : tensor<8xi8>, holes = [{at = 0 : i64, bytes = 4 : i64, name = "w", kind = "weight"}]}} {}

// -----

// expected-error @+1 {{'train.onnx_export' holes must lie in the template in increasing order}}
module attributes {train.onnx_export = {template = dense<0> : tensor<8xi8>, holes = [{at = 4 : i64, bytes = 4 : i64, name = "w", kind = "param"}, {at = 2 : i64, bytes = 4 : i64, name = "b", kind = "param"}]}} {}
