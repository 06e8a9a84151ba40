//===- ModelDescription.cpp - the model's description as LLVM data --------===//
//
// The structs mirror runtime/include/trainc/model.h field by field; LLVM's
// natural struct layout on the host matches the C compiler's.
//
//===----------------------------------------------------------------------===//

#include "codegen/ModelDescription.h"

#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"

#include "runtime/include/trainc/model.h"

#include <cstring>
#include <map>

using namespace mlir;
using namespace mlir::train;

namespace {
// The layout and version are those of the runtime's header.
constexpr int kMaxRank = TRAINC_MAX_RANK;
constexpr int kAbiVersion = TRAINC_MODEL_ABI_VERSION;

/// The bytes of an initial value: a dense_resource blob or dense elements.
bool initialBytes(Attribute init, int64_t numel, std::vector<char> &bytes,
                  std::string &error) {
  bytes.assign(numel * sizeof(float), 0);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(init)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != bytes.size()) {
      error = "an initial value's data is missing (was the IR printed "
              "without --print-weights?)";
      return false;
    }
    std::memcpy(bytes.data(), blob->getData().data(), bytes.size());
    return true;
  }
  if (auto dense = dyn_cast<DenseFPElementsAttr>(init)) {
    int64_t i = 0;
    for (APFloat v : dense.getValues<APFloat>()) {
      float f = v.convertToFloat();
      std::memcpy(bytes.data() + 4 * i++, &f, sizeof(f));
    }
    return true;
  }
  error = "unsupported initial value";
  return false;
}

/// A filter [O, I, kH, kW]'s bytes (ONNX's order) stored in channel blocks
/// of B (trainc_tensor_desc::layout, trainc_blocked_filter_index): the
/// parameter arena's layout, which the runtime's TensorLayout.cpp inverts.
std::vector<char> blockedFilter(const std::vector<char> &plain,
                                ArrayRef<int64_t> shape, int64_t B) {
  std::vector<char> stored(plain.size());
  int64_t O = shape[0], I = shape[1], spatial = shape[2] * shape[3];
  int64_t k = 0;
  for (int64_t o = 0; o < O; ++o)
    for (int64_t i = 0; i < I; ++i)
      for (int64_t s = 0; s < spatial; ++s, ++k)
        std::memcpy(stored.data() +
                        4 * trainc_blocked_filter_index(o, i, s, I, spatial, B),
                    plain.data() + 4 * k, 4);
  return stored;
}

llvm::Constant *string(llvm::Module &m, llvm::StringRef s,
                       llvm::StringRef name) {
  llvm::IRBuilder<> b(m.getContext());
  auto *data = llvm::ConstantDataArray::getString(m.getContext(), s);
  auto *g = new llvm::GlobalVariable(m, data->getType(), true,
                                     llvm::GlobalValue::PrivateLinkage, data,
                                     name);
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return g;
}

llvm::Constant *blob(llvm::Module &m, const std::vector<char> &bytes,
                     llvm::StringRef name) {
  auto *data = llvm::ConstantDataArray::getRaw(
      llvm::StringRef(bytes.data(), bytes.size()), bytes.size(),
      llvm::Type::getInt8Ty(m.getContext()));
  auto *g = new llvm::GlobalVariable(m, data->getType(), true,
                                     llvm::GlobalValue::PrivateLinkage, data,
                                     name);
  g->setAlignment(llvm::Align(64));
  return g;
}

int64_t intOf(DictionaryAttr d, StringRef key) {
  return cast<IntegerAttr>(d.get(key)).getInt();
}

/// What --save-onnx writes: the template's bytes and its holes, each
/// naming the tensor (an index into the descriptor table) that fills it.
struct OnnxExport {
  std::vector<char> bytes;
  std::vector<std::pair<int64_t, int32_t>> holes;
  std::string unsupported;
};

bool onnxExport(DictionaryAttr exportAttr, ModelAttr model, OnnxExport &out,
                std::string &error) {
  if (!exportAttr) {
    out.unsupported = "the compiled module carries no ONNX template (it was "
                      "not compiled from an ONNX file)";
    return true;
  }
  if (auto reason = exportAttr.getAs<StringAttr>("unsupported")) {
    out.unsupported = reason.str();
    return true;
  }
  auto bytes = cast<DenseResourceElementsAttr>(exportAttr.get("template"));
  AsmResourceBlob *data = bytes.getRawHandle().getBlob();
  int64_t size = bytes.getType().getNumElements();
  if (!data || static_cast<int64_t>(data->getData().size()) != size) {
    error = "the ONNX template's data is missing (was the IR printed "
            "without --print-weights?)";
    return false;
  }
  out.bytes.assign(data->getData().begin(), data->getData().end());
  std::map<std::pair<std::string, int64_t>, int32_t> index;
  SmallVector<TensorDescAttr> tensors(model.getTensorDescs());
  for (auto [i, tensor] : llvm::enumerate(tensors))
    index[{tensor.getName().str(), static_cast<int64_t>(tensor.getKind())}] =
        i;
  for (Attribute h : cast<ArrayAttr>(exportAttr.get("holes"))) {
    auto hole = cast<DictionaryAttr>(h);
    std::string name = hole.getAs<StringAttr>("name").str();
    auto kind = static_cast<int64_t>(
        hole.getAs<StringAttr>("kind").getValue() == "buffer"
            ? TensorKind::Buffer
            : TensorKind::Param);
    auto it = index.find({name, kind});
    if (it == index.end()) {
      out.unsupported = "tensor '" + name + "' of the ONNX model is not "
                        "among the trained tensors";
      out.bytes.clear();
      out.holes.clear();
      return true;
    }
    TensorDescAttr tensor = tensors[it->second];
    int64_t numel = 1;
    for (int64_t d : tensor.getShape().asArrayRef())
      numel *= d;
    if (intOf(hole, "bytes") != numel * static_cast<int64_t>(sizeof(float))) {
      error = "the ONNX template's tensor '" + name +
              "' does not match the trained tensor's size";
      return false;
    }
    out.holes.push_back({intOf(hole, "at"), it->second});
  }
  return true;
}
/// The CUDA target's kernels, as train-lower-gpu-launches left them: the
/// image, the NUL-separated names (ending in an empty one) and the arch.
struct GpuKernels {
  llvm::GlobalVariable *image = nullptr, *names = nullptr, *arch = nullptr;
  int64_t imageBytes = 0;
  int32_t numKernels = 0;
};

bool gpuKernels(llvm::Module &m, GpuKernels &out, std::string &error) {
  out.image = m.getNamedGlobal("trainc.gpu_image");
  out.names = m.getNamedGlobal("trainc.gpu_kernels");
  out.arch = m.getNamedGlobal("trainc.gpu_arch");
  if (!out.image && !out.names && !out.arch)
    return true;
  auto bytesOf = [](llvm::GlobalVariable *g) -> std::optional<StringRef> {
    auto *data = g && g->hasInitializer()
                     ? dyn_cast<llvm::ConstantDataSequential>(g->getInitializer())
                     : nullptr;
    if (!data || !data->isString())
      return std::nullopt;
    return data->getAsString();
  };
  std::optional<StringRef> image = bytesOf(out.image),
                           names = bytesOf(out.names), arch = bytesOf(out.arch);
  if (!image || !names || !arch || !names->ends_with(StringRef("\0", 1)) ||
      !arch->ends_with(StringRef("\0", 1))) {
    error = "the GPU kernels' image, names or architecture is malformed "
            "(run train-lower-gpu-launches)";
    return false;
  }
  out.imageBytes = image->size();
  out.numKernels = names->drop_back().count('\0');
  return true;
}
} // namespace

bool mlir::train::addModelDescription(llvm::Module &m, ModelAttr model,
                                      DictionaryAttr onnx, ArrayAttr buckets,
                                      StringRef source, uint64_t planHash,
                                      bool embedWeights, std::string &error) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  auto *ptr = llvm::PointerType::get(ctx, 0);
  auto *shapeTy = llvm::ArrayType::get(i64, kMaxRank);
  auto *spacesTy = llvm::ArrayType::get(i32, TRAINC_NUM_STEP_ARGS);
  auto *tensorTy = llvm::StructType::create(
      ctx, {ptr, i32, i32, shapeTy, i64, i64, i32, i32, i32, i32},
      "trainc_tensor_desc");
  auto *holeTy =
      llvm::StructType::create(ctx, {i64, i32, i32}, "trainc_onnx_hole");
  auto *bucketTy =
      llvm::StructType::create(ctx, {i64, i64, i32, i32}, "trainc_bucket");
  auto *modelTy = llvm::StructType::create(
      ctx,
      {i32, i32, ptr, i64, i64, i64, i64, i32, shapeTy, i64, ptr, ptr, ptr, ptr,
       ptr, ptr, i64, i64, ptr, i64, i32, ptr, ptr, i32, ptr, spacesTy,
       ptr, i64, i32, ptr, ptr},
      "trainc_model_desc");
  auto shapeConst = [&](ArrayRef<int64_t> shape) {
    SmallVector<llvm::Constant *> dims;
    for (int i = 0; i < kMaxRank; ++i)
      dims.push_back(llvm::ConstantInt::get(
          i64, i < static_cast<int>(shape.size()) ? shape[i] : 0));
    return llvm::ConstantArray::get(shapeTy, dims);
  };

  int64_t paramBytes = model.getParamBytes();
  int64_t bufferBytes = model.getBufferBytes();
  std::vector<char> params(paramBytes, 0), buffers(bufferBytes, 0);
  SmallVector<llvm::Constant *> tensors;
  for (auto [index, tensor] : llvm::enumerate(model.getTensorDescs())) {
    ArrayRef<int64_t> shape = tensor.getShape().asArrayRef();
    if (shape.size() > kMaxRank) {
      error = "a parameter has rank above 8";
      return false;
    }
    int64_t numel = 1;
    for (int64_t d : shape)
      numel *= d;
    int64_t kind = static_cast<int64_t>(tensor.getKind());
    int64_t offset = tensor.getOffset();
    std::vector<char> bytes;
    if (!initialBytes(tensor.getInit(), numel, bytes, error))
      return false;
    std::vector<char> &arena =
        tensor.getKind() == TensorKind::Param ? params : buffers;
    if (offset + static_cast<int64_t>(bytes.size()) >
        static_cast<int64_t>(arena.size())) {
      error = "a tensor lies outside its arena";
      return false;
    }
    if (tensor.getLayout() != 0 && bytes.size() == size_t(4 * numel))
      bytes = blockedFilter(bytes, shape, tensor.getLayout());
    std::memcpy(arena.data() + offset, bytes.data(), bytes.size());
    StringRef name = tensor.getName();
    tensors.push_back(llvm::ConstantStruct::get(
        tensorTy,
        {string(m, name, "trainc.tensor.name." + std::to_string(index)),
         llvm::ConstantInt::get(i32, kind),
         llvm::ConstantInt::get(i32, shape.size()), shapeConst(shape),
         llvm::ConstantInt::get(i64, numel),
         llvm::ConstantInt::get(i64, offset),
         llvm::ConstantInt::get(i32, tensor.getBnOrBias().getValue()),
         llvm::ConstantInt::get(i32,
                                static_cast<int32_t>(tensor.getInitRule())),
         llvm::ConstantInt::get(i32, tensor.getLayout()),
         llvm::ConstantInt::get(i32, 0)}));
  }
  auto *tensorArrayTy = llvm::ArrayType::get(tensorTy, tensors.size());
  auto *tensorArray = new llvm::GlobalVariable(
      m, tensorArrayTy, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(tensorArrayTy, tensors), "trainc.tensors");

  OnnxExport exported;
  if (!onnxExport(onnx, model, exported, error))
    return false;
  SmallVector<llvm::Constant *> holes;
  for (auto [at, tensor] : exported.holes)
    holes.push_back(llvm::ConstantStruct::get(
        holeTy, {llvm::ConstantInt::get(i64, at),
                 llvm::ConstantInt::get(i32, tensor),
                 llvm::ConstantInt::get(i32, 0)}));
  auto *holeArrayTy = llvm::ArrayType::get(holeTy, holes.size());
  auto *holeArray = new llvm::GlobalVariable(
      m, holeArrayTy, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(holeArrayTy, holes), "trainc.onnx_holes");
  llvm::Constant *nullPtr = llvm::ConstantPointerNull::get(ptr);

  SmallVector<llvm::Constant *> bucketConsts;
  for (Attribute a : buckets ? buckets.getValue() : ArrayRef<Attribute>()) {
    auto bucket = cast<DictionaryAttr>(a);
    if (!bucket.get("offset")) {
      error = "the gradient buckets were not placed (run train-plan-memory)";
      return false;
    }
    int64_t offset = intOf(bucket, "offset"), size = intOf(bucket, "bytes");
    if (offset < 0 || size < 0 || offset + size > paramBytes) {
      error = "a gradient bucket lies outside the parameter arena";
      return false;
    }
    bucketConsts.push_back(llvm::ConstantStruct::get(
        bucketTy,
        {llvm::ConstantInt::get(i64, offset), llvm::ConstantInt::get(i64, size),
         llvm::ConstantInt::get(
             i32, cast<ArrayAttr>(bucket.get("params")).size()),
         llvm::ConstantInt::get(i32, 0)}));
  }
  auto *bucketArrayTy = llvm::ArrayType::get(bucketTy, bucketConsts.size());
  auto *bucketArray = new llvm::GlobalVariable(
      m, bucketArrayTy, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(bucketArrayTy, bucketConsts), "trainc.buckets");

  GpuKernels gpu;
  if (!gpuKernels(m, gpu, error))
    return false;

  // The verifier of ModelAttr checked the shapes, sizes and memory spaces.
  ArrayRef<int64_t> input = model.getInputShape().asArrayRef();
  SmallVector<llvm::Constant *> spaceConsts;
  for (int32_t space : model.getMemorySpaces().asArrayRef())
    spaceConsts.push_back(llvm::ConstantInt::get(i32, space));
  auto *desc = llvm::ConstantStruct::get(
      modelTy,
      {llvm::ConstantInt::get(i32, kAbiVersion),
       llvm::ConstantInt::get(i32, tensors.size()), tensorArray,
       llvm::ConstantInt::get(i64, paramBytes),
       llvm::ConstantInt::get(i64, bufferBytes),
       llvm::ConstantInt::get(i64, model.getArenaBytes()),
       llvm::ConstantInt::get(i64, input[0]),
       llvm::ConstantInt::get(i32, input.size()), shapeConst(input),
       llvm::ConstantInt::get(i64, model.getNumClasses()),
       string(m, source, "trainc.source"),
       string(m, model.getInputName(), "trainc.input_name"),
       string(m, model.getOutputName(), "trainc.output_name"),
       embedWeights ? blob(m, params, "trainc.initial_params") : nullPtr,
       blob(m, buffers, "trainc.initial_buffers"),
       string(m, model.getOptimizer(), "trainc.optimizer"),
       llvm::ConstantInt::get(i64, model.getStateBytes()),
       llvm::ConstantInt::get(i64, planHash),
       exported.bytes.empty() ? nullPtr
                              : blob(m, exported.bytes, "trainc.onnx_template"),
       llvm::ConstantInt::get(i64, exported.bytes.size()),
       llvm::ConstantInt::get(i32, holes.size()), holeArray,
       exported.unsupported.empty()
           ? nullPtr
           : string(m, exported.unsupported, "trainc.onnx_unsupported"),
       llvm::ConstantInt::get(i32, bucketConsts.size()), bucketArray,
       llvm::ConstantArray::get(spacesTy, spaceConsts),
       gpu.image ? gpu.image : nullPtr,
       llvm::ConstantInt::get(i64, gpu.imageBytes),
       llvm::ConstantInt::get(i32, gpu.numKernels),
       gpu.names ? gpu.names : nullPtr, gpu.arch ? gpu.arch : nullPtr});
  auto *descGlobal = new llvm::GlobalVariable(
      m, modelTy, true, llvm::GlobalValue::PrivateLinkage, desc,
      "trainc.model");

  // const trainc_model_desc *trainc_model(void)
  auto *fn = llvm::Function::Create(llvm::FunctionType::get(ptr, false),
                                    llvm::GlobalValue::ExternalLinkage,
                                    "trainc_model", m);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", fn));
  b.CreateRet(descGlobal);
  return true;
}
