//===- Idx.h - IDX files (MNIST, Fashion-MNIST) -----------------*- C++ -*-===//
//
// An IDX file is a big-endian header (magic: two zero bytes, a type byte, a
// dimension count; then one uint32 per dimension) followed by the data. We
// read the unsigned-byte type (0x08) only, gzip-compressed or not.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_DATA_IDX_H
#define TRAINC_RUNTIME_DATA_IDX_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trainc::rt {

/// Unsigned bytes, 3 dimensions: [count, rows, columns].
inline constexpr uint32_t kIdxImagesMagic = 0x00000803;
/// Unsigned bytes, 1 dimension: [count].
inline constexpr uint32_t kIdxLabelsMagic = 0x00000801;

struct IdxArray {
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
};

/// Reads the IDX file at `path`, which must start with `magic`. On failure
/// returns nothing and sets `error` to a one-line message naming the file.
std::optional<IdxArray> readIdx(const std::string &path, uint32_t magic,
                                std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_DATA_IDX_H
