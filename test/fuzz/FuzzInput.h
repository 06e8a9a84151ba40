//===- FuzzInput.h - the fuzz targets' input as a file ----------*- C++ -*-===//
//
// The readers under test take paths (as the executables do), so each input
// is written to a file of this process first: in /dev/shm when it exists
// (no disk), with the suffix the reader looks at (.onnxtext).
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_TEST_FUZZ_FUZZINPUT_H
#define TRAINC_TEST_FUZZ_FUZZINPUT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

namespace trainc::fuzz {

/// Writes `size` bytes to the input file with `suffix` and
/// returns its path; aborts (a finding, not a silent pass) when it cannot.
inline std::string inputFile(const uint8_t *data, size_t size,
                             const char *suffix) {
  struct stat info;
  std::string dir = stat("/dev/shm", &info) == 0 ? "/dev/shm" : "/tmp";
  std::string path = dir + "/trainc-fuzz-input" + suffix;
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file || (size && std::fwrite(data, 1, size, file) != size) ||
      std::fclose(file) != 0) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

/// A reader that fails must say why (the runtime and trainc print it on
/// one line, newlines in quoted input flattened): an empty error is a
/// finding.
inline void checkError(const std::string &error) {
  if (error.empty()) {
    std::fprintf(stderr, "reader failed without an error message\n");
    std::abort();
  }
}

} // namespace trainc::fuzz

#endif // TRAINC_TEST_FUZZ_FUZZINPUT_H
