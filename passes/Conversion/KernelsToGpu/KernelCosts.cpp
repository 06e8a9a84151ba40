//===- KernelCosts.cpp - what each kernel moves and computes ---------------===//

#include "passes/Conversion/KernelsToGpu/KernelCosts.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::train;

namespace {

double elementBytes(Type type) {
  auto shaped = cast<MemRefType>(type);
  return shaped.getElementTypeBitWidth() / 8.0;
}

/// The costs of `block` run once.
KernelCost costOf(Block &block);

KernelCost scaled(KernelCost cost, double times) {
  cost.loadBytes *= times;
  cost.storeBytes *= times;
  cost.flops *= times;
  return cost;
}

void add(KernelCost &into, const KernelCost &cost) {
  into.loadBytes += cost.loadBytes;
  into.storeBytes += cost.storeBytes;
  into.flops += cost.flops;
  into.exact &= cost.exact;
}

KernelCost costOf(Operation &op) {
  KernelCost cost;
  if (auto load = dyn_cast<memref::LoadOp>(op)) {
    cost.loadBytes = elementBytes(load.getMemRefType());
  } else if (auto store = dyn_cast<memref::StoreOp>(op)) {
    cost.storeBytes = elementBytes(store.getMemRefType());
  } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
    std::optional<int64_t> n =
        constantTripCount(loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
    cost = scaled(costOf(*loop.getBody()), n ? *n : 1);
    cost.exact &= n.has_value();
  } else if (auto par = dyn_cast<scf::ParallelOp>(op)) {
    double times = 1;
    bool exact = true;
    for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(),
                                         par.getUpperBound(), par.getStep())) {
      std::optional<int64_t> n = constantTripCount(lb, ub, step);
      times *= n ? *n : 1;
      exact &= n.has_value();
    }
    cost = scaled(costOf(*par.getBody()), times);
    cost.exact &= exact;
  } else if (auto branch = dyn_cast<scf::IfOp>(op)) {
    KernelCost then = costOf(*branch.thenBlock());
    KernelCost other = branch.elseBlock() ? costOf(*branch.elseBlock())
                                          : KernelCost();
    auto total = [](const KernelCost &c) {
      return c.loadBytes + c.storeBytes + c.flops;
    };
    cost = total(then) >= total(other) ? then : other;
    cost.exact = then.exact && other.exact;
  } else if (isa<math::FmaOp>(op)) {
    cost.flops = 2;
  } else if (op.getDialect() &&
             (isa<math::MathDialect>(op.getDialect()) ||
              isa<arith::ArithDialect>(op.getDialect())) &&
             op.getNumResults() == 1 &&
             isa<FloatType>(getElementTypeOrSelf(op.getResult(0).getType())) &&
             !isa<arith::ConstantOp, arith::ExtFOp, arith::TruncFOp,
                  arith::SIToFPOp, arith::UIToFPOp, arith::BitcastOp,
                  arith::SelectOp>(op)) {
    cost.flops = 1;
  } else {
    for (Region &region : op.getRegions())
      for (Block &block : region)
        add(cost, costOf(block));
  }
  return cost;
}

KernelCost costOf(Block &block) {
  KernelCost cost;
  for (Operation &op : block)
    add(cost, costOf(op));
  return cost;
}

} // namespace

std::optional<int64_t> mlir::train::constantTripCount(Value lb, Value ub,
                                                      Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb),
                         u = getConstantIntValue(ub),
                         s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return *u > *l ? (*u - *l + *s - 1) / *s : 0;
}

SmallVector<KernelCost> mlir::train::kernelCosts(func::FuncOp fn) {
  SmallVector<KernelCost> costs;
  fn.walk<WalkOrder::PreOrder>([&](scf::ParallelOp par) {
    KernelCost cost = costOf(*par.getOperation());
    cost.iterations = 1;
    for (auto [lb, ub, step] : llvm::zip(par.getLowerBound(),
                                         par.getUpperBound(), par.getStep()))
      cost.iterations *= constantTripCount(lb, ub, step).value_or(1);
    par.getLoc()->walk([&](Location inner) {
      auto name = dyn_cast<NameLoc>(inner);
      if (!name)
        return WalkResult::advance();
      cost.node = name.getName().str();
      return WalkResult::interrupt();
    });
    costs.push_back(cost);
    return WalkResult::skip();
  });
  return costs;
}
