//===- TensorLayoutTest.cpp - filters in channel blocks at the boundary ---===//
//
// The arenas may hold a filter [O, I, kH, kW] as [O/B, I/B, kH, kW, B (i),
// B (o)] (model.h); every file sees ONNX's order. Checked against the
// layout's definition element by element, and for the whole-arena
// conversions of checkpoints and dumps.
//
//===----------------------------------------------------------------------===//

#include "train/TensorLayout.h"

#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <string>
#include <vector>

using namespace trainc::rt;

namespace {
trainc_tensor_desc filter(int64_t o, int64_t i, int64_t kh, int64_t kw,
                          int32_t layout, int64_t offset = 0) {
  trainc_tensor_desc t{};
  t.name = "w";
  t.kind = TRAINC_PARAM;
  t.rank = 4;
  t.shape[0] = o;
  t.shape[1] = i;
  t.shape[2] = kh;
  t.shape[3] = kw;
  t.numel = o * i * kh * kw;
  t.offset = offset;
  t.layout = layout;
  return t;
}

TEST(TensorLayoutTest, BlockedFilterFollowsOIhwBiBo) {
  for (int32_t b : {8, 16}) {
    trainc_tensor_desc t = filter(2 * b, 3 * b, 3, 2, b);
    std::vector<float> plain(t.numel);
    std::iota(plain.begin(), plain.end(), 0.0f);
    std::vector<float> stored(t.numel), back(t.numel);
    fromOnnxLayout(t, plain.data(), stored.data());
    // Element (o, i, h, w) of the ONNX tensor sits at
    // [o / b][i / b][h][w][i % b][o % b].
    int64_t I = 3 * b;
    for (int64_t o : {int64_t(0), int64_t(b + 3), int64_t(2 * b - 1)})
      for (int64_t i : {int64_t(1), int64_t(2 * b + 5), int64_t(3 * b - 1)})
        for (int64_t h = 0; h < 3; ++h)
          for (int64_t w = 0; w < 2; ++w) {
            int64_t onnx = ((o * I + i) * 3 + h) * 2 + w;
            int64_t at =
                ((((o / b) * 3 + i / b) * 3 + h) * 2 + w) * b * b +
                (i % b) * b + o % b;
            EXPECT_EQ(stored[at], plain[onnx]) << "o " << o << " i " << i;
          }
    toOnnxLayout(t, stored.data(), back.data());
    EXPECT_EQ(back, plain);
  }
}

TEST(TensorLayoutTest, PlainTensorsAreCopied) {
  trainc_tensor_desc t = filter(3, 5, 1, 1, 0);
  std::vector<float> plain(t.numel), out(t.numel);
  std::iota(plain.begin(), plain.end(), 1.0f);
  toOnnxLayout(t, plain.data(), out.data());
  EXPECT_EQ(out, plain);
}

TEST(TensorLayoutTest, LayoutProblems) {
  EXPECT_STREQ(layoutProblem(filter(16, 16, 3, 3, 16)), "");
  EXPECT_STREQ(layoutProblem(filter(16, 16, 3, 3, 0)), "");
  EXPECT_NE(std::string(layoutProblem(filter(16, 16, 3, 3, 4))), "");
  EXPECT_NE(std::string(layoutProblem(filter(16, 8, 3, 3, 16))), "");
  trainc_tensor_desc vector = filter(16, 16, 3, 3, 16);
  vector.rank = 1;
  EXPECT_NE(std::string(layoutProblem(vector)), "");
}

// Checkpoints convert the parameters and every parameter-shaped state slot;
// plain tensors and whatever follows the slots are left alone.
TEST(TensorLayoutTest, ParamSlotsConvertOnlyBlockedTensors) {
  trainc_tensor_desc tensors[2] = {filter(16, 16, 1, 1, 16, 0),
                                   filter(4, 4, 1, 1, 0, 1024)};
  trainc_model_desc desc{};
  desc.num_tensors = 2;
  desc.tensors = tensors;
  desc.param_bytes = 1024 + 64;
  desc.optimizer = "momentum";
  EXPECT_EQ(paramShapedStateSlots(desc), 1);
  int64_t bytes = 2 * desc.param_bytes + 16; // two slots and scalars
  std::vector<char> onnx(bytes);
  for (int64_t k = 0; k < bytes; ++k)
    onnx[k] = static_cast<char>(k * 7);
  std::vector<char> stored = onnx;
  convertParamSlots(desc, stored.data(), 2, /*toOnnx=*/false);
  for (int slot = 0; slot < 2; ++slot) {
    std::vector<float> expected(256);
    fromOnnxLayout(tensors[0],
                   reinterpret_cast<const float *>(onnx.data() +
                                                   slot * desc.param_bytes),
                   expected.data());
    EXPECT_EQ(std::memcmp(stored.data() + slot * desc.param_bytes,
                          expected.data(), 1024),
              0);
    EXPECT_EQ(std::memcmp(stored.data() + slot * desc.param_bytes + 1024,
                          onnx.data() + slot * desc.param_bytes + 1024, 64),
              0);
  }
  EXPECT_EQ(std::memcmp(stored.data() + 2 * desc.param_bytes,
                        onnx.data() + 2 * desc.param_bytes, 16),
            0);
  EXPECT_EQ(onnxLayoutCopy(desc, stored.data(), bytes, 2), onnx);
}
} // namespace
