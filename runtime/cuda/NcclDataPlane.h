//===- NcclDataPlane.h - the collectives of several GPUs --------*- C++ -*-===//
//
// The CUDA target's data plane (comm/Communicator.h) when several processes
// train together, one GPU each, as ChainerMN does it: MPI starts the
// processes and stays the control plane (plan hash, checks, abort); rank 0
// makes NCCL's unique id and MPI broadcasts it; NCCL carries every
// collective of the step.
//
// Every collective runs on one communication stream, in the order the step
// issues them (the same on every rank). A gradient bucket's sum waits on
// the step stream's work so far (an event: backward has written the
// bucket), and the step stream's later work (the bucket's fused update)
// waits on the sum's completion (another event): the host never blocks
// between buckets, and backward keeps computing while buckets travel.
// The loss and synchronised BatchNorm's sums go the same way (the step
// stream waits for them at once).
//
// While the host waits on the GPU (the loss, once per step), the plane
// watches NCCL: an asynchronous error (a peer died, a link went down) or a
// collective in flight for longer than --collective-timeout aborts the
// communicator and ends the job with a line naming the collective and
// NCCL's own account, which names the peer.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_CUDA_NCCLDATAPLANE_H
#define TRAINC_RUNTIME_CUDA_NCCLDATAPLANE_H

#include "comm/Communicator.h"

#include <memory>

namespace trainc::rt {

class CudaDevice;

/// NCCL's unique id (ncclUniqueId: NCCL_UNIQUE_ID_BYTES), kept out of the
/// header so that only NcclDataPlane.cpp sees nccl.h.
struct NcclId {
  char bytes[128];
};

/// Rank 0 makes NCCL's unique id (no GPU needed) and broadcasts it over
/// the control plane; every rank then checks, by an all-gathered hash,
/// that it holds rank 0's. Calls fatal() with one line on failure.
NcclId bootstrapNccl(Communicator &comm);

/// A 64-bit hash of the id (what bootstrapNccl compares).
uint64_t hashNcclId(const NcclId &id);

/// NCCL's version, "NCCL 2.28.9".
std::string ncclVersionText();

/// The data plane of rank `rank` of `world` on `device` (current on this
/// thread), from the bootstrapped id; installs itself as the device's
/// watch while the host waits. fatal() with one line when NCCL cannot
/// start within `timeoutSeconds`.
std::unique_ptr<DataPlane> openNcclDataPlane(CudaDevice &device,
                                             const NcclId &id, int rank,
                                             int world, double timeoutSeconds);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_CUDA_NCCLDATAPLANE_H
