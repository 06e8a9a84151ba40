//===- TensorDump.cpp - parameters, gradients and buffers as .npy ---------===//

#include "train/TensorDump.h"

#include "data/Npy.h"
#include "train/Arenas.h"
#include "train/TensorLayout.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

namespace trainc::rt {

std::string dumpFileStem(const std::string &name, int index) {
  std::string stem = name;
  for (char &ch : stem)
    if (ch == '/')
      ch = '_';
  if (stem.empty() || stem == "." || stem == "..")
    stem = "tensor_" + std::to_string(index);
  return stem;
}

bool makeDirectory(const std::string &dir, std::string &error) {
  // mkdir -p: every prefix ending at a '/', then the whole path.
  for (size_t slash = dir.find('/', 1);; slash = dir.find('/', slash + 1)) {
    std::string prefix = dir.substr(0, slash);
    struct stat info;
    if (stat(prefix.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) {
        error = "cannot create directory " + dir + ": " + prefix +
                " is not a directory";
        return false;
      }
    } else if (mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      error = "cannot create directory " + dir + ": " + std::strerror(errno);
      return false;
    }
    if (slash == std::string::npos)
      return true;
  }
}

bool checkDumpNames(const trainc_model_desc &desc, std::string &error) {
  std::map<std::string, std::string> owners;
  for (int i = 0; i < desc.num_tensors; ++i) {
    std::string name = desc.tensors[i].name;
    auto [it, inserted] = owners.emplace(dumpFileStem(name, i), name);
    if (!inserted) {
      error = "tensors '" + it->second + "' and '" + name +
              "' would both be dumped to " + it->first + ".npy";
      return false;
    }
  }
  return true;
}

bool dumpTensors(const std::string &dir, const trainc_model_desc &desc,
                 trainc_tensor_kind kind, const void *arena,
                 std::string &error) {
  if (!makeDirectory(dir, error) || !checkDumpNames(desc, error))
    return false;
  for (int i = 0; i < desc.num_tensors; ++i) {
    const trainc_tensor_desc &tensor = desc.tensors[i];
    if (tensor.kind != kind)
      continue;
    std::string path = dir + "/" + dumpFileStem(tensor.name, i) + ".npy";
    const float *data = reinterpret_cast<const float *>(
        static_cast<const char *>(arena) + tensor.offset);
    std::vector<float> onnx;
    if (isReordered(tensor)) { // the file holds ONNX's layout
      onnx.resize(tensor.numel);
      toOnnxLayout(tensor, data, onnx.data());
      data = onnx.data();
    }
    if (!writeNpyFloat32(path, data, tensorShape(tensor), error))
      return false;
  }
  return true;
}

} // namespace trainc::rt

bool trainc::rt::dumpParamsAndBuffers(const std::string &dir,
                                      const trainc_model_desc &desc,
                                      const void *params, const void *buffers,
                                      std::string &error) {
  return dumpTensors(dir, desc, TRAINC_PARAM, params, error) &&
         dumpTensors(dir, desc, TRAINC_BUFFER, buffers, error);
}
