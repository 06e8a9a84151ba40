//===- NpyTest.cpp - .npy files against numpy, npy: datasets --------------===//
//
// numpy (Debian's python3-numpy, run as TRAINC_TEST_PYTHON) writes the files
// the reader must accept or reject, and checks the files the writer makes.
//
//===----------------------------------------------------------------------===//

#include "data/Npy.h"
#include "TestFiles.h"
#include "data/Dataset.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

/// Runs `script` with numpy's python, `dir` as its argument. Returns "" on
/// success, else what the script printed (or why it could not run).
std::string runPython(const std::string &dir, const std::string &script) {
  std::string scriptPath = dir + "/script.py", outputPath = dir + "/out.txt";
  writeFile(scriptPath, script);
  std::string command = std::string(TRAINC_TEST_PYTHON) + " " + scriptPath +
                        " " + dir + " > " + outputPath + " 2>&1";
  int status = std::system(command.c_str());
  if (status == 0)
    return "";
  return "`" + command + "` failed (status " + std::to_string(status) +
         "): " + readFile(outputPath) +
         " (the tests need Debian's python3-numpy)";
}

// Writes the arrays the reader is tested on; each float array also goes to
// a .bin with its raw little-endian bytes, the reference to compare with.
const char *const kMakeInputs = R"PY(
import sys
import numpy as np
d = sys.argv[1]
rng = np.random.default_rng(5)
x = rng.standard_normal((4, 1, 3, 5)).astype(np.float32)
np.save(f'{d}/x.npy', x)
x.astype('<f4').tofile(f'{d}/x.bin')
with open(f'{d}/x_v2.npy', 'wb') as f:
    np.lib.format.write_array(f, x, version=(2, 0))
with open(f'{d}/x_v3.npy', 'wb') as f:
    np.lib.format.write_array(f, x, version=(3, 0))
for dtype in ['int32', 'int64', 'uint8']:
    np.save(f'{d}/y_{dtype}.npy', np.array([0, 3, 1, 2], dtype=dtype))
np.save(f'{d}/fortran.npy',
        np.asfortranarray(rng.standard_normal((3, 4)).astype(np.float32)))
np.save(f'{d}/float64.npy', np.zeros((2, 2)))
np.save(f'{d}/bigendian.npy', np.zeros(3, dtype='>f4'))
data = open(f'{d}/x.npy', 'rb').read()
open(f'{d}/truncated.npy', 'wb').write(data[:-7])
open(f'{d}/text.npy', 'w').write('not numpy\n')
np.save(f'{d}/labels2d.npy', np.zeros((4, 1), dtype=np.int64))
np.save(f'{d}/y_huge.npy', np.array([0, 1, 2, 2**40], dtype=np.int64))
np.save(f'{d}/y_out.npy', np.array([0, 1, 10, 2], dtype=np.int32))
np.save(f'{d}/y_short.npy', np.array([0, 1, 2], dtype=np.int32))
)PY";

class NpyTest : public testing::Test {
protected:
  static void SetUpTestSuite() {
    dir = std::make_unique<TempDir>();
    pythonError = runPython(dir->path(), kMakeInputs);
  }
  static void TearDownTestSuite() { dir.reset(); }
  void SetUp() override { ASSERT_EQ(pythonError, ""); }

  static std::string path(const std::string &name) { return dir->path(name); }
  /// The error reading `name` as float32 produces ("" if it reads).
  static std::string floatError(const std::string &name) {
    std::vector<int64_t> shape;
    std::string error;
    return readNpyFloat32(path(name), shape, error) ? "" : error;
  }
  static std::string labelsError(const std::string &name) {
    std::string error;
    return readNpyLabels(path(name), error) ? "" : error;
  }
  static std::vector<float> referenceX() {
    std::string bytes = readFile(path("x.bin"));
    std::vector<float> values(bytes.size() / 4);
    std::memcpy(values.data(), bytes.data(), bytes.size());
    return values;
  }

  static std::unique_ptr<TempDir> dir;
  static std::string pythonError;
};
std::unique_ptr<TempDir> NpyTest::dir;
std::string NpyTest::pythonError;

TEST_F(NpyTest, ReadsVersion1Float32) {
  std::vector<int64_t> shape;
  std::string error;
  auto values = readNpyFloat32(path("x.npy"), shape, error);
  ASSERT_TRUE(values) << error;
  EXPECT_EQ(shape, (std::vector<int64_t>{4, 1, 3, 5}));
  EXPECT_EQ(*values, referenceX());
}

TEST_F(NpyTest, ReadsVersion2Float32) {
  std::vector<int64_t> shape;
  std::string error;
  auto values = readNpyFloat32(path("x_v2.npy"), shape, error);
  ASSERT_TRUE(values) << error;
  EXPECT_EQ(shape, (std::vector<int64_t>{4, 1, 3, 5}));
  EXPECT_EQ(*values, referenceX());
}

TEST_F(NpyTest, ReadsInt32Int64AndUint8Labels) {
  for (const char *dtype : {"int32", "int64", "uint8"}) {
    std::string error;
    auto labels =
        readNpyLabels(path(std::string("y_") + dtype + ".npy"), error);
    ASSERT_TRUE(labels) << dtype << ": " << error;
    EXPECT_EQ(*labels, (std::vector<int32_t>{0, 3, 1, 2})) << dtype;
  }
}

TEST_F(NpyTest, RejectsFortranOrder) {
  EXPECT_EQ(floatError("fortran.npy"),
            path("fortran.npy") +
                ": Fortran-order arrays are not supported (save a C-order "
                "array, e.g. numpy.ascontiguousarray)");
}

TEST_F(NpyTest, RejectsUnsupportedDtypes) {
  EXPECT_EQ(floatError("float64.npy"),
            path("float64.npy") + ": unsupported dtype '<f8' (expected "
                                  "'<f4', '<i4', '<i8' or '|u1')");
  EXPECT_EQ(floatError("bigendian.npy"),
            path("bigendian.npy") + ": unsupported dtype '>f4' (expected "
                                    "'<f4', '<i4', '<i8' or '|u1')");
  EXPECT_EQ(floatError("y_int64.npy"),
            path("y_int64.npy") + ": dtype '<i8' is not float32 ('<f4')");
  EXPECT_EQ(labelsError("x.npy"),
            path("x.npy") + ": labels must be a 1-D array, found shape "
                            "(4, 1, 3, 5)");
}

TEST_F(NpyTest, RejectsTruncatedData) {
  EXPECT_EQ(floatError("truncated.npy"),
            path("truncated.npy") + ": truncated: shape (4, 1, 3, 5) of "
                                    "'<f4' needs 240 bytes of data, found 233");
}

TEST_F(NpyTest, RejectsOtherVersionsAndNonNpyFiles) {
  EXPECT_EQ(floatError("x_v3.npy"),
            path("x_v3.npy") +
                ": unsupported .npy version 3.0 (expected 1.0 or 2.0)");
  EXPECT_EQ(floatError("text.npy"),
            path("text.npy") + ": not a .npy file (no \\x93NUMPY magic)");
  EXPECT_EQ(floatError("absent.npy"), "cannot open " + path("absent.npy") +
                                          ": No such file or directory");
}

TEST_F(NpyTest, RejectsBadLabelArrays) {
  EXPECT_EQ(labelsError("labels2d.npy"),
            path("labels2d.npy") +
                ": labels must be a 1-D array, found shape (4, 1)");
  EXPECT_EQ(labelsError("y_huge.npy"),
            path("y_huge.npy") +
                ": label 1099511627776 of sample 3 does not fit in int32");
}

// What the writer makes, numpy loads back to the same shape and values.
TEST_F(NpyTest, WrittenFilesLoadInNumpy) {
  struct Case {
    const char *name;
    std::vector<int64_t> shape;
  };
  const Case cases[] = {{"a", {2, 3, 4}}, {"b", {5}}, {"c", {}}, {"d", {0, 3}}};
  for (const Case &c : cases) {
    int64_t count = 1;
    for (int64_t dim : c.shape)
      count *= dim;
    std::vector<float> values(count);
    for (int64_t i = 0; i < count; ++i)
      values[i] = 0.25f * i - 1.0f / 3.0f;
    std::string error;
    ASSERT_TRUE(writeNpyFloat32(path(std::string(c.name) + "_out.npy"),
                                values.data(), c.shape, error))
        << error;
    writeFile(path(std::string(c.name) + "_out.bin"),
              std::string(reinterpret_cast<const char *>(values.data()),
                          values.size() * sizeof(float)));
    // And our own reader agrees.
    std::vector<int64_t> shape;
    auto back =
        readNpyFloat32(path(std::string(c.name) + "_out.npy"), shape, error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(shape, c.shape) << c.name;
    EXPECT_EQ(*back, values) << c.name;
  }
  EXPECT_EQ(runPython(dir->path(), R"PY(
import sys
import numpy as np
d = sys.argv[1]
fails = []
for name, shape in [('a', (2, 3, 4)), ('b', (5,)), ('c', ()), ('d', (0, 3))]:
    array = np.load(f'{d}/{name}_out.npy')
    raw = np.fromfile(f'{d}/{name}_out.bin', dtype='<f4')
    if array.dtype != np.float32:
        fails.append(f'{name}: dtype {array.dtype}, expected float32')
    if array.shape != shape:
        fails.append(f'{name}: shape {array.shape}, expected {shape}')
    elif not np.array_equal(array.reshape(-1), raw):
        fails.append(f'{name}: values {array.reshape(-1)}, expected {raw}')
    with open(f'{d}/{name}_out.npy', 'rb') as f:
        f.read(8)
        length = int.from_bytes(f.read(2), 'little')
    if (10 + length) % 64:
        fails.append(f'{name}: data starts at {10 + length}, not 64-aligned')
print('; '.join(fails))
sys.exit(1 if fails else 0)
)PY"),
            "");
}

//===----------------------------------------------------------------------===//
// npy: datasets
//===----------------------------------------------------------------------===//

const std::vector<int64_t> kSampleShape = {1, 3, 5};

TEST_F(NpyTest, DatasetIsTheTrainingSplitOnly) {
  std::string error;
  auto data = loadDataset("npy:" + path("x.npy") + "," + path("y_int64.npy"),
                          kSampleShape, 4, 0, error);
  ASSERT_TRUE(data) << error;
  EXPECT_EQ(data->sampleShape, kSampleShape);
  EXPECT_EQ(data->train.count, 4);
  EXPECT_EQ(data->train.images, referenceX());
  EXPECT_EQ(data->train.labels, (std::vector<int32_t>{0, 3, 1, 2}));
  EXPECT_EQ(data->test.count, 0);
  EXPECT_TRUE(data->test.images.empty());
}

TEST_F(NpyTest, DatasetSampleShapeMustMatchModel) {
  std::string error;
  EXPECT_FALSE(loadDataset("npy:" + path("x.npy") + "," + path("y_uint8.npy"),
                           {1, 28, 28}, 10, 0, error));
  EXPECT_EQ(error, path("x.npy") + " has shape [4, 1, 3, 5] but the model "
                                   "takes samples of shape [1, 28, 28] "
                                   "(expected [N, 1, 28, 28])");
}

TEST_F(NpyTest, DatasetLabelCountMustMatchImages) {
  std::string error;
  EXPECT_FALSE(loadDataset("npy:" + path("x.npy") + "," + path("y_short.npy"),
                           kSampleShape, 4, 0, error));
  EXPECT_EQ(error, path("y_short.npy") + " has 3 labels but " + path("x.npy") +
                       " has 4 samples");
}

TEST_F(NpyTest, DatasetLabelsMustBeModelClasses) {
  std::string error;
  EXPECT_FALSE(loadDataset("npy:" + path("x.npy") + "," + path("y_out.npy"),
                           kSampleShape, 4, 0, error));
  EXPECT_EQ(error, path("y_out.npy") + ": label 10 of sample 2 is outside the "
                                       "model's 4 classes [0, 4)");
}

TEST_F(NpyTest, DatasetSpecNeedsTwoFiles) {
  std::string error;
  EXPECT_FALSE(loadDataset("npy:" + path("x.npy"), kSampleShape, 4, 0, error));
  EXPECT_EQ(error, "bad dataset 'npy:" + path("x.npy") +
                       "' (expected npy:IMAGES.npy,LABELS.npy)");
}

} // namespace
