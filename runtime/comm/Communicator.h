//===- Communicator.h - the ranks of a data-parallel job ---------*- C++
//-*-===//
//
// Everything the runtime and the generated code ask of the other processes
// goes through these interfaces, split as ChainerMN and Horovod split it: a
// control plane (rank, world, broadcast, allgather, abort), MPI on every
// target, and a data plane whose collectives are ordered on a stream, so
// that NCCL slots in beside MPI on the CUDA target. Nothing above them
// knows MPI.
//
// The MPI data plane splits the gradient all-reduce in two collectives,
// reduce-scatter then all-gather: each slice of the sum is computed once,
// by the rank that owns it, and copied to the others, so every rank holds
// bit-identical sums whatever the MPI library's algorithms (OPTIMIZERS.md
// I7, I10). Starting returns a handle; a progress thread advances the sums
// in flight while the step computes, and wait() completes one.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_COMM_COMMUNICATOR_H
#define TRAINC_RUNTIME_COMM_COMMUNICATOR_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace trainc::rt {

/// What the data plane orders its collectives on: the CUDA stream of the
/// step on the CUDA target; null on the CPU, where program order is the
/// order.
using Stream = void *;

/// The data plane: the collectives of the training step on the data it
/// trains with (gradient buckets; the loss and synchronised BatchNorm's
/// sums). Each is ordered on a stream: start() enqueues a sum after the
/// work already on `stream`, and wait() orders later work on `stream` after
/// it (on the CPU: returns when it is complete). MPI on the CPU target,
/// with a progress thread of its own; NCCL on the CUDA target.
class DataPlane {
public:
  using Handle = int64_t;
  /// The element types a sum can travel in.
  enum class Wire { F32, F16, BF16 };

  virtual ~DataPlane() = default;
  /// What carries the sums when it is not the communicator ("NCCL
  /// 2.28.9"); "" for the communicator's own.
  virtual std::string describe() const { return ""; }
  /// Starts the sum over ranks of `count` values of type `wire`, in place
  /// (16-bit values are added in float and rounded back, per step of the
  /// reduction). `data` must stay valid and untouched until wait(). `what`
  /// names the sum in errors ("gradient bucket 3").
  virtual Handle start(void *data, int64_t count, Wire wire, Stream stream,
                       const std::string &what) = 0;
  /// Whether the sum has completed, without blocking.
  virtual bool test(Handle handle) = 0;
  /// Completes the sum before the later work on `stream`.
  virtual void wait(Handle handle, Stream stream) = 0;
  /// Sums `count` doubles over ranks in place, the same bits on every rank
  /// (synchronised BatchNorm's sums), ordered on `stream`: on the CPU added
  /// in rank order.
  virtual void allreduceSum(double *data, int64_t count, Stream stream,
                            const std::string &what) = 0;
  /// Replaces `count` floats by their sum over ranks, or their mean, the
  /// same bits on every rank (the loss), ordered on `stream`.
  virtual void allreduceFloat(float *data, int64_t count, bool mean,
                              Stream stream, const std::string &what) = 0;
};

/// The control plane, and the job: who this process is, the small
/// blocking collectives of start-up, checks and evaluation, and the abort
/// that ends every process (MPI on every target), plus the data plane.
class Communicator {
public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int world() const = 0;
  /// "single process", "Open MPI 4.1.4"
  virtual std::string describe() const = 0;

  /// Sums `count` doubles over ranks in place, in rank order (evaluation
  /// counts and the like, between steps).
  virtual void allreduceSum(double *data, int64_t count) = 0;
  /// Copies `bytes` bytes from rank `root` to every rank.
  virtual void broadcast(void *data, int64_t bytes, int root) = 0;
  /// Every rank's `value`, in rank order; `what` names it in a timeout's
  /// message ("an all-gather of WHAT did not complete ...").
  virtual std::vector<uint64_t> allgather(uint64_t value,
                                          const char *what = "a check value") = 0;

  /// Ends every process of the job with exit status 1; the caller has
  /// printed its error.
  [[noreturn]] virtual void abortJob() = 0;

  /// A collective that has not completed after `seconds` ends the job with
  /// a line naming it (--collective-timeout; default 300 s): a rank that
  /// stopped or a link that went down never hangs the others.
  virtual void setCollectiveTimeout(double seconds) { (void)seconds; }

  /// The collectives of the training step.
  virtual DataPlane &data() = 0;
};

/// The communicator of this process: MPI when a launcher started it
/// (mpirun sets OMPI_COMM_WORLD_SIZE or PMIX_RANK), a single process
/// otherwise. On failure returns null with `error` set.
std::unique_ptr<Communicator> openCommunicator(int &argc, char **&argv,
                                               std::string &error);

/// The single-process communicator (also what tests use).
std::unique_ptr<Communicator> singleProcessCommunicator();

/// The error line of a collective that did not complete in time: "<what>
/// did not complete within S s (--collective-timeout): ...".
std::string collectiveTimeoutMessage(const std::string &what, double seconds);

/// Slices of a reduce-scatter: `count` values over `world` ranks, the first
/// count % world ranks one more.
std::vector<int64_t> sliceCounts(int64_t count, int world);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_COMM_COMMUNICATOR_H
