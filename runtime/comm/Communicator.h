//===- Communicator.h - the ranks of a data-parallel job ---------*- C++ -*-===//
//
// Everything the runtime (and, later, the generated code) asks of the other
// processes goes through this interface: nothing above it knows MPI, so the
// NCCL implementation of the CUDA target slots in beside the MPI one.
//
// The gradient all-reduce is split in two collectives, reduce-scatter then
// all-gather: each slice of the sum is computed once, by the rank that owns
// it, and copied to the others, so every rank holds bit-identical sums
// whatever the MPI library's algorithms (OPTIMIZERS.md I7, I10). Starting
// returns a handle; test() progresses it without blocking, wait() completes
// it, so a reduction can run while other work does.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_COMM_COMMUNICATOR_H
#define TRAINC_RUNTIME_COMM_COMMUNICATOR_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trainc::rt {

class Communicator {
public:
  using Handle = int64_t;

  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world() const = 0;
  /// "single process", "Open MPI 4.1.4"
  virtual std::string describe() const = 0;

  /// The element types a sum can travel in.
  enum class Wire { F32, F16, BF16 };

  /// Starts the sum over ranks of `count` values of type `wire`, in place
  /// (16-bit values are added in float and rounded back, per step of the
  /// reduction). `data` must stay valid and untouched until wait() returns.
  virtual Handle allreduceSumStart(void *data, int64_t count, Wire wire) = 0;
  /// Progresses the collective; true once it has completed (then wait()
  /// returns at once).
  virtual bool test(Handle handle) = 0;
  virtual void wait(Handle handle) = 0;

  /// Sums `count` doubles over ranks in place, added in rank order so that
  /// every rank gets the same bits (loss, statistics, evaluation counts).
  virtual void allreduceSum(double *data, int64_t count) = 0;
  /// Copies `bytes` bytes from rank `root` to every rank.
  virtual void broadcast(void *data, int64_t bytes, int root) = 0;
  /// Every rank's `value`, in rank order.
  virtual std::vector<uint64_t> allgather(uint64_t value) = 0;

  /// Ends every process of the job with exit status 1; the caller has
  /// printed its error.
  [[noreturn]] virtual void abortJob() = 0;
};

/// The communicator of this process: MPI when a launcher started it
/// (mpirun sets OMPI_COMM_WORLD_SIZE or PMIX_RANK), a single process
/// otherwise. On failure returns null with `error` set.
std::unique_ptr<Communicator> openCommunicator(int &argc, char **&argv,
                                               std::string &error);

/// The single-process communicator (also what tests use).
std::unique_ptr<Communicator> singleProcessCommunicator();

/// Slices of a reduce-scatter: `count` values over `world` ranks, the first
/// count % world ranks one more.
std::vector<int64_t> sliceCounts(int64_t count, int world);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_COMM_COMMUNICATOR_H
