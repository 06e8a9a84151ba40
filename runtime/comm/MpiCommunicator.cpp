//===- MpiCommunicator.cpp - ranks over MPI (Open MPI) --------------------===//
//
// MPI is initialised only when a launcher started the process, so a plain
// ./train_resnet never touches it. Errors come back as return codes
// (MPI_ERRORS_RETURN) and end the job through fatal(), naming the call.
// The control plane (Mpi) and the data plane (MpiData) share one lock that
// every MPI call holds: the data plane's progress thread calls MPI too.
//
//===----------------------------------------------------------------------===//

#include "comm/Communicator.h"

#include "Error.h"

// The C API only: no MPI C++ bindings (libmpi_cxx) to link.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <chrono>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace trainc::rt {
namespace {

void check(int code, const char *call) {
  if (code == MPI_SUCCESS)
    return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  fatal(std::string(call) + " failed: " + std::string(text, length));
}

int asInt(int64_t value, const char *what) {
  if (value > INT_MAX)
    fatal(std::string(what) + " of " + std::to_string(value) +
          " elements exceeds MPI's int counts");
  return static_cast<int>(value);
}

/// How long a collective may take (--collective-timeout), shared by the
/// control plane and the data plane.
struct Timeout {
  double seconds = 300;
};

/// Completes `request`, testing it until it is done: a collective still
/// incomplete after the timeout ends the job with a line naming `what`
/// (MPI_Wait would wait forever for a rank that stopped). The caller holds
/// the MPI lock.
void complete(MPI_Request &request, const std::string &what,
              const Timeout &timeout) {
  using Clock = std::chrono::steady_clock;
  Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(timeout.seconds));
  for (unsigned spins = 0;; ++spins) {
    int done = 0;
    check(MPI_Test(&request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done)
      return;
    if (Clock::now() > deadline)
      fatal(collectiveTimeoutMessage(what, timeout.seconds));
    // MPI_Wait spins too; after a while, leave the core to the others.
    if (spins > 10000)
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    else
      std::this_thread::yield();
  }
}

// 16-bit sums: MPI has no half-precision types, so they travel as pairs of
// bytes and add through user-defined operations, in float, rounding each
// partial sum back (as NCCL's half sums do).
uint16_t bf16FromFloat(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  if (std::isnan(x))
    return 0x7fc0;
  bits += 0x7fff + ((bits >> 16) & 1); // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}

float floatFromBF16(uint16_t h) {
  uint32_t bits = static_cast<uint32_t>(h) << 16;
  float x;
  std::memcpy(&x, &bits, 4);
  return x;
}

void sumF16Portable(const _Float16 *a, _Float16 *b, int count) {
  for (int i = 0; i < count; ++i)
    b[i] = static_cast<_Float16>(static_cast<float>(a[i]) +
                                 static_cast<float>(b[i]));
}

#if defined(__x86_64__)
// The same sums with the F16C conversions (both round to nearest even, so
// the bits are the portable loop's); without them every conversion is a
// library call and an f16 all-reduce costs more than the f32 one.
__attribute__((target("avx,f16c"))) void sumF16C(const uint16_t *a, uint16_t *b,
                                                 int count) {
  int i = 0;
  for (; i + 8 <= count; i += 8) {
    __m256 x = _mm256_cvtph_ps(
        _mm_loadu_si128(reinterpret_cast<const __m128i *>(a + i)));
    __m256 y = _mm256_cvtph_ps(
        _mm_loadu_si128(reinterpret_cast<const __m128i *>(b + i)));
    _mm_storeu_si128(
        reinterpret_cast<__m128i *>(b + i),
        _mm256_cvtps_ph(_mm256_add_ps(x, y), _MM_FROUND_TO_NEAREST_INT));
  }
  sumF16Portable(reinterpret_cast<const _Float16 *>(a + i),
                 reinterpret_cast<_Float16 *>(b + i), count - i);
}
#endif

void sumF16(void *in, void *inout, int *count, MPI_Datatype *) {
#if defined(__x86_64__)
  static const bool f16c = __builtin_cpu_supports("f16c");
  if (f16c) {
    sumF16C(static_cast<const uint16_t *>(in), static_cast<uint16_t *>(inout),
            *count);
    return;
  }
#endif
  sumF16Portable(static_cast<const _Float16 *>(in),
                 static_cast<_Float16 *>(inout), *count);
}

void sumBF16(void *in, void *inout, int *count, MPI_Datatype *) {
  const uint16_t *a = static_cast<const uint16_t *>(in);
  uint16_t *b = static_cast<uint16_t *>(inout);
  for (int i = 0; i < *count; ++i)
    b[i] = bf16FromFloat(floatFromBF16(a[i]) + floatFromBF16(b[i]));
}

/// Sums `count` doubles over ranks in place, added in rank order here: the
/// same bits on every rank whatever algorithm MPI_Allreduce would pick (the
/// vectors are small: the loss, statistics and counts). The caller holds
/// the MPI lock.
void sumInRankOrder(double *data, int64_t count, int world,
                    std::vector<double> &gathered, const std::string &what,
                    const Timeout &timeout) {
  int n = asInt(count, "an all-reduce");
  gathered.resize(static_cast<size_t>(count) * world);
  MPI_Request request = MPI_REQUEST_NULL;
  check(MPI_Iallgather(data, n, MPI_DOUBLE, gathered.data(), n, MPI_DOUBLE,
                       MPI_COMM_WORLD, &request),
        "MPI_Iallgather");
  complete(request, what, timeout);
  for (int64_t i = 0; i < count; ++i) {
    double sum = gathered[i];
    for (int r = 1; r < world; ++r)
      sum += gathered[static_cast<size_t>(r) * count + i];
    data[i] = sum;
  }
}

/// How often the progress thread polls the sums in flight, in microseconds
/// (MPI moves data only inside its calls; between backward's kernels
/// nothing else calls it): TRAINC_MPI_PROGRESS_US, default 100; 0 runs no
/// thread (the sums then advance at each start and wait).
int64_t pollMicroseconds() {
  const char *text = std::getenv("TRAINC_MPI_PROGRESS_US");
  if (!text || !*text)
    return 100;
  char *end = nullptr;
  long long value = std::strtoll(text, &end, 10);
  if (*end || value < 0 || value > 1000000)
    fatal(std::string("TRAINC_MPI_PROGRESS_US must be 0 to 1000000 "
                      "microseconds, not '") +
          text + "'");
  return value;
}

/// The data plane over MPI. A gradient sum is a reduce-scatter then an
/// all-gather, on communicators of their own: every rank must issue the
/// collectives of a communicator in the same order, reduce-scatters start
/// in program order (identical on every rank), and all-gathers start in
/// the same order, since a bucket's starts only after every earlier
/// bucket's has. A progress thread advances the sums in flight while the
/// step computes; every MPI call of the process holds `mpi`
/// (MPI_THREAD_SERIALIZED). Streams do not exist on the CPU: the order is
/// program order.
class MpiData final : public DataPlane {
public:
  MpiData(int rank, int world, std::mutex &mpi, bool threaded,
          const Timeout &timeout)
      : rankValue(rank), worldValue(world), mpi(mpi), timeout(timeout) {
    check(MPI_Comm_dup(MPI_COMM_WORLD, &scatterComm), "MPI_Comm_dup");
    check(MPI_Comm_dup(MPI_COMM_WORLD, &gatherComm), "MPI_Comm_dup");
    check(MPI_Type_contiguous(2, MPI_BYTE, &halfType), "MPI_Type_contiguous");
    check(MPI_Type_commit(&halfType), "MPI_Type_commit");
    check(MPI_Op_create(sumF16, /*commute=*/1, &f16Sum), "MPI_Op_create");
    check(MPI_Op_create(sumBF16, /*commute=*/1, &bf16Sum), "MPI_Op_create");
    pollInterval = std::chrono::microseconds(pollMicroseconds());
    if (threaded && pollInterval.count() > 0)
      progressThread = std::thread([this] { progressLoop(); });
  }
  ~MpiData() override {
    {
      std::lock_guard<std::mutex> lock(mpi);
      stopping = true;
    }
    wake.notify_all();
    if (progressThread.joinable())
      progressThread.join();
    MPI_Op_free(&f16Sum);
    MPI_Op_free(&bf16Sum);
    MPI_Type_free(&halfType);
    MPI_Comm_free(&scatterComm);
    MPI_Comm_free(&gatherComm);
  }

  Handle start(void *data, int64_t count, Wire wire, Stream,
               const std::string &what) override {
    std::unique_lock<std::mutex> lock(mpi);
    Handle handle = nextHandle++;
    Pending &p = pending[handle];
    p.data = data;
    p.what = what;
    p.type = wire == Wire::F32 ? MPI_FLOAT : halfType;
    MPI_Op op = wire == Wire::F32   ? MPI_SUM
                : wire == Wire::F16 ? f16Sum
                                    : bf16Sum;
    size_t size = wire == Wire::F32 ? 4 : 2;
    std::vector<int64_t> counts = sliceCounts(count, worldValue);
    int64_t offset = 0;
    for (int64_t c : counts) {
      p.counts.push_back(asInt(c, "an all-reduce slice"));
      p.displs.push_back(asInt(offset, "an all-reduce"));
      offset += c;
    }
    p.slice.resize(static_cast<size_t>(counts[rankValue]) * size);
    check(MPI_Ireduce_scatter(data, p.slice.data(), p.counts.data(), p.type, op,
                              scatterComm, &p.request),
          "MPI_Ireduce_scatter");
    if (progressThread.joinable()) {
      lock.unlock();
      wake.notify_one();
    } else {
      poll(); // no thread: advance what is in flight now
    }
    return handle;
  }

  bool test(Handle handle) override {
    std::lock_guard<std::mutex> lock(mpi);
    auto it = pending.find(handle);
    if (it == pending.end())
      return true;
    advance(0);
    Pending &p = it->second;
    if (p.phase == 1)
      return false;
    int done = 0;
    check(MPI_Test(&p.request, &done, MPI_STATUS_IGNORE), "MPI_Test");
    if (done)
      pending.erase(it);
    return done != 0;
  }

  void wait(Handle handle, Stream) override {
    std::lock_guard<std::mutex> lock(mpi);
    auto it = pending.find(handle);
    if (it == pending.end())
      return;
    advance(handle);
    complete(it->second.request, it->second.what, timeout);
    pending.erase(it);
  }

  void allreduceSum(double *data, int64_t count, Stream,
                    const std::string &what) override {
    std::lock_guard<std::mutex> lock(mpi);
    sumInRankOrder(data, count, worldValue, gathered, what, timeout);
  }

  void allreduceFloat(float *data, int64_t count, bool mean, Stream stream,
                      const std::string &what) override {
    // In double, in rank order: the same bits on every rank.
    std::vector<double> sums(data, data + count);
    allreduceSum(sums.data(), count, stream, what);
    double scale = mean ? 1.0 / worldValue : 1.0;
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<float>(sums[i] * scale);
  }

private:
  /// Phase 1 reduces each rank's slice into `slice`; phase 2 gathers the
  /// slices back into `data`.
  struct Pending {
    void *data;
    std::string what;
    MPI_Datatype type;
    std::vector<int> counts, displs;
    std::vector<char> slice;
    MPI_Request request = MPI_REQUEST_NULL;
    int phase = 1;
  };

  /// Starts the all-gather of every pending reduction, oldest first, whose
  /// reduce-scatter has completed; stops at the first that has not (waits
  /// for it, and for those before it, up to `until` when given). Holds
  /// `mpi`.
  void advance(Handle until) {
    for (auto &[handle, p] : pending) {
      if (p.phase == 2)
        continue;
      if (handle <= until) {
        complete(p.request, p.what, timeout);
      } else {
        int done = 0;
        check(MPI_Test(&p.request, &done, MPI_STATUS_IGNORE), "MPI_Test");
        if (!done)
          return;
      }
      p.phase = 2;
      check(MPI_Iallgatherv(p.slice.data(), p.counts[rankValue], p.type, p.data,
                            p.counts.data(), p.displs.data(), p.type,
                            gatherComm, &p.request),
            "MPI_Iallgatherv");
    }
  }

  /// One round of progress on every sum in flight (a completed all-gather
  /// leaves a null request, which wait() finds done). Holds `mpi`.
  void poll() {
    advance(0);
    for (auto &[handle, p] : pending)
      if (p.phase == 2) {
        int done = 0;
        check(MPI_Test(&p.request, &done, MPI_STATUS_IGNORE), "MPI_Test");
      }
  }

  /// The progress thread: polls while sums are in flight, sleeps on `wake`
  /// otherwise.
  void progressLoop() {
    std::unique_lock<std::mutex> lock(mpi);
    while (!stopping) {
      if (pending.empty()) {
        wake.wait(lock);
        continue;
      }
      poll();
      lock.unlock();
      std::this_thread::sleep_for(pollInterval);
      lock.lock();
    }
  }

  int rankValue, worldValue;
  std::mutex &mpi;
  const Timeout &timeout;
  MPI_Comm scatterComm = MPI_COMM_NULL, gatherComm = MPI_COMM_NULL;
  /// Two bytes, and the sums of f16 and bf16 values in them.
  MPI_Datatype halfType = MPI_DATATYPE_NULL;
  MPI_Op f16Sum = MPI_OP_NULL, bf16Sum = MPI_OP_NULL;
  std::vector<double> gathered;
  Handle nextHandle = 1;
  std::map<Handle, Pending> pending;
  std::condition_variable wake;
  bool stopping = false;
  std::chrono::microseconds pollInterval{0};
  std::thread progressThread;
};

/// The control plane over MPI_COMM_WORLD, and the job.
class Mpi final : public Communicator {
public:
  explicit Mpi(bool threaded) {
    MPI_Comm_rank(MPI_COMM_WORLD, &rankValue);
    MPI_Comm_size(MPI_COMM_WORLD, &worldValue);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    dataPlane = std::make_unique<MpiData>(rankValue, worldValue, mpi, threaded,
                                          timeout);
  }
  ~Mpi() override {
    dataPlane.reset(); // its thread stops before MPI does
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized)
      MPI_Finalize();
  }

  int rank() const override { return rankValue; }
  int world() const override { return worldValue; }
  std::string describe() const override {
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int length = 0;
    MPI_Get_library_version(version, &length);
    std::string text(version, length);
    return text.substr(0, text.find(','));
  }

  void allreduceSum(double *data, int64_t count) override {
    std::lock_guard<std::mutex> lock(mpi);
    sumInRankOrder(data, count, worldValue, gathered,
                   "an all-reduce of " + std::to_string(count) +
                       " values between steps",
                   timeout);
  }

  void broadcast(void *data, int64_t bytes, int root) override {
    std::lock_guard<std::mutex> lock(mpi);
    MPI_Request request = MPI_REQUEST_NULL;
    check(MPI_Ibcast(data, asInt(bytes, "a broadcast"), MPI_BYTE, root,
                     MPI_COMM_WORLD, &request),
          "MPI_Ibcast");
    complete(request,
             "a broadcast of " + std::to_string(bytes) + " bytes from rank " +
                 std::to_string(root),
             timeout);
  }

  std::vector<uint64_t> allgather(uint64_t value, const char *what) override {
    std::lock_guard<std::mutex> lock(mpi);
    std::vector<uint64_t> all(worldValue);
    MPI_Request request = MPI_REQUEST_NULL;
    check(MPI_Iallgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T,
                         MPI_COMM_WORLD, &request),
          "MPI_Iallgather");
    complete(request, std::string("an all-gather of ") + what, timeout);
    return all;
  }

  void setCollectiveTimeout(double seconds) override {
    std::lock_guard<std::mutex> lock(mpi);
    timeout.seconds = seconds;
  }

  [[noreturn]] void abortJob() override {
    // Without `mpi`: the caller may be the thread that holds it.
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::_Exit(1);
  }

  DataPlane &data() override { return *dataPlane; }

private:
  int rankValue = 0, worldValue = 1;
  /// Held by every MPI call of the process.
  std::mutex mpi;
  Timeout timeout;
  std::vector<double> gathered;
  std::unique_ptr<MpiData> dataPlane;
};

bool launchedByMpi() {
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(name))
      return true;
  return false;
}
} // namespace

std::unique_ptr<Communicator> openCommunicator(int &argc, char **&argv,
                                               std::string &error) {
  if (!launchedByMpi())
    return singleProcessCommunicator();
  // Serialized: the data plane's progress thread calls MPI too, never at
  // the same time as another thread. A library that cannot grant it gets
  // no progress thread (sums then advance inside the step's calls).
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided) !=
      MPI_SUCCESS) {
    error = "MPI_Init_thread failed";
    return nullptr;
  }
  return std::make_unique<Mpi>(provided >= MPI_THREAD_SERIALIZED);
}

} // namespace trainc::rt
