//===- Lowering.cpp - shared state of the train-to-loops lowering ---------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace mlir::train;

StepLowering::StepLowering(ModuleOp module, func::FuncOp source,
                           func::FuncOp target, const TargetInfo &info)
    : module(module), source(source), target(target), info(info) {}

Lowering::Lowering(StepLowering &step, OpBuilder &builder, Location loc)
    : step(step), b(builder), loc(loc) {}

LogicalResult
mlir::train::lowerWith(StepLowering &step, Operation *op,
                       ConversionPatternRewriter &rewriter,
                       function_ref<LogicalResult(Lowering &)> body) {
  Lowering l(step, rewriter, op->getLoc());
  if (scratchBytes(op) && scratchOffset(op) < 0) {
    op->emitError("needs scratch in the activation arena that "
                  "train-plan-memory did not plan");
    step.failed = true;
  } else if (failed(body(l))) {
    step.failed = true;
  }
  // Results whose producer could not write them in place are copied into
  // their home as soon as the value exists: a gradient bucket's
  // all-reduce, which starts later, then finds it there, and no copy reads
  // a range that is already being reduced.
  for (Value result : op->getResults())
    l.copyToResults(result);
  // The values keep their homes: later patterns find them from the
  // original tensor values, so nothing replaces the results.
  rewriter.eraseOp(op);
  return success();
}

Value StepLowering::argWithRole(Role role) {
  Value arg = argumentWithRole(target, role);
  assert(arg && "lowered function lacks an argument role");
  return arg;
}

Value Lowering::arenaView(Role role, int64_t offset, Type element,
                          int64_t count) {
  return b.create<memref::ViewOp>(loc, MemRefType::get({count}, element),
                                  argWithRole(role), index(offset),
                                  ValueRange{});
}

Value Lowering::arenaPointer(Role role, int64_t offset) {
  return pointerAt(argWithRole(role), offset);
}

Value Lowering::pointerAt(Value base, int64_t offset) {
  Value address = b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, base);
  address = b.create<arith::AddIOp>(loc, address, index(offset));
  Value asInt = b.create<arith::IndexCastOp>(loc, b.getI64Type(), address);
  return b.create<LLVM::IntToPtrOp>(
      loc, LLVM::LLVMPointerType::get(b.getContext()), asInt);
}

std::pair<Value, int64_t> Lowering::baseOf(Value tensor) {
  func::FuncOp source = step.source;
  auto argOffset = [&](unsigned argIndex) {
    return source.getArgAttrOfType<IntegerAttr>(argIndex, kOffsetAttr).getInt();
  };
  Home home = homeOf(source, tensor);
  switch (home.kind) {
  case Home::Activation: {
    auto result = cast<OpResult>(tensor);
    auto slots =
        result.getOwner()->getAttrOfType<DenseI64ArrayAttr>(kSlotsAttr);
    return {argWithRole(Role::Arena), slots[result.getResultNumber()]};
  }
  case Home::Alias:
    return baseOf(home.aliasOf);
  case Home::Param:
    return {argWithRole(Role::Params), argOffset(home.argIndex)};
  case Home::Grad:
    return {argWithRole(Role::Grads), argOffset(home.argIndex)};
  case Home::Buffer:
    return {argWithRole(Role::Buffers), argOffset(home.argIndex)};
  case Home::Input:
    return {argWithRole(Role::Input), 0};
  case Home::Labels:
    return {argWithRole(Role::Labels), 0};
  case Home::Result:
    return {argWithRole(Role::Output), 0};
  }
  llvm_unreachable("unknown home");
}

Value Lowering::view(Value tensor) {
  return view(tensor, cast<RankedTensorType>(tensor.getType()).getShape());
}

Value Lowering::view(Value tensor, ArrayRef<int64_t> shape) {
  auto [base, offset] = baseOf(tensor);
  Type element = cast<RankedTensorType>(tensor.getType()).getElementType();
  return b.create<memref::ViewOp>(loc, MemRefType::get(shape, element), base,
                                  index(offset), ValueRange{});
}

Value Lowering::flat(Value tensor) {
  return view(tensor,
              {cast<RankedTensorType>(tensor.getType()).getNumElements()});
}

void Lowering::copyToResults(Value value) {
  auto it = step.copies.find(value);
  if (it == step.copies.end())
    return;
  for (unsigned index : it->second) {
    // Named steps: C++ leaves the order of arguments' evaluation open.
    Value from = flat(value);
    Value to = resultView(index, value);
    copy(from, to, cast<RankedTensorType>(value.getType()).getNumElements());
  }
}

Value Lowering::resultView(unsigned index, Value value) {
  // A result's home is that of a value its producer could have written in
  // place; build the view from the argument the home names.
  func::FuncOp source = step.source;
  auto type = cast<RankedTensorType>(value.getType());
  auto at = [&](Role role, int64_t offset) {
    return arenaView(role, offset, type.getElementType(),
                     type.getNumElements());
  };
  if (auto name = source.getResultAttrOfType<StringAttr>(
          index, TrainDialect::kGradAttr)) {
    for (BlockArgument arg : source.getArguments())
      if (source.getArgAttr(arg.getArgNumber(), TrainDialect::kParamAttr) ==
          name)
        return at(Role::Grads, source
                               .getArgAttrOfType<IntegerAttr>(
                                   arg.getArgNumber(), kOffsetAttr)
                               .getInt());
  }
  if (auto name = source.getResultAttrOfType<StringAttr>(
          index, TrainDialect::kBufferUpdateAttr)) {
    for (BlockArgument arg : source.getArguments())
      if (source.getArgAttr(arg.getArgNumber(), TrainDialect::kBufferAttr) ==
          name)
        return flat(arg);
  }
  return at(Role::Output, 0);
}

Value Lowering::index(int64_t v) {
  return b.create<arith::ConstantIndexOp>(loc, v);
}

Value Lowering::i32(int64_t v) {
  return b.create<arith::ConstantIntOp>(loc, v, 32);
}

Value Lowering::i64(int64_t v) {
  return b.create<arith::ConstantIntOp>(loc, v, 64);
}

std::tuple<Value, Value, Value> Lowering::bounds(int64_t ub) {
  Value step = index(1);
  Value upper = index(ub);
  Value lower = index(0);
  return {lower, upper, step};
}

Value Lowering::f32(double v) {
  return b.create<arith::ConstantOp>(loc, b.getF32FloatAttr(v));
}

Value Lowering::f64(double v) {
  return b.create<arith::ConstantOp>(loc, b.getF64FloatAttr(v));
}

void Lowering::parallel(ArrayRef<int64_t> ubs,
                        function_ref<void(ValueRange)> body) {
  SmallVector<Value> lbs, upper, steps;
  for (int64_t ub : ubs) {
    lbs.push_back(index(0));
    upper.push_back(index(ub));
    steps.push_back(index(1));
  }
  auto par = b.create<scf::ParallelOp>(loc, lbs, upper, steps);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(par.getBody()->getTerminator());
  body(par.getInductionVars());
}

void Lowering::serial(function_ref<void()> body) {
  parallel({1}, [&](ValueRange) { body(); });
}

Value Lowering::scratchOf(Operation *op, Type element, int64_t count,
                          int64_t at) {
  assert(scratchOffset(op) >= 0 && "op has no planned scratch");
  return arenaView(Role::Arena, scratchOffset(op) + at, element, count);
}

Value Lowering::scratchPointer(Operation *op, int64_t at) {
  assert(scratchOffset(op) >= 0 && "op has no planned scratch");
  return arenaPointer(Role::Arena, scratchOffset(op) + at);
}

void Lowering::loops(ArrayRef<int64_t> ubs,
                     function_ref<void(ValueRange)> body) {
  OpBuilder::InsertionGuard guard(b);
  SmallVector<Value> ivs;
  for (int64_t ub : ubs) {
    auto [lower, upper, step] = bounds(ub);
    auto loop = b.create<scf::ForOp>(loc, lower, upper, step);
    ivs.push_back(loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  body(ivs);
}

Value Lowering::reduce(int64_t ub, Value init,
                       function_ref<Value(Value, Value)> body) {
  auto [lower, upper, step] = bounds(ub);
  auto loop = b.create<scf::ForOp>(loc, lower, upper, step, ValueRange{init});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value next = body(loop.getInductionVar(), loop.getRegionIterArgs()[0]);
  b.create<scf::YieldOp>(loc, next);
  return loop.getResult(0);
}

SmallVector<Value>
Lowering::reduceMany(int64_t ub, ValueRange inits,
                     function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto [lower, upper, step] = bounds(ub);
  return reduceMany(lower, upper, step, inits, body);
}

SmallVector<Value>
Lowering::reduceMany(Value lo, Value hi, Value step, ValueRange inits,
                     function_ref<SmallVector<Value>(Value, ValueRange)> body) {
  auto loop = b.create<scf::ForOp>(loc, lo, hi, step, inits);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> next =
      body(loop.getInductionVar(), loop.getRegionIterArgs());
  b.create<scf::YieldOp>(loc, next);
  return SmallVector<Value>(loop.getResults());
}

Value Lowering::pointer(Value memref) {
  Value address = b.create<memref::ExtractAlignedPointerAsIndexOp>(loc, memref);
  Value asInt = b.create<arith::IndexCastOp>(loc, b.getI64Type(), address);
  return b.create<LLVM::IntToPtrOp>(
      loc, LLVM::LLVMPointerType::get(b.getContext()), asInt);
}

std::string StepLowering::uniqueGlobalName(StringRef prefix) {
  std::string name;
  do
    name = (prefix + "_" + std::to_string(globalCounts[prefix]++)).str();
  while (module.lookupSymbol(name));
  return name;
}

Value Lowering::pointerTo(Value tensor) {
  auto [base, offset] = baseOf(tensor);
  return pointerAt(base, offset);
}

Value Lowering::constantTable(DenseElementsAttr values) {
  auto type =
      MemRefType::get({values.getNumElements()}, values.getElementType());
  std::string name = step.uniqueGlobalName("train_constant");
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(step.module.getBody());
    b.create<memref::GlobalOp>(loc, name, b.getStringAttr("private"), type,
                               values.reshape(RankedTensorType::get(
                                   type.getShape(), values.getElementType())),
                               /*constant=*/true, /*alignment=*/IntegerAttr());
  }
  return b.create<memref::GetGlobalOp>(loc, type, name);
}

Value Lowering::constantI64Array(ArrayRef<int64_t> values, StringRef prefix) {
  std::string name = step.uniqueGlobalName(prefix);
  auto type =
      MemRefType::get({static_cast<int64_t>(values.size())}, b.getI64Type());
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(step.module.getBody());
    b.create<memref::GlobalOp>(
        loc, name, b.getStringAttr("private"), type,
        DenseElementsAttr::get(
            RankedTensorType::get(type.getShape(), b.getI64Type()), values),
        /*constant=*/true, /*alignment=*/IntegerAttr());
  }
  Value global = b.create<memref::GetGlobalOp>(loc, type, name);
  return pointer(global);
}

Value Lowering::callRuntime(StringRef entry, ValueRange args,
                            TypeRange results) {
  std::string name = step.info.symbol(entry);
  SmallVector<Value> withContext{argWithRole(Role::Context)};
  llvm::append_range(withContext, args);
  auto callee = step.module.lookupSymbol<func::FuncOp>(name);
  if (!callee) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(step.module.getBody());
    callee = b.create<func::FuncOp>(
        loc, name,
        b.getFunctionType(ValueRange(withContext).getTypes(), results));
    callee.setPrivate();
  }
  auto call = b.create<func::CallOp>(loc, callee, withContext);
  return results.empty() ? Value() : call.getResult(0);
}

Value Lowering::hostScratch(StringRef key, Type element, int64_t count,
                            bool *created) {
  Value &slot = step.hostScratches[key];
  if (created)
    *created = !slot;
  if (!slot) {
    // At the top of the function, so it is one fixed stack slot however
    // often the op's loops run.
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&step.target.getBody().front());
    auto alloca =
        b.create<memref::AllocaOp>(loc, MemRefType::get({count}, element));
    alloca->setAttr(kMemorySpaceAttr,
                    MemorySpaceAttr::get(b.getContext(), MemorySpace::Host));
    slot = alloca;
  }
  return slot;
}

Value Lowering::nullPointer() {
  return b.create<LLVM::ZeroOp>(loc,
                                LLVM::LLVMPointerType::get(b.getContext()));
}

void Lowering::copy(Value from, Value to, int64_t count) {
  parallel({count}, [&](ValueRange iv) {
    Value x = b.create<memref::LoadOp>(loc, from, iv);
    b.create<memref::StoreOp>(loc, x, to, iv);
  });
}

void Lowering::fill(Value memref, int64_t count, Value value) {
  parallel({count}, [&](ValueRange iv) {
    b.create<memref::StoreOp>(loc, value, memref, iv);
  });
}

ChannelView::ChannelView(Lowering &l, Value tensor) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(tensor.getType()).getShape();
  assert(shape.size() >= 2 && "a channel view needs [N, C, ...]");
  n = shape[0];
  c = shape[1];
  s = 1;
  for (int64_t d : shape.drop_front(2))
    s *= d;
  block = channelBlockOf(tensor);
  memref = block ? l.view(tensor, {n, c / block, s, block})
                 : l.view(tensor, {n, c, s});
}

std::pair<Value, Value> mlir::train::splitChannel(ScalarOps &o, Value c,
                                                  int64_t block) {
  Value size = o.l.index(block);
  Value cb = o.b.create<arith::DivUIOp>(o.loc, c, size);
  Value lane = o.b.create<arith::RemUIOp>(o.loc, c, size);
  return {cb, lane};
}

SmallVector<Value> ChannelView::at(ScalarOps &o, Value n, Value c,
                                   Value s) const {
  if (!block)
    return {n, c, s};
  auto [cb, lane] = splitChannel(o, c, block);
  return {n, cb, s, lane};
}
