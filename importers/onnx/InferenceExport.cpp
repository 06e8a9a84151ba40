//===- InferenceExport.cpp - the trained model as inference ONNX ----------===//

#include "importers/onnx/InferenceExport.h"

#include "dialects/Train/IR/TrainDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include "onnx/onnx_pb.h"

#include <algorithm>
#include <map>

using namespace mlir;
using namespace trainc;

namespace {
// Field numbers of onnx.proto.
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphInitializer = 5;
constexpr uint32_t kTensorName = 8;
constexpr uint32_t kTensorRawData = 9;

/// A field of a serialized protobuf message: its number and, for
/// length-delimited fields, where its payload lies.
struct WireField {
  uint32_t number = 0;
  size_t begin = 0, end = 0; // payload of a length-delimited field
  bool delimited = false;
};

bool readVarint(const std::string &s, size_t &pos, size_t end,
                uint64_t &value) {
  value = 0;
  for (int shift = 0; shift < 64 && pos < end; shift += 7) {
    uint8_t byte = static_cast<uint8_t>(s[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

/// The fields of the message serialized in s[begin, end).
bool walkMessage(const std::string &s, size_t begin, size_t end,
                 std::vector<WireField> &fields) {
  size_t pos = begin;
  while (pos < end) {
    uint64_t key, value;
    if (!readVarint(s, pos, end, key))
      return false;
    WireField field;
    field.number = static_cast<uint32_t>(key >> 3);
    switch (key & 7) {
    case 0:
      if (!readVarint(s, pos, end, value))
        return false;
      break;
    case 1:
      pos += 8;
      break;
    case 2:
      if (!readVarint(s, pos, end, value) || value > end - pos)
        return false;
      field.delimited = true;
      field.begin = pos;
      field.end = pos + value;
      pos = field.end;
      break;
    case 5:
      pos += 4;
      break;
    default:
      return false;
    }
    if (pos > end)
      return false;
    fields.push_back(field);
  }
  return true;
}

class TemplateBuilder {
public:
  TemplateBuilder(const onnx::ModelProto &source,
                  const std::set<std::string> &params,
                  const std::set<std::string> &buffers,
                  const std::map<std::pair<int, int>, std::string> &renamed,
                  std::string &error)
      : model(source), params(params), buffers(buffers), error(error),
        renamed(renamed) {}

  bool build(InferenceTemplate &result) {
    onnx::GraphProto &graph = *model.mutable_graph();
    if (graph.output_size() == 0)
      return fail("the model has no graph output");
    for (const onnx::TensorProto &init : graph.initializer())
      initializers[init.name()] = &init;
    inferenceForm(graph);
    if (!separateStatistics(graph))
      return false;
    removeDeadNodes(graph);
    if (!rawData(graph))
      return false;
    model.clear_training_info();
    model.set_producer_name("trainc");
    model.set_producer_version("0.1");
    model.set_doc_string("Trained by trainc; BatchNormalization in inference "
                         "form with the trained running statistics.");
    return cutOut(result);
  }

private:
  bool fail(const std::string &message) {
    error = message;
    return false;
  }

  /// BatchNormalization computes its output only (with the running
  /// statistics); the logits are the only graph output.
  void inferenceForm(onnx::GraphProto &graph) {
    for (onnx::NodeProto &node : *graph.mutable_node()) {
      if (node.op_type() != "BatchNormalization")
        continue;
      while (node.output_size() > 1)
        node.mutable_output()->RemoveLast();
      auto *attrs = node.mutable_attribute();
      for (int i = attrs->size() - 1; i >= 0; --i)
        if (attrs->Get(i).name() == "training_mode")
          attrs->DeleteSubrange(i, 1);
    }
    while (graph.output_size() > 1)
      graph.mutable_output()->RemoveLast();
  }

  /// Running statistics the importer renamed (their initializer is also a
  /// parameter or another statistic) get initializers of their own.
  bool separateStatistics(onnx::GraphProto &graph) {
    bool listsInitializers = false;
    for (const onnx::ValueInfoProto &v : graph.input())
      listsInitializers |= initializers.count(v.name()) > 0;
    std::map<std::string, const onnx::TensorProto *> sources;
    for (const auto &[use, fresh] : renamed) {
      auto [node, input] = use;
      if (node < 0 || node >= graph.node_size() ||
          input >= graph.node(node).input_size())
        return fail("internal error: a renamed statistic is not in the graph");
      // The importer resolved Identity aliases: so does the copy.
      std::string name = graph.node(node).input(input);
      for (int hops = 0; hops < 64 && !initializers.count(name); ++hops)
        for (const onnx::NodeProto &n : graph.node())
          if (n.op_type() == "Identity" && n.output_size() == 1 &&
              n.output(0) == name && n.input_size() == 1) {
            name = n.input(0);
            break;
          }
      if (!initializers.count(name))
        return fail("internal error: statistic '" + fresh +
                    "' has no initializer");
      onnx::TensorProto copy = *initializers.at(name);
      copy.set_name(fresh);
      *graph.add_initializer() = copy;
      if (listsInitializers)
        for (const onnx::ValueInfoProto &v : graph.input())
          if (v.name() == name) {
            onnx::ValueInfoProto declared = v;
            declared.set_name(fresh);
            *graph.add_input() = declared;
            break;
          }
      graph.mutable_node(node)->set_input(input, fresh);
    }
    for (const onnx::TensorProto &init : graph.initializer()) {
      if (params.count(init.name()))
        trained[init.name()] = false;
      else if (buffers.count(init.name()))
        trained[init.name()] = true;
    }
    return true;
  }

  /// Nodes, initializers, inputs and value_info the logits do not need go.
  void removeDeadNodes(onnx::GraphProto &graph) {
    std::set<std::string> live = {graph.output(0).name()};
    std::vector<bool> keep(graph.node_size(), false);
    for (int i = graph.node_size() - 1; i >= 0; --i) {
      const onnx::NodeProto &node = graph.node(i);
      for (const std::string &out : node.output())
        keep[i] = keep[i] || live.count(out);
      if (keep[i])
        for (const std::string &in : node.input())
          live.insert(in);
    }
    std::set<std::string> produced;
    google::protobuf::RepeatedPtrField<onnx::NodeProto> nodes;
    for (int i = 0; i < graph.node_size(); ++i)
      if (keep[i]) {
        for (const std::string &out : graph.node(i).output())
          produced.insert(out);
        *nodes.Add() = graph.node(i);
      }
    graph.mutable_node()->Swap(&nodes);

    auto *inits = graph.mutable_initializer();
    for (int i = inits->size() - 1; i >= 0; --i)
      if (!live.count(inits->Get(i).name()))
        inits->DeleteSubrange(i, 1);
    std::set<std::string> kept;
    for (const onnx::TensorProto &init : graph.initializer())
      kept.insert(init.name());
    auto *inputs = graph.mutable_input();
    for (int i = inputs->size() - 1; i >= 0; --i)
      if (initializers.count(inputs->Get(i).name()) &&
          !kept.count(inputs->Get(i).name()))
        inputs->DeleteSubrange(i, 1);
    auto *infos = graph.mutable_value_info();
    for (int i = infos->size() - 1; i >= 0; --i)
      if (!produced.count(infos->Get(i).name()))
        infos->DeleteSubrange(i, 1);
  }

  /// Every trained tensor is stored as float32 raw_data of its final size
  /// (zeros for now: the data is cut out below).
  bool rawData(onnx::GraphProto &graph) {
    for (onnx::TensorProto &init : *graph.mutable_initializer()) {
      if (!trained.count(init.name()))
        continue;
      if (init.data_type() != onnx::TensorProto::FLOAT)
        return fail("initializer '" + init.name() +
                    "' is not FLOAT; the trained model is float32");
      int64_t numel = 1;
      for (int64_t d : init.dims())
        numel *= d;
      init.clear_float_data();
      init.clear_double_data();
      init.clear_int32_data();
      init.clear_int64_data();
      init.clear_external_data();
      init.clear_data_location();
      init.set_raw_data(std::string(numel * sizeof(float), '\0'));
    }
    return true;
  }

  /// Serializes the model and cuts every trained tensor's raw_data out.
  bool cutOut(InferenceTemplate &result) {
    if (model.ByteSizeLong() > (size_t{1} << 31) - 1)
      return fail("the model is larger than protobuf's 2 GiB limit");
    std::string bytes;
    if (!model.SerializeToString(&bytes))
      return fail("the model does not serialize");
    std::vector<WireField> top, graphFields;
    const char *broken = "internal error: cannot walk the serialized model";
    if (!walkMessage(bytes, 0, bytes.size(), top))
      return fail(broken);
    std::vector<InferenceTemplate::Hole> holes;
    for (const WireField &g : top) {
      if (g.number != kModelGraph || !g.delimited)
        continue;
      if (!walkMessage(bytes, g.begin, g.end, graphFields))
        return fail(broken);
      for (const WireField &i : graphFields) {
        if (i.number != kGraphInitializer || !i.delimited)
          continue;
        std::vector<WireField> tensorFields;
        if (!walkMessage(bytes, i.begin, i.end, tensorFields))
          return fail(broken);
        std::string name;
        const WireField *raw = nullptr;
        for (const WireField &t : tensorFields) {
          if (t.number == kTensorName && t.delimited)
            name = bytes.substr(t.begin, t.end - t.begin);
          if (t.number == kTensorRawData && t.delimited)
            raw = &t;
        }
        auto it = trained.find(name);
        if (it == trained.end())
          continue;
        if (!raw)
          return fail(broken);
        holes.push_back({static_cast<int64_t>(raw->begin),
                         static_cast<int64_t>(raw->end - raw->begin), name,
                         it->second});
      }
    }
    llvm::sort(holes, [](const auto &a, const auto &b) {
      return a.offset < b.offset;
    });
    result.bytes.clear();
    result.holes.clear();
    size_t from = 0;
    for (InferenceTemplate::Hole hole : holes) {
      result.bytes.append(bytes, from, hole.offset - from);
      from = hole.offset + hole.size;
      hole.offset = result.bytes.size();
      result.holes.push_back(hole);
    }
    result.bytes.append(bytes, from, std::string::npos);
    return true;
  }

  onnx::ModelProto model;
  const std::set<std::string> &params, &buffers;
  std::string &error;
  std::map<std::string, const onnx::TensorProto *> initializers;
  const std::map<std::pair<int, int>, std::string> &renamed;
  /// Initializers holding trained tensors -> whether a buffer.
  std::map<std::string, bool> trained;
};
} // namespace

bool trainc::buildInferenceTemplate(
    const onnx::ModelProto &model, const std::set<std::string> &params,
    const std::set<std::string> &buffers,
    const std::map<std::pair<int, int>, std::string> &renamedStatistics,
    InferenceTemplate &result, std::string &error) {
  return TemplateBuilder(model, params, buffers, renamedStatistics, error)
      .build(result);
}

void trainc::attachInferenceTemplate(
    ModuleOp module, const onnx::ModelProto &model,
    const std::map<std::pair<int, int>, std::string> &renamedStatistics) {
  std::set<std::string> params, buffers;
  module.walk([&](func::FuncOp fn) {
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      if (auto name = fn.getArgAttrOfType<StringAttr>(
              i, train::TrainDialect::kParamAttr))
        params.insert(name.str());
      if (auto name = fn.getArgAttrOfType<StringAttr>(
              i, train::TrainDialect::kBufferAttr))
        buffers.insert(name.str());
    }
  });
  Builder b(module.getContext());
  InferenceTemplate t;
  std::string error;
  SmallVector<NamedAttribute> fields;
  if (!buildInferenceTemplate(model, params, buffers, renamedStatistics, t,
                              error)) {
    fields.push_back(b.getNamedAttr("unsupported", b.getStringAttr(error)));
  } else {
    auto type = RankedTensorType::get({static_cast<int64_t>(t.bytes.size())},
                                      b.getIntegerType(8));
    auto blob = HeapAsmResourceBlob::allocateAndCopyInferAlign<char>(
        ArrayRef<char>(t.bytes.data(), t.bytes.size()));
    fields.push_back(b.getNamedAttr(
        "template",
        DenseResourceElementsAttr::get(type, "onnx_template", std::move(blob))));
    SmallVector<Attribute> holes;
    for (const InferenceTemplate::Hole &h : t.holes)
      holes.push_back(b.getDictionaryAttr({
          b.getNamedAttr("at", b.getI64IntegerAttr(h.offset)),
          b.getNamedAttr("bytes", b.getI64IntegerAttr(h.size)),
          b.getNamedAttr("name", b.getStringAttr(h.name)),
          b.getNamedAttr("kind", b.getStringAttr(h.buffer ? "buffer" : "param")),
      }));
    fields.push_back(b.getNamedAttr("holes", b.getArrayAttr(holes)));
  }
  module->setAttr(train::TrainDialect::kOnnxExportAttr,
                  b.getDictionaryAttr(fields));
}
