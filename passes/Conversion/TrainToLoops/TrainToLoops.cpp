//===- TrainToLoops.cpp - planned step functions to loops and calls -------===//
//
// @train_step -> @trainc_train_step and @forward -> @trainc_eval_step, on
// byte arenas (runtime/include/trainc/model.h), converted in place by the
// op families' patterns; @trainc_apply_update, built from the planned
// step. The model's description is train-describe-model's, before this.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"
#include "passes/Optimizers.h"
#include "passes/Passes.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::train {
#define GEN_PASS_DEF_CONVERTTRAINTOLOOPSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
int64_t bytesOf(Type type) {
  auto t = cast<RankedTensorType>(type);
  return t.getNumElements() * t.getElementTypeBitWidth() / 8;
}

/// func.return of the step's tensors becomes a plain return: every result
/// is already in its home (written in place, or copied by lowerWith).
struct ReturnLowering : public OpConversionPattern<func::ReturnOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(func::ReturnOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<func::ReturnOp>(op);
    return success();
  }
};

/// The type of a lowered function's argument with `role` and `size` bytes:
/// the runtime's context is an opaque pointer, the rest byte arenas.
Type roleType(Builder &b, Role role, int64_t size) {
  if (role == Role::Context)
    return LLVM::LLVMPointerType::get(b.getContext());
  return MemRefType::get({size}, b.getI8Type());
}

/// The function argument attributes of a lowered function's `role`.
DictionaryAttr roleAttrs(Builder &b, Role role) {
  SmallVector<NamedAttribute> attrs{
      b.getNamedAttr(kRoleAttr, RoleAttr::get(b.getContext(), role))};
  if (isHostField(role))
    attrs.push_back(b.getNamedAttr(
        kMemorySpaceAttr, MemorySpaceAttr::get(b.getContext(), MemorySpace::Host)));
  return b.getDictionaryAttr(attrs);
}

} // namespace

LogicalResult mlir::train::convertStepFunction(
    ModuleOp module, const TargetInfo &target, func::FuncOp fn, StringRef name,
    ArrayRef<std::pair<Role, int64_t>> roles) {
  MLIRContext *context = module.getContext();
  OpBuilder b(context);
  unsigned numTensorArgs = fn.getNumArguments();
  SmallVector<unsigned> at(roles.size(), numTensorArgs);
  SmallVector<Type> types;
  SmallVector<DictionaryAttr> attrs;
  SmallVector<Location> locs(roles.size(), fn.getLoc());
  for (auto [role, size] : roles) {
    types.push_back(roleType(b, role, size));
    attrs.push_back(roleAttrs(b, role));
  }
  fn.insertArguments(at, types, attrs, locs);

  StepLowering step(module, fn, fn, target);
  auto ret = cast<func::ReturnOp>(fn.getBody().front().getTerminator());
  for (unsigned index : resultsNeedingCopy(fn))
    step.copies[ret.getOperand(index)].push_back(index);
  // Arguments returned as they are (forward-only models) are copied
  // before anything else runs.
  b.setInsertionPointToStart(&fn.getBody().front());
  Lowering l(step, b, fn.getLoc());
  for (BlockArgument arg : fn.getArguments().take_front(numTensorArgs))
    l.copyToResults(arg);

  RewritePatternSet patterns(context);
  populateTrainElementwiseLoweringPatterns(patterns, step);
  populateTrainNormalizationLoweringPatterns(patterns, step);
  populateTrainPoolingLoweringPatterns(patterns, step);
  populateTrainLossLoweringPatterns(patterns, step);
  populateTrainLibraryLoweringPatterns(patterns, step);
  populateTrainCollectiveLoweringPatterns(patterns, step);
  patterns.add<ReturnLowering>(context);
  ConversionTarget legal(*context);
  legal.addLegalDialect<arith::ArithDialect, func::FuncDialect,
                        LLVM::LLVMDialect, math::MathDialect,
                        memref::MemRefDialect, scf::SCFDialect,
                        vector::VectorDialect>();
  legal.addIllegalDialect<TrainDialect>();
  legal.addDynamicallyLegalOp<func::ReturnOp>(
      [](func::ReturnOp op) { return op.getNumOperands() == 0; });
  if (failed(applyPartialConversion(fn, legal, std::move(patterns))) ||
      step.failed)
    return failure();

  llvm::BitVector tensorArgs(fn.getNumArguments());
  tensorArgs.set(0, numTensorArgs);
  fn.eraseArguments(tensorArgs);
  fn.eraseResults(llvm::BitVector(fn.getNumResults(), true));
  fn->setDiscardableAttrs(DictionaryAttr::get(context));
  fn.setSymName(name);
  // The lowered functions follow the rest of the module, in a fixed order.
  fn->moveBefore(module.getBody(), module.getBody()->end());
  return success();
}

namespace {
struct ConvertTrainToLoopsPass
    : public train::impl::ConvertTrainToLoopsPassBase<ConvertTrainToLoopsPass> {
  using ConvertTrainToLoopsPassBase::ConvertTrainToLoopsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto forward = module.lookupSymbol<func::FuncOp>(kForwardFn);
    auto train = module.lookupSymbol<func::FuncOp>(kTrainStepFn);
    int64_t arenaBytes = activationArenaBytes(module);
    if (arenaBytes < 0) {
      module.emitError("expected @forward (and @train_step) planned by "
                       "train-plan-memory");
      return signalPassFailure();
    }
    target = TargetInfo::lookupOrEmit(module, targetName);
    if (!target)
      return signalPassFailure();

    auto bytes = [&](StringRef attr) {
      return module->getAttrOfType<IntegerAttr>(attr).getInt();
    };
    int64_t inputBytes = 0;
    for (BlockArgument arg : forward.getArguments())
      if (forward.getArgAttr(arg.getArgNumber(), TrainDialect::kInputAttr))
        inputBytes = bytesOf(arg.getType());
    if (train) {
      int64_t labelsBytes = 0;
      for (BlockArgument arg : train.getArguments())
        if (train.getArgAttr(arg.getArgNumber(), TrainDialect::kLabelsAttr))
          labelsBytes = bytesOf(arg.getType());
      // trainc_apply_update is built from the planned step, which the
      // conversion consumes: keep a copy.
      OwningOpRef<func::FuncOp> planned(train.clone());
      if (failed(convertStepFunction(module, *target, train,
                                     "trainc_train_step",
                                     {{Role::Context, 0},
                                      {Role::Params, bytes(kParamBytesAttr)},
                                      {Role::Grads, bytes(kParamBytesAttr)},
                                      {Role::Buffers, bytes(kBufferBytesAttr)},
                                      {Role::Arena, arenaBytes},
                                      {Role::Input, inputBytes},
                                      {Role::Labels, labelsBytes},
                                      {Role::Output, 4},
                                      {Role::State, optimizerStateBytes(module)},
                                      {Role::Hyper, 4 * kNumUpdateCoeffs},
                                      {Role::Accum, bytes(kParamBytesAttr)},
                                      {Role::Stats, 2 * 8 * noisePartialCount(train)}})))
        return signalPassFailure();
      if (module->hasAttr(kOptimizerAttr) &&
          failed(lowerApplyUpdate(module, *planned)))
        return signalPassFailure();
    }
    if (failed(convertStepFunction(
            module, *target, forward, "trainc_eval_step",
            {{Role::Context, 0},
             {Role::Params, bytes(kParamBytesAttr)},
             {Role::Buffers, bytes(kBufferBytesAttr)},
             {Role::Arena, arenaBytes},
             {Role::Input, inputBytes},
             {Role::Output, bytesOf(forward.getResultTypes()[0])}})))
      return signalPassFailure();
  }

  const TargetInfo *target = nullptr;

  /// trainc_apply_update: the update of every bucket, in order, on plain
  /// gradients, generated by the same code as the step's fused updates,
  /// from the planned step `train`.
  LogicalResult lowerApplyUpdate(ModuleOp module, func::FuncOp train) {
    OpBuilder b(module.getContext());
    int64_t paramBytes =
        module->getAttrOfType<IntegerAttr>(kParamBytesAttr).getInt();
    auto buckets = module->getAttrOfType<ArrayAttr>(kBucketsAttr);
    if (!buckets)
      return train.emitError("the step has no train.buckets "
                             "(run train-bucket-gradients first)");
    auto name = module->getAttrOfType<StringAttr>(kOptimizerAttr);
    std::optional<Algorithm> algorithm =
        name ? symbolizeAlgorithm(name.getValue()) : std::nullopt;
    if (!algorithm)
      return train.emitError("the module has no known optimizer "
                             "(train.optimizer; run train-insert-optimizer)");
    func::FuncOp function =
        declareArenaFunction(b, module, train.getLoc(), "trainc_apply_update",
                             {{Role::Context, 0},
                              {Role::Params, paramBytes},
                              {Role::Grads, paramBytes},
                              {Role::State, optimizerStateBytes(module)},
                              {Role::Hyper, 4 * kNumUpdateCoeffs},
                              {Role::Arena, applyUpdateScratchBytes(module)}});
    StepLowering step(module, train, function, *target);
    Lowering l(step, b, train.getLoc());
    for (int64_t i = 0, e = buckets.size(); i < e; ++i) {
      auto segments = bucketSegments(l, train, i);
      // The buckets run one after another: each uses the arena's start
      // (NLCG's tables, which all buckets fill, are the only scratch then).
      if (failed(segments) ||
          failed(emitOptimizerUpdate(
              l, train, *algorithm, i, *segments,
              [](ScalarOps &o, const UpdateSegment &, Value g, ValueRange iv) {
                return o.load(g, iv);
              },
              /*scratch=*/0)))
        return failure();
    }
    // A global update finishes without a line search: there is no loss.
    if (optimizerInfo(*algorithm).global &&
        failed(emitOptimizerStep(l, train, *algorithm, l.nullPointer(),
                                 /*scratch=*/0)))
      return failure();
    b.create<func::ReturnOp>(train.getLoc());
    return success();
  }

  /// Declares `name` on byte arenas with the given roles and sizes, and
  /// leaves `b` at the start of its body.
  static func::FuncOp
  declareArenaFunction(OpBuilder &b, ModuleOp module, Location loc,
                       StringRef name,
                       ArrayRef<std::pair<Role, int64_t>> roles) {
    b.setInsertionPointToEnd(module.getBody());
    SmallVector<Type> types;
    for (auto [role, size] : roles)
      types.push_back(roleType(b, role, size));
    auto target =
        b.create<func::FuncOp>(loc, name, b.getFunctionType(types, {}));
    for (auto [i, role] : llvm::enumerate(roles))
      target.setArgAttrs(i, roleAttrs(b, role.first));
    b.setInsertionPointToStart(target.addEntryBlock());
    return target;
  }
};
} // namespace
