//===- BucketReduce.h - one step's gradient all-reduce, by bucket -*- C++ -*-===//
//
// The compiler cut the gradients into buckets (trainc_model_desc.buckets)
// and placed a call of trainc_rt_bucket_ready(b) in the train step right
// after backward finishes bucket b. Each call starts that bucket's sum over
// ranks and progresses those in flight, so communication overlaps the rest
// of backward; when the step returns, finish() starts any bucket the step
// did not announce and waits for all of them.
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

  /// Before the train step: the gradient arena it writes.
  void begin(float *grads);
  /// Bucket `bucket`'s gradients are final.
  void ready(int32_t bucket);
  /// After the train step: every bucket summed over ranks. Returns the
  /// seconds spent waiting.
  double finish();

  /// Of the last step: buckets started from inside the step.
  int startedInStep() const { return started; }

private:
  void start(int32_t bucket);

  Communicator &comm;
  const trainc_model_desc &desc;
  float *grads = nullptr;
  std::vector<Communicator::Handle> handles;
  std::vector<bool> begun;
  /// Buckets ready() started (it runs only inside the step).
  int started = 0;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_COMM_BUCKETREDUCE_H
