//===- BucketGradients.cpp - all-reduce buckets in backward order ---------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/IR/Builders.h"

namespace mlir::train {
#define GEN_PASS_DEF_BUCKETGRADIENTSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
struct Ready {
  StringAttr name;
  int64_t position; // of the op that finishes the gradient; -1 for none
  int64_t bytes;    // 64-byte aligned
};

struct BucketGradientsPass
    : public train::impl::BucketGradientsPassBase<BucketGradientsPass> {
  using BucketGradientsPassBase::BucketGradientsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp step = lookupTrainStep(module);
    if (!step)
      return signalPassFailure();
    if (bucketCapBytes < 1 || firstBucketBytes < 1) {
      module.emitError("bucket sizes must be positive");
      return signalPassFailure();
    }
    Block &body = step.getBody().front();
    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;
    auto ret = cast<func::ReturnOp>(body.getTerminator());

    SmallVector<Ready> order;
    for (auto [i, value] : llvm::enumerate(ret.getOperands())) {
      auto name =
          step.getResultAttrOfType<StringAttr>(i, TrainDialect::kGradAttr);
      if (!name)
        continue;
      // Look through the mean all-reduce of train-data-parallel.
      if (auto reduce = value.getDefiningOp<AllReduceOp>())
        value = reduce.getInput();
      Operation *producer = value.getDefiningOp();
      auto type = cast<RankedTensorType>(value.getType());
      int64_t bytes = type.getNumElements() *
                      static_cast<int64_t>(type.getElementTypeBitWidth() / 8);
      bytes = (bytes + kSlotAlignment - 1) / kSlotAlignment * kSlotAlignment;
      order.push_back({name, producer ? position[producer] : -1, bytes});
    }
    // Backward order; results are in parameter order, which breaks ties.
    llvm::stable_sort(order, [](const Ready &a, const Ready &b) {
      return a.position < b.position;
    });

    Builder b(module.getContext());
    SmallVector<Attribute> buckets, params;
    int64_t bytes = 0;
    auto close = [&]() {
      if (params.empty())
        return;
      buckets.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("params", b.getArrayAttr(params)),
           b.getNamedAttr("bytes", b.getI64IntegerAttr(bytes))}));
      params.clear();
      bytes = 0;
    };
    for (const Ready &r : order) {
      int64_t cap = buckets.empty() ? firstBucketBytes : bucketCapBytes;
      if (!params.empty() && bytes + r.bytes > cap)
        close();
      params.push_back(r.name);
      bytes += r.bytes;
    }
    close();
    module->setAttr(kBucketsAttr, b.getArrayAttr(buckets));
  }
};
} // namespace
