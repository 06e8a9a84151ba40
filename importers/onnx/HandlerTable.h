//===- HandlerTable.h - ONNX op handlers keyed by type and opset -*- C++ -*-===//
//
// Each ONNX op type maps to handlers, each valid from an opset version
// ("since version", as in ONNX's schemas). The handler for a model is the one
// with the largest since-version not above the model's opset. Op families
// register themselves from one file each.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_IMPORTERS_ONNX_HANDLERTABLE_H
#define TRAINC_IMPORTERS_ONNX_HANDLERTABLE_H

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace trainc {

class ImportContext;

using OpHandler = mlir::LogicalResult (*)(ImportContext &);

class HandlerTable {
public:
  /// All handlers of all families.
  static const HandlerTable &get();

  void add(llvm::StringRef opType, int sinceVersion, OpHandler handler);

  /// The handler for `opType` at `opset`, or null. When the op type is known
  /// but only from a later opset, `earliest` is set to that opset.
  OpHandler lookup(llvm::StringRef opType, int64_t opset, int &earliest) const;

  /// The supported op types, sorted, for --help and errors.
  std::vector<std::string> opTypes() const;

private:
  struct Entry {
    int sinceVersion;
    OpHandler handler;
  };
  llvm::StringMap<std::vector<Entry>> entries;
};

void registerConvHandlers(HandlerTable &table);
void registerNormHandlers(HandlerTable &table);
void registerPoolHandlers(HandlerTable &table);
void registerElementwiseHandlers(HandlerTable &table);
void registerStructureHandlers(HandlerTable &table);

} // namespace trainc

#endif // TRAINC_IMPORTERS_ONNX_HANDLERTABLE_H
