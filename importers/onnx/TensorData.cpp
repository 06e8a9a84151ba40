//===- TensorData.cpp - reading ONNX TensorProto contents -----------------===//

#include "importers/onnx/TensorData.h"

#include <cstring>

using namespace trainc;

std::string trainc::onnxTypeName(int dataType) {
  if (onnx::TensorProto_DataType_IsValid(dataType))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(dataType));
  return "type " + std::to_string(dataType);
}

bool trainc::tensorDims(const onnx::TensorProto &tensor,
                        llvm::SmallVector<int64_t> &dims, std::string &error) {
  dims.clear();
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      error = "has a negative dimension";
      return false;
    }
    dims.push_back(d);
  }
  return true;
}

namespace {
bool elementCount(const onnx::TensorProto &tensor, int64_t &count,
                  std::string &error) {
  llvm::SmallVector<int64_t> dims;
  if (!tensorDims(tensor, dims, error))
    return false;
  count = 1;
  for (int64_t d : dims) {
    if (d != 0 && count > (int64_t(1) << 40) / d) {
      error = "is implausibly large";
      return false;
    }
    count *= d;
  }
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = "keeps its data in an external file, which is not supported";
    return false;
  }
  return true;
}

template <typename T, typename Field>
bool readTyped(const onnx::TensorProto &tensor, const Field &field,
               int64_t count, std::vector<T> &out, std::string &error) {
  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != static_cast<size_t>(count) * sizeof(T)) {
      error = "holds " + std::to_string(raw.size()) + " bytes of data but its "
              "shape needs " + std::to_string(count * sizeof(T));
      return false;
    }
    out.resize(count);
    if (count)
      std::memcpy(out.data(), raw.data(), raw.size());
    return true;
  }
  if (field.size() != count) {
    error = "holds " + std::to_string(field.size()) +
            " elements but its shape needs " + std::to_string(count);
    return false;
  }
  out.assign(field.begin(), field.end());
  return true;
}
} // namespace

bool trainc::readFloats(const onnx::TensorProto &tensor,
                        std::vector<float> &out, std::string &error) {
  if (tensor.data_type() != onnx::TensorProto::FLOAT) {
    error = "has element type " + onnxTypeName(tensor.data_type()) +
            "; only FLOAT tensors are supported";
    return false;
  }
  int64_t count;
  return elementCount(tensor, count, error) &&
         readTyped<float>(tensor, tensor.float_data(), count, out, error);
}

bool trainc::readInts(const onnx::TensorProto &tensor,
                      llvm::SmallVector<int64_t> &out, std::string &error) {
  int64_t count;
  if (!elementCount(tensor, count, error))
    return false;
  std::vector<int64_t> values;
  if (tensor.data_type() == onnx::TensorProto::INT64) {
    if (!readTyped<int64_t>(tensor, tensor.int64_data(), count, values, error))
      return false;
  } else if (tensor.data_type() == onnx::TensorProto::INT32) {
    std::vector<int32_t> narrow;
    if (!readTyped<int32_t>(tensor, tensor.int32_data(), count, narrow, error))
      return false;
    values.assign(narrow.begin(), narrow.end());
  } else {
    error = "has element type " + onnxTypeName(tensor.data_type()) +
            " where an integer tensor is expected";
    return false;
  }
  out.assign(values.begin(), values.end());
  return true;
}
