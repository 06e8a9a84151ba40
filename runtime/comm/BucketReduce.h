//===- BucketReduce.h - one step's gradient all-reduce, by bucket -*- C++ -*-===//
//
// The compiler cut the gradients into buckets (trainc_model_desc.buckets)
// and placed, in the train step, a call of trainc_rt_allreduce_start(b)
// right after backward finishes bucket b and one of
// trainc_rt_allreduce_wait(b) for every bucket before the step returns.
// Each start enqueues that bucket's sum on the data plane, whose progress
// thread advances it while the rest of backward runs; each wait completes
// one (the generated bucket epilogue then scales it).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_COMM_BUCKETREDUCE_H
#define TRAINC_RUNTIME_COMM_BUCKETREDUCE_H

#include "comm/Communicator.h"
#include "trainc/model.h"

#include <vector>

namespace trainc::rt {

class BucketReduce {
public:
  BucketReduce(DataPlane &data, const trainc_model_desc &desc);

  /// Before the train step.
  void begin();
  /// Bucket `bucket`'s gradients are final: start the sum of its `count`
  /// values of type `wire` at `data` on `stream`
  /// (trainc_rt_allreduce_start).
  void start(int32_t bucket, void *data, int64_t count, int32_t wire,
             Stream stream);
  /// Complete bucket `bucket`'s sum before the later work on `stream`.
  void wait(int32_t bucket, Stream stream);
  /// After the train step: fails unless the step waited for every bucket.
  void end();

  /// Of the last step: buckets started before the first wait (inside
  /// backward), and the seconds spent in the waits.
  int startedInBackward() const { return startedEarly; }
  double waitSeconds() const { return waited; }

private:
  void checkBucket(int32_t bucket, const char *what) const;

  DataPlane &data;
  const trainc_model_desc &desc;
  bool active = false;
  std::vector<DataPlane::Handle> handles;
  std::vector<bool> begun, done;
  int startedEarly = 0;
  bool waiting = false;
  double waited = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_COMM_BUCKETREDUCE_H
