//===- ScheduleCollectives.cpp - all-reduce starts inside backward --------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"

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
    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    llvm::StringMap<unsigned> gradResult;
    for (unsigned i = 0; i < step.getNumResults(); ++i)
      if (auto name =
              step.getResultAttrOfType<StringAttr>(i, TrainDialect::kGradAttr))
        gradResult[name.getValue()] = i;
    llvm::DenseSet<unsigned> copied;
    for (unsigned i : resultsNeedingCopy(step))
      copied.insert(i);

    OpBuilder b(module.getContext());
    for (auto [index, a] : llvm::enumerate(buckets)) {
      Operation *last = nullptr;
      bool deferred = false;
      for (Attribute p : cast<DictionaryAttr>(a).getAs<ArrayAttr>("params")) {
        auto it = gradResult.find(cast<StringAttr>(p).getValue());
        if (it == gradResult.end()) {
          step.emitError("bucket parameter '")
              << cast<StringAttr>(p).getValue() << "' has no gradient result";
          return signalPassFailure();
        }
        Operation *producer = ret.getOperand(it->second).getDefiningOp();
        if (!producer || copied.contains(it->second)) {
          deferred = true;
          break;
        }
        if (!last || position[producer] > position[last])
          last = producer;
      }
      if (deferred)
        continue;
      b.setInsertionPointAfter(last);
      b.create<BucketReadyOp>(last->getLoc(), b.getI64IntegerAttr(index));
    }
  }
};
} // namespace
