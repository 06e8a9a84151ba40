//===- HostDevice.cpp - the CPU target has no device ----------------------===//

#include "Error.h"
#include "train/Device.h"
#include "train/Options.h"

namespace trainc::rt {

std::unique_ptr<Device> openDevice(const TrainOptions &options, int, int) {
  if (options.given.count("--device"))
    fatal("--device chooses a GPU; this executable was compiled for the CPU "
          "(trainc --target=cpu)");
  return nullptr;
}

} // namespace trainc::rt
