// RUN: trainc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// train.bucket_ready round-trips; train.buckets and train.onnx_export are
// verified on the module (what train-bucket-gradients, train-plan-memory and
// the importer write; hand-written IR gets these errors).

// CHECK: module attributes {train.buckets = [{bytes = 128 : i64, offset = 0 : i64, params = ["w"]}]}
// CHECK: train.bucket_ready 0
module attributes {train.buckets = [{bytes = 128 : i64, offset = 0 : i64, params = ["w"]}]} {
  func.func @f() {
    train.bucket_ready 0
    return
  }
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
