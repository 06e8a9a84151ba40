//===- MapKernelsToGpu.cpp - the kernel IR on a GPU grid -------------------===//
//
// train-map-kernels-to-gpu: the CUDA target's mapping of the kernel IR, in
// place of the CPU target's convert-parallel-loops-to-threads. Each
// top-level scf.parallel of a step function (a kernel; train-verify-kernels
// has checked that all tensor work is in one) becomes a gpu.launch over a
// one-dimensional grid: the nest's iteration space is collapsed with its
// innermost dimension fastest, so consecutive threads touch consecutive
// elements (coalesced), and each thread walks it grid-stride, so any size
// fits a bounded grid. Inner scf.parallel nests (a kernel's per-thread
// work, such as the sums of a per-channel statistic) run sequentially in
// their thread, in the order the CPU target runs them, so every reduction
// adds in the same order on both targets and no result depends on the
// grid. MLIR's convert-parallel-loops-to-gpu is not used: it skips loops
// with reductions silently and leaves innermost dimensions sequential.
//
// Afterwards no scf.parallel remains in a step function; one that cannot be
// mapped (one with results, which the lowering does not produce) is an
// error naming it.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::train {
#define GEN_PASS_DEF_MAPKERNELSTOGPUPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {

/// Whether a kernel may rebuild `op` on the device from its operands: a
/// constant, a view or cast of a memref, or pure index arithmetic.
bool rebuildable(Operation *op) {
  if (isa<arith::ConstantOp, memref::ViewOp, memref::ReinterpretCastOp,
          memref::SubViewOp, memref::CastOp, memref::CollapseShapeOp,
          memref::ExpandShapeOp>(op))
    return true;
  return isa<arith::ArithDialect>(op->getDialect()) && isPure(op) &&
         llvm::all_of(op->getResultTypes(),
                      [](Type t) { return t.isIndex(); });
}

/// Rebuilds `value` (used by a kernel, defined outside it) at `b`'s
/// insertion point when its chain of definitions is rebuildable down to
/// values the kernel captures (the function's arenas), and maps it.
void rebuild(Value value, OpBuilder &b, IRMapping &map) {
  if (map.contains(value))
    return;
  Operation *def = value.getDefiningOp();
  if (!def || !rebuildable(def))
    return;
  for (Value operand : def->getOperands())
    rebuild(operand, b, map);
  b.clone(*def, map);
}

/// `par` as nested scf.for loops, outermost dimension first (the order the
/// CPU target's threads run one iteration range in).
void sequentialize(scf::ParallelOp par) {
  OpBuilder b(par);
  Location loc = par.getLoc();
  IRMapping map;
  for (auto [iv, lb, ub, step] :
       llvm::zip(par.getInductionVars(), par.getLowerBound(),
                 par.getUpperBound(), par.getStep())) {
    auto loop = b.create<scf::ForOp>(loc, lb, ub, step);
    map.map(iv, loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  for (Operation &op : par.getBody()->without_terminator())
    b.clone(op, map);
  par.erase();
}

struct MapKernelsToGpuPass
    : public train::impl::MapKernelsToGpuPassBase<MapKernelsToGpuPass> {
  using MapKernelsToGpuPassBase::MapKernelsToGpuPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (blockSize < 32 || blockSize > 1024 || blockSize % 32 != 0) {
      module.emitError("block-size must be a multiple of 32 in [32, 1024], "
                       "not ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> kernels;
    module.walk([&](scf::ParallelOp par) {
      if (!par->getParentOfType<scf::ParallelOp>() &&
          !par->getParentOfType<gpu::LaunchOp>())
        kernels.push_back(par);
    });
    for (scf::ParallelOp par : kernels)
      if (failed(map(par)))
        return signalPassFailure();
    // The guard: nothing parallel is left for the host to run.
    WalkResult left = module.walk([&](scf::ParallelOp par) {
      par.emitError("an scf.parallel is left in device code after "
                    "train-map-kernels-to-gpu");
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }

  LogicalResult map(scf::ParallelOp par) {
    if (par.getNumResults() != 0)
      return par.emitError("a kernel with reductions (an scf.parallel with "
                           "results) has no GPU mapping");
    WalkResult call = par.getBody()->walk([](CallOpInterface) {
      return WalkResult::interrupt();
    });
    if (call.wasInterrupted())
      return par.emitError("a kernel calls a function; device code cannot");
    OpBuilder b(par);
    Location loc = par.getLoc();
    // Index arithmetic folds where the bounds are constants (they are in
    // every step function: the shapes are static).
    auto index = [&](int64_t v) {
      return b.createOrFold<arith::ConstantIndexOp>(loc, v);
    };
    // The trip count of each dimension and of the whole nest.
    SmallVector<Value> trips;
    Value total = index(1);
    for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(),
                                         par.getUpperBound(), par.getStep())) {
      Value span = b.createOrFold<arith::SubIOp>(loc, ub, lb);
      Value trip = b.createOrFold<arith::CeilDivUIOp>(loc, span, step);
      trips.push_back(trip);
      total = b.createOrFold<arith::MulIOp>(loc, total, trip);
    }
    Value threads = index(blockSize);
    Value blocks = b.createOrFold<arith::MinUIOp>(
        loc, b.createOrFold<arith::CeilDivUIOp>(loc, total, threads),
        index(maxBlocks));
    // An empty nest launches one block whose threads do nothing.
    blocks = b.createOrFold<arith::MaxUIOp>(loc, blocks, index(1));
    Value one = index(1);
    auto launch =
        b.create<gpu::LaunchOp>(loc, blocks, one, one, threads, one, one);

    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    // Views, casts and constants are rebuilt inside the kernel, so its
    // parameters are the arenas it touches (a few descriptors), not one
    // per view: a kernel over many parameters (NLCG's per-bucket sums)
    // otherwise exceeds the 4 KiB of kernel parameters.
    IRMapping map;
    llvm::SetVector<Value> external;
    getUsedValuesDefinedAbove(par.getRegion(), external);
    for (Value value : external) {
      if (auto global = value.getDefiningOp<memref::GetGlobalOp>())
        return par.emitError("a kernel reads host global '")
               << global.getName() << "'";
      rebuild(value, b, map);
    }
    Value first = b.createOrFold<arith::AddIOp>(
        loc,
        b.createOrFold<arith::MulIOp>(loc, launch.getBlockIds().x,
                                launch.getBlockSize().x),
        launch.getThreadIds().x);
    Value stride = b.createOrFold<arith::MulIOp>(loc, launch.getGridSize().x,
                                           launch.getBlockSize().x);
    auto loop = b.create<scf::ForOp>(loc, first, total, stride);
    b.setInsertionPointToStart(loop.getBody());
    // The innermost dimension varies fastest.
    Value rest = loop.getInductionVar();
    for (int64_t d = par.getNumLoops() - 1; d >= 0; --d) {
      Value at = rest;
      if (d > 0) {
        at = b.createOrFold<arith::RemUIOp>(loc, rest, trips[d]);
        rest = b.createOrFold<arith::DivUIOp>(loc, rest, trips[d]);
      }
      Value iv = b.createOrFold<arith::AddIOp>(
          loc, par.getLowerBound()[d],
          b.createOrFold<arith::MulIOp>(loc, at, par.getStep()[d]));
      map.map(par.getInductionVars()[d], iv);
    }
    for (Operation &op : par.getBody()->without_terminator())
      b.clone(op, map);
    b.setInsertionPointToEnd(&body);
    b.create<gpu::TerminatorOp>(loc);
    par.erase();

    // Per-thread inner nests run in order, innermost first so each one is
    // rewritten before the nest around it.
    SmallVector<scf::ParallelOp> inner;
    launch.walk([&](scf::ParallelOp nested) { inner.push_back(nested); });
    for (scf::ParallelOp nested : inner) {
      if (nested.getNumResults() != 0)
        return nested.emitError("a reduction (an scf.parallel with results) "
                                "inside a kernel has no GPU mapping");
      sequentialize(nested);
    }
    return success();
  }
};
} // namespace
