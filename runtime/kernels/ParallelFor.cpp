//===- ParallelFor.cpp - the CPU target's kernel launches -----------------===//
//
// The generated code's top-level loop nests (passes/Conversion/
// LoopsToThreads) run here on the OpenMP threads that oneDNN uses, so one
// pool serves the library and the generated kernels.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "trainc/kernels.h"

#include <omp.h>

extern "C" void trainc_rt_parallel_for(void *context, trainc_kernel_fn kernel,
                                       void *captures, int64_t iterations) {
  // The threads are the process's OpenMP pool, whatever the context.
  (void)trainc::rt::contextOf(context);
  int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (threads > iterations)
    threads = static_cast<int>(iterations);
  if (threads <= 1) {
    if (iterations > 0)
      kernel(captures, 0, iterations);
    return;
  }
  // One contiguous range per thread: which thread runs an iteration never
  // changes what it computes.
#pragma omp parallel num_threads(threads)
  {
    int64_t t = omp_get_thread_num(), count = omp_get_num_threads();
    int64_t lo = iterations * t / count, hi = iterations * (t + 1) / count;
    if (lo < hi)
      kernel(captures, lo, hi);
  }
}
