//===- AtomicFile.h - files that appear complete or not at all --*- C++ -*-===//
//
// Checkpoints and saved models are written to a temporary file beside the
// target, fsync'ed, renamed over the target and the directory fsync'ed: a
// crash leaves the old file or the new one, never a torn one.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_ATOMICFILE_H
#define TRAINC_RUNTIME_TRAIN_ATOMICFILE_H

#include <cstdint>
#include <string>

namespace trainc::rt {

class AtomicFile {
public:
  /// `what` names the file in errors ("checkpoint", "--save-onnx").
  AtomicFile(std::string path, std::string what);
  ~AtomicFile(); // removes the temporary file unless committed
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;

  /// Creates the temporary file.
  bool open(std::string &error);
  /// Appends; errors are reported by commit().
  void write(const void *data, int64_t size);
  /// Puts what was written on disk now (commit() does too), so that what
  /// happens before commit() does not wait for it.
  bool sync(std::string &error);
  /// Makes the file `path`.
  bool commit(std::string &error);

private:
  std::string message(int err) const;

  std::string path, what, tempPath;
  int fd = -1;
  int failure = 0; // errno of the first failing call
  bool committed = false;
};

/// Checks that `path` can be written (creates and removes the temporary
/// file), so a run fails before training, not after it.
bool checkWritable(const std::string &path, const std::string &what,
                   std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_ATOMICFILE_H
