//===- Threads.cpp - how many OpenMP threads the kernels use --------------===//

#include "train/Threads.h"

#include <omp.h>
#include <sched.h>

#include <cstdlib>
#include <string>

namespace trainc::rt {

int threadsForShare(int cores, const char *localSize) {
  int ranks = 1;
  if (localSize) {
    std::string text = localSize;
    if (!text.empty() && text.size() <= 6 &&
        text.find_first_not_of("0123456789") == std::string::npos)
      ranks = std::atoi(text.c_str());
    if (ranks < 1)
      ranks = 1;
  }
  int share = cores / ranks;
  return share < 1 ? 1 : share;
}

int affinityCores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0)
    return 1;
  int count = CPU_COUNT(&set);
  return count < 1 ? 1 : count;
}

int defaultThreads() {
  return threadsForShare(affinityCores(),
                         std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE"));
}

int setThreads(int requested) {
  int threads = requested > 0 ? requested : defaultThreads();
  omp_set_num_threads(threads);
  return threads;
}

} // namespace trainc::rt
