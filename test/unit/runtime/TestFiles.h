//===- TestFiles.h - temporary directories and files for tests --*- C++ -*-===//

#ifndef TRAINC_TEST_UNIT_RUNTIME_TESTFILES_H
#define TRAINC_TEST_UNIT_RUNTIME_TESTFILES_H

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace trainc::test {

/// A fresh directory under /tmp, removed with everything in it.
class TempDir {
public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "trainc-rt-XXXXXX").string();
    if (!mkdtemp(pattern.data()))
      throw std::runtime_error("mkdtemp failed");
    dir = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  std::string path(const std::string &name = "") const {
    return name.empty() ? dir.string() : (dir / name).string();
  }

private:
  std::filesystem::path dir;
};

inline void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace trainc::test

#endif // TRAINC_TEST_UNIT_RUNTIME_TESTFILES_H
