//===- ImportContext.cpp - state shared by the ONNX op handlers -----------===//

#include "importers/onnx/ImportContext.h"
#include "importers/onnx/TensorData.h"

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

#include <set>

using namespace mlir;
using namespace trainc;

ImportContext::ImportContext(OpBuilder &builder, func::FuncOp func,
                             const onnx::GraphProto &graph, int64_t opset)
    : b(builder), func(func), opsetVersion(opset),
      currentLoc(builder.getUnknownLoc()), graph(graph) {
  for (const onnx::TensorProto &init : graph.initializer())
    initializers[init.name()] = &init;
}

LogicalResult ImportContext::fail(const llvm::Twine &message) {
  return emitError(currentLoc) << message;
}

bool ImportContext::hasInput(int index) const {
  return index < current->input_size() && !current->input(index).empty();
}

bool ImportContext::hasOutput(int index) const {
  return index < current->output_size() && !current->output(index).empty();
}

void ImportContext::define(int index, Value value) {
  if (hasOutput(index)) // an omitted optional output needs no value
    values[current->output(index)] = value;
}

bool ImportContext::isDefined(const std::string &name) const {
  return values.count(name) || aliases.count(name) ||
         initializers.count(name) || constants.count(name);
}

void ImportContext::alias(int index, const std::string &inputName) {
  if (hasOutput(index))
    aliases[current->output(index)] = resolve(inputName);
}

std::string ImportContext::resolve(const std::string &name) const {
  std::string resolved = name;
  for (auto it = aliases.find(resolved); it != aliases.end();
       it = aliases.find(resolved))
    resolved = it->second;
  return resolved;
}

Value ImportContext::find(const std::string &name) const {
  auto it = values.find(resolve(name));
  return it == values.end() ? Value() : it->second;
}

FailureOr<Value> ImportContext::tensor(int index, TensorRole role) {
  if (!hasInput(index))
    return fail("input #" + llvm::Twine(index) + " is missing");
  currentInput = index;
  return lookup(current->input(index), role);
}

FailureOr<Value> ImportContext::lookup(const std::string &rawName,
                                       TensorRole role) {
  std::string name = resolve(rawName);
  if (initializers.count(name)) {
    if (role == TensorRole::Buffer)
      return statistic(name);
    // Exporters merge initializers with equal values (a fresh BatchNorm's
    // shift and running mean are both zeros): the parameter is one
    // argument however many nodes use it, and each statistic another.
    Value &param = params[name];
    if (!param) {
      auto arg = materializeInitializer(name, role);
      if (failed(arg))
        return failure();
      param = *arg;
    }
    values.try_emplace(name, param);
    return param;
  }
  if (auto it = values.find(name); it != values.end())
    return it->second;
  if (constants.count(name))
    return materializeConstant(name);
  return fail("tensor '" + name +
              "' is not defined by a graph input, an initializer or an "
              "earlier node");
}

FailureOr<Value> ImportContext::statistic(const std::string &name) {
  auto arg = materializeInitializer(name, TensorRole::Buffer);
  if (failed(arg))
    return failure();
  statistics.push_back({currentIndex, currentInput, name,
                        cast<BlockArgument>(*arg).getArgNumber()});
  values.try_emplace(name, *arg);
  return *arg;
}

std::map<std::pair<int, int>, std::string> ImportContext::nameStatistics() {
  std::set<std::string> taken;
  for (const onnx::TensorProto &init : graph.initializer())
    taken.insert(init.name());
  for (const onnx::ValueInfoProto &v : graph.input())
    taken.insert(v.name());
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output())
      taken.insert(out);
  std::set<std::string> named; // initializers a statistic is named after
  std::map<std::pair<int, int>, std::string> renamed;
  for (const StatisticUse &use : statistics) {
    if (!params.count(use.initializer) && named.insert(use.initializer).second)
      continue;
    std::string base = use.initializer + "_running", fresh = base;
    for (int n = 2; taken.count(fresh); ++n)
      fresh = base + "_" + std::to_string(n);
    taken.insert(fresh);
    func.setArgAttr(use.argIndex, train::TrainDialect::kBufferAttr,
                    b.getStringAttr(fresh));
    renamed[{use.node, use.input}] = fresh;
  }
  return renamed;
}

const onnx::TensorProto *
ImportContext::constantTensor(const std::string &name) const {
  if (auto it = initializers.find(name); it != initializers.end())
    return it->second;
  if (auto it = constants.find(name); it != constants.end())
    return &it->second;
  return nullptr;
}

FailureOr<SmallVector<int64_t>> ImportContext::constantInts(int index) {
  if (!hasInput(index))
    return fail("input #" + llvm::Twine(index) + " is missing");
  std::string name = resolve(current->input(index));
  const onnx::TensorProto *tensor = constantTensor(name);
  if (!tensor)
    return fail("input '" + name +
                "' must be a constant (an initializer or a Constant node); "
                "shapes computed at run time are not supported");
  SmallVector<int64_t> ints;
  std::string error;
  if (!readInts(*tensor, ints, error))
    return fail("constant '" + name + "' " + error);
  return ints;
}

namespace {
/// dense_resource keys must be identifiers; ONNX names often are not.
std::string resourceKey(StringRef name) {
  std::string key;
  for (char c : name)
    key += (llvm::isAlnum(c) || c == '_') ? c : '_';
  if (key.empty() || llvm::isDigit(key.front()))
    key.insert(key.begin(), 'p');
  return key;
}
} // namespace

FailureOr<Value> ImportContext::materializeInitializer(const std::string &name,
                                                       TensorRole role) {
  const onnx::TensorProto &init = *initializers[name];
  std::vector<float> data;
  SmallVector<int64_t> dims;
  std::string error;
  if (!tensorDims(init, dims, error) || !readFloats(init, data, error))
    return fail("initializer '" + name + "' " + error);
  if (data.empty())
    return fail("initializer '" + name + "' has no elements");
  auto type = RankedTensorType::get(dims, b.getF32Type());

  std::string key = resourceKey(name);
  if (unsigned n = resourceNames[key]++)
    key += "_" + std::to_string(n);
  auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<float>(data);
  auto init_value = DenseResourceElementsAttr::get(type, key, std::move(blob));

  unsigned argIndex = func.getNumArguments();
  StringRef roleAttr = role == TensorRole::Param
                           ? train::TrainDialect::kParamAttr
                           : train::TrainDialect::kBufferAttr;
  NamedAttribute attrs[] = {
      b.getNamedAttr(roleAttr, b.getStringAttr(name)),
      b.getNamedAttr(train::TrainDialect::kInitAttr, init_value)};
  func.insertArgument(argIndex, type, b.getDictionaryAttr(attrs),
                      NameLoc::get(b.getStringAttr(name)));
  return func.getArgument(argIndex);
}

FailureOr<Value> ImportContext::materializeConstant(const std::string &name) {
  const onnx::TensorProto &tensor = constants[name];
  std::vector<float> data;
  SmallVector<int64_t> dims;
  std::string error;
  if (!tensorDims(tensor, dims, error) || !readFloats(tensor, data, error))
    return fail("constant '" + name + "' " + error);
  auto type = RankedTensorType::get(dims, b.getF32Type());
  auto value = DenseElementsAttr::get(type, llvm::ArrayRef<float>(data));
  Value result = b.create<train::ConstantOp>(currentLoc, type, value);
  values[name] = result;
  return result;
}

void ImportContext::addConstant(const std::string &name,
                                onnx::TensorProto tensor) {
  constants[name] = std::move(tensor);
}

void ImportContext::addGraphInput(const std::string &name,
                                  RankedTensorType type) {
  unsigned argIndex = func.getNumArguments();
  NamedAttribute attr =
      b.getNamedAttr(train::TrainDialect::kInputAttr, b.getStringAttr(name));
  func.insertArgument(argIndex, type, b.getDictionaryAttr(attr),
                            NameLoc::get(b.getStringAttr(name)));
  values[name] = func.getArgument(argIndex);
}

const onnx::AttributeProto *ImportContext::attr(StringRef name) const {
  for (const onnx::AttributeProto &a : current->attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t ImportContext::intAttr(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : defaultValue;
}

float ImportContext::floatAttr(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : defaultValue;
}

std::string ImportContext::stringAttr(StringRef name,
                                      StringRef defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : defaultValue.str();
}

SmallVector<int64_t>
ImportContext::intsAttr(StringRef name, ArrayRef<int64_t> defaultValue) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return SmallVector<int64_t>(defaultValue);
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}
