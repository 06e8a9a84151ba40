// RUN: trainc-opt %s -split-input-file -gpu-kernel-outlining -train-merge-gpu-modules -verify-diagnostics | FileCheck %s

// train-merge-gpu-modules: the kernels gpu-kernel-outlining put in a
// module each (all named @step_kernel inside, the modules uniquified) move
// into one gpu.module @trainc_kernels, each under its module's name, and
// each launch names its own kernel there.
// CHECK-LABEL: func.func @step(
// CHECK: gpu.launch_func @trainc_kernels::@step_kernel blocks
// CHECK: gpu.launch_func @trainc_kernels::@step_kernel_0 blocks
// CHECK-NOT: gpu.module @step_kernel
// CHECK: gpu.module @trainc_kernels {
// CHECK-DAG: gpu.func @step_kernel({{.*}}) kernel
// CHECK-DAG: gpu.func @step_kernel_0({{.*}}) kernel
// CHECK-NOT: gpu.module
func.func @step(%x: memref<8xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.store %one, %x[%c0] : memref<8xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.store %two, %x[%c1] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

// A module already named like the merged one.
// expected-error @+1 {{a symbol named 'trainc_kernels' exists already}}
module attributes {gpu.container_module} {
  gpu.module @trainc_kernels {
  }
  gpu.module @other {
    gpu.func @k() kernel {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @m {
    // expected-error @+1 {{a GPU module holds more than its kernel}}
    gpu.func @helper() {
      gpu.return
    }
  }
}
