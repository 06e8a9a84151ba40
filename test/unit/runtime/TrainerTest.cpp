//===- TrainerTest.cpp - which samples the training loop feeds, and when --===//
//
// A spy in front of the mock model records the samples of every batch (each
// sample's first pixel is its index in the dataset), so the tests see the
// order the loop trains in: every sample once per epoch, a new order each
// epoch and seed, the same order after a resume.
//
//===----------------------------------------------------------------------===//

#include "train/Trainer.h"
#include "MockModel.h"
#include "TestFiles.h"
#include "data/Npy.h"
#include "train/Shuffle.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

constexpr int64_t kSamples = 40; // 2 batches of 16 per epoch, 8 dropped

/// The sample indices of every batch trained on, in order (the spy's
/// record; the tests run one at a time).
std::vector<int64_t> &trained() {
  static std::vector<int64_t> indices;
  return indices;
}

void spyTrainStep(const trainc_step_args *args) {
  const float *input = static_cast<const float *>(args->input);
  const int32_t *labels = static_cast<const int32_t *>(args->labels);
  for (int64_t n = 0; n < kMockBatch; ++n) {
    int64_t index = static_cast<int64_t>(input[n * kMockFeatures]);
    trained().push_back(index);
    EXPECT_EQ(labels[n], index % 10) << "label of sample " << index;
  }
  trainc_train_step(args);
}

/// An int32 .npy (the runtime only writes float32 ones).
void writeLabels(const std::string &path, int64_t count) {
  std::string header = "{'descr': '<i4', 'fortran_order': False, 'shape': (" +
                       std::to_string(count) + ",), }";
  header.append(64 - (10 + header.size() + 1) % 64, ' ');
  header += '\n';
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes += static_cast<char>(header.size());
  bytes += '\0';
  bytes += header;
  for (int32_t i = 0; i < count; ++i) {
    int32_t label = i % 10;
    bytes.append(reinterpret_cast<const char *>(&label), 4);
  }
  writeFile(path, bytes);
}

class TrainerTest : public testing::Test {
protected:
  void SetUp() override {
    std::vector<float> images(kSamples * kMockFeatures, 0.0f);
    for (int64_t i = 0; i < kSamples; ++i)
      images[i * kMockFeatures] = static_cast<float>(i);
    std::string error;
    ASSERT_TRUE(writeNpyFloat32(dir.path("x.npy"), images.data(),
                                {kSamples, 1, 28, 28}, error))
        << error;
    writeLabels(dir.path("y.npy"), kSamples);
    trained().clear();
  }

  TrainOptions options(std::vector<const char *> arguments) {
    std::string data = "npy:" + dir.path("x.npy") + "," + dir.path("y.npy");
    std::vector<const char *> argv = {"train", "--quiet", "--data",
                                      data.c_str()};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::string error;
    std::optional<TrainOptions> parsed =
        parseOptions(static_cast<int>(argv.size()), argv.data(), error);
    EXPECT_TRUE(parsed) << error;
    return parsed ? *parsed : TrainOptions();
  }

  std::vector<int64_t> train(std::vector<const char *> arguments) {
    trained().clear();
    ModelApi api = mockApi();
    api.trainStep = spyTrainStep;
    EXPECT_EQ(runTraining(options(arguments), api), 0);
    return trained();
  }

  TempDir dir;
};

TEST_F(TrainerTest, EachEpochTrainsOnItsPermutationInFullBatches) {
  std::vector<int64_t> seen = train({"--epochs", "3", "--seed", "5"});
  ASSERT_EQ(seen.size(), 3u * 32);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    std::vector<int64_t> order = epochPermutation(5, epoch, kSamples);
    std::vector<int64_t> expected(order.begin(), order.begin() + 32);
    std::vector<int64_t> got(seen.begin() + 32 * epoch,
                             seen.begin() + 32 * (epoch + 1));
    EXPECT_EQ(got, expected) << "epoch " << epoch;
    EXPECT_EQ(std::set<int64_t>(got.begin(), got.end()).size(), 32u)
        << "a sample repeats within epoch " << epoch;
  }
  EXPECT_NE(std::vector<int64_t>(seen.begin(), seen.begin() + 32),
            std::vector<int64_t>(seen.begin() + 32, seen.begin() + 64));
  EXPECT_NE(train({"--epochs", "1", "--seed", "6"}),
            std::vector<int64_t>(seen.begin(), seen.begin() + 32));
}

TEST_F(TrainerTest, StepsCanEndInsideAnEpochAndSpanEpochs) {
  EXPECT_EQ(train({"--steps", "3"}).size(), 3u * 16);
  EXPECT_EQ(train({"--steps", "7", "--epochs", "2"}).size(), 4u * 16);
  EXPECT_EQ(train({}).size(), 2u * 16); // one epoch by default
}

TEST_F(TrainerTest, ResumeContinuesTheSameOrder) {
  std::vector<int64_t> straight = train({"--steps", "5", "--seed", "9"});
  std::string checkpoint = dir.path("c.ckpt");
  std::vector<int64_t> first = train(
      {"--steps", "3", "--seed", "9", "--checkpoint", checkpoint.c_str()});
  std::vector<int64_t> rest =
      train({"--steps", "5", "--resume", checkpoint.c_str()});
  first.insert(first.end(), rest.begin(), rest.end());
  EXPECT_EQ(first, straight);
}

} // namespace
