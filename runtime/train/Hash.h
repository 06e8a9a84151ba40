//===- Hash.h - FNV-1a over bytes, and how hashes are printed ----*- C++ -*-===//
//
// Checkpoints end with an FNV-1a checksum; under mpirun the ranks compare
// FNV-1a fingerprints of their parameters and state. Plan hashes and
// fingerprints print as 0x followed by 16 hex digits.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_TRAIN_HASH_H
#define TRAINC_RUNTIME_TRAIN_HASH_H

#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace trainc::rt {

/// FNV-1a, 64 bits: simple, and enough to catch a torn or corrupted file.
class Fnv1a64 {
public:
  void update(const void *data, size_t size) {
    const unsigned char *bytes = static_cast<const unsigned char *>(data);
    for (size_t i = 0; i < size; ++i)
      hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  }
  uint64_t value() const { return hash; }

private:
  uint64_t hash = 0xcbf29ce484222325ull;
};

/// "0x0123456789abcdef"
inline std::string hex64(uint64_t value) {
  char text[32];
  std::snprintf(text, sizeof(text), "0x%016" PRIx64, value);
  return text;
}

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_TRAIN_HASH_H
