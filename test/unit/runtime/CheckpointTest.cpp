//===- CheckpointTest.cpp - checkpoint layout, atomic write, every error --===//

#include "train/Checkpoint.h"
#include "TestFiles.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

struct Saved {
  CheckpointHeader header;
  std::vector<char> params, buffers, state;
};

Saved makeSaved() {
  Saved saved;
  CheckpointHeader &h = saved.header;
  h.planHash = 0x0123456789abcdefull;
  h.paramBytes = 128;
  h.bufferBytes = 64;
  h.stateBytes = 128;
  h.batch = 16;
  h.optimizer = "sgd";
  h.step = 1234;
  h.epoch = 3;
  h.position = 17;
  h.seed = 99;
  h.trainCount = 60000;
  h.samples = 17 * 16 * 2;
  h.accumulate = 2;
  h.noiseSteps = 5;
  h.noiseGradSq = 0.25;
  h.noiseTrace = 1.5;
  h.rampStep = 7;
  h.rampFrom = 2;
  for (int64_t i = 0; i < h.paramBytes; ++i)
    saved.params.push_back(static_cast<char>(i));
  for (int64_t i = 0; i < h.bufferBytes; ++i)
    saved.buffers.push_back(static_cast<char>(200 - i));
  for (int64_t i = 0; i < h.stateBytes; ++i)
    saved.state.push_back(static_cast<char>(3 * i + 1));
  return saved;
}

void write(const std::string &path, const Saved &saved) {
  std::string error;
  ASSERT_TRUE(writeCheckpoint(path, saved.header, saved.params.data(),
                              saved.buffers.data(), saved.state.data(), error))
      << error;
}

std::string readError(const std::string &path) {
  std::string error;
  EXPECT_FALSE(readCheckpoint(path, error));
  return error;
}

template <typename T> T at(const std::string &bytes, size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

TEST(CheckpointTest, RoundTripsEverything) {
  TempDir dir;
  Saved saved = makeSaved();
  write(dir.path("c.ckpt"), saved);
  std::string error;
  std::optional<Checkpoint> read = readCheckpoint(dir.path("c.ckpt"), error);
  ASSERT_TRUE(read) << error;
  const CheckpointHeader &h = read->header;
  EXPECT_EQ(h.planHash, saved.header.planHash);
  EXPECT_EQ(h.paramBytes, 128);
  EXPECT_EQ(h.bufferBytes, 64);
  EXPECT_EQ(h.stateBytes, 128);
  EXPECT_EQ(h.batch, 16);
  EXPECT_EQ(h.optimizer, "sgd");
  EXPECT_EQ(h.step, 1234);
  EXPECT_EQ(h.epoch, 3);
  EXPECT_EQ(h.position, 17);
  EXPECT_EQ(h.seed, 99u);
  EXPECT_EQ(h.trainCount, 60000);
  EXPECT_EQ(read->params, saved.params);
  EXPECT_EQ(read->buffers, saved.buffers);
  EXPECT_EQ(read->state, saved.state);
}

TEST(CheckpointTest, LayoutIsTheDocumentedOne) {
  TempDir dir;
  Saved saved = makeSaved();
  write(dir.path("c.ckpt"), saved);
  std::string bytes = readFile(dir.path("c.ckpt"));
  ASSERT_EQ(bytes.size(), 256u + 128 + 64 + 128 + 8);
  EXPECT_EQ(bytes.substr(0, 8), "TRAINCKP");
  EXPECT_EQ(at<uint32_t>(bytes, 8), 2u);
  EXPECT_EQ(at<uint32_t>(bytes, 12), 0u);
  EXPECT_EQ(at<uint64_t>(bytes, 16), 0x0123456789abcdefull);
  EXPECT_EQ(at<int64_t>(bytes, 24), 128);
  EXPECT_EQ(at<int64_t>(bytes, 32), 64);
  EXPECT_EQ(at<int64_t>(bytes, 40), 128);
  EXPECT_EQ(at<int64_t>(bytes, 48), 16);
  EXPECT_EQ(at<uint64_t>(bytes, 56), 99u);
  EXPECT_EQ(at<int64_t>(bytes, 64), 1234);
  EXPECT_EQ(at<int64_t>(bytes, 72), 3);
  EXPECT_EQ(at<int64_t>(bytes, 80), 17);
  EXPECT_EQ(at<int64_t>(bytes, 88), 60000);
  EXPECT_EQ(std::string(bytes.data() + 96), "sgd");
  for (size_t i = 99; i < 112; ++i)
    EXPECT_EQ(bytes[i], 0) << "header byte " << i << " is not zero";
  EXPECT_EQ(at<int64_t>(bytes, 112), 1); // one process
  for (size_t i = 120; i < 128; ++i)
    EXPECT_EQ(bytes[i], 0) << "header byte " << i << " is not zero";
  EXPECT_EQ(at<int64_t>(bytes, 128), 17 * 16 * 2);
  EXPECT_EQ(at<int64_t>(bytes, 136), 2);
  EXPECT_EQ(at<int64_t>(bytes, 144), 5);
  EXPECT_EQ(at<double>(bytes, 152), 0.25);
  EXPECT_EQ(at<double>(bytes, 160), 1.5);
  EXPECT_EQ(at<int64_t>(bytes, 168), 7);
  EXPECT_EQ(at<int64_t>(bytes, 176), 2);
  for (size_t i = 184; i < 256; ++i)
    EXPECT_EQ(bytes[i], 0) << "header byte " << i << " is not zero";
  EXPECT_EQ(bytes.substr(256, 128),
            std::string(saved.params.begin(), saved.params.end()));
  // FNV-1a 64 of everything before the checksum.
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i + 8 < bytes.size(); ++i)
    hash = (hash ^ static_cast<unsigned char>(bytes[i])) * 0x100000001b3ull;
  EXPECT_EQ(at<uint64_t>(bytes, bytes.size() - 8), hash);
}

TEST(CheckpointTest, ReadsVersionOne) {
  // A version 1 file: the 128-byte header, position in batches.
  TempDir dir;
  Saved saved = makeSaved();
  write(dir.path("c.ckpt"), saved);
  std::string bytes = readFile(dir.path("c.ckpt"));
  std::string old = bytes.substr(0, 128) + bytes.substr(256);
  uint32_t one = 1;
  std::memcpy(old.data() + 8, &one, 4);
  uint64_t hash = 0xcbf29ce484222325ull;
  for (size_t i = 0; i + 8 < old.size(); ++i)
    hash = (hash ^ static_cast<unsigned char>(old[i])) * 0x100000001b3ull;
  std::memcpy(old.data() + old.size() - 8, &hash, 8);
  {
    std::FILE *file = std::fopen(dir.path("old.ckpt").c_str(), "wb");
    ASSERT_TRUE(file);
    std::fwrite(old.data(), 1, old.size(), file);
    std::fclose(file);
  }
  std::string error;
  auto read = readCheckpoint(dir.path("old.ckpt"), error);
  ASSERT_TRUE(read) << error;
  EXPECT_EQ(read->header.step, 1234);
  EXPECT_EQ(read->header.position, 17);
  EXPECT_EQ(read->header.samples, 17 * 16 * 1); // batch 16, one process
  EXPECT_EQ(read->header.accumulate, 1);
  EXPECT_EQ(read->header.noiseSteps, 0);
  EXPECT_EQ(read->params, saved.params);
  EXPECT_EQ(read->state, saved.state);
}

TEST(CheckpointTest, WriteReplacesAtomicallyAndLeavesNoTemporary) {
  TempDir dir;
  Saved saved = makeSaved();
  write(dir.path("c.ckpt"), saved);
  saved.header.step = 2000;
  write(dir.path("c.ckpt"), saved);
  std::vector<std::string> names;
  for (const auto &entry : std::filesystem::directory_iterator(dir.path()))
    names.push_back(entry.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"c.ckpt"});
  std::string error;
  EXPECT_EQ(readCheckpoint(dir.path("c.ckpt"), error)->header.step, 2000);
  std::string error2;
  EXPECT_TRUE(checkCheckpointWritable(dir.path("d.ckpt"), error2)) << error2;
  EXPECT_FALSE(std::filesystem::exists(dir.path("d.ckpt")));
}

TEST(CheckpointTest, UnwritablePlacesAreReported) {
  TempDir dir;
  Saved saved = makeSaved();
  std::string path = dir.path("missing/c.ckpt"), error;
  EXPECT_FALSE(checkCheckpointWritable(path, error));
  EXPECT_EQ(error,
            "cannot write checkpoint " + path + ": No such file or directory");
  error.clear();
  EXPECT_FALSE(writeCheckpoint(path, saved.header, saved.params.data(),
                               saved.buffers.data(), saved.state.data(),
                               error));
  EXPECT_EQ(error,
            "cannot write checkpoint " + path + ": No such file or directory");
  EXPECT_FALSE(checkCheckpointWritable(dir.path(), error));
  EXPECT_EQ(error,
            "cannot write checkpoint " + dir.path() + ": it is a directory");
}

TEST(CheckpointTest, BadFilesAreRefusedWithTheirReason) {
  TempDir dir;
  Saved saved = makeSaved();
  std::string good = dir.path("c.ckpt");
  write(good, saved);
  std::string bytes = readFile(good);

  EXPECT_EQ(readError(dir.path("none.ckpt")),
            "cannot read checkpoint " + dir.path("none.ckpt") +
                ": No such file or directory");
  EXPECT_EQ(readError(dir.path()),
            "cannot read checkpoint " + dir.path() + ": it is a directory");

  std::string path = dir.path("bad.ckpt");
  writeFile(path, "not a checkpoint at all");
  EXPECT_EQ(readError(path), path + " is not a training checkpoint (no "
                                    "TRAINCKP magic)");

  std::string version = bytes;
  version[8] = 3;
  writeFile(path, version);
  EXPECT_EQ(readError(path), path + ": checkpoint version 3 is not supported "
                                    "(this runtime reads versions 1 and 2)");

  writeFile(path, bytes.substr(0, 100));
  EXPECT_EQ(readError(path),
            path + " is truncated (100 bytes, shorter than the header)");

  writeFile(path, bytes.substr(0, bytes.size() - 1));
  EXPECT_EQ(readError(path), path + " has 583 bytes but its header describes "
                                    "584 (truncated or corrupt)");
  writeFile(path, bytes + "x");
  EXPECT_EQ(readError(path), path + " has 585 bytes but its header describes "
                                    "584 (truncated or corrupt)");

  std::string sizes = bytes;
  sizes[31] = '\x80'; // a negative parameter size
  writeFile(path, sizes);
  EXPECT_EQ(readError(path), path + " has 584 bytes but its header describes "
                                    "impossible sizes (truncated or corrupt)");

  std::string flipped = bytes;
  flipped[200] ^= 1;
  writeFile(path, flipped);
  EXPECT_EQ(readError(path), path + " is corrupt (checksum mismatch)");
}

TEST(CheckpointTest, AnotherModelIsRefused) {
  CheckpointHeader saved = makeSaved().header, current = saved;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current), "");
  current.step = 0; // where the run stands does not matter
  current.seed = 1;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current), "");

  current = saved;
  current.planHash = 0xfedcba9876543210ull;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current),
            "checkpoint c.ckpt was written by a different model or build "
            "(plan hash 0x0123456789abcdef, this executable's is "
            "0xfedcba9876543210)");
  current = saved;
  current.paramBytes = 192;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current),
            "checkpoint c.ckpt does not fit this executable: parameter bytes "
            "128 in the checkpoint, 192 here");
  current = saved;
  current.bufferBytes = 0;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current),
            "checkpoint c.ckpt does not fit this executable: buffer bytes 64 "
            "in the checkpoint, 0 here");
  current = saved;
  current.stateBytes = 256;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current),
            "checkpoint c.ckpt does not fit this executable: optimizer state "
            "bytes 128 in the checkpoint, 256 here");
  current = saved;
  current.batch = 32;
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current),
            "checkpoint c.ckpt does not fit this executable: batch 16 in the "
            "checkpoint, 32 here");
  current = saved;
  current.optimizer = "adam";
  EXPECT_EQ(checkCheckpointModel("c.ckpt", saved, current),
            "checkpoint c.ckpt does not fit this executable: optimizer 'sgd' "
            "in the checkpoint, 'adam' here");
}

} // namespace
