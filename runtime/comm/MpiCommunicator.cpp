//===- MpiCommunicator.cpp - ranks over MPI (Open MPI) --------------------===//
//
// MPI is initialised only when a launcher started the process, so a plain
// ./train_resnet never touches it. Errors come back as return codes
// (MPI_ERRORS_RETURN) and end the job through fatal(), naming the call.
//
//===----------------------------------------------------------------------===//

#include "comm/Communicator.h"

#include "Error.h"

// The C API only: no MPI C++ bindings (libmpi_cxx) to link.
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <map>
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

class Mpi final : public Communicator {
public:
  Mpi() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rankValue);
    MPI_Comm_size(MPI_COMM_WORLD, &worldValue);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    // Every rank must issue the collectives of a communicator in the same
    // order. The two phases of the gradient all-reduce get communicators
    // of their own: reduce-scatters start in program order (identical on
    // every rank), and all-gathers start in the same order, since a
    // bucket's starts only after every earlier bucket's has.
    check(MPI_Comm_dup(MPI_COMM_WORLD, &scatterComm), "MPI_Comm_dup");
    check(MPI_Comm_dup(MPI_COMM_WORLD, &gatherComm), "MPI_Comm_dup");
  }
  ~Mpi() override {
    MPI_Comm_free(&scatterComm);
    MPI_Comm_free(&gatherComm);
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

  /// Phase 1 reduces each rank's slice into `slice`; phase 2 gathers the
  /// slices back into `data`.
  struct Pending {
    float *data;
    std::vector<int> counts, displs;
    std::vector<float> slice;
    MPI_Request request = MPI_REQUEST_NULL;
    int phase = 1;
  };

  Handle allreduceSumStart(float *data, int64_t count) override {
    Handle handle = nextHandle++;
    Pending &p = pending[handle];
    p.data = data;
    std::vector<int64_t> counts = sliceCounts(count, worldValue);
    int64_t offset = 0;
    for (int64_t c : counts) {
      p.counts.push_back(asInt(c, "an all-reduce slice"));
      p.displs.push_back(asInt(offset, "an all-reduce"));
      offset += c;
    }
    p.slice.resize(counts[rankValue]);
    check(MPI_Ireduce_scatter(data, p.slice.data(), p.counts.data(),
                              MPI_FLOAT, MPI_SUM, scatterComm, &p.request),
          "MPI_Ireduce_scatter");
    return handle;
  }

  /// Starts the all-gather of every pending reduction, oldest first, whose
  /// reduce-scatter has completed; stops at the first that has not (waits
  /// for it, and for those before it, up to `until` when given).
  void advance(Handle until) {
    for (auto &[handle, p] : pending) {
      if (p.phase == 2)
        continue;
      if (handle <= until) {
        check(MPI_Wait(&p.request, MPI_STATUS_IGNORE), "MPI_Wait");
      } else {
        int done = 0;
        check(MPI_Test(&p.request, &done, MPI_STATUS_IGNORE), "MPI_Test");
        if (!done)
          return;
      }
      p.phase = 2;
      check(MPI_Iallgatherv(p.slice.data(), p.counts[rankValue], MPI_FLOAT,
                            p.data, p.counts.data(), p.displs.data(),
                            MPI_FLOAT, gatherComm, &p.request),
            "MPI_Iallgatherv");
    }
  }

  bool test(Handle handle) override {
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

  void wait(Handle handle) override {
    auto it = pending.find(handle);
    if (it == pending.end())
      return;
    advance(handle);
    check(MPI_Wait(&it->second.request, MPI_STATUS_IGNORE), "MPI_Wait");
    pending.erase(it);
  }

  void allreduceSum(double *data, int64_t count) override {
    // Every rank's values, added in rank order here: the same bits on every
    // rank whatever algorithm MPI_Allreduce would pick (the vectors are
    // small: statistics and counts).
    int n = asInt(count, "an all-reduce");
    gathered.resize(static_cast<size_t>(count) * worldValue);
    check(MPI_Allgather(data, n, MPI_DOUBLE, gathered.data(), n, MPI_DOUBLE,
                        MPI_COMM_WORLD),
          "MPI_Allgather");
    for (int64_t i = 0; i < count; ++i) {
      double sum = gathered[i];
      for (int r = 1; r < worldValue; ++r)
        sum += gathered[static_cast<size_t>(r) * count + i];
      data[i] = sum;
    }
  }

  void broadcast(void *data, int64_t bytes, int root) override {
    check(MPI_Bcast(data, asInt(bytes, "a broadcast"), MPI_BYTE, root,
                    MPI_COMM_WORLD),
          "MPI_Bcast");
  }

  std::vector<uint64_t> allgather(uint64_t value) override {
    std::vector<uint64_t> all(worldValue);
    check(MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T,
                        MPI_COMM_WORLD),
          "MPI_Allgather");
    return all;
  }

  [[noreturn]] void abortJob() override {
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::_Exit(1);
  }

private:
  int rankValue = 0, worldValue = 1;
  MPI_Comm scatterComm = MPI_COMM_NULL, gatherComm = MPI_COMM_NULL;
  /// allreduceSum's receive buffer, kept between calls.
  std::vector<double> gathered;
  Handle nextHandle = 1;
  std::map<Handle, Pending> pending;
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
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) !=
      MPI_SUCCESS) {
    error = "MPI_Init_thread failed";
    return nullptr;
  }
  return std::make_unique<Mpi>();
}

} // namespace trainc::rt
