//===- KernelsTest.cpp - the oneDNN kernels against naive references ------===//

#include "trainc/kernels.h"
#include "Context.h"
#include "KernelReference.h"
#include "kernels/KernelCache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <thread>

using namespace trainc::test;

namespace {
/// The context the generated code passes to every runtime call.
void *rtContext() { return &trainc::rt::runtimeContext(); }

// Float32 accumulation of K terms errs by at most about K * 2^-24 times the
// sum of their magnitudes (the reference's `scales`); every sum here has at
// most ~1000 terms, a bound of 6e-5, so 1e-4 relative to that scale passes
// any correct summation order and fails a wrong index or a missing tap,
// which err by whole terms.
constexpr double kTolerance = 1e-4;

struct NamedGeometry {
  const char *name;
  trainc_conv2d_geometry g;
};

// n, c, h, w, m, kh, kw, oh, ow, stride h/w, pads t/l/b/r, dilation h/w,
// groups.
const NamedGeometry kGeometries[] = {
    {"ResNetStem7x7Stride2Pad3",
     {2, 3, 32, 32, 8, 7, 7, 16, 16, 2, 2, 3, 3, 3, 3, 1, 1, 1}},
    {"Conv3x3Stride1Pad1",
     {2, 8, 10, 9, 6, 3, 3, 10, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
    {"Conv1x1Stride2", {2, 8, 9, 9, 16, 1, 1, 5, 5, 2, 2, 0, 0, 0, 0, 1, 1, 1}},
    {"Groups2", {2, 8, 7, 7, 12, 3, 3, 7, 7, 1, 1, 1, 1, 1, 1, 1, 1, 2}},
    // ResNeXt-50 32x4d: 4 channels per group.
    {"Groups32ResNeXt",
     {2, 128, 5, 5, 128, 3, 3, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 32}},
    {"Depthwise", {2, 8, 6, 6, 8, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 8}},
    {"Dilation2", {2, 4, 11, 11, 5, 3, 3, 11, 11, 1, 1, 2, 2, 2, 2, 2, 2, 1}},
    {"AsymmetricPads", {2, 3, 8, 7, 4, 3, 3, 4, 3, 2, 2, 0, 1, 2, 0, 1, 1, 1}},
    // The last input row and column fall between strides and are unused.
    {"StrideRemainder",
     {2, 3, 10, 10, 4, 3, 3, 4, 4, 2, 2, 0, 0, 0, 0, 1, 1, 1}},
    // Legal in ONNX: taps entirely in the padding (border outputs are 0).
    {"PaddingWiderThanKernel",
     {1, 2, 4, 4, 3, 1, 1, 8, 8, 1, 1, 2, 2, 2, 2, 1, 1, 1}},
    {"KernelLargerThanInput",
     {2, 2, 3, 3, 3, 7, 7, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1}},
    {"NonSquareKernelAndStride",
     {1, 4, 7, 9, 6, 1, 3, 7, 4, 1, 2, 0, 0, 0, 0, 1, 1, 1}},
    // Channels enough for oneDNN's blocked layouts, and a batch of 10: its
    // 8 pieces take 1 or 2 samples, two primitives, each with the weights
    // reordered once for all its pieces.
    {"BlockedTwoPieceSizes",
     {10, 16, 6, 6, 32, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
    // A backward filter split by output channel (8 pieces of 9 or 10 of
    // the 76), x reordered once for all of them.
    {"PointwiseByChannel",
     {4, 256, 2, 2, 76, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1}},
};

std::vector<float> randomVector(int64_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> values(size);
  for (float &v : values)
    v = dist(rng);
  return values;
}

std::string describe(const trainc_conv2d_geometry &g) {
  std::ostringstream os;
  os << "x [" << g.n << ", " << g.c << ", " << g.h << ", " << g.w << "] w ["
     << g.m << ", " << g.c / g.groups << ", " << g.kh << ", " << g.kw << "] y ["
     << g.n << ", " << g.m << ", " << g.oh << ", " << g.ow << "] stride "
     << g.stride_h << "x" << g.stride_w << " pads " << g.pad_top << ","
     << g.pad_left << "," << g.pad_bottom << "," << g.pad_right << " dilation "
     << g.dilation_h << "x" << g.dilation_w << " groups " << g.groups;
  return os.str();
}

/// Passes when every element is within kTolerance * scale of the
/// reference; otherwise names the first differing element and how many do.
testing::AssertionResult matches(const std::string &what,
                                 const std::vector<float> &actual,
                                 const Reference &expected) {
  if (actual.size() != expected.values.size())
    return testing::AssertionFailure()
           << what << ": " << actual.size() << " elements, expected "
           << expected.values.size();
  int64_t bad = 0, first = -1;
  for (size_t i = 0; i < actual.size(); ++i) {
    double error = std::fabs(actual[i] - expected.values[i]);
    if (!(error <= kTolerance * expected.scales[i])) {
      if (first < 0)
        first = i;
      ++bad;
    }
  }
  if (bad == 0)
    return testing::AssertionSuccess();
  return testing::AssertionFailure()
         << what << ": " << bad << " of " << actual.size()
         << " elements differ; first at flat index " << first << ": got "
         << actual[first] << ", expected " << expected.values[first]
         << " (tolerance " << kTolerance * expected.scales[first] << ")";
}

// Names a failing case instead of dumping its bytes.
void PrintTo(const NamedGeometry &geometry, std::ostream *os) {
  *os << geometry.name << " (" << describe(geometry.g) << ")";
}

class ConvTest : public testing::TestWithParam<NamedGeometry> {};

TEST_P(ConvTest, ForwardWithBiasMatchesReference) {
  const trainc_conv2d_geometry &g = GetParam().g;
  auto x = randomVector(inputSize(g), 1), w = randomVector(filterSize(g), 2),
       b = randomVector(g.m, 3);
  std::vector<float> y(outputSize(g), std::nanf(""));
  trainc_rt_conv2d_forward(rtContext(), &g, x.data(), w.data(), b.data(), y.data());
  EXPECT_TRUE(matches("forward with bias, " + describe(g), y,
                      convForward(g, x.data(), w.data(), b.data())));
}

TEST_P(ConvTest, ForwardWithoutBiasMatchesReference) {
  const trainc_conv2d_geometry &g = GetParam().g;
  auto x = randomVector(inputSize(g), 4), w = randomVector(filterSize(g), 5);
  std::vector<float> y(outputSize(g), std::nanf(""));
  trainc_rt_conv2d_forward(rtContext(), &g, x.data(), w.data(), nullptr, y.data());
  EXPECT_TRUE(matches("forward without bias, " + describe(g), y,
                      convForward(g, x.data(), w.data(), nullptr)));
}

TEST_P(ConvTest, BackwardDataMatchesReference) {
  const trainc_conv2d_geometry &g = GetParam().g;
  auto dy = randomVector(outputSize(g), 6), w = randomVector(filterSize(g), 7);
  // NaN first: the kernel must overwrite dx, not accumulate into it.
  std::vector<float> dx(inputSize(g), std::nanf(""));
  trainc_rt_conv2d_backward_data(rtContext(), &g, dy.data(), w.data(), dx.data());
  EXPECT_TRUE(matches("backward data, " + describe(g), dx,
                      convBackwardData(g, dy.data(), w.data())));
}

TEST_P(ConvTest, BackwardFilterMatchesReference) {
  const trainc_conv2d_geometry &g = GetParam().g;
  auto dy = randomVector(outputSize(g), 8), x = randomVector(inputSize(g), 9);
  std::vector<float> dw(filterSize(g), std::nanf(""));
  trainc_rt_conv2d_backward_filter(rtContext(), &g, dy.data(), x.data(), dw.data());
  EXPECT_TRUE(matches("backward filter, " + describe(g), dw,
                      convBackwardFilter(g, dy.data(), x.data())));
}

// <conv(x), dy> = <x, backward_data(dy)> = <w, backward_filter(dy, x)>: the
// backward kernels are the adjoints of the forward one, checked without the
// reference's values (only its tap list, for the error scale).
TEST_P(ConvTest, BackwardKernelsAreAdjointsOfForward) {
  const trainc_conv2d_geometry &g = GetParam().g;
  auto x = randomVector(inputSize(g), 10), w = randomVector(filterSize(g), 11),
       dy = randomVector(outputSize(g), 12);
  std::vector<float> y(outputSize(g)), dx(inputSize(g)), dw(filterSize(g));
  trainc_rt_conv2d_forward(rtContext(), &g, x.data(), w.data(), nullptr, y.data());
  trainc_rt_conv2d_backward_data(rtContext(), &g, dy.data(), w.data(), dx.data());
  trainc_rt_conv2d_backward_filter(rtContext(), &g, dy.data(), x.data(), dw.data());

  auto dot = [](const std::vector<float> &a, const std::vector<float> &b) {
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
      sum += double(a[i]) * b[i];
    return sum;
  };
  double scale = 0;
  forEachTap(g, [&](int64_t xi, int64_t wi, int64_t yi) {
    scale += std::fabs(double(x[xi]) * w[wi] * dy[yi]);
  });
  double forward = dot(y, dy), data = dot(x, dx), filter = dot(w, dw);
  EXPECT_NEAR(data, forward, kTolerance * scale)
      << "<x, backward_data(dy)> vs <conv(x), dy> for " << describe(g);
  EXPECT_NEAR(filter, forward, kTolerance * scale)
      << "<w, backward_filter(dy, x)> vs <conv(x), dy> for " << describe(g);
}

INSTANTIATE_TEST_SUITE_P(Geometries, ConvTest, testing::ValuesIn(kGeometries),
                         [](const testing::TestParamInfo<NamedGeometry> &info) {
                           return std::string(info.param.name);
                         });

// The cache keeps primitives, not buffers: a second call with the same
// geometry must read and write the new pointers.
TEST(ConvCacheTest, SecondCallUsesNewBuffers) {
  const trainc_conv2d_geometry &g = kGeometries[1].g;
  for (unsigned call = 0; call < 2; ++call) {
    auto x = randomVector(inputSize(g), 20 + call),
         w = randomVector(filterSize(g), 30 + call);
    std::vector<float> y(outputSize(g));
    trainc_rt_conv2d_forward(rtContext(), &g, x.data(), w.data(), nullptr, y.data());
    EXPECT_TRUE(matches("call " + std::to_string(call), y,
                        convForward(g, x.data(), w.data(), nullptr)));
  }
}

// kernels.h promises thread safety: two threads share the primitive cache,
// creating and running different geometries at once.
TEST(ConvCacheTest, ConcurrentCallersGetCorrectResults) {
  std::vector<std::string> failures(2);
  auto work = [&](int thread) {
    for (int round = 0; round < 3; ++round)
      for (size_t i = thread; i < std::size(kGeometries); i += 2) {
        const trainc_conv2d_geometry &g = kGeometries[i].g;
        auto x = randomVector(inputSize(g), 40 + i),
             w = randomVector(filterSize(g), 50 + i);
        std::vector<float> y(outputSize(g));
        trainc_rt_conv2d_forward(rtContext(), &g, x.data(), w.data(), nullptr, y.data());
        auto result = matches(std::string("thread ") + std::to_string(thread) +
                                  ", " + kGeometries[i].name,
                              y, convForward(g, x.data(), w.data(), nullptr));
        if (!result && failures[thread].empty())
          failures[thread] = result.message();
      }
  };
  std::thread first(work, 0), second(work, 1);
  first.join();
  second.join();
  EXPECT_EQ(failures[0], "");
  EXPECT_EQ(failures[1], "");
}

// Activations held in channel blocks (the compiler's layouts,
// train-assign-layouts): x and y given as [N, C/B, H, W, B], converted here
// from and to the plain tensors the reference reads; filters (w_block) as
// [M/B, C/B, kH, kW, B (c), B (m)], oneDNN's OIhw16i16o by its definition.
struct BlockedCase {
  const char *name;
  trainc_conv2d_geometry g; // with x_block, y_block and w_block set
};

void PrintTo(const BlockedCase &c, std::ostream *os) {
  *os << c.name << " (" << describe(c.g) << ", blocks x " << c.g.x_block
      << " y " << c.g.y_block << " w " << c.g.w_block << ")";
}

/// A filter [M, C, kH, kW] in blocks of `block` of both channels (0:
/// unchanged), or back.
std::vector<float> reblockFilter(const std::vector<float> &from,
                                 const trainc_conv2d_geometry &g,
                                 bool toBlocks) {
  int64_t b = g.w_block;
  if (b == 0)
    return from;
  std::vector<float> to(from.size());
  int64_t k = g.kh * g.kw;
  for (int64_t m = 0; m < g.m; ++m)
    for (int64_t c = 0; c < g.c; ++c)
      for (int64_t s = 0; s < k; ++s) {
        int64_t plain = (m * g.c + c) * k + s;
        int64_t blocked =
            (((m / b) * (g.c / b) + c / b) * k + s) * b * b + (c % b) * b +
            m % b;
        if (toBlocks)
          to[blocked] = from[plain];
        else
          to[plain] = from[blocked];
      }
  return to;
}

/// `plain` [N, C, S] in channel blocks of `block` (0: unchanged), or back.
std::vector<float> reblock(const std::vector<float> &from, int64_t n,
                           int64_t c, int64_t s, int64_t block, bool toBlocks) {
  if (block == 0)
    return from;
  std::vector<float> to(from.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < s; ++p) {
        int64_t plain = (i * c + ch) * s + p;
        int64_t blocked = ((i * (c / block) + ch / block) * s + p) * block +
                          ch % block;
        if (toBlocks)
          to[blocked] = from[plain];
        else
          to[plain] = from[blocked];
      }
  return to;
}

const BlockedCase kBlockedCases[] = {
    // Two piece sizes (10 samples in 8 pieces), 16 -> 32 channels.
    {"Both16", {10, 16, 6, 6, 32, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 16, 16}},
    {"Both8", {10, 16, 6, 6, 32, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 8}},
    // A plain input (a stem) and a blocked output, and the reverse.
    {"PlainToBlocked", {4, 3, 8, 8, 16, 3, 3, 8, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 16}},
    {"BlockedToPlain", {4, 16, 8, 8, 8, 3, 3, 8, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1, 16, 0}},
    // A strided downsampling convolution.
    {"Stride2", {8, 16, 8, 8, 32, 3, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 16, 16}},
    // A backward filter split by output channel: pieces of whole blocks of
    // dy (4 of 16 channels), dy's blocks copied per piece.
    {"PointwiseByChannelBlocks",
     {4, 64, 2, 2, 64, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 16, 16}},
    // The same with blocks of 8 (8 pieces of one block).
    {"PointwiseByChannelBlocks8",
     {4, 64, 2, 2, 64, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 8, 8}},
    // Filters in blocks too (the parameter arena's layout).
    {"AllBlocks16",
     {10, 16, 6, 6, 32, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 16, 16, 16}},
    {"AllBlocks8",
     {10, 16, 6, 6, 32, 3, 3, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 8, 8, 8}},
    {"Stride2Filter16",
     {8, 16, 8, 8, 32, 3, 3, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 16, 16, 16}},
    // Plain activations, a blocked filter.
    {"OnlyFilter16",
     {4, 32, 5, 5, 16, 3, 3, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 16}},
    // Backward filter by output channel: each piece's rows of the blocked
    // filter are whole blocks (dy plain: the filter's block sets the unit).
    {"PointwiseByChannelFilter16",
     {4, 64, 2, 2, 64, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 16}},
    {"PointwiseByChannelAll16",
     {4, 64, 2, 2, 64, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1, 16, 16, 16}},
};

class BlockedConvTest : public testing::TestWithParam<BlockedCase> {};

TEST_P(BlockedConvTest, EveryKernelMatchesReference) {
  const trainc_conv2d_geometry &g = GetParam().g;
  int64_t inS = g.h * g.w, outS = g.oh * g.ow;
  auto x = randomVector(inputSize(g), 70), w = randomVector(filterSize(g), 71),
       dy = randomVector(outputSize(g), 72);
  auto bx = reblock(x, g.n, g.c, inS, g.x_block, true);
  auto bdy = reblock(dy, g.n, g.m, outS, g.y_block, true);
  auto bw = reblockFilter(w, g, true);
  std::string what = std::string(GetParam().name) + ", " + describe(g);

  std::vector<float> by(outputSize(g), std::nanf(""));
  trainc_rt_conv2d_forward(rtContext(), &g, bx.data(), bw.data(), nullptr,
                           by.data());
  EXPECT_TRUE(matches("forward, " + what,
                      reblock(by, g.n, g.m, outS, g.y_block, false),
                      convForward(g, x.data(), w.data(), nullptr)));

  std::vector<float> bdx(inputSize(g), std::nanf(""));
  trainc_rt_conv2d_backward_data(rtContext(), &g, bdy.data(), bw.data(),
                                 bdx.data());
  EXPECT_TRUE(matches("backward data, " + what,
                      reblock(bdx, g.n, g.c, inS, g.x_block, false),
                      convBackwardData(g, dy.data(), w.data())));

  std::vector<float> dw(filterSize(g), std::nanf(""));
  trainc_rt_conv2d_backward_filter(rtContext(), &g, bdy.data(), bx.data(),
                                   dw.data());
  EXPECT_TRUE(matches("backward filter, " + what, reblockFilter(dw, g, false),
                      convBackwardFilter(g, dy.data(), x.data())));
}

INSTANTIATE_TEST_SUITE_P(Layouts, BlockedConvTest,
                         testing::ValuesIn(kBlockedCases),
                         [](const testing::TestParamInfo<BlockedCase> &info) {
                           return std::string(info.param.name);
                         });

TEST(ConvErrorTest, ChannelBlockNotDividingChannelsIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  trainc_conv2d_geometry g = kGeometries[1].g; // 8 -> 6 channels
  g.y_block = 8;
  std::vector<float> buffer(4096);
  EXPECT_EXIT(trainc_rt_conv2d_forward(rtContext(), &g, buffer.data(),
                                       buffer.data(), nullptr, buffer.data()),
              testing::ExitedWithCode(1),
              "^train: error: conv2d_forward: y channel block 8 does not "
              "divide its 6 channels");
  g.y_block = 0;
  g.x_block = 4;
  EXPECT_EXIT(trainc_rt_conv2d_forward(rtContext(), &g, buffer.data(),
                                       buffer.data(), nullptr, buffer.data()),
              testing::ExitedWithCode(1),
              "^train: error: conv2d_forward: x channel block is 4 \\(must be "
              "0, 8 or 16\\)");
  g.x_block = 0;
  g.w_block = 16; // 8 -> 6 channels
  EXPECT_EXIT(trainc_rt_conv2d_forward(rtContext(), &g, buffer.data(),
                                       buffer.data(), nullptr, buffer.data()),
              testing::ExitedWithCode(1),
              "^train: error: conv2d_forward: filter channel block 16 needs "
              "groups 1 and must divide both the 6 output and the 8 input "
              "channels");
}

TEST(ConvErrorTest, InconsistentOutputSizeIsFatalAndNamesGeometry) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  trainc_conv2d_geometry g = kGeometries[1].g;
  g.oh = 11;
  std::vector<float> x(inputSize(g)), w(filterSize(g)), y(outputSize(g));
  EXPECT_EXIT(
      trainc_rt_conv2d_forward(rtContext(), &g, x.data(), w.data(), nullptr, y.data()),
      testing::ExitedWithCode(1),
      "^train: error: conv2d_forward: output 11x9 does not follow from the "
      "input, kernel, strides, pads and dilations \\(expected 10x9\\) \\(x "
      "\\[2, 8, 10, 9\\], w \\[6, 8, 3, 3\\]");
}

TEST(ConvErrorTest, GroupsNotDividingChannelsIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  trainc_conv2d_geometry g = kGeometries[1].g;
  g.groups = 3; // divides 6 output channels, not 8 input channels
  std::vector<float> buffer(4096);
  EXPECT_EXIT(trainc_rt_conv2d_backward_filter(rtContext(), &g, buffer.data(), buffer.data(),
                                               buffer.data()),
              testing::ExitedWithCode(1),
              "^train: error: conv2d_backward_filter: groups 3 does not "
              "divide the input channels 8 and the output channels 6");
}

struct GemmCase {
  bool transA, transB;
  int64_t m, n, k;
  float alpha, beta;
};

void PrintTo(const GemmCase &p, std::ostream *os) {
  *os << "trans_a " << p.transA << " trans_b " << p.transB << " M " << p.m
      << " N " << p.n << " K " << p.k << " alpha " << p.alpha << " beta "
      << p.beta;
}

class GemmTest : public testing::TestWithParam<GemmCase> {};

TEST_P(GemmTest, MatchesReference) {
  GemmCase p = GetParam();
  auto a = randomVector(p.m * p.k, 60), b = randomVector(p.k * p.n, 61),
       c = randomVector(p.m * p.n, 62);
  Reference expected = gemm(p.transA, p.transB, p.m, p.n, p.k, p.alpha,
                            a.data(), b.data(), p.beta, c.data());
  // beta == 0 must not read C: NaN there would survive 0 * NaN.
  if (p.beta == 0.0f)
    std::fill(c.begin(), c.end(), std::nanf(""));
  trainc_rt_gemm(rtContext(), p.transA, p.transB, p.m, p.n, p.k, p.alpha, a.data(), b.data(),
                 p.beta, c.data());
  std::ostringstream what;
  what << "gemm ";
  PrintTo(p, &what);
  EXPECT_TRUE(matches(what.str(), c, expected));
}

INSTANTIATE_TEST_SUITE_P(
    Transposes, GemmTest,
    testing::Values(GemmCase{false, false, 7, 5, 13, 1.5f, -0.75f},
                    GemmCase{true, false, 7, 5, 13, 1.5f, -0.75f},
                    GemmCase{false, true, 7, 5, 13, 1.5f, -0.75f},
                    GemmCase{true, true, 7, 5, 13, 1.5f, -0.75f},
                    // A fully connected layer's shapes, beta 0 and 1.
                    GemmCase{false, true, 16, 10, 512, 1.0f, 0.0f},
                    GemmCase{true, false, 512, 10, 16, 1.0f, 1.0f},
                    GemmCase{false, false, 64, 33, 257, -0.5f, 2.0f},
                    GemmCase{true, true, 3, 1, 1, 2.0f, 0.0f}),
    [](const testing::TestParamInfo<GemmCase> &info) {
      const GemmCase &p = info.param;
      return std::string(p.transA ? "T" : "N") + (p.transB ? "T" : "N") + "_" +
             std::to_string(p.m) + "x" + std::to_string(p.n) + "x" +
             std::to_string(p.k) + "_" + std::to_string(info.index);
    });

TEST(GemmEdgeTest, ZeroInnerDimensionScalesC) {
  std::vector<float> c = {1.0f, -2.0f, 3.0f, 4.0f};
  trainc_rt_gemm(rtContext(), 0, 0, 2, 2, 0, 1.0f, nullptr, nullptr, 0.5f, c.data());
  EXPECT_EQ(c, (std::vector<float>{0.5f, -1.0f, 1.5f, 2.0f}));
}

} // namespace

// trainc --report's convolution workspace (convolutionWorkspace) is what
// the runtime then allocates: plan a call on one cache, run it with a
// fresh context, and compare with the buffers that context's cache holds.
// Both splits of the backward filter, blocked and plain layouts.
TEST(ConvWorkspaceTest, PlanMatchesWhatACallAllocates) {
  struct Case {
    trainc_conv2d_geometry g;
    trainc::rt::ConvKind kind;
  };
  using trainc::rt::ConvKind;
  const Case cases[] = {
      {kBlockedCases[0].g, ConvKind::Forward},
      {kBlockedCases[0].g, ConvKind::BackwardData},
      {kBlockedCases[0].g, ConvKind::BackwardFilter}, // by batch chunk
      {kBlockedCases[5].g, ConvKind::BackwardFilter}, // by channel
      {kBlockedCases[8].g, ConvKind::BackwardData},   // filter 8o8i copy
      {kGeometries[0].g, ConvKind::BackwardFilter},   // plain
  };
  bool shared = false, partials = false;
  for (const Case &c : cases) {
    const trainc_conv2d_geometry &g = c.g;
    trainc::rt::KernelCache planner;
    trainc::rt::ConvWorkspace plan;
    std::string error;
    ASSERT_TRUE(
        trainc::rt::convolutionWorkspace(planner, g, c.kind, plan, error))
        << error;
    trainc::rt::RuntimeContext context;
    std::vector<float> x(inputSize(g), 0.5f), w(filterSize(g), 0.25f),
        y(outputSize(g), 1.0f);
    switch (c.kind) {
    case ConvKind::Forward:
    case ConvKind::ForwardWithBias:
      trainc_rt_conv2d_forward(&context, &g, x.data(), w.data(), nullptr,
                               y.data());
      break;
    case ConvKind::BackwardData:
      trainc_rt_conv2d_backward_data(&context, &g, y.data(), w.data(),
                                     x.data());
      break;
    case ConvKind::BackwardFilter:
      trainc_rt_conv2d_backward_filter(&context, &g, y.data(), x.data(),
                                       w.data());
      break;
    }
    const trainc::rt::KernelCache &ran = *context.kernels;
    std::string what = describe(g) + ", kind " +
                       std::to_string(static_cast<int>(c.kind));
    EXPECT_EQ(plan.workers, int64_t(ran.threadBuffers.size())) << what;
    EXPECT_EQ(plan.threadBytes, int64_t(ran.threadBufferSize)) << what;
    EXPECT_EQ(plan.sharedBytes[0], int64_t(ran.sharedSize[0])) << what;
    EXPECT_EQ(plan.sharedBytes[1], int64_t(ran.sharedSize[1])) << what;
    EXPECT_EQ(plan.partialsBytes, int64_t(ran.partialsSize)) << what;
    EXPECT_GT(plan.total(), 0) << what;
    shared |= plan.sharedBytes[0] > 0;
    partials |= plan.partialsBytes > 0;
  }
  EXPECT_TRUE(shared); // the cases reach every kind of buffer
  EXPECT_TRUE(partials);
}

TEST(ConvWorkspaceTest, BadGeometryIsAnError) {
  trainc_conv2d_geometry g = kGeometries[1].g;
  g.y_block = 8; // does not divide 6 channels
  trainc::rt::KernelCache cache;
  trainc::rt::ConvWorkspace plan;
  std::string error;
  EXPECT_FALSE(trainc::rt::convolutionWorkspace(cache, g, trainc::rt::ConvKind::Forward,
                                                plan, error));
  EXPECT_NE(error.find("y channel block 8 does not divide its 6 channels"),
            std::string::npos)
      << error;
}
