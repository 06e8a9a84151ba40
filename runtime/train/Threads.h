//===- Threads.h - how many OpenMP threads the kernels use ------*- C++ -*-===//
//
// oneDNN (Debian's libdnnl) and the generated loops run on libgomp. Each
// process takes its share of the cores it may run on, so that `mpirun -np 2`
// on two cores gives each rank one thread instead of oversubscribing.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_THREADS_H
#define TRAINC_RUNTIME_TRAIN_THREADS_H

namespace trainc::rt {

/// `cores` divided by the ranks on this node (`localSize`, the value of
/// OMPI_COMM_WORLD_LOCAL_SIZE or nullptr when unset; ignored unless a
/// positive integer), at least 1.
int threadsForShare(int cores, const char *localSize);

/// The CPUs in this process's affinity mask (sched_getaffinity).
int affinityCores();

/// threadsForShare(affinityCores(), getenv("OMPI_COMM_WORLD_LOCAL_SIZE")).
int defaultThreads();

/// Sets the OpenMP threads of every later parallel region
/// (omp_set_num_threads); `requested` 0 means defaultThreads(). Returns the
/// number set.
int setThreads(int requested);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_THREADS_H
