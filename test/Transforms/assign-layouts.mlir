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
