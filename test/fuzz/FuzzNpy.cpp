//===- FuzzNpy.cpp - libFuzzer target: the npy reader ---------------------===//
//
// Bytes -> readNpy, readNpyFloat32, readNpyLabels (--data npy:X,Y,
// --forward-only --input): each returns the array or a one-line error.

#include "FuzzInput.h"

#include "data/Npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace trainc;
  std::string path = fuzz::inputFile(data, size, ".npy");
  std::string error;
  if (!rt::readNpy(path, error))
    fuzz::checkError(error);
  error.clear();
  std::vector<int64_t> shape;
  if (!rt::readNpyFloat32(path, shape, error))
    fuzz::checkError(error);
  error.clear();
  if (!rt::readNpyLabels(path, error))
    fuzz::checkError(error);
  return 0;
}
