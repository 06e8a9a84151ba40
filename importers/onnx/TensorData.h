//===- TensorData.h - reading ONNX TensorProto contents ----------*- C++ -*-===//

#ifndef TRAINC_IMPORTERS_ONNX_TENSORDATA_H
#define TRAINC_IMPORTERS_ONNX_TENSORDATA_H

#include "llvm/ADT/SmallVector.h"

#include "onnx/onnx_pb.h"

#include <string>
#include <vector>

namespace trainc {

/// ONNX's name for a TensorProto data type ("FLOAT", "INT64", ...).
std::string onnxTypeName(int dataType);

/// The tensor's dimensions; fails on negative entries.
bool tensorDims(const onnx::TensorProto &tensor,
                llvm::SmallVector<int64_t> &dims, std::string &error);

/// Reads a FLOAT tensor (raw_data or float_data), checking the element count
/// against the dimensions.
bool readFloats(const onnx::TensorProto &tensor, std::vector<float> &out,
                std::string &error);

/// Reads an INT64 or INT32 tensor as int64 values.
bool readInts(const onnx::TensorProto &tensor, llvm::SmallVector<int64_t> &out,
              std::string &error);

} // namespace trainc

#endif // TRAINC_IMPORTERS_ONNX_TENSORDATA_H
