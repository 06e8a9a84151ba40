//===- AddDebugInfo.cpp - ONNX nodes in the generated code's line tables --===//
//
// train-add-debug-info: the last pass on the LLVM dialect. Each ONNX node
// becomes a DWARF subprogram named after it, and every instruction an op of
// that node produced is "inlined" from it into the function that runs it,
// at line N of the ONNX file, N the node's position in the graph (1-based;
// the importer records it as the line of the node's location). So
// `perf report --inline`, `perf annotate`, `addr2line -f -i` and gdb's
// backtraces name the ONNX node (and `model.onnx:N`) a sample or a frame
// belongs to, forward and backward alike, since the backward ops keep the
// location of the forward op they differentiate. What no node produced
// (the optimizer update, entry points, kernel launch glue) is line 0 of the
// function's own subprogram.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainAttrs.h"
#include "dialects/Train/IR/TrainDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/BinaryFormat/Dwarf.h"

namespace mlir::train {
#define GEN_PASS_DEF_ADDDEBUGINFOPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {

/// The ONNX node `loc` comes from: the first name in it, and the line of
/// that name's file location (0 when there is none).
std::optional<std::pair<StringAttr, unsigned>> nodeOf(Location loc) {
  std::optional<std::pair<StringAttr, unsigned>> found;
  loc->walk([&](Location inner) {
    auto name = dyn_cast<NameLoc>(inner);
    if (!name)
      return WalkResult::advance();
    unsigned line = 0;
    if (auto file = dyn_cast<FileLineColLoc>(name.getChildLoc()))
      line = file.getLine();
    found = {name.getName(), line};
    return WalkResult::interrupt();
  });
  return found;
}

struct AddDebugInfoPass
    : public train::impl::AddDebugInfoPassBase<AddDebugInfoPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // The ONNX file: the model description's, else the importer's.
    StringRef source = "<unknown>";
    if (auto model = module->getAttrOfType<ModelAttr>(kModelAttr);
        model && !model.getSource().empty())
      source = model.getSource();
    else if (auto name =
                 module->getAttrOfType<StringAttr>(TrainDialect::kSourceAttr))
      source = name.getValue();
    auto sourceName = StringAttr::get(ctx, source);
    auto file = LLVM::DIFileAttr::get(ctx, source, "");
    auto unit = LLVM::DICompileUnitAttr::get(
        DistinctAttr::create(UnitAttr::get(ctx)), llvm::dwarf::DW_LANG_C,
        file, StringAttr::get(ctx, "trainc"), /*isOptimized=*/true,
        LLVM::DIEmissionKind::LineTablesOnly);
    auto type =
        LLVM::DISubroutineTypeAttr::get(ctx, llvm::dwarf::DW_CC_normal, {});
    auto flags = LLVM::DISubprogramFlags::Definition |
                 LLVM::DISubprogramFlags::Optimized;
    auto subprogram = [&](StringAttr name, StringAttr linkageName,
                          unsigned line) {
      return LLVM::DISubprogramAttr::get(
          ctx, DistinctAttr::create(UnitAttr::get(ctx)), unit, file, name,
          linkageName, file, line, line, flags, type);
    };
    // One subprogram per node, shared by every function it is inlined in.
    llvm::DenseMap<StringAttr, LLVM::DISubprogramAttr> nodes;
    Location noLine = FileLineColLoc::get(sourceName, 0, 0);

    for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
      if (fn.isExternal())
        continue;
      fn->setLoc(FusedLoc::get(
          ctx, {noLine}, subprogram(fn.getSymNameAttr(), fn.getSymNameAttr(), 0)));
      fn.getBody().walk([&](Operation *op) {
        auto node = nodeOf(op->getLoc());
        if (!node) {
          op->setLoc(noLine);
          return;
        }
        auto [name, line] = *node;
        LLVM::DISubprogramAttr &scope = nodes[name];
        if (!scope)
          scope = subprogram(name, StringAttr(), line);
        Location at = FileLineColLoc::get(sourceName, line, 0);
        op->setLoc(CallSiteLoc::get(FusedLoc::get(ctx, {at}, scope), at));
      });
    }
  }
};
} // namespace
