//===- Context.cpp - the runtime's one piece of mutable state -------------===//

#include "Context.h"

#include "Error.h"
#include "kernels/KernelCache.h"
#include "train/Device.h"

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

} // namespace trainc::rt
