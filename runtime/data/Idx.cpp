//===- Idx.cpp - IDX files (MNIST, Fashion-MNIST) -------------------------===//

#include "data/Idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <new>

namespace trainc::rt {
namespace {

/// Closes the gzFile on every return path.
struct GzCloser {
  gzFile file;
  ~GzCloser() { gzclose(file); }
};

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof(text), "0x%08x", value);
  return text;
}

/// Reads up to `size` bytes; returns how many were read, or -1 with `error`
/// set when zlib reports corrupt data. gzread takes an unsigned int, so large
/// arrays are read in chunks.
int64_t readFully(gzFile file, void *buffer, int64_t size,
                  const std::string &path, std::string &error) {
  auto *bytes = static_cast<unsigned char *>(buffer);
  int64_t done = 0;
  while (done < size) {
    unsigned chunk =
        static_cast<unsigned>(std::min<int64_t>(size - done, 1 << 30));
    int got = gzread(file, bytes + done, chunk);
    if (got <= 0)
      break;
    done += got;
  }
  // A gzip stream cut short still yields the bytes before the cut; zlib
  // only records the error, so ask for it after every short read.
  int code = Z_OK;
  const char *message = gzerror(file, &code);
  if (code == Z_OK)
    return done;
  if (code == Z_BUF_ERROR)
    error = path + ": truncated: the compressed data ends early";
  else
    error = path + ": cannot read: " +
            (code == Z_ERRNO ? std::strerror(errno) : message);
  return -1;
}

} // namespace

std::optional<IdxArray> readIdx(const std::string &path, uint32_t magic,
                                std::string &error) {
  errno = 0;
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) {
    error = "cannot open " + path + ": " +
            (errno ? std::strerror(errno) : "out of memory");
    return std::nullopt;
  }
  GzCloser closer{file};

  unsigned char header[4];
  int64_t got = readFully(file, header, 4, path, error);
  if (got < 0)
    return std::nullopt;
  if (got < 4) {
    error = path + ": truncated IDX header (" + std::to_string(got) +
            " of 4 magic bytes)";
    return std::nullopt;
  }
  uint32_t found = uint32_t(header[0]) << 24 | uint32_t(header[1]) << 16 |
                   uint32_t(header[2]) << 8 | uint32_t(header[3]);
  if (found != magic) {
    error = path + ": bad IDX magic " + hex32(found) + " (expected " +
            hex32(magic) + ")";
    return std::nullopt;
  }

  IdxArray array;
  int rank = header[3];
  std::vector<unsigned char> dims(4 * rank);
  got = readFully(file, dims.data(), 4 * rank, path, error);
  if (got < 0)
    return std::nullopt;
  if (got < 4 * rank) {
    error = path + ": truncated IDX header (" + std::to_string(got) + " of " +
            std::to_string(4 * rank) + " dimension bytes)";
    return std::nullopt;
  }
  int64_t size = 1;
  for (int i = 0; i < rank; ++i) {
    const unsigned char *d = &dims[4 * i];
    int64_t dim = int64_t(d[0]) << 24 | int64_t(d[1]) << 16 |
                  int64_t(d[2]) << 8 | int64_t(d[3]);
    array.dims.push_back(dim);
    // Dimensions are < 2^32 each; stop before the product overflows.
    if (dim != 0 && size > std::numeric_limits<int64_t>::max() / 4 / dim) {
      error = path + ": IDX dimensions too large";
      return std::nullopt;
    }
    size *= dim;
  }

  // The data grow as they arrive, a block at a time: a header that
  // announces more than the file holds must not reserve it first (a
  // 100-byte file asked for 6.5 GB; found by fuzzing). The file is
  // compressed, so its size does not bound the data's.
  constexpr int64_t kBlock = int64_t(16) << 20;
  got = 0;
  try {
    while (got < size) {
      int64_t want = std::min(size - got, kBlock);
      array.data.resize(got + want);
      int64_t read = readFully(file, array.data.data() + got, want, path,
                               error);
      if (read < 0)
        return std::nullopt;
      got += read;
      if (read < want)
        break;
    }
  } catch (const std::bad_alloc &) {
    error = path + ": out of memory for " + std::to_string(size) + " bytes";
    return std::nullopt;
  }
  array.data.resize(got);
  if (got < size) {
    error = path + ": truncated: expected " + std::to_string(size) +
            " bytes of data, found " + std::to_string(got);
    return std::nullopt;
  }
  unsigned char extra;
  got = readFully(file, &extra, 1, path, error);
  if (got < 0)
    return std::nullopt;
  if (got > 0) {
    error = path + ": unexpected bytes after the " + std::to_string(size) +
            " bytes of data the header announces";
    return std::nullopt;
  }
  return array;
}

} // namespace trainc::rt
