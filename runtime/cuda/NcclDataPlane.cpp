//===- NcclDataPlane.cpp - the collectives of several GPUs ----------------===//

#include "cuda/NcclDataPlane.h"

#include "Error.h"
#include "cuda/CudaDevice.h"
#include "train/Hash.h"

#include <nccl.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <thread>
#include <vector>

namespace trainc::rt {

static_assert(sizeof(ncclUniqueId) == sizeof(NcclId),
              "NcclId must hold NCCL's unique id");

namespace {

using Clock = std::chrono::steady_clock;

std::string ncclText(ncclResult_t result) {
  return std::string(ncclGetErrorString(result)) + " (ncclResult " +
         std::to_string(static_cast<int>(result)) + ")";
}

Clock::duration seconds(double value) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(value));
}

class NcclDataPlane final : public DataPlane {
public:
  NcclDataPlane(CudaDevice &device, const NcclId &id, int rank, int world,
                double timeoutSeconds)
      : device(device), driver(device.driver), rank(rank), world(world),
        timeout(timeoutSeconds) {
    ncclUniqueId unique;
    std::memcpy(&unique, id.bytes, sizeof(unique));
    // Non-blocking: initialisation and every call return at once, and the
    // host polls them, so a rank that never joins or a peer that dies is
    // a timeout or an error here, never a hang.
    ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
    config.blocking = 0;
    ncclResult_t result =
        ncclCommInitRankConfig(&comm, world, unique, rank, &config);
    if (result != ncclSuccess && result != ncclInProgress)
      fatal("NCCL cannot start (rank " + std::to_string(rank) + " of " +
            std::to_string(world) + "): " + ncclText(result) + lastError());
    settle(result, "starting NCCL's communicator of " + std::to_string(world) +
                       " ranks");
    // Not ordered after the legacy default stream: the events below are
    // all that orders it with the step stream.
    checkCuda(driver.cuStreamCreate(&commStream, CU_STREAM_NON_BLOCKING),
              "creating the CUDA communication stream");
    device.watch = [this] { watch(); };
  }

  ~NcclDataPlane() override {
    device.watch = nullptr;
    if (!comm)
      return;
    // Flushes what was issued (the host has waited for the step stream,
    // which waited for every collective), then frees the communicator.
    ncclResult_t result = ncclCommFinalize(comm);
    settle(result, "finalising NCCL's communicator");
    ncclCommDestroy(comm);
    comm = nullptr;
  }

  std::string describe() const override { return ncclVersionText(); }

  Handle start(void *data, int64_t count, Wire wire, Stream stream,
               const std::string &what) override {
    ncclDataType_t type = wire == Wire::F32   ? ncclFloat32
                          : wire == Wire::F16 ? ncclFloat16
                                              : ncclBfloat16;
    return enqueue(data, count, type, ncclSum, stream, what);
  }

  bool test(Handle handle) override {
    auto it = inFlight.find(handle);
    if (it == inFlight.end())
      return true;
    CUresult result = driver.cuEventQuery(it->second.done);
    if (result == CUDA_ERROR_NOT_READY)
      return false;
    checkCuda(result, it->second.what);
    return true;
  }

  void wait(Handle handle, Stream stream) override {
    auto it = inFlight.find(handle);
    if (it == inFlight.end())
      return; // completed and reaped
    // The step stream's later work (the bucket's update) waits for the
    // sum; the host does not.
    checkCuda(driver.cuStreamWaitEvent(static_cast<CUstream>(stream),
                                       it->second.done, 0),
              "ordering the step after " + it->second.what);
  }

  void allreduceSum(double *data, int64_t count, Stream stream,
                    const std::string &what) override {
    wait(enqueue(data, count, ncclFloat64, ncclSum, stream, what), stream);
  }

  void allreduceFloat(float *data, int64_t count, bool mean, Stream stream,
                      const std::string &what) override {
    wait(enqueue(data, count, ncclFloat32, mean ? ncclAvg : ncclSum, stream,
                 what),
         stream);
  }

private:
  struct Collective {
    CUevent ready = nullptr, done = nullptr;
    std::string what;
    Clock::time_point enqueued;
  };

  /// " (NCCL: <its last error>)", or "".
  std::string lastError() const {
    const char *text = ncclGetLastError(comm);
    return text && *text ? " (NCCL: " + std::string(text) + ")" : "";
  }

  /// Ends the job after NCCL failed during `what`: aborts the
  /// communicator first, so no kernel of it is left waiting on the GPU.
  [[noreturn]] void fail(const std::string &line) {
    if (comm)
      ncclCommAbort(comm);
    comm = nullptr;
    device.watch = nullptr;
    fatal(line);
  }

  /// A non-blocking call returned `result`: waits (polling, within the
  /// timeout) until NCCL has finished it.
  void settle(ncclResult_t result, const std::string &what) {
    Clock::time_point deadline = Clock::now() + seconds(timeout);
    while (result == ncclInProgress) {
      if (Clock::now() > deadline)
        fail(collectiveTimeoutMessage(what, timeout));
      std::this_thread::yield();
      ncclCommGetAsyncError(comm, &result);
    }
    if (result != ncclSuccess)
      fail("NCCL failed " + what + ": " + ncclText(result) + lastError());
  }

  CUevent takeEvent() {
    if (!freeEvents.empty()) {
      CUevent event = freeEvents.back();
      freeEvents.pop_back();
      return event;
    }
    CUevent event = nullptr;
    checkCuda(driver.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING),
              "creating a CUDA event");
    return event;
  }

  /// Issues the in-place all-reduce of `count` values at `data` on the
  /// communication stream, after the work `stream` holds so far.
  Handle enqueue(void *data, int64_t count, ncclDataType_t type, ncclRedOp_t op,
                 Stream stream, const std::string &what) {
    if (!comm)
      fatal("internal error: " + what + " after NCCL was shut down");
    reap();
    Collective c;
    c.ready = takeEvent();
    c.done = takeEvent();
    c.what = what;
    c.enqueued = Clock::now();
    checkCuda(driver.cuEventRecord(c.ready, static_cast<CUstream>(stream)),
              "recording the end of the work before " + what);
    checkCuda(driver.cuStreamWaitEvent(commStream, c.ready, 0),
              "ordering " + what + " after the step's work");
    settle(ncclAllReduce(data, data, static_cast<size_t>(count), type, op, comm,
                         reinterpret_cast<cudaStream_t>(commStream)),
           "issuing " + what);
    checkCuda(driver.cuEventRecord(c.done, commStream),
              "recording the end of " + what);
    Handle handle = nextHandle++;
    inFlight.emplace(handle, std::move(c));
    return handle;
  }

  /// Recycles the events of the collectives that have completed (in
  /// order: one stream runs them).
  void reap() {
    while (!inFlight.empty()) {
      auto it = inFlight.begin();
      CUresult result = driver.cuEventQuery(it->second.done);
      if (result == CUDA_ERROR_NOT_READY)
        return;
      checkCuda(result, it->second.what);
      freeEvents.push_back(it->second.ready);
      freeEvents.push_back(it->second.done);
      inFlight.erase(it);
    }
  }

  /// While the host waits on the GPU: NCCL's asynchronous errors and the
  /// timeout of the oldest collective in flight.
  void watch() {
    if (!comm)
      return;
    ncclResult_t async = ncclSuccess;
    ncclCommGetAsyncError(comm, &async);
    reap();
    std::string what = inFlight.empty() ? std::string("a collective")
                                        : inFlight.begin()->second.what;
    if (async != ncclSuccess && async != ncclInProgress)
      fail("NCCL failed during " + what + ": " + ncclText(async) +
           lastError());
    if (!inFlight.empty() &&
        Clock::now() - inFlight.begin()->second.enqueued > seconds(timeout))
      fail(collectiveTimeoutMessage(what, timeout) + lastError());
  }

  CudaDevice &device;
  const CudaDriver &driver;
  int rank, world;
  double timeout;
  ncclComm_t comm = nullptr;
  CUstream commStream = nullptr;
  Handle nextHandle = 1;
  std::map<Handle, Collective> inFlight;
  std::vector<CUevent> freeEvents;
};

} // namespace

uint64_t hashNcclId(const NcclId &id) {
  Fnv1a64 hash;
  hash.update(id.bytes, sizeof(id.bytes));
  return hash.value();
}

std::string ncclVersionText() {
  int version = 0;
  ncclGetVersion(&version);
  // NCCL_VERSION(X, Y, Z) = X * 10000 + Y * 100 + Z since 2.9.
  char text[48];
  std::snprintf(text, sizeof(text), "NCCL %d.%d.%d", version / 10000,
                version / 100 % 100, version % 100);
  return text;
}

NcclId bootstrapNccl(Communicator &comm) {
  NcclId id{};
  if (comm.rank() == 0) {
    ncclUniqueId unique;
    ncclResult_t result = ncclGetUniqueId(&unique);
    if (result != ncclSuccess)
      fatal("NCCL cannot create its unique id: " + ncclText(result) +
            " (set NCCL_SOCKET_IFNAME to a network interface every rank "
            "can reach)");
    std::memcpy(id.bytes, &unique, sizeof(unique));
  }
  comm.broadcast(id.bytes, sizeof(id.bytes), 0);
  std::vector<uint64_t> hashes = comm.allgather(hashNcclId(id));
  for (int r = 1; r < comm.world(); ++r)
    if (hashes[r] != hashes[0])
      fatal("rank " + std::to_string(r) +
            " did not receive rank 0's NCCL id over MPI (hash " +
            hex64(hashes[r]) + ", rank 0's is " + hex64(hashes[0]) + ")");
  return id;
}

std::unique_ptr<DataPlane> openNcclDataPlane(CudaDevice &device,
                                             const NcclId &id, int rank,
                                             int world, double timeoutSeconds) {
  return std::make_unique<NcclDataPlane>(device, id, rank, world,
                                         timeoutSeconds);
}

} // namespace trainc::rt
