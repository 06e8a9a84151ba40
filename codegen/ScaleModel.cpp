//===- ScaleModel.cpp - alpha-beta model of data-parallel training --------===//
//
// The formulas are in ScaleModel.h, beside each function.
//
//===----------------------------------------------------------------------===//

#include "codegen/ScaleModel.h"

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>

namespace trainc::scale {

Cluster Cluster::h100(double nicGbits) {
  Cluster c;
  c.gpusPerNode = 8;
  c.intra = Link{1e-6, 450e9};
  c.inter = Link{5e-6, nicGbits * 1e9 / 8};
  c.hbmBandwidth = 3.35e12;
  return c;
}

int64_t Cluster::nodes(int64_t p) const {
  return (p + gpusPerNode - 1) / gpusPerNode;
}

const Link &Cluster::slowest(int64_t p) const {
  return p > gpusPerNode ? inter : intra;
}

namespace {
/// ceil(log2 n) for n >= 1.
int64_t ceilLog2(int64_t n) {
  int64_t d = 0;
  while ((int64_t(1) << d) < n)
    ++d;
  return d;
}
} // namespace

double ringAllReduce(const Cluster &cluster, int64_t p, double bytes) {
  if (p <= 1)
    return 0;
  // 2 (p - 1) steps of bytes / p over the ring's slowest hop.
  return 2.0 * double(p - 1) *
         cluster.slowest(p).send(bytes / double(p));
}

double treeAllReduce(const Cluster &cluster, int64_t p, double bytes) {
  if (p <= 1)
    return 0;
  // Depth: inside a node over NVLink, then between nodes over InfiniBand.
  int64_t inNode = std::min<int64_t>(p, cluster.gpusPerNode);
  double depthLatency =
      double(ceilLog2(inNode)) * cluster.intra.latency +
      double(ceilLog2(cluster.nodes(p))) * cluster.inter.latency;
  // Up and down; each GPU sends `bytes` each way over its slowest link.
  return 2.0 * depthLatency + 2.0 * bytes / cluster.slowest(p).bandwidth;
}

AllReduceTime bestAllReduce(const Cluster &cluster, int64_t p, double bytes) {
  double ring = ringAllReduce(cluster, p, bytes);
  double tree = treeAllReduce(cluster, p, bytes);
  if (tree < ring)
    return {tree, Algorithm::Tree};
  return {ring, Algorithm::Ring};
}

const char *algorithmName(Algorithm algorithm) {
  return algorithm == Algorithm::Tree ? "tree" : "ring";
}

double wireBytes(double bytes, bool fp16) { return fp16 ? bytes / 2 : bytes; }

StepTime simulateStep(const std::vector<StepEvent> &events,
                      const Cluster &cluster, int64_t p,
                      const StepOptions &options) {
  StepTime result;
  bool communicate = p > 1;
  bool fp16 = options.fp16 && communicate;
  double clock = 0;       // the compute stream
  double networkFree = 0; // when the network finishes its last collective
  std::map<int, double> done; // bucket -> end of its all-reduce
  // Without overlap: the buckets ready but not yet issued.
  std::deque<std::pair<int, double>> pending;

  // Issues one collective of `onWire` bytes no earlier than `ready`.
  auto issue = [&](double ready, double onWire) {
    double begin = std::max(ready, networkFree);
    double t = communicate ? bestAllReduce(cluster, p, onWire).seconds : 0;
    networkFree = begin + t;
    result.communication += t;
    return networkFree;
  };
  // fp16: read 4 and write 2 bytes per float32 element (bytes / 4
  // elements), the same again to decompress.
  auto convert = [&](double bytes) {
    double t = fp16 ? 1.5 * bytes / cluster.hbmBandwidth : 0;
    clock += t;
    result.compute += t;
  };
  // Without overlap: the end of backward; every pending all-reduce runs
  // now, one after the other, and the GPU waits for the last.
  auto flush = [&] {
    if (options.overlap)
      return;
    for (auto [bucket, bytes] : pending)
      done[bucket] = issue(clock, wireBytes(bytes, fp16));
    pending.clear();
    clock = std::max(clock, networkFree);
  };

  for (const StepEvent &e : events) {
    switch (e.kind) {
    case StepEvent::Compute:
      clock += e.seconds;
      result.compute += e.seconds;
      break;
    case StepEvent::Start:
      convert(e.bytes);
      if (options.overlap)
        done[e.bucket] = issue(clock, wireBytes(e.bytes, fp16));
      else
        pending.emplace_back(e.bucket, e.bytes);
      break;
    case StepEvent::Wait: {
      flush();
      auto it = done.find(e.bucket);
      if (it != done.end())
        clock = std::max(clock, it->second);
      // The epilogue reads the 16-bit sums: decompression's bytes.
      auto start = std::find_if(events.begin(), events.end(),
                                [&](const StepEvent &s) {
                                  return s.kind == StepEvent::Start &&
                                         s.bucket == e.bucket;
                                });
      if (start != events.end())
        convert(start->bytes);
      break;
    }
    case StepEvent::Blocking:
      flush();
      clock = issue(clock, e.bytes);
      break;
    }
  }
  flush();
  result.seconds = clock;
  return result;
}

double efficiency(const std::vector<StepEvent> &events, const Cluster &cluster,
                  int64_t p, const StepOptions &options) {
  double one = simulateStep(events, cluster, 1, options).seconds;
  double many = simulateStep(events, cluster, p, options).seconds;
  return many > 0 ? one / many : 1.0;
}

} // namespace trainc::scale
