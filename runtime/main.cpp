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
#include <cstring>

using namespace trainc::rt;

int main(int argc, char **argv) {
  RuntimeContext &context = runtimeContext();
  if (argc > 0 && argv[0]) {
    const char *slash = std::strrchr(argv[0], '/');
    context.program = slash ? slash + 1 : argv[0];
  }
  std::string error;
  // First, so that every later error names its rank and ends the job.
  context.comm = openCommunicator(argc, argv, error);
  if (!context.comm)
    fatal(error);
  context.rank = context.comm->rank();
  context.world = context.comm->world();
  std::optional<TrainOptions> options = parseOptions(argc, argv, error);
  if (!options)
    fatal(error);
  if (options->help) {
    if (context.rank == 0)
      std::fputs(helpText(context.program).c_str(), stdout);
    context.comm.reset();
    return 0;
  }
  // The target's device (the CUDA target's GPU; none on the CPU).
  context.device = openDevice(*options, context.rank, context.world);
  ModelApi api{trainc_model, trainc_train_step, trainc_eval_step};
  int status = options->forwardOnly ? runForwardOnly(*options, api)
                                     : runTraining(*options, api);
  // Every rank finalizes MPI (the context itself is never destroyed).
  context.comm.reset();
  return status;
}
