//===- ScaleModelTest.cpp - the alpha-beta model of --scale ---------------===//
//
// codegen/ScaleModel.h against cases computed by hand: ring and tree
// all-reduce on the report's H100 cluster and on toy clusters with round
// numbers, and the step simulator with and without overlap and fp16.
//
//===----------------------------------------------------------------------===//

#include "codegen/ScaleModel.h"

#include <gtest/gtest.h>

#include <random>

using namespace trainc::scale;

namespace {
/// Relative comparison for the seconds.
void expectNear(double expected, double actual) {
  EXPECT_NEAR(expected, actual, 1e-9 * std::max(1.0, std::abs(expected)))
      << "expected " << expected << ", got " << actual;
}

/// A toy cluster: `perNode` GPUs per node, NVLink 1 s and 10 B/s,
/// InfiniBand 10 s and 1 B/s.
Cluster toy(int perNode) {
  Cluster c;
  c.gpusPerNode = perNode;
  c.intra = Link{1, 10};
  c.inter = Link{10, 1};
  c.hbmBandwidth = 1e300;
  return c;
}

/// Every link 0 s and 1 B/s, one GPU per node: on 2 GPUs a ring
/// all-reduce of n bytes takes 2 (2 - 1) (n / 2) / 1 = n seconds (the
/// tree's 2 n is slower).
Cluster unit() {
  Cluster c;
  c.gpusPerNode = 1;
  c.intra = Link{0, 1};
  c.inter = Link{0, 1};
  c.hbmBandwidth = 1e300;
  return c;
}

StepEvent compute(double s) { return {StepEvent::Compute, s, -1, 0}; }
StepEvent start(int b, double bytes) { return {StepEvent::Start, 0, b, bytes}; }
StepEvent wait(int b) { return {StepEvent::Wait, 0, b, 0}; }
StepEvent blocking(double bytes) {
  return {StepEvent::Blocking, 0, -1, bytes};
}

/// forward + backward to bucket 0 (10 s), bucket 0 (4 B) ready, 5 s more
/// of backward, bucket 1 (6 B) ready, 1 s (the loss), then each bucket's
/// update (2 s, 3 s) after its wait. 21 s of compute.
std::vector<StepEvent> twoBuckets() {
  return {compute(10), start(0, 4), compute(5), start(1, 6), compute(1),
          wait(0),     compute(2),  wait(1),    compute(3)};
}
} // namespace

TEST(ScaleModelTest, H100Cluster) {
  Cluster c = Cluster::h100(100);
  EXPECT_EQ(c.gpusPerNode, 8);
  expectNear(450e9, c.intra.bandwidth);
  expectNear(1e-6, c.intra.latency);
  expectNear(12.5e9, c.inter.bandwidth); // 100 Gb/s = 12.5 GB/s
  expectNear(5e-6, c.inter.latency);
  expectNear(50e9, Cluster::h100(400).inter.bandwidth);
  EXPECT_EQ(c.nodes(1), 1);
  EXPECT_EQ(c.nodes(8), 1);
  EXPECT_EQ(c.nodes(9), 2);
  EXPECT_EQ(c.nodes(1024), 128);
  EXPECT_EQ(&c.slowest(8), &c.intra);
  EXPECT_EQ(&c.slowest(16), &c.inter);
}

TEST(ScaleModelTest, RingByHand) {
  Cluster c = Cluster::h100(100);
  EXPECT_EQ(ringAllReduce(c, 1, 1e9), 0);
  // 2 GPUs in a node, 1 GB: 2 (1 us + 0.5 GB / 450 GB/s).
  expectNear(2 * (1e-6 + 0.5e9 / 450e9), ringAllReduce(c, 2, 1e9));
  // 8 GPUs, 100 MB: 14 (1 us + 12.5 MB / 450 GB/s) = 3.9029 ms.
  expectNear(14 * (1e-6 + 12.5e6 / 450e9), ringAllReduce(c, 8, 100e6));
  // 16 GPUs on 2 nodes, 100 MB at 100 Gb/s: 30 (5 us + 6.25 MB / 12.5
  // GB/s) = 30 x 505 us = 15.15 ms.
  expectNear(15.15e-3, ringAllReduce(c, 16, 100e6));
  // 1024 GPUs, 4 kB: 2046 (5 us + 4 B / 12.5 GB/s): the latency.
  expectNear(2046 * (5e-6 + 4.0 / 12.5e9), ringAllReduce(c, 1024, 4096));
  // The toy cluster, 4 GPUs on 2 nodes, 8 B: 6 steps of (10 s + 2 B / 1
  // B/s) = 72 s; inside one node (2 GPUs): 2 (1 s + 4 B / 10 B/s) = 2.8 s.
  expectNear(72, ringAllReduce(toy(2), 4, 8));
  expectNear(2.8, ringAllReduce(toy(2), 2, 8));
}

TEST(ScaleModelTest, TreeByHand) {
  Cluster c = Cluster::h100(100);
  EXPECT_EQ(treeAllReduce(c, 1, 1e9), 0);
  // 16 GPUs, 100 MB: depth 3 NVLink + 1 InfiniBand hops, up and down:
  // 2 (3 us + 5 us) + 2 x 100 MB / 12.5 GB/s = 16 us + 16 ms.
  expectNear(16e-6 + 16e-3, treeAllReduce(c, 16, 100e6));
  // 1024 GPUs (128 nodes), 4096 B: 2 (3 x 1 us + 7 x 5 us) + 2 x 4096 /
  // 12.5e9 = 76 us + 0.655 us.
  expectNear(76e-6 + 2 * 4096 / 12.5e9, treeAllReduce(c, 1024, 4096));
  // 4 GPUs in a node: 2 x 2 x 1 us + 2 n / 450 GB/s.
  expectNear(4e-6 + 2 * 1e6 / 450e9, treeAllReduce(c, 4, 1e6));
  // Toy: 4 GPUs on 2 nodes, 8 B: 2 (1 + 10) + 2 x 8 / 1 = 38 s.
  expectNear(38, treeAllReduce(toy(2), 4, 8));
  // 6 GPUs (not a power of two) on 3 nodes of 2: 2 (1 x 1 + 2 x 10) + 16.
  expectNear(58, treeAllReduce(toy(2), 6, 8));
}

TEST(ScaleModelTest, BestPicksTheFaster) {
  Cluster c = Cluster::h100(100);
  // Large message on 16 GPUs: ring 15.15 ms, tree 16.016 ms.
  AllReduceTime big = bestAllReduce(c, 16, 100e6);
  EXPECT_EQ(big.algorithm, Algorithm::Ring);
  expectNear(15.15e-3, big.seconds);
  // Small message on 1024 GPUs: tree (77 us) beats the ring (10.2 ms).
  AllReduceTime small = bestAllReduce(c, 1024, 4096);
  EXPECT_EQ(small.algorithm, Algorithm::Tree);
  expectNear(76e-6 + 2 * 4096 / 12.5e9, small.seconds);
  EXPECT_STREQ(algorithmName(Algorithm::Tree), "tree");
  EXPECT_STREQ(algorithmName(Algorithm::Ring), "ring");
  // One GPU: nothing to do.
  EXPECT_EQ(bestAllReduce(c, 1, 100e6).seconds, 0);
}

TEST(ScaleModelTest, StepOnOneGpuIsTheCompute) {
  for (bool overlap : {true, false})
    for (bool fp16 : {true, false}) {
      StepTime t = simulateStep(twoBuckets(), unit(), 1, {overlap, fp16});
      expectNear(21, t.seconds);
      expectNear(21, t.compute);
      EXPECT_EQ(t.communication, 0);
      expectNear(1, efficiency(twoBuckets(), unit(), 1, {overlap, fp16}));
    }
}

TEST(ScaleModelTest, StepWithOverlap) {
  // Bucket 0's all-reduce (4 s) runs 10..14, bucket 1's (6 s) from its
  // ready time 15 to 21; the compute reaches the first wait at 16 (bucket
  // 0 done), updates until 18, waits for bucket 1 until 21, updates until
  // 24.
  StepTime t = simulateStep(twoBuckets(), unit(), 2, {true, false});
  expectNear(24, t.seconds);
  expectNear(21, t.compute);
  expectNear(10, t.communication);
  expectNear(21.0 / 24, efficiency(twoBuckets(), unit(), 2, {true, false}));
}

TEST(ScaleModelTest, StepWithoutOverlap) {
  // Backward ends at 16; the all-reduces run 16..20 and 20..26; the
  // updates 26..28 and 28..31.
  StepTime t = simulateStep(twoBuckets(), unit(), 2, {false, false});
  expectNear(31, t.seconds);
  expectNear(10, t.communication);
}

TEST(ScaleModelTest, NetworkIsFifo) {
  // Both buckets ready at once: the second waits for the first.
  std::vector<StepEvent> events = {compute(1), start(0, 4), start(1, 4),
                                   wait(1), wait(0)};
  expectNear(9, simulateStep(events, unit(), 2, {true, false}).seconds);
}

TEST(ScaleModelTest, Fp16HalvesTheWire) {
  // Bucket 0 (2 B on the wire) 10..12, bucket 1 (3 B) 15..18; the first
  // wait at 16, update to 18, bucket 1 done at 18, update to 21: all
  // hidden.
  StepTime t = simulateStep(twoBuckets(), unit(), 2, {true, true});
  expectNear(21, t.seconds);
  expectNear(5, t.communication);
  // Without overlap: 16 + 2 + 3 = 21, updates to 26.
  expectNear(26, simulateStep(twoBuckets(), unit(), 2, {false, true}).seconds);
}

TEST(ScaleModelTest, Fp16CompressionCost) {
  // HBM at 3 B/s: compressing 4 B of float32 reads 4 and writes 2: 2 s,
  // decompressing as much. Compute 10, compress to 12, the all-reduce of 2
  // B to 14, decompress to 16, update to 17.
  Cluster c = unit();
  c.hbmBandwidth = 3;
  std::vector<StepEvent> events = {compute(10), start(0, 4), wait(0),
                                   compute(1)};
  StepTime t = simulateStep(events, c, 2, {true, true});
  expectNear(17, t.seconds);
  expectNear(15, t.compute);
  expectNear(2, t.communication);
  // One GPU compresses nothing.
  expectNear(11, simulateStep(events, c, 1, {true, true}).seconds);
}

TEST(ScaleModelTest, BlockingAllReduce) {
  // The loss (4 B, never compressed) after bucket 0's 4 B: the network is
  // busy until 14, then the loss until 18; the compute waits for it.
  std::vector<StepEvent> events = {compute(10), start(0, 4), compute(1),
                                   blocking(4), wait(0),     compute(1)};
  expectNear(19, simulateStep(events, unit(), 2, {true, false}).seconds);
  // fp16: bucket 0 takes 2 s (10..12), the loss 12..16.
  expectNear(17, simulateStep(events, unit(), 2, {true, true}).seconds);
  // Without overlap the same here (bucket 0 flushed at the loss, at 11).
  expectNear(20, simulateStep(events, unit(), 2, {false, false}).seconds);
}

TEST(ScaleModelTest, OverlapNeverSlower) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0, 10);
  Cluster clusters[] = {Cluster::h100(100), Cluster::h100(400), toy(2),
                        unit()};
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<StepEvent> events = {compute(u(rng))};
    int buckets = 1 + trial % 6;
    for (int b = 0; b < buckets; ++b)
      events.insert(events.end(), {start(b, 1e6 * u(rng)), compute(u(rng))});
    for (int b = 0; b < buckets; ++b)
      events.insert(events.end(), {wait(b), compute(u(rng) / 10)});
    for (const Cluster &c : clusters)
      for (int64_t p : {1, 2, 3, 8, 16, 1024})
        for (bool fp16 : {false, true}) {
          double with = simulateStep(events, c, p, {true, fp16}).seconds;
          double without = simulateStep(events, c, p, {false, fp16}).seconds;
          EXPECT_LE(with, without * (1 + 1e-12));
          EXPECT_LE(efficiency(events, c, p, {true, fp16}), 1 + 1e-12);
        }
  }
}
