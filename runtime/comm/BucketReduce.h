//===- BucketReduce.h - one step's gradient all-reduce, by bucket -*- C++ -*-===//
//
// The compiler cut the gradients into buckets (trainc_model_desc.buckets)
// and placed, in the train step, a call of trainc_rt_allreduce_start(b)
// right after backward finishes bucket b and one of
// trainc_rt_allreduce_wait(b) for every bucket before the step returns.
// Each start begins that bucket's sum over ranks and progresses those in
// flight, so communication overlaps the rest of backward; each wait
// completes one (the generated bucket epilogue then scales it).
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
  BucketReduce(Communicator &comm, const trainc_model_desc &desc);

  /// Before the train step.
  void begin();
  /// Bucket `bucket`'s gradients are final: start the sum of its `count`
  /// values of type `wire` at `data` (trainc_rt_allreduce_start).
  void start(int32_t bucket, void *data, int64_t count, int32_t wire);
  /// Lets the reductions in flight advance (MPI moves data only inside its
  /// calls): the library kernels call it between the ops of backward.
  void progress();
  /// Complete bucket `bucket`'s sum.
  void wait(int32_t bucket);
  /// After the train step: fails unless the step waited for every bucket.
  void end();

  /// Of the last step: buckets started before the first wait (inside
  /// backward), and the seconds spent in the waits.
  int startedInBackward() const { return startedEarly; }
  double waitSeconds() const { return waited; }

private:
  void checkBucket(int32_t bucket, const char *what) const;

  Communicator &comm;
  const trainc_model_desc &desc;
  bool active = false;
  std::vector<Communicator::Handle> handles;
  std::vector<bool> begun, done;
  int startedEarly = 0;
  bool waiting = false;
  double waited = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_COMM_BUCKETREDUCE_H
