//===- ScaleModel.h - alpha-beta model of data-parallel training -*- C++ -*-===//
//
// The paper benchmark behind `trainc --target=cuda --report --scale`: how
// long one synchronous data-parallel training step takes on p GPUs, from
// the compiled step (compute segments in program order, the points where
// each gradient bucket is ready and where its update waits for it) and an
// alpha-beta model of NCCL's ring and tree all-reduce on a cluster of
// nodes of NVLink-connected GPUs joined by InfiniBand.
//
// Pure C++, no MLIR: the driver fills a StepPlan, the unit tests
// (test/unit/ScaleModelTest.cpp) check the formulas by hand.
//
// Units: seconds, bytes, bytes per second.
//
// The alpha-beta model: sending m bytes over a link of latency alpha and
// bandwidth beta (per direction; links are full duplex) takes
// alpha + m / beta.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_CODEGEN_SCALEMODEL_H
#define TRAINC_CODEGEN_SCALEMODEL_H

#include <cstdint>
#include <string>
#include <vector>

namespace trainc::scale {

/// One kind of link: latency alpha (s) and bandwidth beta (bytes/s in each
/// direction).
struct Link {
  double latency = 0;
  double bandwidth = 1;
  /// alpha + bytes / beta.
  double send(double bytes) const { return latency + bytes / bandwidth; }
};

/// The cluster: nodes of `gpusPerNode` GPUs. Within a node every GPU
/// reaches every other over NVLink (`intra`); between nodes each GPU has
/// its own InfiniBand NIC (`inter`, one NIC per GPU as in a DGX H100), so
/// a ring or tree that leaves a node still gives every GPU one NIC's
/// bandwidth. `hbmBandwidth` prices the element-wise fp16 compression.
struct Cluster {
  int gpusPerNode = 8;
  Link intra;
  Link inter;
  double hbmBandwidth = 3.35e12;

  /// The cluster of the report: 8 GPUs per node; NVLink 4 (H100 SXM):
  /// 900 GB/s is NVIDIA's figure for both directions together, 450 GB/s
  /// each way, 1 us per hop (assumed); InfiniBand: `nicGbits` Gb/s per
  /// GPU (100, 200 or 400: bits, so /8 for bytes), 5 us per hop.
  static Cluster h100(double nicGbits);

  /// The nodes p GPUs span: ceil(p / gpusPerNode).
  int64_t nodes(int64_t p) const;
  /// The slowest link a collective over p GPUs crosses: NVLink while the
  /// p GPUs fit in one node, InfiniBand once they span several.
  const Link &slowest(int64_t p) const;
};

/// Ring all-reduce of `bytes` over p GPUs (reduce-scatter, then
/// all-gather): 2 (p - 1) steps; in each every GPU sends bytes / p to its
/// successor while it receives as much, and a step lasts as long as its
/// slowest hop (InfiniBand once the ring leaves a node):
///   T_ring = 2 (p - 1) (alpha + bytes / (p beta)),   0 for p = 1.
double ringAllReduce(const Cluster &cluster, int64_t p, double bytes);

/// Tree all-reduce as NCCL's double binary tree: a reduce up the tree
/// then a broadcast down, pipelined in chunks. Its depth is
/// ceil(log2 g) NVLink hops inside a node (g = min(p, gpusPerNode)) and
/// ceil(log2 nodes) InfiniBand hops between nodes (log2 p hops in all for
/// powers of two); each of the two trees carries half the data, and every
/// GPU, inner node of one tree and leaf of the other, sends (and
/// receives) bytes up and bytes down over its slowest link:
///   T_tree = 2 (ceil(log2 g) alpha_NVLink + ceil(log2 nodes) alpha_IB)
///            + 2 bytes / beta_slowest,                   0 for p = 1.
/// The pipeline's fill (one chunk per hop) is left out.
double treeAllReduce(const Cluster &cluster, int64_t p, double bytes);

enum class Algorithm { Ring, Tree };
struct AllReduceTime {
  double seconds = 0;
  Algorithm algorithm = Algorithm::Ring;
};
/// The faster of ring and tree (NCCL's tuner picks per size the same way;
/// a tie goes to the ring).
AllReduceTime bestAllReduce(const Cluster &cluster, int64_t p, double bytes);
const char *algorithmName(Algorithm algorithm);

/// One event of the compiled training step, in program order.
struct StepEvent {
  enum Kind {
    /// The GPU computes for `seconds` (kernels and library calls at their
    /// roofline).
    Compute,
    /// Backward has finished bucket `bucket` (`bytes` of float32
    /// gradients): its all-reduce may start (trainc_rt_allreduce_start).
    Start,
    /// The update of bucket `bucket` needs its all-reduce done
    /// (trainc_rt_allreduce_wait).
    Wait,
    /// A blocking all-reduce of `bytes` (the loss, synchronised
    /// BatchNorm's sums): computing resumes when it is done; it travels
    /// uncompressed.
    Blocking,
  };
  Kind kind = Compute;
  double seconds = 0;
  int bucket = -1;
  double bytes = 0;
};

/// How the step communicates.
struct StepOptions {
  /// Each bucket's all-reduce starts as soon as the bucket is ready and
  /// the network is free; otherwise every all-reduce waits for the end of
  /// backward (the first wait or blocking all-reduce) and the GPU computes
  /// nothing until the last one is done.
  bool overlap = true;
  /// Buckets travel in fp16: half the bytes on the wire, and a
  /// compression (read 4, write 2 bytes per element) before the start and
  /// a decompression (read 2, write 4) after the wait, each at the HBM
  /// bandwidth on the compute stream.
  bool fp16 = false;
};

/// The bytes a bucket of `bytes` float32 gradients puts on the wire:
/// bytes, or bytes / 2 in fp16.
double wireBytes(double bytes, bool fp16);

/// The simulated step on p GPUs.
struct StepTime {
  /// From the start of forward to the end of the last update.
  double seconds = 0;
  /// The GPU's own work: the compute events plus fp16 (de)compression.
  double compute = 0;
  /// The bucket and blocking all-reduces' time on the network, summed.
  double communication = 0;
};

/// Simulates one step on p GPUs. One collective at a time on the network,
/// in the order they are issued (NCCL's one communication stream):
///   start of bucket b's all-reduce = max(ready time of b, end of the
///     previous collective),
///   end = start + bestAllReduce(p, bytes on the wire),
///   a Wait moves the compute clock to max(clock, end of its all-reduce).
/// On one GPU no collective costs anything (and nothing is compressed):
/// the step time is the sum of the compute events.
StepTime simulateStep(const std::vector<StepEvent> &events,
                      const Cluster &cluster, int64_t p,
                      const StepOptions &options);

/// Weak-scaling efficiency: the step time on one GPU over that on p GPUs
/// (every GPU keeps its batch, so a perfect system keeps the step time).
double efficiency(const std::vector<StepEvent> &events, const Cluster &cluster,
                  int64_t p, const StepOptions &options);

} // namespace trainc::scale

#endif // TRAINC_CODEGEN_SCALEMODEL_H
