//===- DataTest.cpp - dataset specs, Fashion-MNIST and IDX errors ---------===//

#include "TestFiles.h"
#include "data/Dataset.h"
#include "data/FashionMnist.h"
#include "data/Idx.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <map>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

const std::vector<int64_t> kMnistShape = {1, 28, 28};

//===----------------------------------------------------------------------===//
// The real Fashion-MNIST (Debian's dataset-fashion-mnist)
//===----------------------------------------------------------------------===//

class FashionMnistTest : public testing::Test {
protected:
  // 70000 images take a moment to inflate: read them once for the suite.
  static void SetUpTestSuite() {
    dataset = loadDataset("fashion-mnist", kMnistShape, 10, 0, error);
  }
  static void TearDownTestSuite() { dataset.reset(); }
  void SetUp() override {
    ASSERT_TRUE(dataset) << error
                         << " (the tests need Debian's dataset-fashion-mnist)";
  }
  static std::optional<Dataset> dataset;
  static std::string error;
};
std::optional<Dataset> FashionMnistTest::dataset;
std::string FashionMnistTest::error;

TEST_F(FashionMnistTest, HasTheOfficialSplitsAndClassBalance) {
  EXPECT_EQ(dataset->sampleShape, kMnistShape);
  EXPECT_EQ(dataset->numClasses, 10);
  ASSERT_EQ(dataset->train.count, 60000);
  ASSERT_EQ(dataset->test.count, 10000);
  EXPECT_EQ(dataset->train.images.size(), 60000u * 784);
  EXPECT_EQ(dataset->test.images.size(), 10000u * 784);
  ASSERT_EQ(dataset->train.labels.size(), 60000u);
  ASSERT_EQ(dataset->test.labels.size(), 10000u);
  // The official training set starts with an ankle boot (class 9).
  EXPECT_EQ(dataset->train.labels[0], 9);
  std::map<int32_t, int> train, test;
  for (int32_t label : dataset->train.labels)
    ++train[label];
  for (int32_t label : dataset->test.labels)
    ++test[label];
  for (int32_t label = 0; label < 10; ++label) {
    EXPECT_EQ(train[label], 6000) << "training images of class " << label;
    EXPECT_EQ(test[label], 1000) << "test images of class " << label;
  }
}

TEST_F(FashionMnistTest, NormalisationConstantsAreTrainingSetStatistics) {
  std::string readError;
  std::optional<IdxArray> raw = readIdx(std::string(kFashionMnistDefaultDir) +
                                            "/train-images-idx3-ubyte.gz",
                                        kIdxImagesMagic, readError);
  ASSERT_TRUE(raw) << readError;
  double sum = 0, sumSquares = 0;
  for (uint8_t byte : raw->data) {
    double value = byte / 255.0;
    sum += value;
    sumSquares += value * value;
  }
  double count = raw->data.size();
  double mean = sum / count;
  double std = std::sqrt(sumSquares / count - mean * mean);
  // The constants are these statistics to four decimals.
  EXPECT_NEAR(kFashionMnistMean, mean, 5e-5);
  EXPECT_NEAR(kFashionMnistStd, std, 5e-5);

  // Each loaded value is (byte / 255 - mean) / std.
  const std::vector<float> &images = dataset->train.images;
  for (size_t i = 0; i < raw->data.size(); i += 9973) {
    double expected =
        (raw->data[i] / 255.0 - kFashionMnistMean) / kFashionMnistStd;
    ASSERT_NEAR(images[i], expected, 1e-5) << "pixel " << i;
  }
  // So the loaded training set is about zero-mean, unit-variance; the
  // rounding of the constants leaves about 1e-4.
  double loadedSum = 0, loadedSquares = 0;
  for (float value : images) {
    loadedSum += value;
    loadedSquares += double(value) * value;
  }
  double loadedMean = loadedSum / images.size();
  double loadedStd =
      std::sqrt(loadedSquares / images.size() - loadedMean * loadedMean);
  EXPECT_NEAR(loadedMean, 0.0, 3e-4);
  EXPECT_NEAR(loadedStd, 1.0, 3e-4);
}

TEST(FashionMnistErrorTest, ThreeChannelModelIsRejected) {
  std::string error;
  EXPECT_FALSE(loadDataset("fashion-mnist", {3, 28, 28}, 10, 0, error));
  EXPECT_EQ(error, "fashion-mnist samples have shape [1, 28, 28] but the "
                   "model takes [3, 28, 28] (" +
                       std::string(kFashionMnistDefaultDir) +
                       "/train-images-idx3-ubyte.gz)");
}

TEST(FashionMnistErrorTest, ModelWithFewerClassesIsRejected) {
  std::string error;
  EXPECT_FALSE(loadDataset("fashion-mnist", kMnistShape, 5, 0, error));
  EXPECT_EQ(error, std::string(kFashionMnistDefaultDir) +
                       "/train-labels-idx1-ubyte.gz: label 9 of sample 0 is "
                       "outside the model's 5 classes [0, 5)");
}

//===----------------------------------------------------------------------===//
// IDX errors, on small files made here
//===----------------------------------------------------------------------===//

std::string bigEndian(uint32_t value) {
  return {char(value >> 24), char(value >> 16), char(value >> 8), char(value)};
}

std::string idxBytes(uint32_t magic, const std::vector<uint32_t> &dims,
                     const std::string &data) {
  std::string bytes = bigEndian(magic);
  for (uint32_t dim : dims)
    bytes += bigEndian(dim);
  return bytes + data;
}

void writeGz(const std::string &path, const std::string &bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  ASSERT_EQ(gzwrite(file, bytes.data(), bytes.size()), int(bytes.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

/// A valid Fashion-MNIST-shaped directory: 3 training and 2 test images of
/// 28x28. Pixel p of image i is (i * 784 + p) % 256; labels count from 7.
class IdxFilesTest : public testing::Test {
protected:
  void SetUp() override {
    writeSplit("train", 3);
    writeSplit("t10k", 2);
  }
  void writeSplit(const std::string &prefix, uint32_t count) {
    std::string pixels, labels;
    for (uint32_t i = 0; i < count * 784; ++i)
      pixels += char(i % 256);
    for (uint32_t i = 0; i < count; ++i)
      labels += char(7 + i);
    writeGz(images(prefix), idxBytes(0x803, {count, 28, 28}, pixels));
    writeGz(this->labels(prefix), idxBytes(0x801, {count}, labels));
  }
  std::string images(const std::string &prefix = "train") const {
    return dir.path(prefix + "-images-idx3-ubyte.gz");
  }
  std::string labels(const std::string &prefix = "train") const {
    return dir.path(prefix + "-labels-idx1-ubyte.gz");
  }
  /// Loads the directory; returns the error ("" on success).
  std::string load(int64_t numClasses = 10) {
    std::string error;
    dataset = loadDataset("fashion-mnist:" + dir.path(), kMnistShape,
                          numClasses, 0, error);
    EXPECT_EQ(dataset.has_value(), error.empty());
    return error;
  }
  TempDir dir;
  std::optional<Dataset> dataset;
};

TEST_F(IdxFilesTest, SmallDirectoryLoadsNormalised) {
  ASSERT_EQ(load(), "");
  EXPECT_EQ(dataset->train.count, 3);
  EXPECT_EQ(dataset->test.count, 2);
  EXPECT_EQ(dataset->train.labels, (std::vector<int32_t>{7, 8, 9}));
  EXPECT_EQ(dataset->test.labels, (std::vector<int32_t>{7, 8}));
  auto normalised = [](int byte) {
    return (byte / 255.0 - kFashionMnistMean) / kFashionMnistStd;
  };
  // Image 1 pixel 5 is (784 + 5) % 256 = 21.
  EXPECT_NEAR(dataset->train.images[784 + 5], normalised(21), 1e-5);
  EXPECT_NEAR(dataset->train.images[255], normalised(255), 1e-5);
  EXPECT_NEAR(dataset->test.images[256], normalised(0), 1e-5);
}

TEST_F(IdxFilesTest, MissingDirectory) {
  std::string error;
  EXPECT_FALSE(loadDataset("fashion-mnist:" + dir.path("absent"), kMnistShape,
                           10, 0, error));
  EXPECT_EQ(error, "fashion-mnist directory " + dir.path("absent") +
                       " does not exist (install Debian's "
                       "dataset-fashion-mnist or pass fashion-mnist:DIR)");
}

TEST_F(IdxFilesTest, MissingFile) {
  std::filesystem::remove(labels("t10k"));
  EXPECT_EQ(load(),
            "cannot open " + labels("t10k") + ": No such file or directory");
}

TEST_F(IdxFilesTest, BadMagic) {
  writeGz(images(), idxBytes(0x801, {3}, "abc"));
  EXPECT_EQ(load(), images() + ": bad IDX magic 0x00000801 (expected "
                               "0x00000803)");
}

TEST_F(IdxFilesTest, TruncatedHeader) {
  writeGz(labels(), std::string(2, '\0'));
  EXPECT_EQ(load(), labels() + ": truncated IDX header (2 of 4 magic bytes)");
}

TEST_F(IdxFilesTest, TruncatedDimensions) {
  writeGz(images(), bigEndian(0x803) + bigEndian(3));
  EXPECT_EQ(load(),
            images() + ": truncated IDX header (4 of 12 dimension bytes)");
}

TEST_F(IdxFilesTest, TruncatedData) {
  writeGz(images(), idxBytes(0x803, {3, 28, 28}, std::string(100, '\1')));
  EXPECT_EQ(load(), images() + ": truncated: expected 2352 bytes of data, "
                               "found 100");
}

TEST_F(IdxFilesTest, TruncatedCompressedStream) {
  std::string compressed = readFile(images());
  writeFile(images(), compressed.substr(0, compressed.size() / 2));
  EXPECT_EQ(load(), images() + ": truncated: the compressed data ends early");
}

TEST_F(IdxFilesTest, TrailingBytes) {
  writeGz(labels(), idxBytes(0x801, {3}, "\1\2\3\4"));
  EXPECT_EQ(load(), labels() + ": unexpected bytes after the 3 bytes of data "
                               "the header announces");
}

TEST_F(IdxFilesTest, CountMismatchBetweenImagesAndLabels) {
  writeGz(labels(), idxBytes(0x801, {2}, "\1\2"));
  EXPECT_EQ(load(),
            labels() + " has 2 labels but " + images() + " has 3 images");
}

TEST_F(IdxFilesTest, LabelOutOfRange) {
  writeGz(labels("t10k"), idxBytes(0x801, {2}, "\1\12"));
  EXPECT_EQ(load(), labels("t10k") + ": label 10 of sample 1 is outside the "
                                     "model's 10 classes [0, 10)");
}

TEST_F(IdxFilesTest, UncompressedContentIsReadToo) {
  // gzread passes plain files through; a decompressed copy keeps working.
  writeFile(labels(), idxBytes(0x801, {3}, std::string("\0\1\2", 3)));
  ASSERT_EQ(load(), "");
  EXPECT_EQ(dataset->train.labels, (std::vector<int32_t>{0, 1, 2}));
}

//===----------------------------------------------------------------------===//
// Specs and the synthetic dataset
//===----------------------------------------------------------------------===//

TEST(DatasetSpecTest, UnknownSpec) {
  std::string error;
  EXPECT_FALSE(loadDataset("mnist", kMnistShape, 10, 0, error));
  EXPECT_EQ(error, "unknown dataset 'mnist' (expected synthetic[:TRAIN[,TEST]]"
                   ", fashion-mnist[:DIR] or npy:IMAGES.npy,LABELS.npy)");
}

TEST(DatasetSpecTest, BadSyntheticCounts) {
  std::string error;
  EXPECT_FALSE(loadDataset("synthetic:ten", kMnistShape, 10, 0, error));
  EXPECT_EQ(error, "bad sample counts in 'synthetic:ten' (expected "
                   "synthetic:TRAIN or synthetic:TRAIN,TEST)");
}

TEST(DatasetSpecTest, InvalidModelShapeOrClasses) {
  std::string error;
  EXPECT_FALSE(loadDataset("synthetic", {1, 0, 28}, 10, 0, error));
  EXPECT_EQ(error, "the model's sample shape [1, 0, 28] has no elements");
  EXPECT_FALSE(loadDataset("synthetic", kMnistShape, 0, 0, error));
  EXPECT_EQ(error, "the model has 0 classes (expected at least 1)");
}

TEST(SyntheticTest, DefaultCountsShapeAndLabelRange) {
  std::string error;
  std::optional<Dataset> data =
      loadDataset("synthetic", {3, 8, 8}, 4, 42, error);
  ASSERT_TRUE(data) << error;
  EXPECT_EQ(data->sampleShape, (std::vector<int64_t>{3, 8, 8}));
  EXPECT_EQ(data->train.count, 1024);
  EXPECT_EQ(data->test.count, 256);
  EXPECT_EQ(data->train.images.size(), 1024u * 192);
  EXPECT_EQ(data->test.images.size(), 256u * 192);
  std::map<int32_t, int> seen;
  for (int32_t label : data->train.labels)
    ++seen[label];
  EXPECT_EQ(seen.size(), 4u) << "every class appears";
  EXPECT_EQ(seen.begin()->first, 0);
  EXPECT_EQ(seen.rbegin()->first, 3);
}

TEST(SyntheticTest, DeterministicFromSeed) {
  std::string error;
  auto a = loadDataset("synthetic:64,16", {1, 5, 5}, 3, 7, error);
  auto b = loadDataset("synthetic:64,16", {1, 5, 5}, 3, 7, error);
  auto c = loadDataset("synthetic:64,16", {1, 5, 5}, 3, 8, error);
  ASSERT_TRUE(a && b && c) << error;
  EXPECT_EQ(a->train.count, 64);
  EXPECT_EQ(a->test.count, 16);
  EXPECT_EQ(a->train.images, b->train.images);
  EXPECT_EQ(a->train.labels, b->train.labels);
  EXPECT_EQ(a->test.images, b->test.images);
  EXPECT_NE(a->train.images, c->train.images) << "seed 7 vs seed 8";
}

// The data is meant to be learnable: the class means of the training split
// classify the test split (nearest mean) almost perfectly.
TEST(SyntheticTest, NearestClassMeanClassifiesTestSplit) {
  std::string error;
  auto data = loadDataset("synthetic", {1, 6, 6}, 5, 3, error);
  ASSERT_TRUE(data) << error;
  int64_t size = data->sampleSize();
  std::vector<double> means(5 * size);
  std::vector<int> counts(5);
  for (int64_t i = 0; i < data->train.count; ++i) {
    int label = data->train.labels[i];
    ++counts[label];
    for (int64_t j = 0; j < size; ++j)
      means[label * size + j] += data->train.images[i * size + j];
  }
  for (int label = 0; label < 5; ++label)
    for (int64_t j = 0; j < size; ++j)
      means[label * size + j] /= counts[label];
  int correct = 0;
  for (int64_t i = 0; i < data->test.count; ++i) {
    int best = -1;
    double bestDistance = 0;
    for (int label = 0; label < 5; ++label) {
      double distance = 0;
      for (int64_t j = 0; j < size; ++j) {
        double d = data->test.images[i * size + j] - means[label * size + j];
        distance += d * d;
      }
      if (best < 0 || distance < bestDistance)
        best = label, bestDistance = distance;
    }
    correct += best == data->test.labels[i];
  }
  EXPECT_GE(correct, data->test.count * 9 / 10)
      << "nearest-mean accuracy " << correct << " of " << data->test.count;
}

} // namespace
