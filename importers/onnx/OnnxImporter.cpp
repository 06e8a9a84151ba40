//===- OnnxImporter.cpp - ONNX ModelProto to the train dialect ------------===//

#include "importers/onnx/OnnxImporter.h"
#include "importers/onnx/HandlerTable.h"
#include "importers/onnx/ImportContext.h"
#include "importers/onnx/InferenceExport.h"

#include "dialects/Train/IR/ShapeFunctions.h"
#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/onnx_pb.h"

#include <google/protobuf/stubs/logging.h>

using namespace mlir;
using namespace trainc;

namespace {
/// A multi-line library message on one line: lines joined with spaces,
/// runs of whitespace collapsed, and cut at a readable length.
std::string oneLine(llvm::StringRef text) {
  std::string line;
  for (char c : text.trim()) {
    bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space && (line.empty() || line.back() == ' '))
      continue;
    line += space ? ' ' : c;
  }
  if (line.size() > 400)
    line = line.substr(0, 397) + "...";
  return line;
}

/// The highest opset this build's libonnx knows; its checker refuses newer
/// models, so they are checked by the importer alone.
int64_t checkerMaxOpset() {
  return onnx::OpSchemaRegistry::DomainToVersionRange::Instance()
      .Map()
      .at(onnx::ONNX_DOMAIN)
      .second;
}

std::optional<int64_t> defaultOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx")
      return op.version();
  return std::nullopt;
}

std::string describeNode(const onnx::NodeProto &node, int index) {
  std::string who = node.name().empty() ? "#" + std::to_string(index)
                                        : "'" + node.name() + "'";
  return "node " + who + " (" + node.op_type() + ")";
}

std::string describeDims(const onnx::TensorShapeProto &shape) {
  std::string s = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    if (i)
      s += ", ";
    const auto &d = shape.dim(i);
    s += d.has_dim_value() ? std::to_string(d.dim_value())
                           : (d.dim_param().empty() ? "?" : d.dim_param());
  }
  return s + "]";
}

class Importer {
public:
  Importer(MLIRContext &context, const onnx::ModelProto &model,
           const ImportOptions &options, std::string &error)
      : context(context), model(model), graph(model.graph()),
        options(options), error(error), builder(&context) {
    for (const onnx::ValueInfoProto &info : graph.value_info())
      valueInfo[info.name()] = &info;
  }

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult importInputs(ImportContext &ctx);
  LogicalResult importNodes(ImportContext &ctx, int64_t opset);
  LogicalResult importOutputs(ImportContext &ctx, func::FuncOp func);
  LogicalResult checkDeclaredShape(const onnx::ValueInfoProto &info,
                                   Value value, llvm::StringRef what);
  LogicalResult fail(const std::string &message) {
    if (error.empty())
      error = message;
    return failure();
  }

  MLIRContext &context;
  const onnx::ModelProto &model;
  const onnx::GraphProto &graph;
  const ImportOptions &options;
  std::string &error;
  OpBuilder builder;
  /// Declared shapes of intermediate values, checked against ours.
  std::map<std::string, const onnx::ValueInfoProto *> valueInfo;
  /// Prefix for diagnostics emitted while a node is imported.
  std::string nodeContext;
};

OwningOpRef<ModuleOp> Importer::run() {
  std::optional<int64_t> opset = defaultOpset(model);
  if (!opset) {
    fail("the model declares no opset for the default ONNX domain");
    return nullptr;
  }
  if (graph.initializer_size() == 0) {
    fail("the model has no initializers, so there are no parameters to "
         "train");
    return nullptr;
  }
  context.loadDialect<train::TrainDialect, func::FuncDialect>();

  // Every diagnostic (shape rules, verifier) becomes the one-line error,
  // attributed to the node being imported.
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      fail(nodeContext + diag.str());
    return success();
  });

  Location loc = FileLineColLoc::get(&context, options.sourceName, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  (*module)->setAttr(train::TrainDialect::kSourceAttr,
                     builder.getStringAttr(options.sourceName));
  (*module)->setAttr(train::TrainDialect::kOpsetAttr,
                     builder.getI64IntegerAttr(*opset));
  builder.setInsertionPointToEnd(module->getBody());
  auto func = builder.create<func::FuncOp>(
      loc, "forward", builder.getFunctionType({}, {}));
  builder.setInsertionPointToStart(func.addEntryBlock());

  ImportContext ctx(builder, func, graph, *opset);
  if (failed(importInputs(ctx)) || failed(importNodes(ctx, *opset)) ||
      failed(importOutputs(ctx, func)))
    return nullptr;
  attachInferenceTemplate(*module, model, ctx.nameStatistics());
  nodeContext = "internal error: the imported IR does not verify: ";
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

LogicalResult Importer::importInputs(ImportContext &ctx) {
  int dataInputs = 0;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (ctx.isInitializer(input.name()))
      continue; // IR version < 4 lists initializers among the inputs.
    const std::string what = "input '" + input.name() + "'";
    if (!input.type().has_tensor_type())
      return fail(what + " is not a tensor");
    const onnx::TypeProto::Tensor &tensor = input.type().tensor_type();
    if (tensor.elem_type() != onnx::TensorProto::FLOAT)
      return fail(what + " has element type " +
                  onnx::TensorProto_DataType_Name(
                      static_cast<onnx::TensorProto_DataType>(
                          tensor.elem_type())) +
                  "; only FLOAT inputs are supported");
    if (!tensor.has_shape())
      return fail(what + " has no shape");
    if (tensor.shape().dim_size() == 0)
      return fail(what + " is a scalar; expected a batch of samples, [N, ...]");
    SmallVector<int64_t> dims;
    for (int i = 0; i < tensor.shape().dim_size(); ++i) {
      const auto &dim = tensor.shape().dim(i);
      if (i == 0 && options.batch) {
        dims.push_back(*options.batch);
        continue;
      }
      if (dim.has_dim_value() && dim.dim_value() < 1)
        return fail(what + " has dimension #" + std::to_string(i) + " of " +
                    std::to_string(dim.dim_value()) +
                    "; every dimension must be at least 1");
      if (!dim.has_dim_value()) {
        std::string name = dim.dim_param().empty()
                               ? std::string()
                               : " ('" + dim.dim_param() + "')";
        if (i == 0)
          return fail(what + " has a dynamic batch dimension" + name +
                      "; set it with --batch N");
        return fail(what + " has a dynamic dimension #" + std::to_string(i) +
                    name + "; only the batch dimension may be dynamic");
      }
      dims.push_back(dim.dim_value());
    }
    ctx.addGraphInput(input.name(),
                      RankedTensorType::get(dims, builder.getF32Type()));
    ++dataInputs;
  }
  if (dataInputs == 0)
    return fail("the model has no data input (every graph input is an "
                "initializer)");
  return success();
}

LogicalResult Importer::importNodes(ImportContext &ctx, int64_t opset) {
  const HandlerTable &table = HandlerTable::get();
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    nodeContext = describeNode(node, index) + ": ";
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      return fail(nodeContext + "op domain '" + node.domain() +
                  "' is not supported");
    std::string locName =
        node.name().empty() ? node.op_type() + "#" + std::to_string(index)
                            : node.name();
    // The node's position in the graph (1-based) is the line of its
    // location, which the object's line tables keep (train-add-debug-info).
    ctx.setNode(node, index,
                NameLoc::get(builder.getStringAttr(locName),
                             FileLineColLoc::get(&context, options.sourceName,
                                                 index + 1, 0)));
    if (node.output_size() == 0 || node.output(0).empty())
      return fail(nodeContext + "the node has no output");
    for (const std::string &output : node.output())
      if (!output.empty() && ctx.isDefined(output))
        return fail(nodeContext + "tensor '" + output +
                    "' is defined twice (ONNX graphs are in SSA form)");
    int earliest = 0;
    OpHandler handler = table.lookup(node.op_type(), opset, earliest);
    if (!handler) {
      if (earliest)
        return fail(nodeContext + "op type " + node.op_type() +
                    " is supported from opset " + std::to_string(earliest) +
                    ", but the model uses opset " + std::to_string(opset));
      return fail(nodeContext + "unsupported op type '" + node.op_type() +
                  "'");
    }
    if (failed(handler(ctx)))
      return fail(nodeContext + "import failed");
    for (int i = 0; i < node.output_size(); ++i)
      if (Value v = node.output(i).empty() ? Value() : ctx.find(node.output(i)))
        if (auto info = valueInfo.find(node.output(i)); info != valueInfo.end())
          if (failed(checkDeclaredShape(*info->second, v,
                                        "value '" + node.output(i) + "'")))
            return failure();
  }
  nodeContext.clear();
  return success();
}

LogicalResult Importer::checkDeclaredShape(const onnx::ValueInfoProto &info,
                                           Value value, llvm::StringRef what) {
  if (!info.type().has_tensor_type() ||
      !info.type().tensor_type().has_shape())
    return success();
  const onnx::TensorShapeProto &declared = info.type().tensor_type().shape();
  auto type = cast<RankedTensorType>(value.getType());
  bool consistent = declared.dim_size() == type.getRank();
  for (int i = 0; consistent && i < declared.dim_size(); ++i) {
    const auto &d = declared.dim(i);
    // The batch dimension follows --batch, whatever the file declared.
    if (d.has_dim_value() && !(i == 0 && options.batch))
      consistent = d.dim_value() == type.getDimSize(i);
  }
  if (consistent)
    return success();
  return fail(what.str() + " is declared with shape " +
              describeDims(declared) + " but the graph computes " +
              train::formatShape(type.getShape()));
}

LogicalResult Importer::importOutputs(ImportContext &ctx, func::FuncOp func) {
  if (graph.output_size() == 0)
    return fail("the model has no graph output");
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    std::string what = "output '" + output.name() + "'";
    nodeContext = what + ": ";
    // An output may be a tensor that already has a role (a BN statistic).
    FailureOr<Value> value = ctx.find(output.name());
    if (!*value)
      value = ctx.lookup(output.name(), TensorRole::Param);
    if (failed(value))
      return failure();
    if (failed(checkDeclaredShape(output, *value, what)))
      return failure();
    results.push_back(*value);
  }
  nodeContext.clear();
  builder.create<func::ReturnOp>(func.getLoc(), results);
  func.setType(builder.getFunctionType(func.getArgumentTypes(),
                                       ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, train::TrainDialect::kOutputAttr,
                       builder.getStringAttr(output.name()));
  return success();
}
} // namespace

bool trainc::loadOnnxModel(llvm::StringRef path, onnx::ModelProto &model,
                           std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/true);
  if (!buffer) {
    error = "cannot read the file: " + buffer.getError().message();
    return false;
  }
  llvm::StringRef data = (*buffer)->getBuffer();
  if (data.empty()) {
    error = "the file is empty";
    return false;
  }
  if (path.ends_with(".onnxtext")) {
    try {
      onnx::Common::Status status =
          onnx::OnnxParser::Parse(model, data.data());
      if (!status.IsOK()) {
        error = "not a valid ONNX text model: " +
                oneLine(status.ErrorMessage());
        return false;
      }
    } catch (const std::exception &e) {
      error = "not a valid ONNX text model: " + oneLine(e.what());
      return false;
    }
  } else {
    // Quiet protobuf's own logging: the error below is the one line.
    google::protobuf::LogSilencer silence;
    if (!model.ParseFromArray(data.data(), static_cast<int>(data.size()))) {
      error = "not a valid ONNX model (the protobuf does not parse; is the "
              "file truncated, or not an .onnx file?)";
      return false;
    }
  }
  if (!model.has_graph()) {
    error = "not a valid ONNX model (it has no graph)";
    return false;
  }
  if (model.graph().node_size() == 0) {
    error = "the model's graph has no nodes";
    return false;
  }
  // Checked before libonnx's checker, which looks for the data file
  // relative to the working directory.
  for (const onnx::TensorProto &init : model.graph().initializer())
    if (init.data_location() == onnx::TensorProto::EXTERNAL) {
      error = "initializer '" + init.name() +
              "' keeps its data in an external file, which is not supported";
      return false;
    }
  std::optional<int64_t> opset = defaultOpset(model);
  if (opset && *opset <= checkerMaxOpset()) {
    try {
      onnx::checker::check_model(model);
    } catch (const std::exception &e) {
      error = "fails the ONNX checker: " + oneLine(e.what());
      return false;
    }
  }
  return true;
}

OwningOpRef<ModuleOp> trainc::importOnnxModel(MLIRContext &context,
                                              const onnx::ModelProto &model,
                                              const ImportOptions &options,
                                              std::string &error) {
  if (options.batch && *options.batch < 1) {
    error = "--batch must be at least 1";
    return nullptr;
  }
  return Importer(context, model, options, error).run();
}

OwningOpRef<ModuleOp> trainc::importOnnxFile(MLIRContext &context,
                                             llvm::StringRef path,
                                             const ImportOptions &options,
                                             std::string &error) {
  onnx::ModelProto model;
  if (!loadOnnxModel(path, model, error))
    return nullptr;
  ImportOptions withSource = options;
  if (withSource.sourceName.empty())
    withSource.sourceName = llvm::sys::path::filename(path).str();
  return importOnnxModel(context, model, withSource, error);
}
