//===- Checkpoint.cpp - the state of a run, saved and restored ------------===//

#include "train/Checkpoint.h"

#include "Error.h"
#include "train/AtomicFile.h"
#include "train/Hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

// Integers are stored in the host's order, which the format fixes as
// little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the checkpoint format is little-endian");

namespace trainc::rt {
namespace {

constexpr size_t kOptimizerField = 16;

std::string encodeHeader(const CheckpointHeader &header) {
  std::string bytes(kCheckpointHeaderBytes, '\0');
  char *out = bytes.data();
  auto put = [&](size_t offset, const void *value, size_t size) {
    std::memcpy(out + offset, value, size);
  };
  put(0, kCheckpointMagic, 8);
  put(8, &kCheckpointVersion, 4);
  put(16, &header.planHash, 8);
  put(24, &header.paramBytes, 8);
  put(32, &header.bufferBytes, 8);
  put(40, &header.stateBytes, 8);
  put(48, &header.batch, 8);
  put(56, &header.seed, 8);
  put(64, &header.step, 8);
  put(72, &header.epoch, 8);
  put(80, &header.position, 8);
  put(88, &header.trainCount, 8);
  put(112, &header.world, 8);
  put(128, &header.samples, 8);
  put(136, &header.accumulate, 8);
  put(144, &header.noiseSteps, 8);
  put(152, &header.noiseGradSq, 8);
  put(160, &header.noiseTrace, 8);
  put(168, &header.rampStep, 8);
  put(176, &header.rampFrom, 8);
  put(96, header.optimizer.data(),
      std::min(header.optimizer.size(), kOptimizerField - 1));
  return bytes;
}

CheckpointHeader decodeHeader(const char *bytes, uint32_t version) {
  CheckpointHeader header;
  auto get = [&](size_t offset, void *value, size_t size) {
    std::memcpy(value, bytes + offset, size);
  };
  get(16, &header.planHash, 8);
  get(24, &header.paramBytes, 8);
  get(32, &header.bufferBytes, 8);
  get(40, &header.stateBytes, 8);
  get(48, &header.batch, 8);
  get(56, &header.seed, 8);
  get(64, &header.step, 8);
  get(72, &header.epoch, 8);
  get(80, &header.position, 8);
  get(88, &header.trainCount, 8);
  get(112, &header.world, 8);
  if (header.world == 0) // written before the field existed
    header.world = 1;
  if (version >= 2) {
    get(128, &header.samples, 8);
    get(136, &header.accumulate, 8);
    get(144, &header.noiseSteps, 8);
    get(152, &header.noiseGradSq, 8);
    get(160, &header.noiseTrace, 8);
    get(168, &header.rampStep, 8);
    get(176, &header.rampFrom, 8);
  } else {
    // Version 1 stored the steps of the epoch; a corrupt header can make
    // the product overflow (found by fuzzing): -1, which readCheckpoint
    // refuses.
    int64_t samples = 0;
    if (__builtin_mul_overflow(header.position, header.batch, &samples) ||
        __builtin_mul_overflow(samples, header.world, &samples))
      samples = -1;
    header.samples = samples;
    header.accumulate = 1;
  }
  header.optimizer =
      std::string(bytes + 96, strnlen(bytes + 96, kOptimizerField - 1));
  return header;
}

} // namespace

bool checkCheckpointWritable(const std::string &path, std::string &error) {
  return checkWritable(path, "checkpoint", error);
}

std::string olderCheckpoint(const std::string &path, int64_t age) {
  return age == 0 ? path : path + "." + std::to_string(age);
}

bool writeCheckpoint(const std::string &path, const CheckpointHeader &header,
                     const void *params, const void *buffers, const void *state,
                     std::string &error, int64_t keep) {
  AtomicFile file(path, "checkpoint");
  if (!file.open(error))
    return false;
  std::string head = encodeHeader(header);
  Fnv1a64 hash;
  auto emit = [&](const void *data, int64_t size) {
    hash.update(data, size);
    file.write(data, size);
  };
  emit(head.data(), head.size());
  emit(params, header.paramBytes);
  emit(buffers, header.bufferBytes);
  emit(state, header.stateBytes);
  uint64_t checksum = hash.value();
  file.write(&checksum, sizeof(checksum));
  // The older checkpoints move along only once the new one is on disk
  // (still under its temporary name), oldest first: killed in between, the
  // newest complete checkpoint is path (not yet moved) or path.1. The
  // window without path is two renames long.
  if (keep > 1 && !file.sync(error))
    return false;
  for (int64_t age = keep - 1; age >= 1; --age) {
    std::string from = olderCheckpoint(path, age - 1);
    std::string to = olderCheckpoint(path, age);
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
      error = "cannot move checkpoint " + from + " to " + to + ": " +
              std::strerror(errno);
      return false;
    }
  }
  return file.commit(error);
}

std::optional<Checkpoint> readCheckpoint(const std::string &path,
                                         std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY);
  struct stat info;
  if (fd < 0 || fstat(fd, &info) != 0) {
    error = "cannot read checkpoint " + path + ": " + std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
    return std::nullopt;
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    error = "cannot read checkpoint " + path + ": it is a directory";
    return std::nullopt;
  }
  std::vector<char> bytes(info.st_size);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t got = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (got < 0 && errno == EINTR)
      continue;
    if (got <= 0)
      break;
    done += got;
  }
  ::close(fd);
  if (done != bytes.size()) {
    error = "cannot read checkpoint " + path + ": " + std::strerror(errno);
    return std::nullopt;
  }

  if (bytes.size() < 12 ||
      std::memcmp(bytes.data(), kCheckpointMagic, 8) != 0) {
    error = path + " is not a training checkpoint (no TRAINCKP magic)";
    return std::nullopt;
  }
  uint32_t version;
  std::memcpy(&version, bytes.data() + 8, 4);
  if (version != 1 && version != kCheckpointVersion) {
    error = path + ": checkpoint version " + std::to_string(version) +
            " is not supported (this runtime reads versions 1 and " +
            std::to_string(kCheckpointVersion) + ")";
    return std::nullopt;
  }
  const int64_t headerBytes = version == 1 ? 128 : kCheckpointHeaderBytes;
  int64_t size = static_cast<int64_t>(bytes.size());
  if (size < headerBytes + 8) {
    error = path + " is truncated (" + std::to_string(size) +
            " bytes, shorter than the header)";
    return std::nullopt;
  }
  Checkpoint checkpoint;
  CheckpointHeader &header = checkpoint.header;
  header = decodeHeader(bytes.data(), version);
  constexpr int64_t kLimit = int64_t(1) << 56;
  int64_t expected = -1;
  if (header.paramBytes >= 0 && header.bufferBytes >= 0 &&
      header.stateBytes >= 0 && header.paramBytes < kLimit &&
      header.bufferBytes < kLimit && header.stateBytes < kLimit)
    expected = headerBytes + header.paramBytes + header.bufferBytes +
               header.stateBytes + 8;
  if (expected != size) {
    error = path + " has " + std::to_string(size) +
            " bytes but its header describes " +
            (expected < 0 ? std::string("impossible sizes")
                          : std::to_string(expected)) +
            " (truncated or corrupt)";
    return std::nullopt;
  }
  Fnv1a64 hash;
  hash.update(bytes.data(), size - 8);
  uint64_t stored;
  std::memcpy(&stored, bytes.data() + size - 8, 8);
  if (stored != hash.value()) {
    error = path + " is corrupt (checksum mismatch)";
    return std::nullopt;
  }
  if (header.step < 0 || header.epoch < 0 || header.samples < 0) {
    error = path + " is corrupt (its header's position is impossible)";
    return std::nullopt;
  }
  const char *data = bytes.data() + headerBytes;
  checkpoint.params.assign(data, data + header.paramBytes);
  data += header.paramBytes;
  checkpoint.buffers.assign(data, data + header.bufferBytes);
  data += header.bufferBytes;
  checkpoint.state.assign(data, data + header.stateBytes);
  return checkpoint;
}

std::string checkCheckpointModel(const std::string &path,
                                 const CheckpointHeader &saved,
                                 const CheckpointHeader &current) {
  if (saved.planHash != current.planHash)
    return "checkpoint " + path +
           " was written by a different model or build (plan hash " +
           hex64(saved.planHash) + ", this executable's is " +
           hex64(current.planHash) + ")";
  auto differs = [&](const char *what, int64_t was, int64_t is) {
    return "checkpoint " + path + " does not fit this executable: " + what +
           " " + std::to_string(was) + " in the checkpoint, " +
           std::to_string(is) + " here";
  };
  if (saved.paramBytes != current.paramBytes)
    return differs("parameter bytes", saved.paramBytes, current.paramBytes);
  if (saved.bufferBytes != current.bufferBytes)
    return differs("buffer bytes", saved.bufferBytes, current.bufferBytes);
  if (saved.stateBytes != current.stateBytes)
    return differs("optimizer state bytes", saved.stateBytes,
                   current.stateBytes);
  if (saved.batch != current.batch)
    return differs("batch", saved.batch, current.batch);
  if (saved.optimizer != current.optimizer)
    return "checkpoint " + path + " does not fit this executable: optimizer '" +
           saved.optimizer + "' in the checkpoint, '" + current.optimizer +
           "' here";
  return "";
}

CheckpointHeader modelCheckpointHeader(const trainc_model_desc &desc) {
  CheckpointHeader header;
  header.planHash = desc.plan_hash;
  header.paramBytes = desc.param_bytes;
  header.bufferBytes = desc.buffer_bytes;
  header.stateBytes = desc.state_bytes;
  header.batch = desc.batch;
  header.optimizer = desc.optimizer;
  return header;
}

Checkpoint readCheckpointFor(std::string &path, const trainc_model_desc &desc,
                             bool announce) {
  std::string error;
  std::optional<Checkpoint> checkpoint = readCheckpoint(path, error);
  if (!checkpoint) {
    // --keep-checkpoints: the newest older one that reads.
    std::string first = error;
    for (int64_t age = 1;; ++age) {
      std::string older = olderCheckpoint(path, age);
      struct stat info;
      if (::stat(older.c_str(), &info) != 0)
        break;
      std::string why;
      checkpoint = readCheckpoint(older, why);
      if (checkpoint) {
        if (announce)
          warning(first + "; resuming from " + older + " (step " +
                  std::to_string(checkpoint->header.step) + ") instead");
        path = older;
        break;
      }
      first += "; " + why;
    }
    if (!checkpoint)
      fatal(first);
  }
  std::string problem = checkCheckpointModel(path, checkpoint->header,
                                             modelCheckpointHeader(desc));
  if (!problem.empty())
    fatal(problem);
  return std::move(*checkpoint);
}

} // namespace trainc::rt
