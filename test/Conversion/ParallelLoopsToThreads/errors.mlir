// RUN: trainc-opt %s --convert-parallel-loops-to-threads=min-accesses=16 -verify-diagnostics


// A kernel launch is a runtime call, which takes the function's runtime
// context: a function without one is an error, not a launch without it.
// expected-error @+1 {{a kernel launch needs the function's runtime context (an argument with train.role = #train.role<context>)}}
func.func @no_context(%arena: memref<4096xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  %x = memref.view %arena[%c0][] : memref<4096xi8> to memref<64x16xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    memref.store %zero, %x[%i, %c0] : memref<64x16xf32>
    scf.reduce
  }
  return
}
