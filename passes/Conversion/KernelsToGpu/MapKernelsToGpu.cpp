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
// grid. A kernel whose outputs are sums (BatchNorm statistics, bias
// gradients, the loss) maps onto one block per output instead
// (mapCooperative): the block's threads split each sum and add their
// partial sums in a fixed tree in shared memory, deterministic but in
// another order than the CPU's. MLIR's convert-parallel-loops-to-gpu is
// not used: it skips loops with reductions silently and leaves innermost
// dimensions sequential.
//
// Afterwards no scf.parallel remains in a step function; one that cannot be
// mapped (one with results, which the lowering does not produce) is an
// error naming it.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/KernelsToGpu/KernelCosts.h"
#include "passes/Passes.h"
#include "passes/Placement.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::train {
#define GEN_PASS_DEF_MAPKERNELSTOGPUPASS
#define GEN_PASS_DEF_SPLITGPUSUMSPASS
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


/// A perfect nest of scf.for loops with constant bounds, outermost first.
struct Nest {
  SmallVector<scf::ForOp> loops;
  int64_t trip = 1;
  scf::ForOp outer() const { return loops.front(); }
  scf::ForOp inner() const { return loops.back(); }
};

/// `loop` and the loops perfectly nested in it (each body one loop and its
/// yield of that loop's results), when every bound is a constant.
std::optional<Nest> perfectNest(scf::ForOp loop) {
  Nest nest;
  for (scf::ForOp at = loop; at;) {
    std::optional<int64_t> trip =
        constantTripCount(at.getLowerBound(), at.getUpperBound(), at.getStep());
    if (!trip)
      return std::nullopt;
    nest.trip *= *trip;
    nest.loops.push_back(at);
    Block *body = at.getBody();
    scf::ForOp next;
    if (body->getOperations().size() == 2)
      next = dyn_cast<scf::ForOp>(body->front());
    if (next) {
      // The inner loop carries the outer one's values and yields them.
      auto yield = cast<scf::YieldOp>(body->getTerminator());
      if (next.getInitArgs() != ValueRange(at.getRegionIterArgs()) ||
          yield.getOperands() != ValueRange(next.getResults()))
        return std::nullopt;
    }
    at = next;
  }
  return nest;
}

/// Whether the flat iterations of `nest` may be split over a block's
/// threads: its innermost body has no regions; each carried value k is
/// yielded as `addf(arg_k, x)` (or `addf(x, arg_k)`) with arg_k used
/// nowhere else (a sum, whose partial sums a tree adds); every store
/// indexes with each of the nest's induction variables (each iteration
/// writes its own elements); a memref the nest both loads and stores is
/// loaded only where it is stored.
bool isSplittable(const Nest &nest) {
  scf::ForOp inner = nest.inner();
  SmallVector<memref::StoreOp> stores;
  SmallVector<memref::LoadOp> loads;
  for (Operation &op : inner.getBody()->without_terminator()) {
    if (op.getNumRegions())
      return false;
    if (auto store = dyn_cast<memref::StoreOp>(op))
      stores.push_back(store);
    else if (auto load = dyn_cast<memref::LoadOp>(op))
      loads.push_back(load);
    else if (!isPure(&op))
      return false;
  }
  auto yield = cast<scf::YieldOp>(inner.getBody()->getTerminator());
  for (auto [arg, value] :
       llvm::zip(inner.getRegionIterArgs(), yield.getOperands())) {
    auto add = value.getDefiningOp<arith::AddFOp>();
    if (!add || !arg.hasOneUse() ||
        (add.getLhs() != arg && add.getRhs() != arg))
      return false;
  }
  for (memref::StoreOp store : stores)
    for (scf::ForOp loop : nest.loops)
      if (!llvm::is_contained(store.getIndices(), loop.getInductionVar()))
        return false;
  for (memref::LoadOp load : loads)
    for (memref::StoreOp store : stores)
      if (load.getMemRef() == store.getMemRef() &&
          load.getIndices() != store.getIndices())
        return false;
  return true;
}

/// How a kernel's body maps onto one block per output: its ops are
/// scalars (run by every thread; stores by thread 0), nests split over the
/// block's threads (sums added in a fixed tree) and scf.if on values every
/// thread of the block shares, whose regions follow the same rules.
struct CooperativePlan {
  llvm::DenseMap<Operation *, Nest> nests;
  bool sums = false;
  int64_t work = 0; // the largest nest's trip count
};

bool planBlock(Block &block, CooperativePlan &plan) {
  for (Operation &op : block.without_terminator()) {
    if (op.getNumRegions() == 0) {
      if (!isPure(&op) && !isa<memref::LoadOp, memref::StoreOp>(op))
        return false;
      continue;
    }
    if (auto branch = dyn_cast<scf::IfOp>(op)) {
      if (!planBlock(*branch.thenBlock(), plan) ||
          (branch.elseBlock() && !planBlock(*branch.elseBlock(), plan)))
        return false;
      continue;
    }
    auto loop = dyn_cast<scf::ForOp>(op);
    std::optional<Nest> nest = loop ? perfectNest(loop) : std::nullopt;
    if (!nest || !isSplittable(*nest))
      return false;
    plan.work = std::max(plan.work, nest->trip);
    plan.sums |= nest->outer().getNumRegionIterArgs() > 0;
    plan.nests[&op] = *nest;
  }
  return true;
}

/// The block-wide trees a cooperative kernel adds per output: one per sum
/// not only feeding further sums (the Emitter keeps those per thread).
int64_t countTrees(const CooperativePlan &plan) {
  int64_t trees = 0;
  for (auto &[op, nest] : plan.nests)
    for (Value result : nest.outer().getResults())
      if (result.use_empty() ||
          !llvm::all_of(result.getUsers(), [&](Operation *user) {
            return plan.nests.count(user) != 0;
          }))
        ++trees;
  return trees;
}

/// More trees than this per output (NLCG's sums over every segment of a
/// bucket, through branches) keep one thread per output: each tree is
/// log2(block) barriers, and code size and compile time grow with them.
constexpr int64_t kMaxTrees = 16;

std::optional<CooperativePlan> planCooperative(scf::ParallelOp par) {
  CooperativePlan plan;
  if (!planBlock(*par.getBody(), plan) || !plan.sums ||
      countTrees(plan) > kMaxTrees)
    return std::nullopt;
  return plan;
}

/// The induction variables of `nest` at flat iteration `flat` (innermost
/// fastest), mapped in `map`.
void delinearize(OpBuilder &b, Location loc, const Nest &nest, Value flat,
                 IRMapping &map) {
  Value rest = flat;
  for (int64_t d = nest.loops.size() - 1; d >= 0; --d) {
    scf::ForOp loop = nest.loops[d];
    int64_t lb = *getConstantIntValue(loop.getLowerBound());
    int64_t step = *getConstantIntValue(loop.getStep());
    int64_t trip =
        *constantTripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
    Value at = rest;
    if (d > 0) {
      Value tripValue = b.create<arith::ConstantIndexOp>(loc, trip);
      at = b.create<arith::RemUIOp>(loc, rest, tripValue);
      rest = b.create<arith::DivUIOp>(loc, rest, tripValue);
    }
    Value iv = b.create<arith::AddIOp>(
        loc, b.create<arith::ConstantIndexOp>(loc, lb),
        b.create<arith::MulIOp>(loc, at,
                                b.create<arith::ConstantIndexOp>(loc, step)));
    map.map(loop.getInductionVar(), iv);
  }
}

struct MapKernelsToGpuPass
    : public train::impl::MapKernelsToGpuPassBase<MapKernelsToGpuPass> {
  using MapKernelsToGpuPassBase::MapKernelsToGpuPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The trees of the block-per-output sums halve the block.
    if (blockSize < 32 || blockSize > 1024 || !llvm::isPowerOf2_64(blockSize)) {
      module.emitError("block-size must be a power of two in [32, 1024], "
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
    // Per-thread inner nests run in order, innermost first so each one is
    // rewritten before the nest around it.
    SmallVector<scf::ParallelOp> inner;
    par.getBody()->walk([&](scf::ParallelOp nested) { inner.push_back(nested); });
    for (scf::ParallelOp nested : inner) {
      if (nested.getNumResults() != 0)
        return nested.emitError("a reduction (an scf.parallel with results) "
                                "inside a kernel has no GPU mapping");
      sequentialize(nested);
    }
    if (cooperative) {
      std::optional<CooperativePlan> plan = planCooperative(par);
      if (plan && plan->work >= blockSize)
        return mapCooperative(par, *plan);
    }
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
    if (failed(rebuildExternals(par, b, map)))
      return failure();
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
    return success();
  }

  /// The kernel's values defined above it, rebuilt at `b` (views, casts,
  /// constants) or captured; an error for a host global.
  LogicalResult rebuildExternals(scf::ParallelOp par, OpBuilder &b,
                                 IRMapping &map) {
    llvm::SetVector<Value> external;
    getUsedValuesDefinedAbove(par.getRegion(), external);
    for (Value value : external) {
      if (auto global = value.getDefiningOp<memref::GetGlobalOp>())
        return par.emitError("a kernel reads host global '")
               << global.getName() << "'";
      rebuild(value, b, map);
    }
    return success();
  }

  /// Writes a kernel body's ops for one output of a cooperative kernel
  /// (mapCooperative).
  struct Emitter {
    MapKernelsToGpuPass &pass;
    OpBuilder &b;
    Location loc;
    const CooperativePlan &plan;
    IRMapping &map;
    llvm::DenseMap<Type, Value> &shared;
    Value tid, threads, isFirst;
    // Since the last barrier: a store (a later read by another thread
    // must wait for it) and a load (a later store must wait for every
    // thread's: thread 0 overwriting a sum with its mean while another
    // thread still reads the sum).
    bool stored = false, loaded = false;
    // Since the last barrier, a split nest stored (thread 0's next store
    // must not race another thread's store of the same element).
    bool nestStored = false;
    /// Sums kept per thread for the nests they start: the thread's
    /// partial sum and the value the block's total adds to.
    llvm::DenseMap<Value, std::pair<Value, Value>> partials{};

    void barrier() {
      b.create<gpu::BarrierOp>(loc);
      stored = loaded = nestStored = false;
    }
    void barrierIfStored() {
      if (stored)
        barrier();
    }

    void block(Block &from) {
      for (Operation &op : from.without_terminator()) {
        if (auto it = plan.nests.find(&op); it != plan.nests.end())
          nest(it->second);
        else if (auto branch = dyn_cast<scf::IfOp>(op))
          ifOp(branch);
        else if (isa<memref::StoreOp>(op))
          guardedStore(op);
        else {
          if (isa<memref::LoadOp>(op)) {
            barrierIfStored();
            loaded = true;
          }
          b.clone(op, map);
        }
      }
    }

    /// The block's threads split the nest's flat iterations; its sums are
    /// then added over the block.
    void nest(const Nest &nest) {
      bool loads = false, stores = false;
      nest.inner().getBody()->walk([&](Operation *op) {
        loads |= isa<memref::LoadOp>(op);
        stores |= isa<memref::StoreOp>(op);
      });
      // Iterations are independent; other code's are not.
      if (stored || (stores && loaded))
        barrier();
      auto index = [&](int64_t v) {
        return b.create<arith::ConstantIndexOp>(loc, v).getResult();
      };
      // Each thread starts from its partial sum of the nest the initial
      // value comes from (a chain of sums, as NLCG's over a bucket's
      // segments), else from zero; `bases` is what the block's total adds
      // to.
      SmallVector<Value> starts, bases;
      for (Value init : nest.outer().getInitArgs()) {
        if (auto it = partials.find(init); it != partials.end()) {
          starts.push_back(it->second.first);
          bases.push_back(it->second.second);
        } else {
          starts.push_back(
              b.create<arith::ConstantOp>(loc, b.getZeroAttr(init.getType())));
          bases.push_back(map.lookupOrDefault(init));
        }
      }
      auto split =
          b.create<scf::ForOp>(loc, tid, index(nest.trip), threads, starts);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(split.getBody());
        delinearize(b, loc, nest, split.getInductionVar(), map);
        for (auto [from, to] : llvm::zip(nest.inner().getRegionIterArgs(),
                                         split.getRegionIterArgs()))
          map.map(from, to);
        for (Operation &inner : nest.inner().getBody()->without_terminator())
          b.clone(inner, map);
        // Built with carried values, the loop has no terminator yet;
        // without, it has its empty yield, after the clones.
        if (split.getNumRegionIterArgs() > 0) {
          SmallVector<Value> next;
          for (Value v :
               nest.inner().getBody()->getTerminator()->getOperands())
            next.push_back(map.lookup(v));
          b.create<scf::YieldOp>(loc, next);
        }
        stored |= stores;
        nestStored |= stores;
        loaded |= loads;
      }
      for (auto [k, partial] : llvm::enumerate(split.getResults())) {
        Value result = nest.outer().getResult(k);
        // A sum that only starts further sums stays a partial sum per
        // thread: one tree at the end of the chain.
        if (!result.use_empty() &&
            llvm::all_of(result.getUsers(), [&](Operation *user) {
              return plan.nests.count(user) != 0;
            })) {
          partials[result] = {partial, bases[k]};
          continue;
        }
        Value total =
            pass.treeSum(b, loc, partial, shared[partial.getType()], tid);
        // The tree's barriers also order the nest's loads and stores.
        stored = loaded = nestStored = false;
        map.map(result, b.create<arith::AddFOp>(loc, bases[k], total));
      }
    }

    /// A branch on values the block's threads share: every thread takes
    /// the same side, so the barriers inside are reached by all.
    void ifOp(scf::IfOp from) {
      barrierIfStored();
      auto to = b.create<scf::IfOp>(loc, from.getResultTypes(),
                                    map.lookupOrDefault(from.getCondition()),
                                    /*withElseRegion=*/from.elseBlock() != nullptr);
      auto region = [&](Block *source, Block *target) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(target);
        if (!target->empty() && target->mightHaveTerminator())
          target->getTerminator()->erase();
        b.setInsertionPointToEnd(target);
        block(*source);
        barrierIfStored();
        SmallVector<Value> results;
        for (Value v : source->getTerminator()->getOperands())
          results.push_back(map.lookupOrDefault(v));
        b.create<scf::YieldOp>(loc, results);
      };
      // Either side may run: after the branch, a load is pending if one
      // is on either path.
      bool entry = loaded;
      region(from.thenBlock(), to.thenBlock());
      bool pending = loaded;
      loaded = entry;
      if (from.elseBlock())
        region(from.elseBlock(), to.elseBlock());
      loaded |= pending;
      for (auto [old, now] : llvm::zip(from.getResults(), to.getResults()))
        map.map(old, now);
    }

    void guardedStore(Operation &op) {
      if (loaded || nestStored)
        barrier();
      auto guarded = b.create<scf::IfOp>(loc, isFirst);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(guarded.thenBlock());
      b.clone(op, map);
      stored = true;
    }
  };

  /// One block per output (an iteration of `par`), grid-stride over the
  /// outputs: the block's threads split each sum of the body (thread t
  /// takes the flat iterations t, t + block, ... in order) and add their
  /// partial sums in a fixed tree in shared memory, so the result is the
  /// same on every run and every GPU; they split the element-wise nests
  /// likewise; the scalar code runs in every thread (the values are the
  /// same) and its stores in thread 0, with a barrier between a store and
  /// a later load, and between loads and a later store (no thread reads
  /// what another overwrites meanwhile).
  LogicalResult mapCooperative(scf::ParallelOp par,
                               const CooperativePlan &plan) {
    OpBuilder b(par);
    Location loc = par.getLoc();
    MLIRContext *ctx = par.getContext();
    auto index = [&](int64_t v) {
      return b.create<arith::ConstantIndexOp>(loc, v).getResult();
    };
    SmallVector<Value> trips;
    int64_t outputs = 1;
    for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(),
                                         par.getUpperBound(), par.getStep())) {
      std::optional<int64_t> trip = constantTripCount(lb, ub, step);
      if (!trip)
        return par.emitError("a kernel with sums needs constant bounds");
      trips.push_back(index(*trip));
      outputs *= *trip;
    }
    Value blocks = index(std::clamp<int64_t>(outputs, 1, maxBlocks));
    Value one = index(1);
    auto launch = b.create<gpu::LaunchOp>(loc, blocks, one, one,
                                          index(blockSize), one, one);
    // One shared buffer per type summed.
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    llvm::DenseMap<Type, Value> shared;
    for (auto &[op, nest] : plan.nests)
      for (Value arg : nest.outer().getRegionIterArgs())
        if (!shared.count(arg.getType()))
          shared[arg.getType()] = launch.addWorkgroupAttribution(
              MemRefType::get({blockSize}, arg.getType(), AffineMap(),
                              workgroup),
              loc);

    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    IRMapping map;
    if (failed(rebuildExternals(par, b, map)))
      return failure();
    Value tid = launch.getThreadIds().x;
    Value threads = launch.getBlockSize().x;
    Value isFirst = b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq,
                                            tid, index(0));
    auto outputLoop = b.create<scf::ForOp>(loc, launch.getBlockIds().x,
                                           index(outputs),
                                           launch.getGridSize().x);
    b.setInsertionPointToStart(outputLoop.getBody());
    Value rest = outputLoop.getInductionVar();
    for (int64_t d = par.getNumLoops() - 1; d >= 0; --d) {
      Value at = rest;
      if (d > 0) {
        at = b.create<arith::RemUIOp>(loc, rest, trips[d]);
        rest = b.create<arith::DivUIOp>(loc, rest, trips[d]);
      }
      map.map(par.getInductionVars()[d],
              b.createOrFold<arith::AddIOp>(
                  loc, map.lookupOrDefault(par.getLowerBound()[d]),
                  b.createOrFold<arith::MulIOp>(
                      loc, at, map.lookupOrDefault(par.getStep()[d]))));
    }

    Emitter emit{*this, b, loc, plan, map, shared, tid, threads, isFirst};
    emit.block(*par.getBody());
    // The next output's first reads must see this one's stores only where
    // they are its own, which the parallel loop's semantics guarantee.
    b.setInsertionPointToEnd(&body);
    b.create<gpu::TerminatorOp>(loc);
    par.erase();
    return success();
  }

  /// The sum over the block's threads of each thread's `value`, in a fixed
  /// tree over `buffer` (shared memory of block-size elements): halves
  /// added pairwise, thread t taking t + h for h = block/2, ..., 1. Every
  /// thread gets the total.
  Value treeSum(OpBuilder &b, Location loc, Value value, Value buffer,
                Value tid) {
    b.create<memref::StoreOp>(loc, value, buffer, tid);
    b.create<gpu::BarrierOp>(loc);
    for (int64_t half = blockSize / 2; half >= 1; half /= 2) {
      Value h = b.create<arith::ConstantIndexOp>(loc, half);
      Value active =
          b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::ult, tid, h);
      auto step = b.create<scf::IfOp>(loc, active);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(step.thenBlock());
        Value mine = b.create<memref::LoadOp>(loc, buffer, tid);
        Value other = b.create<memref::LoadOp>(
            loc, buffer, ValueRange{b.create<arith::AddIOp>(loc, tid, h)});
        b.create<memref::StoreOp>(
            loc, b.create<arith::AddFOp>(loc, mine, other), buffer, tid);
      }
      b.create<gpu::BarrierOp>(loc);
    }
    Value total = b.create<memref::LoadOp>(
        loc, buffer, ValueRange{b.create<arith::ConstantIndexOp>(loc, 0)});
    // Every thread has read it before the buffer is written again.
    b.create<gpu::BarrierOp>(loc);
    return total;
  }
};
} // namespace

namespace {

//===----------------------------------------------------------------------===//
// train-split-gpu-sums: two-level partials for sums with few outputs.
//===----------------------------------------------------------------------===//

/// A kernel whose outputs are sums, too few to fill the GPU with one block
/// each: scalar code without stores and sum nests (BatchNorm's mean, then
/// its variance from the mean), then anything (the stores, branches,
/// element-wise nests).
struct SumSplit {
  int64_t outputs = 1;
  /// Per sum nest, in order: the nest, its op and its chunks.
  SmallVector<Nest> nests;
  SmallVector<int64_t> chunks;
  /// The body's ops other than the nests, in order; `before[i]` is the
  /// number of them that precede nest i.
  SmallVector<Operation *> scalars;
  SmallVector<size_t> before;
};

std::optional<SumSplit> planSplit(scf::ParallelOp par, int64_t blockSize,
                                  int64_t targetBlocks) {
  SumSplit split;
  if (par.getNumResults() != 0)
    return std::nullopt;
  for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(),
                                       par.getUpperBound(), par.getStep())) {
    std::optional<int64_t> trip = constantTripCount(lb, ub, step);
    if (!trip)
      return std::nullopt;
    split.outputs *= *trip;
  }
  if (split.outputs >= targetBlocks || split.outputs == 0)
    return std::nullopt;
  // Up to the first op that stores, branches or loops otherwise, the body
  // computes, loads and sums: its sum nests are split and the chunk
  // kernels rerun the scalar ops before them. The rest (stores, branches,
  // element-wise nests, later sums) stays whole for the last kernel.
  bool rest = false;
  bool anyChunked = false;
  for (Operation &op : par.getBody()->without_terminator()) {
    if (!rest) {
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        std::optional<Nest> nest = perfectNest(loop);
        bool stores = false;
        loop.getBody()->walk([&](memref::StoreOp) { stores = true; });
        if (nest && loop.getNumRegionIterArgs() > 0 && !stores &&
            isSplittable(*nest) &&
            llvm::all_of(loop.getResultTypes(),
                         [](Type t) { return isa<FloatType>(t); })) {
          // Chunks of the nest's outermost loop: as many as bring the
          // blocks to the target, each still several passes of a block
          // over its elements; 1 leaves the nest whole in one block.
          scf::ForOp outer = nest->outer();
          int64_t outerTrip = *constantTripCount(
              outer.getLowerBound(), outer.getUpperBound(), outer.getStep());
          int64_t wanted = (targetBlocks + split.outputs - 1) / split.outputs;
          int64_t chunks = 1;
          for (int64_t d = 2; d <= std::min(outerTrip, wanted); ++d)
            if (outerTrip % d == 0 && nest->trip / d >= 4 * blockSize)
              chunks = d;
          anyChunked |= chunks > 1;
          split.nests.push_back(*nest);
          split.chunks.push_back(chunks);
          split.before.push_back(split.scalars.size());
          continue;
        }
      }
      rest = op.getNumRegions() != 0 ||
             !(isPure(&op) || isa<memref::LoadOp>(op));
    }
    split.scalars.push_back(&op);
  }
  if (split.nests.empty() || !anyChunked)
    return std::nullopt;
  return split;
}

/// Marks the kernels train-split-gpu-sums made.
constexpr llvm::StringLiteral kSplitAttr = "split_gpu_sums";

/// The func argument with role `role`, or null.
Value argumentWithRole(func::FuncOp fn, Role role) {
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (auto attr = fn.getArgAttrOfType<RoleAttr>(i, kRoleAttr);
        attr && attr.getValue() == role)
      return fn.getArgument(i);
  return {};
}

struct SplitGpuSumsPass
    : public train::impl::SplitGpuSumsPassBase<SplitGpuSumsPass> {
  using SplitGpuSumsPassBase::SplitGpuSumsPassBase;

  /// The first free byte past every function's arena: each split's
  /// partial sums get a region of their own there.
  int64_t cursor = 0;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = module->getAttrOfType<ModelAttr>(kModelAttr);
    if (!model)
      return;
    cursor = model.getArenaBytes();
    SmallVector<scf::ParallelOp> kernels;
    // A kernel this pass made is not split again (the pass is idempotent).
    module.walk([&](scf::ParallelOp par) {
      if (!par->getParentOfType<scf::ParallelOp>() && !par->hasAttr(kSplitAttr))
        kernels.push_back(par);
    });
    for (scf::ParallelOp par : kernels) {
      auto fn = par->getParentOfType<func::FuncOp>();
      Value arena = fn ? argumentWithRole(fn, Role::Arena) : Value();
      if (!arena)
        continue;
      if (std::optional<SumSplit> split =
              planSplit(par, blockSize, targetBlocks))
        apply(par, *split, fn, arena);
    }
    if (cursor == model.getArenaBytes())
      return;
    // The runtime allocates the arena the description says.
    module->setAttr(
        kModelAttr,
        ModelAttr::get(module.getContext(), model.getTensors(),
                       model.getMemorySpaces(), model.getParamBytes(),
                       model.getBufferBytes(), model.getStateBytes(), cursor,
                       model.getOptimizer(), model.getInputShape(),
                       model.getNumClasses(), model.getInputName(),
                       model.getOutputName(), model.getSource()));
  }

  /// `count` elements of `type` at the cursor of `fn`'s arena, which grows
  /// to hold them.
  Value partials(OpBuilder &b, Location loc, func::FuncOp fn, Value arena,
                 Type type, int64_t count) {
    int64_t offset = (cursor + 63) / 64 * 64;
    cursor = offset + count * type.getIntOrFloatBitWidth() / 8;
    auto arenaType = cast<MemRefType>(arena.getType());
    if (arenaType.getDimSize(0) < cursor) {
      auto grown = MemRefType::get({cursor}, arenaType.getElementType());
      arena.setType(grown);
      SmallVector<Type> inputs(fn.getArgumentTypes());
      inputs[cast<BlockArgument>(arena).getArgNumber()] = grown;
      fn.setType(FunctionType::get(fn.getContext(), inputs,
                                   fn.getResultTypes()));
    }
    return b.create<memref::ViewOp>(
        loc, MemRefType::get({count}, type), arena,
        b.create<arith::ConstantIndexOp>(loc, offset), ValueRange{});
  }

  /// The flat index of the output at `ivs` of `par` (row-major).
  static Value flatOutput(OpBuilder &b, Location loc, scf::ParallelOp par,
                          ValueRange ivs) {
    Value flat = b.create<arith::ConstantIndexOp>(loc, 0);
    for (auto [d, iv] : llvm::enumerate(ivs)) {
      int64_t lb = *getConstantIntValue(par.getLowerBound()[d]);
      int64_t step = *getConstantIntValue(par.getStep()[d]);
      int64_t trip = *constantTripCount(par.getLowerBound()[d],
                                   par.getUpperBound()[d], par.getStep()[d]);
      Value at = b.create<arith::DivUIOp>(
          loc, b.create<arith::SubIOp>(
                   loc, iv, b.create<arith::ConstantIndexOp>(loc, lb)),
          b.create<arith::ConstantIndexOp>(loc, step));
      flat = b.create<arith::AddIOp>(
          loc,
          b.create<arith::MulIOp>(
              loc, flat, b.create<arith::ConstantIndexOp>(loc, trip)),
          at);
    }
    return flat;
  }

  /// Per sum nest i, a kernel of one iteration per (output, chunk): the
  /// scalar code before the nest, the sums before it from their partial
  /// sums, the chunk's part of nest i from zero, stored as a partial sum.
  /// Then a kernel of one iteration per output: the scalar code, each sum
  /// as its initial value plus its partial sums in chunk order, the
  /// epilogue. A nest of one chunk is summed whole in its kernel.
  void apply(scf::ParallelOp par, const SumSplit &split, func::FuncOp fn,
             Value arena) {
    OpBuilder b(par);
    Location loc = par.getLoc();
    auto index = [&](int64_t v) {
      return b.create<arith::ConstantIndexOp>(loc, v).getResult();
    };
    size_t numNests = split.nests.size();
    SmallVector<SmallVector<Value>> views(numNests);
    for (size_t i = 0; i < numNests; ++i)
      for (Type type : split.nests[i].outer().getResultTypes())
        views[i].push_back(partials(b, loc, fn, arena, type,
                                    split.outputs * split.chunks[i]));

    // The scalar ops before nest `upTo` and the sums of the nests before
    // it, from their partial sums, at the output `ivs`.
    auto prefix = [&](IRMapping &map, ValueRange ivs, size_t upTo) {
      Value output = flatOutput(b, loc, par, ivs);
      size_t next = 0;
      for (size_t i = 0; i <= upTo && i <= numNests; ++i) {
        size_t until = i < numNests ? split.before[i] : split.scalars.size();
        for (; next < until; ++next)
          b.clone(*split.scalars[next], map);
        if (i == upTo || i == numNests)
          break;
        scf::ForOp nest = split.nests[i].outer();
        Value first = b.create<arith::MulIOp>(loc, output,
                                              index(split.chunks[i]));
        for (auto [k, view] : llvm::enumerate(views[i])) {
          Value init = map.lookupOrDefault(nest.getInitArgs()[k]);
          auto sum = b.create<scf::ForOp>(loc, index(0),
                                          index(split.chunks[i]), index(1),
                                          ValueRange{init});
          OpBuilder::InsertionGuard inner(b);
          b.setInsertionPointToStart(sum.getBody());
          Value value = b.create<memref::LoadOp>(
              loc, view,
              ValueRange{b.create<arith::AddIOp>(loc, first,
                                                 sum.getInductionVar())});
          b.create<scf::YieldOp>(
              loc, ValueRange{b.create<arith::AddFOp>(
                       loc, sum.getRegionIterArgs()[0], value)});
          map.map(nest.getResult(k), sum.getResult(0));
        }
      }
      return output;
    };

    for (size_t i = 0; i < numNests; ++i) {
      int64_t chunks = split.chunks[i];
      SmallVector<Value> lbs(par.getLowerBound()), ubs(par.getUpperBound()),
          steps(par.getStep());
      lbs.push_back(index(0));
      ubs.push_back(index(chunks));
      steps.push_back(index(1));
      auto partial = b.create<scf::ParallelOp>(loc, lbs, ubs, steps);
      partial->setAttr(kSplitAttr, b.getUnitAttr());
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(partial.getBody()->getTerminator());
      IRMapping map;
      SmallVector<Value> ivs(partial.getInductionVars());
      for (auto [from, to] : llvm::zip(par.getInductionVars(), ivs))
        map.map(from, to);
      Value chunk = ivs.back();
      Value output = prefix(map, ValueRange(ivs).drop_back(), i);
      const Nest &nest = split.nests[i];
      auto clone = cast<scf::ForOp>(b.clone(*nest.outer(), map));
      // The outer loop walks its chunk: iteration i' is the original
      // iteration chunk * (trip / chunks) + i'.
      scf::ForOp outer = nest.outer();
      int64_t lb = *getConstantIntValue(outer.getLowerBound());
      int64_t step = *getConstantIntValue(outer.getStep());
      int64_t per = *constantTripCount(outer.getLowerBound(),
                                  outer.getUpperBound(), outer.getStep()) /
                    chunks;
      {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPoint(clone);
        clone.setLowerBound(index(0));
        clone.setUpperBound(index(per));
        clone.setStep(index(1));
        for (OpOperand &init : clone.getInitArgsMutable())
          init.set(b.create<arith::ConstantOp>(
              loc, b.getZeroAttr(init.get().getType())));
      }
      scf::ForOp innermost = clone;
      for (size_t d = 1; d < nest.loops.size(); ++d)
        innermost = cast<scf::ForOp>(innermost.getBody()->front());
      {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToStart(innermost.getBody());
        Value iv = clone.getInductionVar();
        Value k = b.create<arith::AddIOp>(
            loc, b.create<arith::MulIOp>(loc, chunk, index(per)), iv);
        Value original = b.create<arith::AddIOp>(
            loc, index(lb), b.create<arith::MulIOp>(loc, k, index(step)));
        iv.replaceUsesWithIf(original, [&](OpOperand &use) {
          return use.getOwner() != k.getDefiningOp();
        });
      }
      Value at = b.create<arith::AddIOp>(
          loc, b.create<arith::MulIOp>(loc, output, index(chunks)), chunk);
      for (auto [result, view] : llvm::zip(clone.getResults(), views[i]))
        b.create<memref::StoreOp>(loc, result, view, at);
    }

    auto total = b.create<scf::ParallelOp>(loc, par.getLowerBound(),
                                           par.getUpperBound(), par.getStep());
    total->setAttr(kSplitAttr, b.getUnitAttr());
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(total.getBody()->getTerminator());
      IRMapping map;
      for (auto [from, to] :
           llvm::zip(par.getInductionVars(), total.getInductionVars()))
        map.map(from, to);
      SmallVector<Value> ivs(total.getInductionVars());
      prefix(map, ivs, numNests);
    }
    par.erase();
  }
};
} // namespace
