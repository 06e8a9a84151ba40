//===- BucketReduce.cpp - one step's gradient all-reduce, by bucket -------===//

#include "comm/BucketReduce.h"

#include "Context.h"
#include "Error.h"
#include "trainc/kernels.h"

#include <chrono>

namespace trainc::rt {

BucketReduce::BucketReduce(Communicator &comm, const trainc_model_desc &desc)
    : comm(comm), desc(desc) {}

void BucketReduce::begin(float *arena) {
  grads = arena;
  // Without a bucket table (a hand-written description) the arena is one.
  size_t count = desc.num_buckets > 0 ? desc.num_buckets : 1;
  handles.assign(count, 0);
  begun.assign(count, false);
  started = 0;
}

void BucketReduce::start(int32_t bucket) {
  if (desc.num_buckets == 0)
    handles[0] = comm.allreduceSumStart(grads, desc.param_bytes / 4);
  else
    handles[bucket] = comm.allreduceSumStart(
        grads + desc.buckets[bucket].offset / 4,
        desc.buckets[bucket].bytes / 4);
  begun[bucket] = true;
}

void BucketReduce::ready(int32_t bucket) {
  if (!grads || bucket < 0 || bucket >= desc.num_buckets)
    fatal("the train step announced gradient bucket " +
          std::to_string(bucket) + " of " + std::to_string(desc.num_buckets));
  if (!begun[bucket]) {
    start(bucket);
    ++started;
  }
  // Progress the reductions in flight (MPI moves data inside its calls).
  for (size_t b = 0; b < handles.size(); ++b)
    if (begun[b])
      comm.test(handles[b]);
}

double BucketReduce::finish() {
  for (size_t b = 0; b < handles.size(); ++b)
    if (!begun[b])
      start(static_cast<int32_t>(b));
  auto waitStart = std::chrono::steady_clock::now();
  for (Communicator::Handle handle : handles)
    comm.wait(handle);
  grads = nullptr;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       waitStart)
      .count();
}

} // namespace trainc::rt

extern "C" void trainc_rt_bucket_ready(int32_t bucket) {
  // Outside a data-parallel step (one process, the step harness) the
  // announcement has nothing to start.
  if (trainc::rt::BucketReduce *reduce =
          trainc::rt::runtimeContext().activeReduce)
    reduce->ready(bucket);
}
