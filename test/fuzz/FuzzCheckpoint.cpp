//===- FuzzCheckpoint.cpp - libFuzzer target: the checkpoint reader -------===//
//
// Bytes -> readCheckpoint (--resume): the checkpoint or a one-line error.
// The checksum rejects almost every mutation, so the target also tries
// the input with its last 8 bytes replaced by the right FNV-1a, which
// reaches the header's checks.

#include "FuzzInput.h"

#include "train/Checkpoint.h"
#include "train/Hash.h"

#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace trainc;
  std::vector<uint8_t> fixedUp(data, data + size);
  if (size >= 8) {
    rt::Fnv1a64 hash;
    hash.update(data, size - 8);
    uint64_t sum = hash.value();
    std::memcpy(fixedUp.data() + size - 8, &sum, 8);
  }
  // The input as given, then with the right checksum.
  for (int pass = 0; pass < 2; ++pass) {
    std::string path = pass == 0 ? fuzz::inputFile(data, size, ".ckpt")
                                 : fuzz::inputFile(fixedUp.data(),
                                                   fixedUp.size(), ".ckpt");
    std::string error;
    if (!rt::readCheckpoint(path, error))
      fuzz::checkError(error);
  }
  return 0;
}
