//===- ForwardOnly.cpp - inference on an .npy file ------------------------===//

#include "train/ForwardOnly.h"

#include "Error.h"
#include "data/Dataset.h"
#include "data/Npy.h"
#include "train/Arenas.h"
#include "train/Checkpoint.h"
#include "train/Inference.h"
#include "train/TensorDump.h"
#include "train/TensorLayout.h"
#include "train/Threads.h"

#include <algorithm>
#include <cstring>

namespace trainc::rt {

int runForwardOnly(const TrainOptions &options, const ModelApi &api) {
  const trainc_model_desc &desc = describeModel(api);
  setThreads(options.threads);
  std::string error;
  if (!options.dumpParamsDir.empty() &&
      (!makeDirectory(options.dumpParamsDir, error) ||
       !checkDumpNames(desc, error)))
    fatal(error);
  if (options.resumePath.empty() && desc.param_bytes > 0 &&
      !desc.initial_params)
    fatal("this executable was compiled without its weights (trainc "
          "--weights=none): --forward-only needs --resume CHECKPOINT");
  Arenas arenas = allocateArenas(desc);
  if (!options.resumePath.empty()) {
    std::string path = options.resumePath;
    Checkpoint checkpoint = readCheckpointFor(path, desc);
    if (!checkpoint.params.empty()) {
      // From the file's ONNX layouts into the arena's.
      std::memcpy(arenas.params.data(), checkpoint.params.data(),
                  checkpoint.params.size());
      convertParamSlots(desc, arenas.params.data(), 1, /*toOnnx=*/false);
    }
    if (!checkpoint.buffers.empty())
      std::memcpy(arenas.buffers.data(), checkpoint.buffers.data(),
                  checkpoint.buffers.size());
    arenas.toDevice(ArenaPart::Params);
    arenas.toDevice(ArenaPart::Buffers);
  }

  std::vector<int64_t> shape;
  std::optional<std::vector<float>> samples =
      readNpyFloat32(options.inputPath, shape, error);
  if (!samples)
    fatal(error);
  std::vector<int64_t> expected = sampleShape(desc);
  if (shape.size() != expected.size() + 1 ||
      !std::equal(expected.begin(), expected.end(), shape.begin() + 1))
    fatal(options.inputPath + " has shape " + formatShape(shape) +
          " but the model takes inputs of shape [M, " +
          formatShape(expected).substr(1));
  int64_t count = shape[0];
  std::vector<float> logits(count * desc.num_classes);
  predict(api, desc, arenas, samples->data(), count, logits.data());
  if (!writeNpyFloat32(options.outputPath, logits.data(),
                       {count, desc.num_classes}, error))
    fatal(error);

  if (!options.dumpParamsDir.empty() &&
      !dumpParamsAndBuffers(options.dumpParamsDir, desc, arenas.params.data(),
                            arenas.buffers.data(), error))
    fatal(error);
  return 0;
}

} // namespace trainc::rt
