//===- EmulateGpuLaunches.cpp - GPU-mapped kernels run on the CPU ---------===//
//
// train-emulate-gpu-launches: the kernels exactly as train-map-kernels-to-gpu
// maps them for the CUDA target (launch shape, the delinearisation of each
// thread's iterations, block-per-output sums with their shared-memory trees,
// thread 0's stores, the barriers), rewritten into host loops that run them
// on the CPU with the same arithmetic in the same order. The CPU target then
// runs the result (`trainc --emulate-gpu-kernels`), so the oracles that prove
// the CPU kernels (PyTorch, finite differences, the optimizer references)
// prove the GPU mapping too: every thread's work, every tree, every
// barrier's placement.
//
// A launch of `G` blocks of `B` threads becomes an scf.parallel over the
// blocks (they are independent: the CPU target spreads them over its
// threads) whose body runs the block's threads in lock step between
// barriers, the classic fission of SIMT code at its barriers:
//
// - the launch body is cut at each gpu.barrier and at each op holding one;
//   each barrier-free run of ops becomes `scf.for %t = 0 to B` with the
//   thread index %t;
// - a value a run defines and a later run (or a yield) uses lives in a
//   per-thread buffer `memref<B x T>` (thread t's lane t), allocated when
//   the block starts and freed when it ends;
// - an scf.for or scf.if holding a barrier is kept once for the block: on
//   a GPU every thread must reach the same barriers, so its bounds or
//   condition are the same in every thread (lane 0 is read); its regions
//   are cut the same way; an scf.if's results are per-thread buffers;
// - shared memory (workgroup attributions) is a buffer per block;
//   pure ops on block-uniform values (constants, the output index) are
//   computed once for the block.
//
// Between two barriers the threads run in order (0, 1, ...), or in reverse
// with `reverse-threads`: a thread reading what another writes without a
// barrier between them gets the written value in one order and not in the
// other, so running both against an oracle finds a missing barrier.
//
// Everything the mapping produces is covered; anything else (a loop with
// carried values around a barrier, private attributions, a grid or block of
// more than one dimension, a size that is not a constant) is an error naming
// the launch.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::train {
#define GEN_PASS_DEF_EMULATEGPULAUNCHESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;

namespace {

bool holdsBarrier(Operation *op) {
  bool found = false;
  op->walk([&](gpu::BarrierOp) {
    found = true;
    return WalkResult::interrupt();
  });
  return found;
}

/// Rewrites one launch (see the file comment).
class Emulator {
public:
  Emulator(gpu::LaunchOp launch, bool reverse)
      : launch(launch), b(launch), reverse(reverse) {}

  LogicalResult run() {
    Location loc = launch.getLoc();
    auto size = [&](Value v) { return getConstantIntValue(v); };
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    std::optional<int64_t> gx = size(grid.x), bx = size(block.x);
    if (!gx || !bx || size(grid.y) != 1 || size(grid.z) != 1 ||
        size(block.y) != 1 || size(block.z) != 1)
      return launch.emitError("emulating a launch needs a one-dimensional "
                              "grid and block of constant sizes");
    if (!launch.getPrivateAttributions().empty() ||
        launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
        launch.getDynamicSharedMemorySize())
      return launch.emitError("emulating a launch with private memory, "
                              "dynamic shared memory or asynchronous "
                              "dependencies is not supported");
    threads = *bx;

    Value zero = index(0), one = index(1);
    auto blocks =
        b.create<scf::ParallelOp>(loc, zero, index(*gx), one);
    b.setInsertionPoint(blocks.getBody()->getTerminator());
    // The block's buffers are allocated before its first op and freed
    // after its last (heap memory: a stack allocation in the loop the CPU
    // target makes of the blocks would grow with every block, and
    // memref.alloca_scope cannot hold the control flow scf lowers to).
    allocaAnchor = index(0).getDefiningOp();
    freeAnchor = b.create<arith::ConstantIndexOp>(loc, 0).getOperation();
    b.setInsertionPoint(freeAnchor);
    gpu::KernelDim3 blockIds = launch.getBlockIds();
    gpu::KernelDim3 threadIds = launch.getThreadIds();
    gpu::KernelDim3 gridSize = launch.getGridSize();
    gpu::KernelDim3 blockSize = launch.getBlockSize();
    Value bIdx = blocks.getInductionVars()[0];
    uniform.map(blockIds.x, bIdx);
    uniform.map(blockIds.y, zero);
    uniform.map(blockIds.z, zero);
    uniform.map(threadIds.y, zero);
    uniform.map(threadIds.z, zero);
    uniform.map(gridSize.x, index(*gx));
    uniform.map(gridSize.y, one);
    uniform.map(gridSize.z, one);
    uniform.map(blockSize.x, index(threads));
    uniform.map(blockSize.y, one);
    uniform.map(blockSize.z, one);
    threadId = threadIds.x;
    for (BlockArgument shared : launch.getWorkgroupAttributions()) {
      auto type = cast<MemRefType>(shared.getType());
      if (!type.hasStaticShape())
        return launch.emitError("emulating a launch needs shared memory of "
                                "static shape");
      auto host = MemRefType::get(type.getShape(), type.getElementType());
      uniform.map(shared, allocate(host));
    }
    if (failed(emitBlock(launch.getBody().front())))
      return failure();
    freeAnchor->erase();
    launch.erase();
    return success();
  }

private:
  gpu::LaunchOp launch;
  OpBuilder b;
  bool reverse;
  Operation *allocaAnchor = nullptr, *freeAnchor = nullptr;
  int64_t threads = 0;
  Value threadId;
  /// Values every thread of the block shares, as rewritten.
  IRMapping uniform;
  /// Per-thread values: the buffer holding each thread's.
  llvm::DenseMap<Value, Value> lanes;

  Value index(int64_t v) {
    return b.create<arith::ConstantIndexOp>(launch.getLoc(), v);
  }

  /// A value an op kept once for the block reads: shared, or lane 0 of a
  /// per-thread one, checked to be the same in every lane (a GPU requires
  /// it of what decides whether a barrier is reached; otherwise the
  /// executable stops with the message).
  Value blockValue(Value v) {
    if (Value u = uniform.lookupOrNull(v))
      return u;
    if (v == threadId)
      return {}; // never the same in every thread
    auto it = lanes.find(v);
    if (it == lanes.end())
      return v; // defined above the launch
    Location loc = v.getLoc();
    Value buffer = it->second;
    Value first = b.create<memref::LoadOp>(loc, buffer, ValueRange{index(0)});
    if (!v.getType().isIntOrIndex())
      return first;
    auto loop = b.create<scf::ForOp>(loc, index(1), index(threads), index(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    Value mine = b.create<memref::LoadOp>(loc, buffer,
                                          ValueRange{loop.getInductionVar()});
    b.create<cf::AssertOp>(
        loc,
        b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, mine, first),
        "emulated GPU kernel: the threads of a block disagree on a branch "
        "or loop bound around a barrier");
    return first;
  }

  bool isUniform(Value v) {
    return uniform.contains(v) ||
           !launch.getBody().isAncestor(v.getParentRegion());
  }

  /// A loop over the block's threads, in order or in reverse; `b` inside
  /// it. Returns the thread index.
  Value threadLoop(Location loc) {
    auto loop = b.create<scf::ForOp>(loc, index(0), index(threads), index(1));
    b.setInsertionPoint(loop.getBody()->getTerminator());
    Value t = loop.getInductionVar();
    if (reverse)
      t = b.create<arith::SubIOp>(loc, index(threads - 1), t);
    return t;
  }

  /// A buffer of the block, allocated at its start and freed at its end.
  Value allocate(MemRefType type) {
    OpBuilder::InsertionGuard guard(b);
    Location loc = launch.getLoc();
    b.setInsertionPoint(allocaAnchor);
    Value buffer = b.create<memref::AllocOp>(loc, type);
    b.setInsertionPointAfter(freeAnchor);
    b.create<memref::DeallocOp>(loc, buffer);
    return buffer;
  }

  /// A per-thread buffer for `v`, allocated with the block's.
  Value laneBuffer(Value v) {
    return allocate(MemRefType::get({threads}, v.getType()));
  }

  LogicalResult emitBlock(Block &source) {
    SmallVector<Operation *> run;
    for (Operation &op : source) {
      if (op.hasTrait<OpTrait::IsTerminator>())
        break;
      if (!holdsBarrier(&op)) {
        // Pure ops on shared values are computed once for the block.
        if (op.getNumRegions() == 0 && isPure(&op) &&
            llvm::all_of(op.getOperands(),
                         [&](Value v) { return isUniform(v); })) {
          b.clone(op, uniform);
          continue;
        }
        run.push_back(&op);
        continue;
      }
      emitRun(source, run);
      run.clear();
      if (isa<gpu::BarrierOp>(op))
        continue;
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        if (failed(emitLoop(loop)))
          return failure();
      } else if (auto branch = dyn_cast<scf::IfOp>(op)) {
        if (failed(emitIf(branch)))
          return failure();
      } else {
        return op.emitError("emulating a launch: '")
               << op.getName() << "' holds a barrier";
      }
    }
    emitRun(source, run);
    return success();
  }

  /// What thread `t` sees of `v`, a value defined before the code being
  /// emitted: the thread index, a shared value, its own lane of a
  /// per-thread value, or a value from above the launch.
  Value threadValue(Value v, Value t, Location loc) {
    if (v == threadId)
      return t;
    if (Value u = uniform.lookupOrNull(v))
      return u;
    if (auto it = lanes.find(v); it != lanes.end())
      return b.create<memref::LoadOp>(loc, it->second, ValueRange{t});
    return v;
  }

  /// The threads of the block run `ops` (no barrier among them) one after
  /// the other.
  void emitRun(Block &source, ArrayRef<Operation *> ops) {
    if (ops.empty())
      return;
    Location loc = ops.front()->getLoc();
    llvm::SmallPtrSet<Operation *, 16> inRun(ops.begin(), ops.end());
    OpBuilder::InsertionGuard guard(b);
    Value t = threadLoop(loc);
    IRMapping map;
    map.map(threadId, t);
    // What the run reads from earlier runs: shared values as they are, a
    // thread's own lane of the others.
    llvm::SetVector<Value> used;
    for (Operation *op : ops) {
      used.insert(op->operand_begin(), op->operand_end());
      for (Region &region : op->getRegions())
        getUsedValuesDefinedAbove(region, used);
    }
    for (Value v : used) {
      Operation *def = v.getDefiningOp();
      if (!def || !inRun.count(source.findAncestorOpInBlock(*def)))
        map.map(v, threadValue(v, t, loc));
    }
    for (Operation *op : ops)
      b.clone(*op, map);
    // What later runs read: each thread's value in its lane.
    for (Operation *op : ops)
      for (Value result : op->getResults()) {
        bool escapes = llvm::any_of(result.getUsers(), [&](Operation *user) {
          Operation *at = source.findAncestorOpInBlock(*user);
          return !at || !inRun.count(at);
        });
        if (!escapes)
          continue;
        Value buffer = laneBuffer(result);
        b.create<memref::StoreOp>(loc, map.lookup(result), buffer,
                                  ValueRange{t});
        lanes[result] = buffer;
      }
  }

  /// A loop holding a barrier: once for the block.
  LogicalResult emitLoop(scf::ForOp from) {
    if (from.getNumRegionIterArgs() != 0)
      return from.emitError("emulating a launch: a loop with carried values "
                            "holds a barrier");
    Value lb = blockValue(from.getLowerBound()),
          ub = blockValue(from.getUpperBound()),
          step = blockValue(from.getStep());
    if (!lb || !ub || !step)
      return from.emitError("emulating a launch: a loop holding a barrier "
                            "is bounded by the thread index");
    auto to = b.create<scf::ForOp>(from.getLoc(), lb, ub, step);
    uniform.map(from.getInductionVar(), to.getInductionVar());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(to.getBody()->getTerminator());
    return emitBlock(*from.getBody());
  }

  /// A branch holding a barrier: once for the block; its results are
  /// per-thread.
  LogicalResult emitIf(scf::IfOp from) {
    SmallVector<Value> buffers;
    for (Value result : from.getResults()) {
      buffers.push_back(laneBuffer(result));
      lanes[result] = buffers.back();
    }
    Value condition = blockValue(from.getCondition());
    if (!condition)
      return from.emitError("emulating a launch: a branch holding a barrier "
                            "is on the thread index");
    auto to = b.create<scf::IfOp>(from.getLoc(), TypeRange{}, condition,
                                  from.elseBlock() != nullptr);
    auto region = [&](Block &source, Block *target) -> LogicalResult {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(target->getTerminator());
      if (failed(emitBlock(source)))
        return failure();
      if (buffers.empty())
        return success();
      // Each thread's yielded values into the results' lanes.
      Location loc = source.getTerminator()->getLoc();
      Value t = threadLoop(loc);
      for (auto [v, buffer] :
           llvm::zip(source.getTerminator()->getOperands(), buffers)) {
        b.create<memref::StoreOp>(loc, threadValue(v, t, loc), buffer,
                                  ValueRange{t});
      }
      return success();
    };
    if (failed(region(*from.thenBlock(), to.thenBlock())))
      return failure();
    if (from.elseBlock() &&
        failed(region(*from.elseBlock(), to.elseBlock())))
      return failure();
    return success();
  }
};

struct EmulateGpuLaunchesPass
    : public train::impl::EmulateGpuLaunchesPassBase<EmulateGpuLaunchesPass> {
  using EmulateGpuLaunchesPassBase::EmulateGpuLaunchesPassBase;
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation()->walk([&](gpu::LaunchOp op) { launches.push_back(op); });
    for (gpu::LaunchOp launch : launches)
      if (failed(Emulator(launch, reverseThreads).run()))
        return signalPassFailure();
  }
};
} // namespace
