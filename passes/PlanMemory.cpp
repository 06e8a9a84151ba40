//===- PlanMemory.cpp - static arenas with liveness-based reuse -----------===//
//
// Parameters (and their gradients) and buffers get fixed slots, shared by
// every step function: parameters bucket by bucket when train.buckets is
// set (so a bucket is one range of the parameter, gradient and state
// arenas), the rest in argument order. Activations and backward temporaries
// get slots of one activation arena: a value is live from its producer to
// its last use (through reshapes, which share bytes), and values whose live
// ranges are disjoint may share bytes. Placement is greedy, largest first,
// at the lowest offset that does not overlap a live neighbour.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::train {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
int64_t alignTo(int64_t bytes) {
  return (bytes + kSlotAlignment - 1) / kSlotAlignment * kSlotAlignment;
}

int64_t byteSize(Type type) {
  auto t = cast<RankedTensorType>(type);
  return t.getNumElements() *
         static_cast<int64_t>(t.getElementTypeBitWidth() / 8);
}

struct Interval {
  Value value;
  int64_t start, end, bytes;
  int64_t offset = -1;
};

/// Plans the activation arena of `fn`; returns its size in bytes.
int64_t planActivations(func::FuncOp fn) {
  Block &body = fn.getBody().front();
  DenseMap<Operation *, int64_t> index;
  for (auto [i, op] : llvm::enumerate(body))
    index[&op] = i;

  // The value whose bytes `v` uses (through reshapes).
  std::function<Value(Value)> root = [&](Value v) {
    Home home = homeOf(fn, v);
    return home.kind == Home::Alias ? root(home.aliasOf) : v;
  };
  DenseMap<Value, size_t> slotOf;
  SmallVector<Interval> intervals;
  for (Operation &op : body)
    for (Value r : op.getResults())
      if (homeOf(fn, r).kind == Home::Activation) {
        slotOf[r] = intervals.size();
        intervals.push_back({r, index[&op], index[&op], byteSize(r.getType())});
      }
  for (Operation &op : body)
    for (Value operand : op.getOperands())
      if (auto it = slotOf.find(root(operand)); it != slotOf.end())
        intervals[it->second].end =
            std::max(intervals[it->second].end, index[&op]);
  // Scratch, live only while its op runs (after the values the op reads
  // are placed, it may share bytes with anything dead by then).
  // A global optimizer step's tables are written by every bucket's update
  // before it: live from the first update on.
  int64_t firstUpdate = -1;
  for (Operation &op : body)
    if (isa<OptimizerUpdateOp>(op) && firstUpdate < 0)
      firstUpdate = index[&op];
  DenseMap<Operation *, size_t> scratchOf;
  for (Operation &op : body)
    if (int64_t bytes = scratchBytes(&op)) {
      int64_t start = index[&op];
      if (isa<OptimizerStepOp>(op) && firstUpdate >= 0)
        start = std::min(start, firstUpdate);
      scratchOf[&op] = intervals.size();
      intervals.push_back({Value(), start, index[&op], bytes});
    }

  SmallVector<Interval *> order;
  for (Interval &i : intervals)
    order.push_back(&i);
  llvm::stable_sort(order, [](Interval *a, Interval *b) {
    return a->bytes > b->bytes;
  });
  SmallVector<Interval *> placed;
  int64_t peak = 0;
  for (Interval *cur : order) {
    // Live neighbours, by offset; take the first gap that fits.
    SmallVector<Interval *> live;
    for (Interval *p : placed)
      if (p->start <= cur->end && cur->start <= p->end)
        live.push_back(p);
    llvm::sort(live, [](Interval *a, Interval *b) {
      return a->offset < b->offset;
    });
    int64_t offset = 0, size = alignTo(cur->bytes);
    for (Interval *p : live) {
      if (offset + size <= p->offset)
        break;
      offset = std::max(offset, p->offset + alignTo(p->bytes));
    }
    cur->offset = offset;
    peak = std::max(peak, offset + size);
    placed.push_back(cur);
  }

  Builder b(fn.getContext());
  for (auto [op, i] : scratchOf)
    op->setAttr(kScratchAttr, b.getI64IntegerAttr(intervals[i].offset));
  for (Operation &op : body) {
    if (op.getNumResults() == 0)
      continue;
    SmallVector<int64_t> slots;
    for (Value r : op.getResults()) {
      auto it = slotOf.find(r);
      slots.push_back(it == slotOf.end() ? -1 : intervals[it->second].offset);
    }
    op.setAttr(kSlotsAttr, b.getDenseI64ArrayAttr(slots));
  }
  // Compressed bucket collectives stage their 16-bit copy of the gradients
  // after the activations, for the whole step: half the parameter bytes,
  // bucket by bucket at half the gradient offsets.
  bool compressed = llvm::any_of(body, [](Operation &op) {
    auto start = dyn_cast<AllReduceStartOp>(op);
    return start && start.getWire();
  });
  auto paramBytes = fn->getParentOfType<ModuleOp>()->getAttrOfType<IntegerAttr>(
      kParamBytesAttr);
  if (compressed && paramBytes) {
    int64_t wireOffset = alignTo(peak);
    fn->setAttr(kWireOffsetAttr, b.getI64IntegerAttr(wireOffset));
    peak = wireOffset + alignTo(paramBytes.getInt() / 2);
  }
  fn->setAttr(kArenaBytesAttr, b.getI64IntegerAttr(peak));
  return peak;
}

struct PlanMemoryPass
    : public train::impl::PlanMemoryPassBase<PlanMemoryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>(kForwardFn);
    if (!forward || forward.isExternal()) {
      module.emitError("expected a func.func @forward");
      return signalPassFailure();
    }
    // One layout of parameters and buffers for every step function, in the
    // argument order of @forward.
    Builder b(module.getContext());
    // Keyed by role and name: the importer names every trained tensor
    // uniquely (ImportContext::nameStatistics), but IR written by hand may
    // give a parameter and a buffer one name.
    llvm::StringMap<int64_t> offsets;
    auto key = [](bool param, StringRef name) {
      return ((param ? "param:" : "buffer:") + name).str();
    };
    int64_t paramBytes = 0, bufferBytes = 0;
    // Parameters in bucket order first, each bucket one contiguous range.
    auto buckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr);
    llvm::StringMap<unsigned> paramArg;
    for (BlockArgument arg : forward.getArguments())
      if (auto name = forward.getArgAttrOfType<StringAttr>(
              arg.getArgNumber(), TrainDialect::kParamAttr))
        paramArg[name.getValue()] = arg.getArgNumber();
    SmallVector<Attribute> placedBuckets;
    for (Attribute a : buckets ? buckets : b.getArrayAttr({})) {
      auto bucket = cast<DictionaryAttr>(a);
      int64_t start = paramBytes;
      for (Attribute p : bucket.getAs<ArrayAttr>("params")) {
        StringRef name = cast<StringAttr>(p).getValue();
        auto it = paramArg.find(name);
        if (it == paramArg.end()) {
          module.emitError("bucket parameter '")
              << name << "' is not a parameter of @forward";
          return signalPassFailure();
        }
        if (offsets.count(key(true, name))) {
          module.emitError("parameter '") << name << "' is in two buckets";
          return signalPassFailure();
        }
        offsets[key(true, name)] = paramBytes;
        paramBytes += alignTo(byteSize(forward.getArgument(it->second).getType()));
      }
      placedBuckets.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("params", bucket.get("params")),
           b.getNamedAttr("offset", b.getI64IntegerAttr(start)),
           b.getNamedAttr("bytes", b.getI64IntegerAttr(paramBytes - start))}));
    }
    if (buckets)
      module->setAttr(kBucketsAttr, b.getArrayAttr(placedBuckets));
    for (BlockArgument arg : forward.getArguments()) {
      unsigned i = arg.getArgNumber();
      int64_t *arena = forward.getArgAttr(i, TrainDialect::kParamAttr)
                           ? &paramBytes
                       : forward.getArgAttr(i, TrainDialect::kBufferAttr)
                           ? &bufferBytes
                           : nullptr;
      if (!arena)
        continue;
      auto name = forward.getArgAttrOfType<StringAttr>(
          i, arena == &paramBytes ? TrainDialect::kParamAttr
                                  : TrainDialect::kBufferAttr);
      if (offsets.count(key(arena == &paramBytes, name.getValue())))
        continue; // placed with its bucket
      offsets[key(arena == &paramBytes, name.getValue())] = *arena;
      *arena += alignTo(byteSize(arg.getType()));
    }
    module->setAttr(kParamBytesAttr, b.getI64IntegerAttr(paramBytes));
    module->setAttr(kBufferBytesAttr, b.getI64IntegerAttr(bufferBytes));

    for (auto fn : module.getOps<func::FuncOp>()) {
      // Only the step functions are planned.
      if (fn.isExternal() ||
          (fn.getSymName() != kForwardFn && fn.getSymName() != kTrainStepFn))
        continue;
      for (BlockArgument arg : fn.getArguments()) {
        unsigned i = arg.getArgNumber();
        StringAttr name =
            fn.getArgAttrOfType<StringAttr>(i, TrainDialect::kParamAttr);
        bool param = static_cast<bool>(name);
        if (!name)
          name = fn.getArgAttrOfType<StringAttr>(i, TrainDialect::kBufferAttr);
        if (!name)
          continue;
        auto it = offsets.find(key(param, name.getValue()));
        if (it == offsets.end()) {
          fn.emitError("argument '") << name.getValue()
                                     << "' is not an argument of @forward";
          return signalPassFailure();
        }
        fn.setArgAttr(i, kOffsetAttr, b.getI64IntegerAttr(it->second));
      }
      planActivations(fn);
    }
  }
};
} // namespace
