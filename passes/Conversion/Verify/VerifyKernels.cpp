//===- VerifyKernels.cpp - every tensor access inside a kernel ------------===//
//
// The contract of the kernel IR (ARCHITECTURE.md): a lowered step function
// touches tensor data only inside scf.parallel nests, which each target maps
// to its threads or GPU blocks, and in library calls. A load or store on the
// host would be a host loop over device memory on CUDA.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::train {
#define GEN_PASS_DEF_VERIFYKERNELSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {

/// Whether `memref` is a view of an argument in host memory
/// (kMemorySpaceAttr "host": the update coefficients).
bool isHostMemory(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  auto arg = dyn_cast<BlockArgument>(memref);
  auto fn = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp())
                : func::FuncOp();
  if (!fn || arg.getOwner() != &fn.getBody().front())
    return false;
  auto space =
      fn.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kMemorySpaceAttr);
  return space && space.getValue() == "host";
}

/// Whether `op` reads or writes the contents of a memref in device memory.
bool accessesTensorData(Operation *op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return false;
  SmallVector<MemoryEffects::EffectInstance> list;
  effects.getEffects(list);
  return llvm::any_of(list, [](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Read, MemoryEffects::Write>(e.getEffect()) &&
           e.getValue() && isa<MemRefType>(e.getValue().getType()) &&
           !isHostMemory(e.getValue());
  });
}

struct VerifyKernelsPass
    : public train::impl::VerifyKernelsPassBase<VerifyKernelsPass> {
  using VerifyKernelsPassBase::VerifyKernelsPassBase;
  void runOnOperation() override {
    unsigned violations = 0;
    getOperation().walk([&](func::FuncOp fn) {
      if (fn.isExternal())
        return;
      fn.walk([&](Operation *op) {
        if (!accessesTensorData(op) || op->getParentOfType<scf::ParallelOp>())
          return;
        if (violations++ < maxErrors)
          op->emitError("tensor data accessed outside a kernel in @")
              << fn.getSymName() << " ('" << op->getName()
              << "' not inside an scf.parallel)";
      });
    });
    if (violations > maxErrors)
      getOperation().emitError()
          << violations << " tensor accesses outside a kernel in all";
    if (violations)
      signalPassFailure();
  }
};

} // namespace
