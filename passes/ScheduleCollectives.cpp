//===- ScheduleCollectives.cpp - bucket all-reduces inside backward -------===//
//
// train-data-parallel left one train.all_reduce per gradient; the buckets of
// train-bucket-gradients say which gradients travel together. Each bucket
// becomes one asynchronous collective: started once backward has produced,
// and no longer reads, the bucket's gradients; waited for before the return.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::train {
#define GEN_PASS_DEF_SCHEDULECOLLECTIVESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
struct ScheduleCollectivesPass
    : public train::impl::ScheduleCollectivesPassBase<
          ScheduleCollectivesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto step = module.lookupSymbol<func::FuncOp>(kTrainStepFn);
    auto buckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr);
    if (!step || step.isExternal() || !buckets)
      return; // nothing to schedule
    Block &body = step.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    llvm::StringMap<unsigned> gradResult;
    for (unsigned i = 0; i < step.getNumResults(); ++i)
      if (auto name =
              step.getResultAttrOfType<StringAttr>(i, TrainDialect::kGradAttr))
        gradResult[name.getValue()] = i;

    // Each bucket's gradient results, and their common reduction.
    struct Bucket {
      SmallVector<unsigned> results;
      ReductionAttr reduction;
      TypeAttr wire;
    };
    SmallVector<Bucket> plan;
    unsigned reduced = 0;
    llvm::StringSet<> bucketed;
    for (Attribute a : buckets) {
      Bucket bucket;
      for (Attribute p : cast<DictionaryAttr>(a).getAs<ArrayAttr>("params")) {
        StringRef name = cast<StringAttr>(p).getValue();
        auto it = gradResult.find(name);
        if (it == gradResult.end()) {
          step.emitError("bucket parameter '") << name
                                                << "' has no gradient result";
          return signalPassFailure();
        }
        if (!bucketed.insert(name).second) {
          step.emitError("parameter '") << name << "' is in two buckets";
          return signalPassFailure();
        }
        bucket.results.push_back(it->second);
        auto reduce = ret.getOperand(it->second).getDefiningOp<AllReduceOp>();
        ReductionAttr reduction =
            reduce ? reduce.getReductionAttr() : ReductionAttr();
        TypeAttr wire = reduce ? reduce.getWireAttr() : TypeAttr();
        if (reduce)
          ++reduced;
        if (bucket.results.size() == 1) {
          bucket.reduction = reduction;
          bucket.wire = wire;
        }
        if (reduction != bucket.reduction || wire != bucket.wire) {
          step.emitError("the gradients of bucket ")
              << plan.size() << " are not all-reduced alike ('" << name
              << "')";
          return signalPassFailure();
        }
      }
      plan.push_back(std::move(bucket));
    }
    if (reduced == 0)
      return; // a single-process module: no collectives to schedule
    for (auto &entry : gradResult) {
      if (bucketed.contains(entry.getKey()))
        continue;
      step.emitError("the gradient of '")
          << entry.getKey() << "' is in no bucket";
      return signalPassFailure();
    }
    if (reduced != gradResult.size()) {
      step.emitError("some gradients are all-reduced and others not");
      return signalPassFailure();
    }

    // The gradients are now returned as backward leaves them; their
    // buckets carry the reduction.
    for (const Bucket &bucket : plan) {
      for (unsigned i : bucket.results) {
        auto reduce = ret.getOperand(i).getDefiningOp<AllReduceOp>();
        ret.setOperand(i, reduce.getInput());
        if (reduce->use_empty())
          reduce.erase();
      }
    }
    // A value returned for two parameters (the zeros of parameters the
    // loss does not reach, merged by CSE) would have to be copied into the
    // second home; a constant is cheaper to rebuild there.
    llvm::DenseSet<Value> seen;
    for (const Bucket &bucket : plan) {
      for (unsigned i : bucket.results) {
        Value value = ret.getOperand(i);
        if (seen.insert(value).second)
          continue;
        if (auto constant = value.getDefiningOp<ConstantOp>()) {
          OpBuilder b(constant);
          b.setInsertionPointAfter(constant);
          ret.setOperand(i, b.clone(*constant)->getResult(0));
        }
      }
    }

    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;
    // A bucket's reduction runs in place in the gradient arena, so it may
    // start only once backward has produced its gradients and has no use
    // of them left (a gradient that is also a cotangent flowing on, as for
    // a parameter added elementwise, is read again; views share the bytes).
    auto lastUse = [&](Value value, Operation *last) {
      SmallVector<Value> worklist{value};
      while (!worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (Operation *user : v.getUsers()) {
          if (user == ret.getOperation())
            continue;
          if (!last || position[user] > position[last])
            last = user;
          if (isa<FlattenOp, ReshapeOp>(user))
            worklist.push_back(user->getResult(0));
        }
      }
      return last;
    };
    OpBuilder b(module.getContext());
    DenseMap<Operation *, Operation *> startAfter; // keeps bucket order
    for (auto [index, bucket] : llvm::enumerate(plan)) {
      Operation *last = nullptr;
      for (unsigned i : bucket.results) {
        Value value = ret.getOperand(i);
        Operation *producer = value.getDefiningOp();
        if (producer && (!last || position[producer] > position[last]))
          last = producer;
        last = lastUse(value, last);
      }
      Operation *anchor = last;
      if (auto it = startAfter.find(last); it != startAfter.end())
        anchor = it->second;
      if (anchor)
        b.setInsertionPointAfter(anchor);
      else
        b.setInsertionPointToStart(&body);
      auto start = b.create<AllReduceStartOp>(
          last ? last->getLoc() : step.getLoc(), b.getI64IntegerAttr(index),
          bucket.wire);
      startAfter[last] = start;
    }
    b.setInsertionPoint(ret);
    for (auto [index, bucket] : llvm::enumerate(plan))
      b.create<AllReduceWaitOp>(ret.getLoc(), b.getI64IntegerAttr(index),
                                bucket.reduction, bucket.wire,
                                /*fused=*/UnitAttr());
  }
};
} // namespace
