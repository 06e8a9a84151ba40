//===- ImportContext.h - state shared by the ONNX op handlers ----*- C++ -*-===//
//
// One ImportContext lives for one model import. Handlers ask it for their
// inputs as tensors or as constant integer lists, read attributes, and define
// their outputs. Initializers and Constant nodes are materialised lazily, on
// first use, so that the role a handler asks for (parameter, buffer) decides
// what an initializer becomes.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_IMPORTERS_ONNX_IMPORTCONTEXT_H
#define TRAINC_IMPORTERS_ONNX_IMPORTCONTEXT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <map>
#include <string>

namespace trainc {

/// What an initializer becomes when a handler consumes it as a tensor.
enum class TensorRole {
  Param,  ///< a trainable parameter (function argument, `train.param`)
  Buffer, ///< non-trainable state, e.g. BN running statistics (`train.buffer`)
};

class ImportContext {
public:
  ImportContext(mlir::OpBuilder &builder, mlir::func::FuncOp func,
                const onnx::GraphProto &graph, int64_t opset);

  mlir::OpBuilder &builder() { return b; }
  mlir::MLIRContext *context() { return b.getContext(); }
  /// The model's opset for the default ONNX domain.
  int64_t opset() const { return opsetVersion; }

  /// The node being imported and its location; diagnostics emitted while a
  /// handler runs are attributed to it.
  const onnx::NodeProto &node() const { return *current; }
  mlir::Location loc() const { return currentLoc; }
  void setNode(const onnx::NodeProto &node, int index, mlir::Location loc) {
    current = &node;
    currentIndex = index;
    currentLoc = loc;
  }

  /// Emits an error for the current node and returns failure.
  mlir::LogicalResult fail(const llvm::Twine &message);

  // --- inputs and outputs --------------------------------------------------
  /// Whether input `index` of the current node is present (ONNX marks an
  /// omitted optional input with an empty name).
  bool hasInput(int index) const;
  /// Input `index` as a float tensor value.
  mlir::FailureOr<mlir::Value> tensor(int index,
                                      TensorRole role = TensorRole::Param);
  /// Input `index` as a constant integer list (a Reshape shape, say).
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(int index);
  /// Whether output `index` of the current node is present and named.
  bool hasOutput(int index) const;
  void define(int index, mlir::Value value);
  /// Output `index` names the same tensor as `inputName` (Identity).
  void alias(int index, const std::string &inputName);

  // --- attributes ------------------------------------------------------------
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t intAttr(llvm::StringRef name, int64_t defaultValue) const;
  float floatAttr(llvm::StringRef name, float defaultValue) const;
  std::string stringAttr(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;
  llvm::SmallVector<int64_t> intsAttr(llvm::StringRef name,
                                      llvm::ArrayRef<int64_t> defaultValue) const;

  // --- graph-level ---------------------------------------------------------
  /// A graph input becomes a function argument with `train.input`.
  void addGraphInput(const std::string &name, mlir::RankedTensorType type);
  /// Looks up a value by ONNX name without materialising anything new but
  /// initializers; null when unknown (the error is the caller's).
  mlir::FailureOr<mlir::Value> lookup(const std::string &name,
                                      TensorRole role);
  /// The value already defined for `name` (after Identity aliases), or null.
  mlir::Value find(const std::string &name) const;
  /// Registers the constant tensor produced by an ONNX Constant node.
  void addConstant(const std::string &name, onnx::TensorProto tensor);
  /// Whether `name` already names a tensor (input, initializer, constant,
  /// node output or alias): ONNX graphs are in SSA form.
  bool isDefined(const std::string &name) const;
  bool isInitializer(const std::string &name) const {
    return initializers.count(name) != 0;
  }

  /// Gives every running statistic a name of its own, so that each tensor
  /// of the trained model has one: a statistic whose initializer is also a
  /// parameter, or feeds an earlier statistic, is renamed `<name>_running`
  /// (made unique). Returns the renamed uses, (node index, input index) ->
  /// new name, which the saved ONNX model applies too.
  std::map<std::pair<int, int>, std::string> nameStatistics();

private:
  mlir::FailureOr<mlir::Value> materializeInitializer(const std::string &name,
                                                      TensorRole role);
  mlir::FailureOr<mlir::Value> statistic(const std::string &name);
  mlir::FailureOr<mlir::Value> materializeConstant(const std::string &name);
  const onnx::TensorProto *constantTensor(const std::string &name) const;
  std::string resolve(const std::string &name) const;

  mlir::OpBuilder &b;
  mlir::func::FuncOp func;
  int64_t opsetVersion;
  const onnx::NodeProto *current = nullptr;
  int currentIndex = -1;
  int currentInput = -1;
  mlir::Location currentLoc;
  llvm::StringMap<mlir::Value> values;
  llvm::StringMap<std::string> aliases;
  std::map<std::string, const onnx::TensorProto *> initializers;
  std::map<std::string, onnx::TensorProto> constants;
  /// The parameter an initializer became (one, however many uses).
  llvm::StringMap<mlir::Value> params;
  /// Every running statistic is state of its own BatchNorm: one buffer
  /// argument per use, in import order.
  struct StatisticUse {
    int node, input;
    std::string initializer;
    unsigned argIndex;
  };
  std::vector<StatisticUse> statistics;
  const onnx::GraphProto &graph;
  llvm::StringMap<unsigned> resourceNames;
};

} // namespace trainc

#endif // TRAINC_IMPORTERS_ONNX_IMPORTCONTEXT_H
