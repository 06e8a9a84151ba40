//===- TensorDumpTest.cpp - one .npy per tensor, named after it -----------===//

#include "train/TensorDump.h"
#include "TestFiles.h"
#include "data/Npy.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

TEST(TensorDumpTest, FileNamesReplaceSlashes) {
  EXPECT_EQ(dumpFileStem("conv1.weight", 0), "conv1.weight");
  EXPECT_EQ(dumpFileStem("/layer1/0/conv1/W", 3), "_layer1_0_conv1_W");
  EXPECT_EQ(dumpFileStem("", 4), "tensor_4");
  EXPECT_EQ(dumpFileStem(".", 5), "tensor_5");
  EXPECT_EQ(dumpFileStem("..", 6), "tensor_6");
}

/// Two parameters and a buffer in 64-byte-aligned arenas.
struct SmallModel {
  trainc_tensor_desc tensors[3] = {
      {"block/w", TRAINC_PARAM, 2, {2, 3}, 6, 0, 0, 0},
      {"block/b", TRAINC_PARAM, 1, {3}, 3, 64, 1, 0},
      {"bn/running_mean", TRAINC_BUFFER, 1, {2}, 2, 0, 0, 0},
  };
  trainc_model_desc desc{};
  alignas(64) float params[32] = {};
  alignas(64) float buffers[16] = {};

  SmallModel() {
    desc.num_tensors = 3;
    desc.tensors = tensors;
    desc.param_bytes = 128;
    desc.buffer_bytes = 64;
    for (int i = 0; i < 6; ++i)
      params[i] = 0.5f * i;
    for (int i = 0; i < 3; ++i)
      params[16 + i] = -1.0f - i;
    buffers[0] = 7.0f;
    buffers[1] = 8.0f;
  }
};

void expectNpy(const std::string &path, const std::vector<int64_t> &shape,
               const std::vector<float> &values) {
  std::string error;
  std::vector<int64_t> found;
  std::optional<std::vector<float>> data = readNpyFloat32(path, found, error);
  ASSERT_TRUE(data) << error;
  EXPECT_EQ(found, shape) << path;
  EXPECT_EQ(*data, values) << path;
}

TEST(TensorDumpTest, WritesEachTensorOfTheKind) {
  TempDir dir;
  SmallModel model;
  std::string error, out = dir.path("a/b/params");
  ASSERT_TRUE(dumpTensors(out, model.desc, TRAINC_PARAM, model.params, error))
      << error;
  ASSERT_TRUE(dumpTensors(out, model.desc, TRAINC_BUFFER, model.buffers, error))
      << error;
  expectNpy(out + "/block_w.npy", {2, 3}, {0, 0.5f, 1, 1.5f, 2, 2.5f});
  expectNpy(out + "/block_b.npy", {3}, {-1, -2, -3});
  expectNpy(out + "/bn_running_mean.npy", {2}, {7, 8});
}

TEST(TensorDumpTest, CollidingNamesAndBadDirectoriesAreReported) {
  TempDir dir;
  SmallModel model;
  model.tensors[1].name = "block_w";
  std::string error;
  EXPECT_FALSE(checkDumpNames(model.desc, error));
  EXPECT_EQ(error, "tensors 'block/w' and 'block_w' would both be dumped to "
                   "block_w.npy");

  writeFile(dir.path("file"), "x");
  EXPECT_FALSE(makeDirectory(dir.path("file/sub"), error));
  EXPECT_EQ(error, "cannot create directory " + dir.path("file/sub") + ": " +
                       dir.path("file") + " is not a directory");
  EXPECT_TRUE(makeDirectory(dir.path("x/y/"), error)) << error;
  EXPECT_TRUE(makeDirectory(dir.path("x/y"), error)) << error;
}

} // namespace
