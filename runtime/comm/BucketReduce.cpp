//===- BucketReduce.cpp - one step's gradient all-reduce, by bucket -------===//

#include "comm/BucketReduce.h"

#include "Context.h"
#include "Error.h"
#include "trainc/kernels.h"

#include <chrono>
#include <string>

namespace trainc::rt {

BucketReduce::BucketReduce(DataPlane &data, const trainc_model_desc &desc)
    : data(data), desc(desc) {}

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

void BucketReduce::start(int32_t bucket, void *values, int64_t count,
                         int32_t wire, Stream stream) {
  checkBucket(bucket, "started");
  if (wire < TRAINC_WIRE_F32 || wire > TRAINC_WIRE_BF16)
    fatal("the train step sends gradient bucket " + std::to_string(bucket) +
          " in an unknown type (" + std::to_string(wire) + ")");
  if (!begun[bucket]) {
    handles[bucket] = data.start(
        values, count,
        wire == TRAINC_WIRE_F32   ? DataPlane::Wire::F32
        : wire == TRAINC_WIRE_F16 ? DataPlane::Wire::F16
                                  : DataPlane::Wire::BF16,
        stream,
        "the all-reduce of gradient bucket " + std::to_string(bucket) + " (" +
            std::to_string(count) + " values)");
    begun[bucket] = true;
    if (!waiting)
      ++startedEarly;
  }
}

void BucketReduce::wait(int32_t bucket, Stream stream) {
  checkBucket(bucket, "waited for");
  waiting = true;
  if (!begun[bucket])
    fatal("the train step waited for gradient bucket " +
          std::to_string(bucket) + " before starting it");
  auto waitStart = std::chrono::steady_clock::now();
  data.wait(handles[bucket], stream);
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

extern "C" int32_t trainc_rt_world(void *context) {
  return trainc::rt::contextOf(context).world;
}

extern "C" void trainc_rt_allreduce_start(void *context, int32_t bucket,
                                          void *data, int64_t count,
                                          int32_t wire) {
  trainc::rt::RuntimeContext &rt = trainc::rt::contextOf(context);
  if (trainc::rt::BucketReduce *reduce = rt.activeReduce)
    reduce->start(bucket, data, count, wire, rt.stream);
}

extern "C" void trainc_rt_allreduce_wait(void *context, int32_t bucket) {
  trainc::rt::RuntimeContext &rt = trainc::rt::contextOf(context);
  if (trainc::rt::BucketReduce *reduce = rt.activeReduce)
    reduce->wait(bucket, rt.stream);
}

extern "C" void trainc_rt_allreduce_f64(void *context, double *data,
                                        int64_t count) {
  trainc::rt::RuntimeContext &rt = trainc::rt::contextOf(context);
  if (rt.world > 1)
    trainc::rt::dataPlane().allreduceSum(
        data, count, rt.stream,
        "the all-reduce of synchronised BatchNorm's sums (" +
            std::to_string(count) + " values)");
}

extern "C" void trainc_rt_allreduce(void *context, float *data, int64_t count,
                                    int32_t reduction) {
  trainc::rt::RuntimeContext &rt = trainc::rt::contextOf(context);
  if (rt.world > 1)
    trainc::rt::dataPlane().allreduceFloat(
        data, count, reduction == TRAINC_REDUCE_MEAN, rt.stream,
        "the all-reduce of the loss");
}
