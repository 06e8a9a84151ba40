// RUN: trainc-opt %s --train-verify-kernels --split-input-file -verify-diagnostics

// Host code that reads and writes tensor data: a loss total summed by a
// host scf.for, a seed stored on the host.
func.func @step(%arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<4096xi8> to memref<8xf32>
  %total = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    // expected-error @+1 {{tensor data accessed outside a kernel in @step ('memref.load' not inside an scf.parallel)}}
    %v = memref.load %x[%i] : memref<8xf32>
    %s = arith.addf %acc, %v : f32
    scf.yield %s : f32
  }
  // expected-error @+1 {{tensor data accessed outside a kernel in @step ('memref.store' not inside an scf.parallel)}}
  memref.store %total, %x[%c0] : memref<8xf32>
  return
}

// -----

// A scratch buffer on the host stack is tensor data too.
func.func @scratch(%arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f64
  %s = memref.alloca() : memref<4xf64>
  // expected-error @+1 {{tensor data accessed outside a kernel in @scratch ('memref.store' not inside an scf.parallel)}}
  memref.store %one, %s[%c0] : memref<4xf64>
  return
}

// -----

// Every access inside a kernel, reductions included; views, allocas and
// calls on the host touch no data.
func.func private @library(memref<4096xi8>)
func.func @kernels(%arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<4096xi8> to memref<8xf32>
  %s = memref.alloca() : memref<4xf64>
  func.call @library(%arena) : (memref<4096xi8>) -> ()
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %x[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %t = scf.for %j = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
      %v = memref.load %x[%j] : memref<8xf32>
      %n = arith.addf %acc, %v : f32
      scf.yield %n : f32
    }
    memref.store %t, %x[%c0] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// Arguments in host memory (the update coefficients, train.memory_space
// "host") are read by host code; device arenas are not.
func.func @host(%hyper: memref<64xi8> {train.role = #train.role<hyper>, train.memory_space = #train.memory_space<host>},
                %params: memref<64xi8> {train.role = #train.role<params>}) {
  %c0 = arith.constant 0 : index
  %h = memref.view %hyper[%c0][] : memref<64xi8> to memref<16xf32>
  %lr = memref.load %h[%c0] : memref<16xf32>
  %p = memref.view %params[%c0][] : memref<64xi8> to memref<16xf32>
  // expected-error @+1 {{tensor data accessed outside a kernel in @host ('memref.load' not inside an scf.parallel)}}
  %w = memref.load %p[%c0] : memref<16xf32>
  return
}

// -----

// Host memory is read by host code only: inside a kernel (a GPU block) it
// is out of reach. A host buffer of the function counts as host memory.
func.func @host_in_kernel(%hyper: memref<64xi8> {train.role = #train.role<hyper>, train.memory_space = #train.memory_space<host>},
                          %params: memref<64xi8> {train.role = #train.role<params>}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %h = memref.view %hyper[%c0][] : memref<64xi8> to memref<16xf32>
  %table = memref.alloca() {train.memory_space = #train.memory_space<host>} : memref<8xf32>
  %t = memref.load %table[%c0] : memref<8xf32>
  %p = memref.view %params[%c0][] : memref<64xi8> to memref<16xf32>
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    // expected-error @+1 {{host memory accessed inside a kernel in @host_in_kernel ('memref.load'; pass the value from host code)}}
    %lr = memref.load %h[%c0] : memref<16xf32>
    // expected-error @+1 {{host memory accessed inside a kernel in @host_in_kernel ('memref.load'; pass the value from host code)}}
    %d = memref.load %table[%c1] : memref<8xf32>
    %w = memref.load %p[%i] : memref<16xf32>
    %x = arith.mulf %w, %lr : f32
    %y = arith.addf %x, %t : f32
    memref.store %y, %p[%i] : memref<16xf32>
    scf.reduce
  }
  return
}
