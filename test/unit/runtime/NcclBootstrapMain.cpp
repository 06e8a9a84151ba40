//===- NcclBootstrapMain.cpp - NCCL's id over MPI, without a GPU ----------===//
//
// trainc-nccl-bootstrap: the first half of the CUDA target's multi-GPU
// start-up, which needs no GPU. Under mpirun, rank 0 makes NCCL's unique id
// and the runtime broadcasts it over MPI (cuda/NcclDataPlane.h
// bootstrapNccl, the code the training executables run); each rank prints
// the hash of the id it holds and how many of its bytes are non-zero, so
// that test/Runtime/nccl-bootstrap.test can check every rank holds rank 0's
// id, and that the id is one.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "Error.h"
#include "cuda/NcclDataPlane.h"
#include "train/Hash.h"

#include <cstdio>

using namespace trainc::rt;

int main(int argc, char **argv) {
  RuntimeContext &context = runtimeContext();
  joinJob(argc, argv);
  NcclId id = bootstrapNccl(*context.comm);
  int nonzero = 0;
  for (char byte : id.bytes)
    nonzero += byte != 0;
  std::printf("rank %d of %d: %s id %s, %d of %zu bytes non-zero\n",
              context.rank, context.world, ncclVersionText().c_str(),
              hex64(hashNcclId(id)).c_str(), nonzero, sizeof(id.bytes));
  std::fflush(stdout);
  context.comm.reset();
  return 0;
}
