//===- BucketReduce.cpp - one step's gradient all-reduce, by bucket -------===//

#include "comm/BucketReduce.h"

#include "Context.h"
#include "Error.h"
#include "trainc/kernels.h"

#include <chrono>
#include <string>

namespace trainc::rt {

BucketReduce::BucketReduce(Communicator &comm, const trainc_model_desc &desc)
    : comm(comm), desc(desc) {}

void BucketReduce::begin() {
  active = true;
  handles.assign(desc.num_buckets, 0);
  begun.assign(desc.num_buckets, false);
  done.assign(desc.num_buckets, false);
  startedEarly = 0;
  waiting = false;
  waited = 0;
}

void BucketReduce::checkBucket(int32_t bucket, const char *what) const {
  if (!active || bucket < 0 || bucket >= desc.num_buckets)
    fatal(std::string("the train step ") + what + " gradient bucket " +
          std::to_string(bucket) + " of " + std::to_string(desc.num_buckets));
}

void BucketReduce::start(int32_t bucket, void *data, int64_t count,
                         int32_t wire) {
  checkBucket(bucket, "started");
  if (wire < TRAINC_WIRE_F32 || wire > TRAINC_WIRE_BF16)
    fatal("the train step sends gradient bucket " + std::to_string(bucket) +
          " in an unknown type (" + std::to_string(wire) + ")");
  if (!begun[bucket]) {
    handles[bucket] = comm.allreduceSumStart(
        data, count,
        wire == TRAINC_WIRE_F32   ? Communicator::Wire::F32
        : wire == TRAINC_WIRE_F16 ? Communicator::Wire::F16
                                  : Communicator::Wire::BF16);
    begun[bucket] = true;
    if (!waiting)
      ++startedEarly;
  }
  progress();
}

void BucketReduce::progress() {
  for (size_t b = 0; b < handles.size(); ++b)
    if (begun[b] && !done[b])
      comm.test(handles[b]);
}

void BucketReduce::wait(int32_t bucket) {
  checkBucket(bucket, "waited for");
  waiting = true;
  if (!begun[bucket])
    fatal("the train step waited for gradient bucket " +
          std::to_string(bucket) + " before starting it");
  auto waitStart = std::chrono::steady_clock::now();
  comm.wait(handles[bucket]);
  done[bucket] = true;
  waited += std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                          waitStart)
                .count();
}

void BucketReduce::end() {
  for (int32_t b = 0; b < desc.num_buckets; ++b)
    if (!done[b])
      fatal("the train step returned before gradient bucket " +
            std::to_string(b) + " was all-reduced");
  active = false;
}

} // namespace trainc::rt

// The generated step's collectives. Outside a data-parallel step (one
// process, the step harness) there is nothing to reduce.

extern "C" int32_t trainc_rt_world(void) {
  return trainc::rt::runtimeContext().world;
}

extern "C" void trainc_rt_allreduce_start(int32_t bucket, void *data,
                                          int64_t count, int32_t wire) {
  if (trainc::rt::BucketReduce *reduce =
          trainc::rt::runtimeContext().activeReduce)
    reduce->start(bucket, data, count, wire);
}

extern "C" void trainc_rt_allreduce_wait(int32_t bucket) {
  if (trainc::rt::BucketReduce *reduce =
          trainc::rt::runtimeContext().activeReduce)
    reduce->wait(bucket);
}

extern "C" void trainc_rt_allreduce_f64(double *data, int64_t count) {
  trainc::rt::RuntimeContext &context = trainc::rt::runtimeContext();
  if (context.world > 1)
    context.comm->allreduceSum(data, count);
}

extern "C" void trainc_rt_allreduce(float *data, int64_t count,
                                    int32_t mean) {
  trainc::rt::RuntimeContext &context = trainc::rt::runtimeContext();
  if (context.world <= 1)
    return;
  std::vector<double> sums(data, data + count);
  context.comm->allreduceSum(sums.data(), count);
  double scale = mean ? 1.0 / context.world : 1.0;
  for (int64_t i = 0; i < count; ++i)
    data[i] = static_cast<float>(sums[i] * scale);
}
