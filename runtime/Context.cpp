//===- Context.cpp - the runtime's one piece of mutable state -------------===//

#include "Context.h"

#include "Error.h"
#include "kernels/KernelCache.h"
#include "train/Device.h"

#include <cstring>

namespace trainc::rt {

// Out of line so that ~unique_ptr<KernelCache> sees the complete type.
RuntimeContext::RuntimeContext() = default;
RuntimeContext::~RuntimeContext() = default;

RuntimeContext &runtimeContext() {
  // Deliberately never destroyed: fatal() may end the process from inside a
  // kernel (cache lock held, OpenMP workers running), and oneDNN's own
  // globals may already be gone when static destructors run.
  static RuntimeContext *context = new RuntimeContext;
  return *context;
}

RuntimeContext &contextOf(void *context) {
  if (!context)
    fatal("internal error: a runtime call without the step's context "
          "(trainc_step_args.context is null)");
  return *static_cast<RuntimeContext *>(context);
}

Device *modelDevice() { return runtimeContext().device.get(); }

Communicator &communicator() {
  RuntimeContext &context = runtimeContext();
  if (!context.comm)
    context.comm = singleProcessCommunicator();
  return *context.comm;
}

void joinJob(int &argc, char **&argv) {
  RuntimeContext &context = runtimeContext();
  if (argc > 0 && argv[0]) {
    const char *slash = std::strrchr(argv[0], '/');
    context.program = slash ? slash + 1 : argv[0];
  }
  std::string error;
  context.comm = openCommunicator(argc, argv, error);
  if (!context.comm)
    fatal(error);
  context.rank = context.comm->rank();
  context.world = context.comm->world();
}

DataPlane &dataPlane() {
  RuntimeContext &context = runtimeContext();
  if (context.deviceData)
    return *context.deviceData;
  return communicator().data();
}

} // namespace trainc::rt
