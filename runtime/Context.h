//===- Context.h - the runtime's one piece of mutable state ------*- C++
//-*-===//
//
// Everything the runtime mutates after start-up lives in one RuntimeContext:
// who we are (program name, rank, world size) for error messages, and the
// oneDNN objects the kernels cache. No other global mutable state exists.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_CONTEXT_H
#define TRAINC_RUNTIME_CONTEXT_H

#include "comm/Communicator.h"

#include <memory>
#include <mutex>
#include <string>

namespace trainc::rt {

struct KernelCache; // kernels/KernelCache.h; keeps dnnl.hpp out of here.
struct NlcgSettings; // train/Nlcg.h
class BucketReduce; // comm/BucketReduce.h
class Device; // train/Device.h

struct RuntimeContext {
  RuntimeContext();
  ~RuntimeContext();
  RuntimeContext(const RuntimeContext &) = delete;
  RuntimeContext &operator=(const RuntimeContext &) = delete;

  /// Names the process in every error line.
  std::string program = "train";
  /// This process's rank and the number of processes training together.
  int rank = 0, world = 1;
  /// The other ranks (single process unless launched by mpirun).
  std::unique_ptr<Communicator> comm;
  /// The gradient all-reduce of the train step in progress, which the
  /// step's trainc_rt_allreduce_start/wait calls drive; null outside a step.
  BucketReduce *activeReduce = nullptr;
  /// The stream the step's work and collectives are ordered on (the CUDA
  /// target's); null on the CPU, where program order is the order.
  Stream stream = nullptr;
  /// Where the model's arenas live: null on the CPU target, the GPU on the
  /// CUDA target (installed by the CUDA runtime's main()).
  std::unique_ptr<Device> device;
  /// The device's own data plane (NCCL on the CUDA target with several
  /// ranks), which then carries the step's collectives instead of the
  /// communicator's; null otherwise. Destroyed before the communicator.
  std::unique_ptr<DataPlane> deviceData;
  /// The NLCG flags of the run (trainc_rt_nlcg_phase); null: the defaults.
  const NlcgSettings *nlcg = nullptr;
  /// A '\r'-updated progress line is on the terminal: fatal() ends it
  /// before printing its own line.
  bool progressLineOpen = false;

  /// Guards `kernels`; held while a kernel looks up, creates or runs its
  /// primitive (see kernels/DnnlKernels.cpp for why it is held while running).
  std::mutex kernelMutex;
  /// The oneDNN engine, stream and primitives, created by the first kernel.
  std::unique_ptr<KernelCache> kernels;
};

/// The process's one context.
RuntimeContext &runtimeContext();

/// The context a runtime call of the generated code received first
/// (trainc_step_args.context): the process's one context. A null one (a
/// caller that did not fill trainc_step_args.context) is a fatal error.
RuntimeContext &contextOf(void *context);

/// The context's communicator; a single-process one until main() opens it.
Communicator &communicator();

/// Names the process after argv[0] and opens its communicator (MPI under
/// mpirun), setting the context's rank and world; fatal() on failure.
void joinJob(int &argc, char **&argv);

/// What carries the training step's collectives: the device's data plane
/// when it has one (NCCL), else the communicator's (MPI).
DataPlane &dataPlane();

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_CONTEXT_H
