//===- ParallelLoopsToThreads.cpp - CPU kernels on the runtime's threads --===//
//
// The CPU target's mapping of the kernel IR: each top-level scf.parallel of
// a function becomes a kernel function over a range of its outermost
// dimension, and the loop becomes one call of trainc_rt_parallel_for
// (runtime/include/trainc/kernels.h), which splits the range over the
// OpenMP threads oneDNN uses. The loops have no results (every iteration
// writes its own elements), so the split cannot change a single bit.
//
// What the kernel reads from the host travels in a context of 8-byte
// slots: memrefs of static shape as their aligned pointer, scalars by
// value. Pure, region-free ops (views of arenas, constants, globals) are
// cloned into the kernel rather than passed.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::train {
#define GEN_PASS_DEF_CONVERTPARALLELLOOPSTOTHREADSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {

constexpr llvm::StringLiteral kParallelFor = "trainc_rt_parallel_for";

std::optional<int64_t> constantIndex(Value v) {
  if (auto c = v.getDefiningOp<arith::ConstantIndexOp>())
    return c.value();
  return std::nullopt;
}

std::optional<int64_t> tripCount(Value lb, Value ub, Value step) {
  auto l = constantIndex(lb), u = constantIndex(ub), s = constantIndex(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return *u > *l ? (*u - *l + *s - 1) / *s : 0;
}

/// Elements the nest loads and stores (a vector access counts its lanes),
/// with the static trip counts of the loops around each (1 where a count
/// is not static).
int64_t estimatedAccesses(scf::ParallelOp par) {
  int64_t total = 0;
  par.getBody()->walk([&](Operation *op) {
    int64_t trips = 1;
    if (auto load = dyn_cast<vector::LoadOp>(op))
      trips = load.getVectorType().getNumElements();
    else if (auto store = dyn_cast<vector::StoreOp>(op))
      trips = store.getVectorType().getNumElements();
    else if (!isa<memref::LoadOp, memref::StoreOp>(op))
      return;
    for (Operation *p = op; p != par.getOperation();) {
      p = p->getParentOp();
      if (auto f = dyn_cast<scf::ForOp>(p))
        trips *= tripCount(f.getLowerBound(), f.getUpperBound(), f.getStep())
                     .value_or(1);
      if (auto q = dyn_cast<scf::ParallelOp>(p))
        for (auto [l, u, s] : llvm::zip(q.getLowerBound(), q.getUpperBound(),
                                        q.getStep()))
          trips *= tripCount(l, u, s).value_or(1);
      trips = std::min<int64_t>(trips, int64_t(1) << 40);
    }
    total = std::min<int64_t>(total + trips, int64_t(1) << 40);
  });
  return total;
}

/// A memref the context can carry as one pointer: static shape, identity
/// layout (offset 0).
bool isPlainMemRef(Type type) {
  auto m = dyn_cast<MemRefType>(type);
  return m && m.hasStaticShape() && m.getLayout().isIdentity();
}

bool isScalar(Type type) {
  return type.isIndex() || type.isIntOrFloat() ||
         isa<LLVM::LLVMPointerType>(type);
}

/// How a kernel gets each value it uses from the host.
struct Captures {
  SmallVector<Value> passed;           // through the context, in slot order
  SetVector<Operation *> cloned;       // rebuilt in the kernel
};

/// Sorts the values `par` uses from above into passed and cloned ones, or
/// fails for a value that can be neither.
FailureOr<Captures> classify(scf::ParallelOp par) {
  Captures c;
  SetVector<Value> used;
  getUsedValuesDefinedAbove(par.getRegion(), used);
  for (OperandRange bounds :
       {par.getLowerBound(), par.getUpperBound(), par.getStep()})
    used.insert(bounds.begin(), bounds.end());
  DenseSet<Value> visited;
  bool ok = true;
  // Depth first, operands before users: the cloned ops come out in an
  // order in which each one's operands exist.
  std::function<void(Value)> visit = [&](Value v) {
    if (!visited.insert(v).second)
      return;
    Operation *def = v.getDefiningOp();
    if (def && def->getNumRegions() == 0 && isMemoryEffectFree(def)) {
      for (Value operand : def->getOperands())
        visit(operand);
      c.cloned.insert(def);
      return;
    }
    if (!isPlainMemRef(v.getType()) && !isScalar(v.getType()))
      ok = false;
    c.passed.push_back(v);
  };
  for (Value v : used)
    visit(v);
  if (!ok)
    return failure();
  return c;
}

/// The LLVM struct of a ranked memref descriptor.
Type descriptorType(MLIRContext *ctx, MemRefType type) {
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i64 = IntegerType::get(ctx, 64);
  SmallVector<Type> fields{ptr, ptr, i64};
  if (type.getRank() > 0) {
    auto array = LLVM::LLVMArrayType::get(i64, type.getRank());
    fields.push_back(array);
    fields.push_back(array);
  }
  return LLVM::LLVMStructType::getLiteral(ctx, fields);
}

/// The memref `type` whose aligned (and allocated) pointer is `ptr`.
Value memrefFromPointer(OpBuilder &b, Location loc, Value ptr,
                        MemRefType type) {
  Type desc = descriptorType(b.getContext(), type);
  auto i64 = b.getI64Type();
  auto constant = [&](int64_t v) {
    return b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(v));
  };
  Value d = b.create<LLVM::UndefOp>(loc, desc);
  d = b.create<LLVM::InsertValueOp>(loc, d, ptr, ArrayRef<int64_t>{0});
  d = b.create<LLVM::InsertValueOp>(loc, d, ptr, ArrayRef<int64_t>{1});
  d = b.create<LLVM::InsertValueOp>(loc, d, constant(0), ArrayRef<int64_t>{2});
  ArrayRef<int64_t> shape = type.getShape();
  int64_t stride = 1;
  for (int64_t i = type.getRank() - 1; i >= 0; --i) {
    d = b.create<LLVM::InsertValueOp>(loc, d, constant(shape[i]),
                                      ArrayRef<int64_t>{3, i});
    d = b.create<LLVM::InsertValueOp>(loc, d, constant(stride),
                                      ArrayRef<int64_t>{4, i});
    stride *= shape[i];
  }
  return b.create<UnrealizedConversionCastOp>(loc, type, d).getResult(0);
}

/// The type a passed value has in its 8-byte slot.
Type slotType(Value v) {
  MLIRContext *ctx = v.getContext();
  if (isa<MemRefType, LLVM::LLVMPointerType>(v.getType()))
    return LLVM::LLVMPointerType::get(ctx);
  if (v.getType().isIndex())
    return IntegerType::get(ctx, 64);
  return v.getType();
}

struct ConvertParallelLoopsToThreadsPass
    : public train::impl::ConvertParallelLoopsToThreadsPassBase<
          ConvertParallelLoopsToThreadsPass> {
  using ConvertParallelLoopsToThreadsPassBase::
      ConvertParallelLoopsToThreadsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> functions;
    for (auto fn : module.getOps<func::FuncOp>())
      if (!fn.isExternal())
        functions.push_back(fn);
    for (func::FuncOp fn : functions) {
      SmallVector<scf::ParallelOp> loops;
      fn.walk<WalkOrder::PreOrder>([&](scf::ParallelOp par) {
        loops.push_back(par);
        return WalkResult::skip(); // top-level nests only
      });
      unsigned count = 0;
      for (scf::ParallelOp par : loops)
        outline(module, fn, par, count);
    }
  }

  void outline(ModuleOp module, func::FuncOp fn, scf::ParallelOp par,
               unsigned &count) {
    if (par.getNumResults() != 0)
      return;
    auto trip = tripCount(par.getLowerBound()[0], par.getUpperBound()[0],
                          par.getStep()[0]);
    if (!trip || *trip < 2 || estimatedAccesses(par) < minAccesses)
      return;
    // Calls may reach the runtime, which is not re-entrant from threads.
    if (par.getBody()
            ->walk([](Operation *op) {
              return isa<CallOpInterface>(op) ? WalkResult::interrupt()
                                              : WalkResult::advance();
            })
            .wasInterrupted())
      return;
    FailureOr<Captures> captures = classify(par);
    if (failed(captures))
      return;
    // The launch is a runtime call: it takes the step's runtime context.
    Value runtimeContext = argumentWithRole(fn, Role::Context);
    if (!runtimeContext) {
      fn.emitError("a kernel launch needs the function's runtime context "
                   "(an argument with train.role = #train.role<context>)");
      return signalPassFailure();
    }

    MLIRContext *ctx = &getContext();
    Location loc = par.getLoc();
    OpBuilder b(ctx);
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto i64 = b.getI64Type();
    auto kernelType = b.getFunctionType(
        {ptrType, b.getIndexType(), b.getIndexType()}, {});

    // The kernel: the nest over [lo, hi) of the outermost dimension.
    b.setInsertionPoint(fn);
    std::string name =
        (fn.getSymName() + "_kernel" + std::to_string(count++)).str();
    while (module.lookupSymbol(name))
      name += "_";
    auto kernel = b.create<func::FuncOp>(loc, name, kernelType);
    kernel.setPrivate();
    Block *entry = kernel.addEntryBlock();
    b.setInsertionPointToStart(entry);
    Value ctxArg = entry->getArgument(0);
    IRMapping map;
    for (auto [slot, v] : llvm::enumerate(captures->passed)) {
      Value at = b.create<LLVM::GEPOp>(loc, ptrType, i64, ctxArg,
                                       ArrayRef<LLVM::GEPArg>{int32_t(slot)});
      Value loaded = b.create<LLVM::LoadOp>(loc, slotType(v), at);
      if (auto m = dyn_cast<MemRefType>(v.getType()))
        loaded = memrefFromPointer(b, loc, loaded, m);
      else if (v.getType().isIndex())
        loaded = b.create<arith::IndexCastOp>(loc, v.getType(), loaded);
      map.map(v, loaded);
    }
    for (Operation *op : captures->cloned)
      b.clone(*op, map);
    auto inner = cast<scf::ParallelOp>(b.clone(*par, map));
    // Outermost dimension: lb + lo * step up to min(ub, lb + hi * step).
    Value lb = map.lookup(par.getLowerBound()[0]);
    Value step = map.lookup(par.getStep()[0]);
    Value ub = map.lookup(par.getUpperBound()[0]);
    b.setInsertionPoint(inner);
    Value lo = b.create<arith::AddIOp>(
        loc, lb, b.create<arith::MulIOp>(loc, entry->getArgument(1), step));
    Value hi = b.create<arith::MinSIOp>(
        loc, ub,
        b.create<arith::AddIOp>(
            loc, lb,
            b.create<arith::MulIOp>(loc, entry->getArgument(2), step)));
    inner.getLowerBoundMutable()[0].set(lo);
    inner.getUpperBoundMutable()[0].set(hi);
    b.setInsertionPointToEnd(entry);
    b.create<func::ReturnOp>(loc);

    // The host: fill the context (one stack slot per function and kernel,
    // at the function's entry) and call the runtime.
    b.setInsertionPointToStart(&fn.getBody().front());
    Value one = b.create<LLVM::ConstantOp>(loc, i64, b.getI64IntegerAttr(
                                                         std::max<size_t>(
                                                             1, captures->passed.size())));
    Value context = b.create<LLVM::AllocaOp>(loc, ptrType, i64, one, 8);
    b.setInsertionPoint(par);
    for (auto [slot, v] : llvm::enumerate(captures->passed)) {
      Value value = v;
      if (isa<MemRefType>(v.getType())) {
        Value address =
            b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, v);
        value = b.create<LLVM::IntToPtrOp>(
            loc, ptrType, b.create<arith::IndexCastOp>(loc, i64, address));
      } else if (v.getType().isIndex()) {
        value = b.create<arith::IndexCastOp>(loc, i64, v);
      }
      Value at = b.create<LLVM::GEPOp>(loc, ptrType, i64, context,
                                       ArrayRef<LLVM::GEPArg>{int32_t(slot)});
      b.create<LLVM::StoreOp>(loc, value, at);
    }
    Value kernelRef = b.create<func::ConstantOp>(loc, kernelType,
                                                 SymbolRefAttr::get(kernel));
    Value n = b.create<arith::ConstantIntOp>(loc, *trip, 64);
    auto callee = module.lookupSymbol<func::FuncOp>(kParallelFor);
    if (!callee) {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(module.getBody());
      callee = b.create<func::FuncOp>(
          loc, kParallelFor,
          b.getFunctionType({ptrType, kernelType, ptrType, i64}, {}));
      callee.setPrivate();
    }
    b.create<func::CallOp>(loc, callee,
                           ValueRange{runtimeContext, kernelRef, context, n});
    par.erase();
  }
};

} // namespace
