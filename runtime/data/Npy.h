//===- Npy.h - numpy .npy files ---------------------------------*- C++ -*-===//
//
// The .npy format (versions 1.0 and 2.0): magic "\x93NUMPY", version, header
// length (uint16 / uint32, little-endian), a Python dict literal with
// 'descr', 'fortran_order' and 'shape', then the raw array bytes.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_DATA_NPY_H
#define TRAINC_RUNTIME_DATA_NPY_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace trainc::rt {

struct NpyArray {
  /// numpy's descr, e.g. "<f4".
  std::string dtype;
  std::vector<int64_t> shape;
  /// The array's bytes in C order.
  std::vector<char> data;
};

/// Reads a C-order array of a supported dtype (<f4, <i4, <i8, |u1).
std::optional<NpyArray> readNpy(const std::string &path, std::string &error);

/// Reads a float32 array of any shape.
std::optional<std::vector<float>> readNpyFloat32(const std::string &path,
                                                 std::vector<int64_t> &shape,
                                                 std::string &error);

/// Reads a 1-D array of int32, int64 or uint8 class labels.
std::optional<std::vector<int32_t>> readNpyLabels(const std::string &path,
                                                  std::string &error);

/// Writes `data` (row-major, of `shape`) as a version 1.0 float32 .npy.
bool writeNpyFloat32(const std::string &path, const float *data,
                     const std::vector<int64_t> &shape, std::string &error);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_DATA_NPY_H
