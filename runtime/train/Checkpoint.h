//===- Checkpoint.h - the state of a run, saved and restored ----*- C++ -*-===//
//
// A checkpoint holds everything a run needs to continue bit-identically:
// parameters, buffers, optimizer state and where the run stands (step,
// epoch, batch within the epoch). The epoch's sample order is not stored:
// it is recomputed from (seed, epoch). docs/runtime.md has the layout.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_CHECKPOINT_H
#define TRAINC_RUNTIME_TRAIN_CHECKPOINT_H

#include "trainc/model.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trainc::rt {

inline constexpr char kCheckpointMagic[8] = {'T', 'R', 'A', 'I',
                                             'N', 'C', 'K', 'P'};
/// The version written; version 1 files (a 128-byte header, without the
/// fields from `samples` on) are read too.
inline constexpr uint32_t kCheckpointVersion = 2;
/// Bytes before the parameter data (version 2; version 1: 128).
inline constexpr int64_t kCheckpointHeaderBytes = 256;

struct CheckpointHeader {
  /// Identify the compiled model.
  uint64_t planHash = 0;
  int64_t paramBytes = 0, bufferBytes = 0, stateBytes = 0, batch = 0;
  /// At most 15 characters.
  std::string optimizer;
  /// Where the run stands: optimizer steps done since the start of
  /// training, the 0-based epoch in progress and the batches of it done.
  int64_t step = 0, epoch = 0, position = 0;
  /// The run's --seed and the size of its training split, which fix the
  /// order of the rest of the epoch.
  uint64_t seed = 0;
  int64_t trainCount = 0;
  /// The processes that trained together (1 in files from before the field).
  int64_t world = 1;
  /// Samples of the epoch in progress consumed (version 1 files: position
  /// times batch times world), and the micro-batches per step then.
  int64_t samples = 0, accumulate = 1;
  /// The gradient noise scale's running averages (train/NoiseScale.h):
  /// steps measured and the EMAs of |G|^2 and tr(Sigma).
  int64_t noiseSteps = 0;
  double noiseGradSq = 0, noiseTrace = 0;
  /// --lr-scaling's warm-up after the last batch change: the step it
  /// started at and the micro-batches before it (0: none in progress).
  int64_t rampStep = 0, rampFrom = 0;
};

struct Checkpoint {
  CheckpointHeader header;
  std::vector<char> params, buffers, state;
};

/// Writes a checkpoint atomically: a temporary file beside `path`, fsync,
/// rename over `path`, fsync of the directory. The arenas hold
/// header.paramBytes, bufferBytes and stateBytes bytes. With `keep` > 1
/// the checkpoints before it move along first (path.1 to path.2, ...,
/// path to path.1), keeping `keep` in all; a crash at any point leaves
/// the newest complete one at path or path.1.
bool writeCheckpoint(const std::string &path, const CheckpointHeader &header,
                     const void *params, const void *buffers, const void *state,
                     std::string &error, int64_t keep = 1);

/// The name of the checkpoint `age` writes before the one at `path`
/// (--keep-checkpoints): path.1, path.2, ...; `path` itself for 0.
std::string olderCheckpoint(const std::string &path, int64_t age);

/// Checks that a checkpoint can be written to `path` (creates and removes
/// the temporary file), so a run fails before training, not after it.
bool checkCheckpointWritable(const std::string &path, std::string &error);

/// Reads and verifies (magic, version, size, checksum) a checkpoint.
std::optional<Checkpoint> readCheckpoint(const std::string &path,
                                         std::string &error);

/// Returns "" when a checkpoint with header `saved` (read from `path`) was
/// written by the model `current` describes (plan hash, arena sizes, batch,
/// optimizer), else a one-line reason.
std::string checkCheckpointModel(const std::string &path,
                                 const CheckpointHeader &saved,
                                 const CheckpointHeader &current);

/// The header fields that identify the model `desc` describes (the run's
/// position left at zero).
CheckpointHeader modelCheckpointHeader(const trainc_model_desc &desc);

/// Reads the checkpoint at `path` and checks that it belongs to the model
/// `desc` describes; calls fatal() otherwise. When `path` cannot be read
/// (missing, truncated, corrupt) and older ones (path.1, path.2, ...:
/// --keep-checkpoints) exist, the newest that reads is taken instead,
/// with a warning when `announce`, and `path` is set to it.
Checkpoint readCheckpointFor(std::string &path, const trainc_model_desc &desc,
                             bool announce = true);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_CHECKPOINT_H
