//===- MergeGpuModules.cpp - one device module per compiled model ---------===//
//
// train-merge-gpu-modules: gpu-kernel-outlining makes a gpu.module per
// kernel; this moves every kernel into one, `@trainc_kernels`, and points
// each gpu.launch_func at it. The runtime then loads one module at start-up
// (one cuModuleLoadData, one PTX/SASS image in the fatbin), and
// `trainc --emit=ptx` writes one PTX file that ptxas assembles as a whole.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::train {
#define GEN_PASS_DEF_MERGEGPUMODULESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
struct MergeGpuModulesPass
    : public train::impl::MergeGpuModulesPassBase<MergeGpuModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> modules(module.getOps<gpu::GPUModuleOp>());
    if (modules.empty())
      return;
    if (module.lookupSymbol(kModuleName)) {
      module.emitError("a symbol named '")
          << kModuleName << "' exists already";
      return signalPassFailure();
    }
    llvm::DenseMap<SymbolRefAttr, SymbolRefAttr> renamed;
    OpBuilder b(modules.front());
    auto merged = b.create<gpu::GPUModuleOp>(module.getLoc(), kModuleName);
    // Outlining names each module uniquely but may give the kernels inside
    // the same name; a kernel takes its module's name.
    Operation *end = merged.getBody()->getTerminator();
    llvm::StringSet<> names;
    for (gpu::GPUModuleOp from : modules) {
      StringAttr moduleName = from.getSymNameAttr();
      for (Operation &op :
           llvm::make_early_inc_range(from.getBody()->getOperations())) {
        if (op.hasTrait<OpTrait::IsTerminator>())
          continue;
        auto kernel = dyn_cast<gpu::GPUFuncOp>(op);
        if (!kernel || !kernel.isKernel()) {
          op.emitError("a GPU module holds more than its kernel");
          return signalPassFailure();
        }
        if (!names.insert(moduleName.getValue()).second) {
          op.emitError("two GPU modules are named '") << moduleName << "'";
          return signalPassFailure();
        }
        SymbolRefAttr from_ = SymbolRefAttr::get(
            moduleName, {FlatSymbolRefAttr::get(kernel.getNameAttr())});
        SymbolRefAttr to = SymbolRefAttr::get(
            merged.getSymNameAttr(), {FlatSymbolRefAttr::get(moduleName)});
        renamed[from_] = to;
        kernel.setName(moduleName.getValue());
        op.moveBefore(end);
      }
    }
    WalkResult unknown = module.walk([&](gpu::LaunchFuncOp launch) {
      SymbolRefAttr to = renamed.lookup(launch.getKernelAttr());
      if (!to) {
        launch.emitError("launches a kernel no GPU module defines");
        return WalkResult::interrupt();
      }
      launch.setKernelAttr(to);
      return WalkResult::advance();
    });
    if (unknown.wasInterrupted())
      return signalPassFailure();
    for (gpu::GPUModuleOp from : modules)
      from.erase();
  }

  static constexpr llvm::StringLiteral kModuleName = "trainc_kernels";
};
} // namespace
