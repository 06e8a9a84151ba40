//===- SaveOnnx.cpp - the trained model as an inference ONNX file ---------===//

#include "train/SaveOnnx.h"

#include "train/AtomicFile.h"
#include "train/TensorLayout.h"

#include <vector>

// ONNX raw_data is little-endian; the arenas hold host floats.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "--save-onnx copies float32 data as it is in memory");

namespace trainc::rt {
namespace {
bool checkTemplate(const trainc_model_desc &desc, std::string &error) {
  if (!desc.onnx_template) {
    error = std::string("--save-onnx: this model cannot be saved as ONNX: ") +
            (desc.onnx_unsupported ? desc.onnx_unsupported : "no template");
    return false;
  }
  int64_t previous = 0;
  for (int32_t i = 0; i < desc.num_onnx_holes; ++i) {
    const trainc_onnx_hole &hole = desc.onnx_holes[i];
    if (hole.tensor < 0 || hole.tensor >= desc.num_tensors ||
        hole.offset < previous || hole.offset > desc.onnx_template_bytes) {
      error = "--save-onnx: the executable's ONNX template is corrupt "
              "(hole " + std::to_string(i) + ")";
      return false;
    }
    previous = hole.offset;
  }
  return true;
}
} // namespace

bool checkSaveOnnx(const std::string &path, const trainc_model_desc &desc,
                   std::string &error) {
  return checkTemplate(desc, error) && checkWritable(path, "--save-onnx", error);
}

bool saveOnnx(const std::string &path, const trainc_model_desc &desc,
              const void *params, const void *buffers, std::string &error) {
  if (!checkTemplate(desc, error))
    return false;
  AtomicFile file(path, "--save-onnx");
  if (!file.open(error))
    return false;
  int64_t from = 0;
  for (int32_t i = 0; i < desc.num_onnx_holes; ++i) {
    const trainc_onnx_hole &hole = desc.onnx_holes[i];
    const trainc_tensor_desc &t = desc.tensors[hole.tensor];
    const char *arena = static_cast<const char *>(
        t.kind == TRAINC_PARAM ? params : buffers);
    file.write(desc.onnx_template + from, hole.offset - from);
    const char *data = arena + t.offset;
    std::vector<float> onnx;
    if (isReordered(t)) { // ONNX's layout
      onnx.resize(t.numel);
      toOnnxLayout(t, reinterpret_cast<const float *>(data), onnx.data());
      data = reinterpret_cast<const char *>(onnx.data());
    }
    file.write(data, t.numel * static_cast<int64_t>(sizeof(float)));
    from = hole.offset;
  }
  file.write(desc.onnx_template + from, desc.onnx_template_bytes - from);
  return file.commit(error);
}

} // namespace trainc::rt
