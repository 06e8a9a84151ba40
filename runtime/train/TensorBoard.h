//===- TensorBoard.h - TensorBoard event files of a run ---------*- C++ -*-===//
//
// --tensorboard DIR: rank 0 writes the run's scalars to
// DIR/events.out.tfevents.<seconds>.<host>.<pid>.trainc, one event per
// scalar, flushed after each step so that TensorBoard shows the run live.
//
// The file is TensorFlow's record format: each record is its length
// (uint64, little-endian), the masked CRC-32C of those 8 bytes, the data,
// and the masked CRC-32C of the data (mask: ((crc >> 15) | (crc << 17)) +
// 0xa282ead8). Each record's data is a tensorflow.Event message
// (tensorflow/core/util/event.proto): wall_time (field 1, double), step
// (2, int64) and either file_version (3, string, "brain.Event:2", the
// first record) or summary (5, a Summary whose repeated value (1) holds
// tag (1, string) and simple_value (2, float)). The runtime does not link
// protobuf (only the compiler does, for ONNX), so this file encodes those
// few fields itself; test/Runtime/tensorboard.test decodes them with the
// protobuf library from the same message definitions.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_TENSORBOARD_H
#define TRAINC_RUNTIME_TRAIN_TENSORBOARD_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace trainc::rt {

/// CRC-32C (Castagnoli) of `size` bytes, and the record format's mask.
uint32_t crc32c(const void *data, size_t size);
uint32_t maskedCrc32c(const void *data, size_t size);

/// The bytes of one tensorflow.Event holding `scalars` (tag, value) at
/// `step`, or, with no scalars and a `fileVersion`, the file's first event.
std::string encodeScalarEvent(double wallTime, int64_t step,
                              const std::vector<std::pair<std::string, float>>
                                  &scalars);
std::string encodeFileVersionEvent(double wallTime);

class TensorBoardWriter {
public:
  TensorBoardWriter() = default;
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter &) = delete;
  TensorBoardWriter &operator=(const TensorBoardWriter &) = delete;

  /// Creates DIR (and its parents) and a new event file in it with the
  /// file-version event; false with a one-line `error` when it cannot.
  bool open(const std::string &dir, std::string &error);
  bool isOpen() const { return file != nullptr; }
  /// The event file's path (after open()).
  const std::string &filePath() const { return path; }
  /// One event with `scalars` at `step`, flushed. A no-op until open();
  /// calls fatal() when the write fails.
  void scalars(int64_t step,
               const std::vector<std::pair<std::string, float>> &scalars);

private:
  void record(const std::string &data);
  std::FILE *file = nullptr;
  std::string path;
};

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_TENSORBOARD_H
