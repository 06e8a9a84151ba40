//===- InsertOptimizer.cpp - the generated parameter update ---------------===//
//
// Generates @trainc_optimizer_step on the lowered arenas: momentum SGD with
// torch.optim.SGD's conventions, one scf.parallel loop per parameter tensor
// (so weight decay can skip BatchNorm parameters and biases). The algorithm
// is chosen at compile time; its hyper-parameters are runtime values.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir::train {
#define GEN_PASS_DEF_INSERTOPTIMIZERPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
/// Indices into the hyper-parameter array the runtime passes
/// (runtime/include/trainc/model.h, trainc_sgd_hyper).
enum Hyper {
  kLr,
  kMomentum,
  kDampening,
  kWeightDecay,
  kNesterov,
  kFirstStep,
  kWeightDecayBnBias,
  kNumHyper
};

struct InsertOptimizerPass
    : public train::impl::InsertOptimizerPassBase<InsertOptimizerPass> {
  using InsertOptimizerPassBase::InsertOptimizerPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = module->getAttrOfType<DictionaryAttr>("train.model");
    if (!model || !isa_and_nonnull<IntegerAttr>(model.get("param_bytes")) ||
        !isa_and_nonnull<ArrayAttr>(model.get("tensors"))) {
      module.emitError("expected a lowered module (train.model, from "
                       "convert-train-to-loops)");
      return signalPassFailure();
    }
    if (optimizer != "sgd") {
      module.emitError("unknown optimizer '") << optimizer << "'";
      return signalPassFailure();
    }
    int64_t paramBytes = cast<IntegerAttr>(model.get("param_bytes")).getInt();
    OpBuilder b(module.getContext());
    Location loc = module.getLoc();
    b.setInsertionPointToEnd(module.getBody());
    Type arena = MemRefType::get({paramBytes}, b.getI8Type());
    Type hyperType = MemRefType::get({kNumHyper * 4}, b.getI8Type());
    auto fn = b.create<func::FuncOp>(
        loc, "trainc_optimizer_step",
        b.getFunctionType({arena, arena, arena, hyperType}, {}));
    StringRef roles[] = {"params", "grads", "state", "hyper"};
    for (auto [i, role] : llvm::enumerate(roles))
      fn.setArgAttr(i, "train.role", b.getStringAttr(role));
    b.setInsertionPointToStart(fn.addEntryBlock());

    auto index = [&](int64_t v) {
      return b.create<arith::ConstantIndexOp>(loc, v).getResult();
    };
    Value hyper = b.create<memref::ViewOp>(
        loc, MemRefType::get({kNumHyper}, b.getF32Type()), fn.getArgument(3),
        index(0), ValueRange{});
    auto h = [&](Hyper which) {
      return b.create<memref::LoadOp>(loc, hyper, index(which)).getResult();
    };
    Value lr = h(kLr), momentum = h(kMomentum), dampening = h(kDampening);
    Value zero = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(0));
    Value one = b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(1));
    auto isSet = [&](Value v) {
      return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::ONE, v, zero)
          .getResult();
    };
    Value nesterov = isSet(h(kNesterov)), first = isSet(h(kFirstStep));
    Value hasMomentum = isSet(momentum);
    Value keep = b.create<arith::SubFOp>(loc, one, dampening);

    for (Attribute t : cast<ArrayAttr>(model.get("tensors"))) {
      auto tensor = cast<DictionaryAttr>(t);
      if (cast<IntegerAttr>(tensor.get("kind")).getInt() != 0)
        continue;
      int64_t numel = 1;
      for (int64_t d : cast<DenseI64ArrayAttr>(tensor.get("shape")).asArrayRef())
        numel *= d;
      Value offset = index(cast<IntegerAttr>(tensor.get("offset")).getInt());
      auto view = [&](unsigned arg) {
        return b.create<memref::ViewOp>(
            loc, MemRefType::get({numel}, b.getF32Type()),
            fn.getArgument(arg), offset, ValueRange{});
      };
      Value w = view(0), g = view(1), buf = view(2);
      Value decay = h(cast<BoolAttr>(tensor.get("bn_or_bias")).getValue()
                          ? kWeightDecayBnBias
                          : kWeightDecay);
      auto loop = b.create<scf::ParallelOp>(loc, ValueRange{index(0)},
                                            ValueRange{index(numel)},
                                            ValueRange{index(1)});
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(loop.getBody()->getTerminator());
      Value i = loop.getInductionVars()[0];
      Value wi = b.create<memref::LoadOp>(loc, w, i);
      Value gi = b.create<memref::LoadOp>(loc, g, i);
      Value bi = b.create<memref::LoadOp>(loc, buf, i);
      // d = g + wd * w;  buf = first ? d : m * buf + (1 - dampening) * d
      Value d = b.create<arith::AddFOp>(
          loc, gi, b.create<arith::MulFOp>(loc, decay, wi));
      Value accumulated = b.create<arith::AddFOp>(
          loc, b.create<arith::MulFOp>(loc, momentum, bi),
          b.create<arith::MulFOp>(loc, keep, d));
      Value newBuf = b.create<arith::SelectOp>(loc, first, d, accumulated);
      b.create<memref::StoreOp>(loc, newBuf, buf, i);
      // step = nesterov ? d + m * buf : buf; plain SGD (m = 0) steps by d.
      Value withMomentum = b.create<arith::SelectOp>(
          loc, nesterov,
          b.create<arith::AddFOp>(
              loc, d, b.create<arith::MulFOp>(loc, momentum, newBuf)),
          newBuf);
      Value step = b.create<arith::SelectOp>(loc, hasMomentum, withMomentum, d);
      b.create<memref::StoreOp>(
          loc,
          b.create<arith::SubFOp>(loc, wi,
                                  b.create<arith::MulFOp>(loc, lr, step)),
          w, i);
    }
    b.create<func::ReturnOp>(loc);

    // The runtime sizes the optimizer state from the description.
    NamedAttrList attrs(model);
    attrs.set("optimizer", b.getStringAttr(optimizer));
    attrs.set("state_bytes", b.getI64IntegerAttr(paramBytes));
    module->setAttr("train.model", attrs.getDictionary(b.getContext()));
  }
};
} // namespace
