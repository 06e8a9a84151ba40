//===- FuzzIdx.cpp - libFuzzer target: the IDX reader ---------------------===//
//
// Bytes -> readIdx as images and as labels (Fashion-MNIST's format): the
// array or a one-line error.

#include "FuzzInput.h"

#include "data/Idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace trainc;
  std::string path = fuzz::inputFile(data, size, ".idx");
  for (uint32_t magic : {rt::kIdxImagesMagic, rt::kIdxLabelsMagic}) {
    std::string error;
    if (!rt::readIdx(path, magic, error))
      fuzz::checkError(error);
  }
  return 0;
}
