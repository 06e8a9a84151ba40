//===- main.cpp - the training executable's entry point -------------------===//
//
// The runtime owns main(): it names the process for error messages, parses
// the command line and trains (or runs inference). The model's entry points
// (trainc/model.h, defined by the object trainc generates) are referred to
// here only, so the rest of the runtime links without a model.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "Error.h"
#include "train/Device.h"
#include "train/ForwardOnly.h"
#include "train/Trainer.h"

#include <cstdio>

// A model compiled without an optimizer has no update entry point of its
// own: ModelApi::applyUpdate is then null.
#pragma weak trainc_apply_update

using namespace trainc::rt;

int main(int argc, char **argv) {
  RuntimeContext &context = runtimeContext();
  // First, so that every later error names its rank and ends the job.
  joinJob(argc, argv);
  std::string error;
  std::optional<TrainOptions> options = parseOptions(argc, argv, error);
  if (!options)
    fatal(error);
  if (options->help) {
    if (context.rank == 0)
      std::fputs(helpText(context.program).c_str(), stdout);
    context.comm.reset();
    return 0;
  }
  context.comm->setCollectiveTimeout(options->collectiveTimeout);
  // The target's device (the CUDA target's GPU, and with several ranks its
  // NCCL data plane; none on the CPU).
  context.device = openDevice(*options, context.rank, context.world);
  ModelApi api{trainc_model, trainc_train_step, trainc_eval_step,
               trainc_apply_update};
  int status = options->forwardOnly ? runForwardOnly(*options, api)
                                     : runTraining(*options, api);
  // Every rank finalizes MPI (the context itself is never destroyed), after
  // the data plane that may sit on it.
  context.deviceData.reset();
  context.comm.reset();
  return status;
}
