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

/// Whether `memref` is a view of host memory (#train.memory_space<host>): an
/// argument (the update coefficients) or a host buffer of the function.
bool isHostMemory(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  if (Operation *def = memref.getDefiningOp()) {
    auto space = def->getAttrOfType<MemorySpaceAttr>(kMemorySpaceAttr);
    return space && space.getValue() == MemorySpace::Host;
  }
  auto arg = dyn_cast<BlockArgument>(memref);
  auto fn = arg ? dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp())
                : func::FuncOp();
  if (!fn || arg.getOwner() != &fn.getBody().front())
    return false;
  return isHostArgument(fn, arg.getArgNumber());
}

/// Whether `op` reads or writes the contents of a memref in host memory
/// (`host`) or in device memory (`!host`).
bool accessesMemory(Operation *op, bool host) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return false;
  SmallVector<MemoryEffects::EffectInstance> list;
  effects.getEffects(list);
  return llvm::any_of(list, [&](const MemoryEffects::EffectInstance &e) {
    return isa<MemoryEffects::Read, MemoryEffects::Write>(e.getEffect()) &&
           e.getValue() && isa<MemRefType>(e.getValue().getType()) &&
           isHostMemory(e.getValue()) == host;
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
        bool inKernel = op->getParentOfType<scf::ParallelOp>() != nullptr;
        // Tensor data only in kernels; host memory only in host code (a GPU
        // kernel could not reach it).
        if (!inKernel && accessesMemory(op, /*host=*/false)) {
          if (violations++ < maxErrors)
            op->emitError("tensor data accessed outside a kernel in @")
                << fn.getSymName() << " ('" << op->getName()
                << "' not inside an scf.parallel)";
        } else if (inKernel && accessesMemory(op, /*host=*/true)) {
          if (violations++ < maxErrors)
            op->emitError("host memory accessed inside a kernel in @")
                << fn.getSymName() << " ('" << op->getName()
                << "'; pass the value from host code)";
        }
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
