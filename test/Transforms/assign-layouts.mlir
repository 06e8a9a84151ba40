// train-assign-layouts on its own: with channel-block=0 (the default, every
// target but the CPU's) it changes nothing; a block other than 0, 8 or 16
// is an error. (test/Driver/layouts.test has the layouts it gives ResNets.)
// RUN: trainc-opt %s -train-assign-layouts | FileCheck %s
// RUN: trainc-opt %s -train-assign-layouts="channel-block=16" | FileCheck %s --check-prefix=BLOCKED
// RUN: not trainc-opt %s -train-assign-layouts="channel-block=4" 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-NOT: train.layouts
// The ReLU's result is returned (a function result, never blocked); the
// one before it feeds only the ReLU.
// BLOCKED-LABEL: func.func @chain
// BLOCKED: train.relu %arg0 {train.layouts = array<i64: 16>}
// BLOCKED: train.relu %{{.*}} : tensor<2x32x4x4xf32>
// BAD: error: channel-block must be 0, 8 or 16, not 4
func.func @chain(%x: tensor<2x32x4x4xf32>) -> tensor<2x32x4x4xf32> {
  %y = train.relu %x : tensor<2x32x4x4xf32>
  %z = train.relu %y : tensor<2x32x4x4xf32>
  return %z : tensor<2x32x4x4xf32>
}

// A parameter filter that only convolutions (one group) read, its gradient
// returned straight from a backward filter: stored in blocks of both
// channels, marked on the argument, on the convolutions that read it and
// on the backward filter. %v (also read by a ReLU) and %u (its gradient
// is a ReLU's) stay plain; so does everything without a block.
// CHECK-NOT: train.layout
// CHECK-NOT: train.filter_layout
// BLOCKED-LABEL: func.func @filters
// BLOCKED-SAME: %arg1: tensor<16x16x3x3xf32> {train.layout = 16 : i64, train.param = "w"}
// BLOCKED-SAME: %arg2: tensor<16x16x1x1xf32> {train.param = "v"}
// BLOCKED-SAME: %arg3: tensor<16x16x1x1xf32> {train.param = "u"}
// BLOCKED: train.conv2d %arg0, %arg1 {{.*}}train.filter_layout = 16 : i64
// BLOCKED: train.conv2d_backward_data %arg4, %arg1 {{.*}}train.filter_layout = 16 : i64
// BLOCKED: train.conv2d_backward_filter %arg4, %arg0 {{.*}}train.layouts = array<i64: 16>
// BLOCKED-NOT: train.filter_layout
// BLOCKED: train.conv2d_backward_filter %arg4, %arg0 {{.*}} groups = 1 : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<16x16x1x1xf32>
// BLOCKED: train.conv2d %arg0, %arg3 {{.*}} groups = 1 : (
func.func @filters(%x: tensor<2x16x4x4xf32>,
                   %w: tensor<16x16x3x3xf32> {train.param = "w"},
                   %v: tensor<16x16x1x1xf32> {train.param = "v"},
                   %u: tensor<16x16x1x1xf32> {train.param = "u"},
                   %dy: tensor<2x16x4x4xf32>)
    -> (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>,
        tensor<16x16x3x3xf32> {train.grad = "w"},
        tensor<16x16x1x1xf32> {train.grad = "v"},
        tensor<16x16x1x1xf32> {train.grad = "u"}) {
  %y = train.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x4x4xf32>
  %dx = train.conv2d_backward_data %dy, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>) -> tensor<2x16x4x4xf32>
  %dw = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<16x16x3x3xf32>
  %yv = train.conv2d %x, %v strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<2x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x4x4xf32>
  %rv = train.relu %v : tensor<16x16x1x1xf32>
  %du = train.conv2d_backward_filter %dy, %x strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>) -> tensor<16x16x1x1xf32>
  %ru = train.relu %du : tensor<16x16x1x1xf32>
  %yu = train.conv2d %x, %u strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : (tensor<2x16x4x4xf32>, tensor<16x16x1x1xf32>) -> tensor<2x16x4x4xf32>
  return %y, %dx, %yu, %dw, %rv, %ru : tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>, tensor<2x16x4x4xf32>, tensor<16x16x3x3xf32>, tensor<16x16x1x1xf32>, tensor<16x16x1x1xf32>
}
