// RUN: trainc-opt %s -split-input-file -verify-diagnostics -train-emulate-gpu-launches

// Launches outside the form train-map-kernels-to-gpu produces.

func.func @two_dimensional(%x: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  // expected-error @+1 {{emulating a launch needs a one-dimensional grid and block of constant sizes}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c2, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    gpu.terminator
  }
  return
}

// -----

func.func @carried(%x: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{emulating a launch: a loop with carried values holds a barrier}}
    %s = scf.for %i = %c0 to %c32 step %c1 iter_args(%a = %zero) -> (f32) {
      gpu.barrier
      scf.yield %a : f32
    }
    gpu.terminator
  }
  return
}

// -----

func.func @while(%x: memref<64xf32>, %go: i1) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{emulating a launch: 'scf.while' holds a barrier}}
    scf.while : () -> () {
      gpu.barrier
      scf.condition(%go)
    } do {
      scf.yield
    }
    gpu.terminator
  }
  return
}

// -----

func.func @thread_bound(%x: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1) {
    // expected-error @+1 {{emulating a launch: a loop holding a barrier is bounded by the thread index}}
    scf.for %i = %tx to %c32 step %c1 {
      gpu.barrier
    }
    gpu.terminator
  }
  return
}
