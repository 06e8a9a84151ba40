//===- ShapeFunctionsTest.cpp - shape rules against known layer sizes -----===//
//
// Expected sizes are the ones PyTorch's nn.Conv2d / nn.MaxPool2d produce for
// the same configuration (checked with torch 1.13), not re-derived here.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/IR/ShapeFunctions.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::train;

namespace {
class ShapeFunctionsTest : public ::testing::Test {
protected:
  /// Captures the last diagnostic, so tests can check the message.
  ShapeFunctionsTest()
      : handler(&context, [this](Diagnostic &d) {
          message = d.str();
          return success();
        }) {}
  OptLoc loc() { return UnknownLoc::get(&context); }

  MLIRContext context;
  ScopedDiagnosticHandler handler;
  std::string message;
};

TEST_F(ShapeFunctionsTest, ResNetStemConvolution) {
  auto shape = inferConv2DShape(loc(), {8, 3, 224, 224}, {64, 3, 7, 7},
                                std::nullopt,
                                Conv2DAttrs{{2, 2}, {3, 3, 3, 3}, {1, 1}, 1});
  ASSERT_TRUE(succeeded(shape)) << message;
  EXPECT_EQ(*shape, (Shape{8, 64, 112, 112}));
}

TEST_F(ShapeFunctionsTest, GroupedDilatedAsymmetricConvolution) {
  // nn.Conv2d(64, 128, 3, stride=(2, 1), groups=32, dilation=2) on 8x9 with
  // F.pad(x, (0, 1, 1, 2)) [left, right, top, bottom].
  auto shape = inferConv2DShape(loc(), {1, 64, 8, 9}, {128, 2, 3, 3},
                                ArrayRef<int64_t>{128},
                                Conv2DAttrs{{2, 1}, {1, 0, 2, 1}, {2, 2}, 32});
  ASSERT_TRUE(succeeded(shape)) << message;
  EXPECT_EQ(*shape, (Shape{1, 128, 4, 6}));
}

TEST_F(ShapeFunctionsTest, GroupsMustDivideChannels) {
  auto shape = inferConv2DShape(loc(), {1, 6, 8, 8}, {8, 2, 3, 3},
                                std::nullopt,
                                Conv2DAttrs{{1, 1}, {0, 0, 0, 0}, {1, 1}, 4});
  EXPECT_TRUE(failed(shape));
  EXPECT_EQ(message, "groups (4) must divide the input channels (6)");
}

TEST_F(ShapeFunctionsTest, FilterChannelsMustMatchInput) {
  auto shape = inferConv2DShape(loc(), {1, 3, 8, 8}, {8, 4, 3, 3},
                                std::nullopt,
                                Conv2DAttrs{{1, 1}, {0, 0, 0, 0}, {1, 1}, 1});
  EXPECT_TRUE(failed(shape));
  EXPECT_NE(message.find("expects 4 input channels"), std::string::npos)
      << message;
}

TEST_F(ShapeFunctionsTest, MaxPoolStem) {
  auto shape = inferPool2DShape(
      loc(), {8, 64, 112, 112},
      Pool2DAttrs{{3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, false});
  ASSERT_TRUE(succeeded(shape)) << message;
  EXPECT_EQ(*shape, (Shape{8, 64, 56, 56}));
}

TEST_F(ShapeFunctionsTest, CeilModeRoundsUp) {
  // nn.MaxPool2d(3, 2, ceil_mode=True) on 6x6 gives 3x3 (floor gives 2x2).
  auto ceil = inferPool2DShape(
      loc(), {1, 1, 6, 6}, Pool2DAttrs{{3, 3}, {2, 2}, {0, 0, 0, 0}, {1, 1}, true});
  auto floor = inferPool2DShape(
      loc(), {1, 1, 6, 6}, Pool2DAttrs{{3, 3}, {2, 2}, {0, 0, 0, 0}, {1, 1}, false});
  ASSERT_TRUE(succeeded(ceil) && succeeded(floor)) << message;
  EXPECT_EQ(*ceil, (Shape{1, 1, 3, 3}));
  EXPECT_EQ(*floor, (Shape{1, 1, 2, 2}));
}

TEST_F(ShapeFunctionsTest, CeilModeDropsWindowStartingInPadding) {
  // nn.MaxPool2d(2, 2, padding=1, ceil_mode=True) on 5x5 gives 3x3: the
  // fourth window would start in the end padding.
  auto shape = inferPool2DShape(
      loc(), {1, 1, 5, 5}, Pool2DAttrs{{2, 2}, {2, 2}, {1, 1, 1, 1}, {1, 1}, true});
  ASSERT_TRUE(succeeded(shape)) << message;
  EXPECT_EQ(*shape, (Shape{1, 1, 3, 3}));
}

TEST_F(ShapeFunctionsTest, PoolPadsMustBeSmallerThanWindow) {
  auto shape = inferPool2DShape(
      loc(), {1, 1, 5, 5}, Pool2DAttrs{{2, 2}, {1, 1}, {2, 0, 0, 0}, {1, 1}, false});
  EXPECT_TRUE(failed(shape));
  EXPECT_EQ(message, "pads [2, 0, 0, 0] must be smaller than the (dilated) window [2, 2]");
}

TEST_F(ShapeFunctionsTest, GemmTransposesAndBroadcastsC) {
  auto shape = inferGemmShape(loc(), {512, 8}, {1000, 512},
                              ArrayRef<int64_t>{1, 1000}, true, true);
  ASSERT_TRUE(succeeded(shape)) << message;
  EXPECT_EQ(*shape, (Shape{8, 1000}));
  EXPECT_TRUE(failed(inferGemmShape(loc(), {8, 512}, {1000, 512},
                                    ArrayRef<int64_t>{999}, false, true)));
  EXPECT_EQ(message, "operand C [999] does not broadcast to [8, 1000]");
}

TEST_F(ShapeFunctionsTest, FlattenAndReshape) {
  auto flat = inferFlattenShape(loc(), {8, 512, 1, 1}, 1);
  ASSERT_TRUE(succeeded(flat));
  EXPECT_EQ(*flat, (Shape{8, 512}));
  auto all = inferFlattenShape(loc(), {2, 3, 4}, 0);
  ASSERT_TRUE(succeeded(all));
  EXPECT_EQ(*all, (Shape{1, 24}));
  EXPECT_TRUE(failed(inferReshapeShape(loc(), {2, 3}, {4, 2})));
  EXPECT_EQ(message,
            "cannot reshape [2, 3] (6 elements) to [4, 2] (8 elements)");
}

TEST_F(ShapeFunctionsTest, BatchNormChannels) {
  EXPECT_TRUE(succeeded(
      verifyBatchNormShapes(loc(), {8, 64, 7, 7}, {64}, 1e-5f, 0.9f)));
  EXPECT_TRUE(failed(
      verifyBatchNormShapes(loc(), {8, 64, 7, 7}, {32}, 1e-5f, 0.9f)));
  EXPECT_TRUE(failed(
      verifyBatchNormShapes(loc(), {8, 64, 7, 7}, {64}, 1e-5f, 1.5f)));
  EXPECT_EQ(message, "'momentum' must lie in [0, 1], got 1.5");
}
} // namespace
