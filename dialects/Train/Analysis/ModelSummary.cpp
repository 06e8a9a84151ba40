//===- ModelSummary.cpp - layers, parameters, FLOPs, activations ----------===//

#include "dialects/Train/Analysis/ModelSummary.h"
#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::train;

namespace {
int64_t elements(Value v) {
  return cast<RankedTensorType>(v.getType()).getNumElements();
}

/// Forward FLOPs of one op for the whole batch; a multiply-add counts 2.
double opFlops(Operation *op) {
  return llvm::TypeSwitch<Operation *, double>(op)
      .Case([](Conv2DOp conv) {
        auto filter = cast<RankedTensorType>(conv.getFilter().getType());
        // Each output element is a dot product over C/groups * kH * kW.
        double macs = double(elements(conv.getOutput())) * filter.getDimSize(1) *
                      filter.getDimSize(2) * filter.getDimSize(3);
        return 2 * macs + (conv.getBias() ? elements(conv.getOutput()) : 0);
      })
      .Case([](GemmOp gemm) {
        auto a = cast<RankedTensorType>(gemm.getA().getType());
        int64_t k = gemm.getTransA() ? a.getDimSize(0) : a.getDimSize(1);
        double out = elements(gemm.getOutput());
        return 2 * out * k + (gemm.getC() ? out : 0);
      })
      .Case([](MatMulOp mm) {
        auto lhs = cast<RankedTensorType>(mm.getLhs().getType());
        return 2.0 * elements(mm.getOutput()) * lhs.getDimSize(1);
      })
      // Normalise: subtract, scale by 1/sigma, scale, shift; the training
      // form also accumulates the sum and sum of squares.
      .Case([](BatchNormOp bn) { return 7.0 * elements(bn.getInput()); })
      .Case([](BatchNormInferenceOp bn) {
        return 4.0 * elements(bn.getInput());
      })
      .Case<ReluOp, AddOp>(
          [](Operation *op) { return double(elements(op->getResult(0))); })
      .Case([](MaxPool2DOp pool) {
        ArrayRef<int64_t> k = pool.getKernel();
        return double(elements(pool.getOutput())) * k[0] * k[1];
      })
      .Case([](AvgPool2DOp pool) {
        ArrayRef<int64_t> k = pool.getKernel();
        return double(elements(pool.getOutput())) * (k[0] * k[1] + 1);
      })
      .Case([](GlobalAvgPoolOp pool) {
        return double(elements(pool.getInput()) + elements(pool.getOutput()));
      })
      .Default([](Operation *) { return 0.0; });
}

/// Ops whose result is a new activation tensor (not a constant or a view).
bool producesActivation(Operation *op) {
  return !isa<ConstantOp, FlattenOp, ReshapeOp, func::ReturnOp>(op);
}

std::string nameOf(Operation *op) {
  if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    return loc.getName().str();
  return "";
}

llvm::json::Array shapeJson(ArrayRef<int64_t> shape) {
  llvm::json::Array a;
  for (int64_t d : shape)
    a.push_back(d);
  return a;
}

} // namespace

FailureOr<ModelSummary> mlir::train::summarizeModel(ModuleOp module) {
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward || forward.isExternal())
    return module.emitError("the module has no func.func @forward");
  ModelSummary s;
  if (auto src = module->getAttrOfType<StringAttr>(TrainDialect::kSourceAttr))
    s.source = src.str();
  if (auto opset =
          module->getAttrOfType<IntegerAttr>(TrainDialect::kOpsetAttr))
    s.opset = opset.getInt();

  llvm::DenseSet<Value> params;
  for (BlockArgument arg : forward.getArguments()) {
    auto type = cast<RankedTensorType>(arg.getType());
    unsigned i = arg.getArgNumber();
    if (auto name = forward.getArgAttrOfType<StringAttr>(
            i, TrainDialect::kInputAttr)) {
      s.inputs.push_back({name.str(), SmallVector<int64_t>(type.getShape())});
      if (!s.batch && type.getRank() > 0)
        s.batch = type.getDimSize(0);
    } else if (forward.getArgAttr(i, TrainDialect::kParamAttr)) {
      s.trainableParams += type.getNumElements();
      ++s.paramTensors;
      params.insert(arg);
    } else if (forward.getArgAttr(i, TrainDialect::kBufferAttr)) {
      s.bufferElements += type.getNumElements();
      ++s.bufferTensors;
    }
  }
  for (auto [i, type] : llvm::enumerate(forward.getResultTypes())) {
    auto name =
        forward.getResultAttrOfType<StringAttr>(i, TrainDialect::kOutputAttr);
    s.outputs.push_back({name ? name.str() : "#" + std::to_string(i),
                         SmallVector<int64_t>(
                             cast<RankedTensorType>(type).getShape())});
  }
  double batch = s.batch > 0 ? double(s.batch) : 1.0;

  double activationBytes = 0;
  forward.walk([&](Operation *op) {
    if (op == forward.getOperation() || isa<func::ReturnOp>(op))
      return;
    LayerSummary layer;
    layer.op = op->getName().stripDialect().str();
    layer.name = nameOf(op);
    auto out = cast<RankedTensorType>(op->getResult(0).getType());
    layer.outputShape.assign(out.getShape().begin(), out.getShape().end());
    for (Value operand : op->getOperands())
      if (params.contains(operand))
        layer.params += elements(operand);
    layer.flops = opFlops(op) / batch;
    s.flopsPerSample += layer.flops;
    if (producesActivation(op))
      activationBytes += double(out.getNumElements()) *
                         out.getElementTypeBitWidth() / 8;
    if (isa<BatchNormOp>(op))
      ++s.batchNormTraining;
    if (isa<BatchNormInferenceOp>(op))
      ++s.batchNormInference;
    ++s.opCounts[layer.op];
    s.layers.push_back(std::move(layer));
  });
  s.activationBytesPerSample = activationBytes / batch;
  return s;
}

void mlir::train::printSummaryText(const ModelSummary &s,
                                   llvm::raw_ostream &os) {
  os << "model: " << s.source << " (ONNX opset " << s.opset << ")\n";
  for (const TensorSummary &t : s.inputs)
    os << "input: " << t.name << " " << formatShape(t.shape) << "\n";
  for (const TensorSummary &t : s.outputs)
    os << "output: " << t.name << " " << formatShape(t.shape) << "\n";
  os << "batch: " << s.batch << "\n\n";
  os << llvm::formatv("{0,-5} {1,-22} {2,-20} {3,10} {4,14}  {5}\n", "#", "op",
                      "output", "params", "MFLOPs/sample", "ONNX node");
  for (auto [i, l] : llvm::enumerate(s.layers)) {
    if (l.op == "constant")
      continue;
    os << llvm::format("%-5zu %-22s %-20s %10lld %14.3f  %s\n", i + 1,
                       l.op.c_str(), formatShape(l.outputShape).c_str(),
                       static_cast<long long>(l.params), l.flops / 1e6,
                       l.name.c_str());
  }
  os << "\nops:";
  for (const auto &[op, n] : s.opCounts)
    os << " " << op << " " << n << ",";
  os << "\n";
  os << "trainable parameters: " << s.trainableParams << " in "
     << s.paramTensors << " tensors ("
     << llvm::format("%.2f", s.trainableParams * 4.0 / (1 << 20))
     << " MiB as f32)\n";
  os << "buffers (BatchNorm running statistics): " << s.bufferElements
     << " elements in " << s.bufferTensors << " tensors\n";
  if (s.batchNormTraining + s.batchNormInference == 0)
    os << "batch normalization: none (the model has no BatchNorm; an eval "
          "export may have folded it into the convolutions)\n";
  else
    os << "batch normalization: " << s.batchNormTraining
       << " in training form, " << s.batchNormInference
       << " in inference form\n";
  os << "FLOPs per sample (forward): "
     << llvm::format("%.0f (%.3f GFLOPs)", s.flopsPerSample,
                     s.flopsPerSample / 1e9)
     << "\n";
  os << "activation bytes per sample (forward): "
     << llvm::format("%.0f (%.2f MiB)", s.activationBytesPerSample,
                     s.activationBytesPerSample / (1 << 20))
     << "\n";
}

void mlir::train::printSummaryJson(const ModelSummary &s,
                                   llvm::raw_ostream &os) {
  auto tensors = [](const std::vector<TensorSummary> &list) {
    llvm::json::Array a;
    for (const TensorSummary &t : list)
      a.push_back(llvm::json::Object{{"name", t.name},
                                     {"shape", shapeJson(t.shape)}});
    return a;
  };
  llvm::json::Array layers;
  for (const LayerSummary &l : s.layers)
    layers.push_back(llvm::json::Object{
        {"op", l.op},
        {"name", l.name},
        {"output_shape", shapeJson(l.outputShape)},
        {"params", l.params},
        {"flops_per_sample", l.flops}});
  llvm::json::Object counts;
  for (const auto &[op, n] : s.opCounts)
    counts[op] = n;
  llvm::json::Object root{
      {"source", s.source},
      {"opset", s.opset},
      {"batch", s.batch},
      {"inputs", tensors(s.inputs)},
      {"outputs", tensors(s.outputs)},
      {"layers", std::move(layers)},
      {"op_counts", std::move(counts)},
      {"trainable_parameters", s.trainableParams},
      {"parameter_tensors", s.paramTensors},
      {"buffer_elements", s.bufferElements},
      {"buffer_tensors", s.bufferTensors},
      {"batch_norm_training", s.batchNormTraining},
      {"batch_norm_inference", s.batchNormInference},
      {"flops_per_sample", s.flopsPerSample},
      {"activation_bytes_per_sample", s.activationBytesPerSample}};
  os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
}
