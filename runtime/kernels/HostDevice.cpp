//===- HostDevice.cpp - the CPU target's device: none, or an emulated one -===//
//
// The CPU target has no device: its arenas are the runtime's host buffers.
// For testing, TRAINC_EMULATE_DEVICE=1 installs an emulated device that
// keeps the arenas in memory of its own, as the CUDA runtime keeps them on
// the GPU: every copy the runtime makes at a boundary (the parameters after
// --init or --resume, checkpoints, dumps, the loss, NLCG's scalars, the
// evaluation's batches) then has to be there for a CPU run to give the CPU
// target's results, and the batch pipeline (train/Device.h) is checked as a
// protocol: an upload lands only when the step stream acquires its slot
// or the host waits for it (a step that did not acquire its batch reads
// the one before; staging memory refilled before its upload landed is
// uploaded with the new contents: either changes the results), and an
// upload into a slot a step still holds stops the run. The kernels run on
// the host, on the emulated device's memory, exactly as without it.
//
//===----------------------------------------------------------------------===//

#include "Error.h"
#include "train/Arenas.h"
#include "train/Device.h"
#include "train/Options.h"

#include <cstdlib>
#include <cstring>
#include <vector>

namespace trainc::rt {

namespace {
class EmulatedDevice final : public Device {
public:
  std::string describe() const override {
    return "emulated device (TRAINC_EMULATE_DEVICE: host memory, kernels on "
           "the CPU)";
  }
  void *allocate(int64_t bytes, const char *what) override {
    memory.emplace_back(bytes, what);
    return memory.back().data();
  }
  void upload(void *device, const void *host, int64_t bytes) override {
    if (bytes > 0)
      std::memcpy(device, host, bytes);
  }
  void download(void *host, const void *device, int64_t bytes) override {
    if (bytes > 0)
      std::memcpy(host, device, bytes);
  }
  void loadKernels(const trainc_model_desc &) override {}
  bool hostKernels() const override { return true; }

  void *allocateStaging(int64_t bytes, const char *what) override {
    return allocate(bytes, what);
  }
  void waitStaging(int slot) override {
    // The host waits for the copy: it has happened.
    land(slot);
  }
  void uploadBatch(int slot, void *device, const void *host,
                   int64_t bytes) override {
    if (held[slot])
      fatal("emulated device: a batch was uploaded into slot " +
            std::to_string(slot) + " while a step still holds it");
    pending[slot].push_back({device, host, bytes});
  }
  void acquireBatch(int slot) override {
    land(slot);
    held[slot] = true;
  }
  void releaseBatch(int slot) override { held[slot] = false; }

private:
  struct Copy {
    void *device;
    const void *host;
    int64_t bytes;
  };
  void land(int slot) {
    for (const Copy &copy : pending[slot])
      if (copy.bytes > 0)
        std::memcpy(copy.device, copy.host, copy.bytes);
    pending[slot].clear();
  }

  std::vector<AlignedBytes> memory;
  std::vector<Copy> pending[kBatchSlots];
  bool held[kBatchSlots] = {};
};
} // namespace

std::unique_ptr<Device> openDevice(const TrainOptions &options, int, int) {
  if (options.given.count("--device"))
    fatal("--device chooses a GPU; this executable was compiled for the CPU "
          "(trainc --target=cpu)");
  const char *emulate = std::getenv("TRAINC_EMULATE_DEVICE");
  if (emulate && std::strcmp(emulate, "1") == 0)
    return std::make_unique<EmulatedDevice>();
  return nullptr;
}

} // namespace trainc::rt
