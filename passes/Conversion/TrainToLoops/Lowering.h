//===- Lowering.h - shared state of the train-to-loops lowering --*- C++
//-*-===//
//
// The lowering turns a planned step function (tensors) into a function on
// byte arenas. Each tensor value becomes a view of its home (Placement.h);
// each op becomes either a call into the runtime's library kernels or an
// scf.parallel loop nest. Op families live in one file each, as in Triton:
// Elementwise.cpp, Normalization.cpp, Pooling.cpp, Loss.cpp, Library.cpp,
// Collectives.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_PASSES_CONVERSION_TRAINTOLOOPS_LOWERING_H
#define TRAINC_PASSES_CONVERSION_TRAINTOLOOPS_LOWERING_H

#include "passes/Conversion/TargetInfo.h"
#include "passes/Placement.h"

#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

#include <functional>
#include <tuple>

namespace mlir::train {

/// What the patterns lowering one step function share: the function whose
/// placement they read (`source`: tensor values, train.offset and
/// train.slots) and the function they build into (`target`: the arena
/// arguments with their train.role). convert-train-to-loops converts a
/// step function in place (source == target, the arenas appended to its
/// arguments); trainc_apply_update is built into a function of its own from
/// the planned @train_step.
class StepLowering {
public:
  StepLowering(ModuleOp module, func::FuncOp source, func::FuncOp target,
               const TargetInfo &info);

  ModuleOp module;
  func::FuncOp source, target;
  const TargetInfo &info;
  /// Set by a pattern whose op could not be lowered (it emitted the
  /// diagnostic): the conversion goes on, the pass fails.
  bool failed = false;

  /// The target's argument with `train.role` `role`.
  Value argWithRole(Role role);
  std::string uniqueGlobalName(StringRef prefix);

  /// Function results whose producer could not write them in place: the
  /// result indices each value is copied to, as soon as it exists.
  DenseMap<Value, SmallVector<unsigned>> copies;
  llvm::StringMap<Value> hostScratches;

private:
  llvm::StringMap<unsigned> globalCounts;
};

/// Builds the lowering of one op (or of one generated function) at the
/// builder's insertion point, with the location `loc`: the op's own, so the
/// ONNX node's name reaches the loops IR and the debug information.
class Lowering {
public:
  Lowering(StepLowering &step, OpBuilder &builder, Location loc);

  StepLowering &step;
  OpBuilder &b;
  Location loc;

  /// The tensor-level function being lowered, and its module.
  func::FuncOp sourceFunction() const { return step.source; }
  ModuleOp parentModule() const { return step.module; }
  const TargetInfo &target() const { return step.info; }

  /// The lowered function's argument that backs `home` (an arena or an
  /// output), and the byte offset of the value in it.
  std::pair<Value, int64_t> baseOf(Value tensor);
  /// `tensor` as a memref of its own shape (or of `shape`, same bytes).
  Value view(Value tensor);
  Value view(Value tensor, ArrayRef<int64_t> shape);
  /// `tensor` as a 1-D memref of all its elements.
  Value flat(Value tensor);
  /// The flat view of the home of the source function's result `index`,
  /// whose value is `value` (a gradient, an updated buffer or an output).
  Value resultView(unsigned index, Value value);
  /// Copies `value` into the home of every function result that returns
  /// it without its producer having written it there (StepLowering::copies).
  void copyToResults(Value value);
  /// The lowered function's argument with `train.role` `role`.
  Value argWithRole(Role role) { return step.argWithRole(role); }
  /// `count` elements of `element` at byte `offset` of the `role` arena.
  Value arenaView(Role role, int64_t offset, Type element, int64_t count);
  /// A raw pointer to byte `offset` of the `role` arena, for runtime calls.
  Value arenaPointer(Role role, int64_t offset);
  /// A raw pointer to byte `offset` of the memref `base`.
  Value pointerAt(Value base, int64_t offset);

  // --- scalar helpers --------------------------------------------------------
  Value index(int64_t v);
  Value f32(double v);
  Value f64(double v);
  Value i32(int64_t v);
  Value i64(int64_t v);
  /// The lower bound 0, upper bound `ub` and step 1 of a loop, created step
  /// first.
  std::tuple<Value, Value, Value> bounds(int64_t ub);

  /// An scf.parallel nest over [0, ub) for each bound; `body` gets the
  /// induction variables.
  void parallel(ArrayRef<int64_t> ubs, function_ref<void(ValueRange ivs)> body);
  /// A kernel of one iteration: the last level of a reduction, which
  /// combines partial sums in a fixed order (the pipeline keeps it a
  /// kernel; see passes/Pipelines.cpp).
  void serial(function_ref<void()> body);
  /// A sequential loop nest over [0, ub) for each bound.
  void loops(ArrayRef<int64_t> ubs, function_ref<void(ValueRange ivs)> body);
  /// A sequential reduction with several accumulators, over [0, ub) or
  /// over [lo, hi) by `step`.
  SmallVector<Value>
  reduceMany(int64_t ub, ValueRange inits,
             function_ref<SmallVector<Value>(Value iv, ValueRange acc)> body);
  SmallVector<Value>
  reduceMany(Value lo, Value hi, Value step, ValueRange inits,
             function_ref<SmallVector<Value>(Value iv, ValueRange acc)> body);
  /// A sequential reduction over [0, ub): `init` is the start, `body` maps
  /// (iv, acc) to the next accumulator.
  Value reduce(int64_t ub, Value init,
               function_ref<Value(Value iv, Value acc)> body);

  /// A raw pointer to the first element of a memref, for runtime calls.
  Value pointer(Value memref);
  /// A raw pointer to the first byte of `tensor`'s home. (Computed from the
  /// arena argument, not from a view: the aligned pointer of a memref.view
  /// does not include its byte shift once views are folded.)
  Value pointerTo(Value tensor);
  /// A pointer to a private constant global holding `values` (geometry).
  Value constantI64Array(ArrayRef<int64_t> values, StringRef prefix);
  /// A private constant global holding `values`, as a flat memref.
  Value constantTable(DenseElementsAttr values);
  /// Declares (once) the target's runtime entry point `entry`
  /// (TargetInfo::symbol) taking pointers and scalars, and calls it with
  /// the step's context first; returns its result, if it has one.
  Value callRuntime(StringRef entry, ValueRange args, TypeRange results = {});
  /// `count` elements of `element` of the scratch train-plan-memory gave
  /// `op` (Placement.h: scratchBytes), from its byte `at`.
  Value scratchOf(Operation *op, Type element, int64_t count, int64_t at = 0);
  /// A raw pointer to byte `at` of `op`'s scratch, for runtime calls.
  Value scratchPointer(Operation *op, int64_t at = 0);

  /// A buffer in host memory (a stack slot of the lowered function,
  /// train.memory_space "host"), shared by every op of the function that
  /// asks for `key`: host code and the runtime read and write it, kernels
  /// never do. `created` tells whether this call made it.
  Value hostScratch(StringRef key, Type element, int64_t count,
                    bool *created = nullptr);
  /// A null pointer, for runtime calls.
  Value nullPointer();

  /// Writes `value` (f32) into every element of `memref` (1-D).
  void fill(Value memref, int64_t count, Value value);
  /// Copies `count` elements from `from` to `to` (both 1-D).
  void copy(Value from, Value to, int64_t count);
};

/// Terse builders for the scalar arithmetic of kernel bodies.
struct ScalarOps {
  Lowering &l;
  OpBuilder &b;
  Location loc;
  explicit ScalarOps(Lowering &l) : l(l), b(l.b), loc(l.loc) {}
  Value load(Value m, ValueRange iv) {
    return b.create<memref::LoadOp>(loc, m, iv);
  }
  void store(Value v, Value m, ValueRange iv) {
    b.create<memref::StoreOp>(loc, v, m, iv);
  }
  Value add(Value x, Value y) { return b.create<arith::AddFOp>(loc, x, y); }
  Value sub(Value x, Value y) { return b.create<arith::SubFOp>(loc, x, y); }
  Value mul(Value x, Value y) { return b.create<arith::MulFOp>(loc, x, y); }
  Value div(Value x, Value y) { return b.create<arith::DivFOp>(loc, x, y); }
  Value ext(Value x) { return b.create<arith::ExtFOp>(loc, b.getF64Type(), x); }
  Value ext32(Value x) {
    return b.create<arith::ExtFOp>(loc, b.getF32Type(), x);
  }
  Value trunc(Value x) {
    return b.create<arith::TruncFOp>(loc, b.getF32Type(), x);
  }
  Value max(Value x, Value y) { return b.create<arith::MaximumFOp>(loc, x, y); }
  Value exp(Value x) { return b.create<math::ExpOp>(loc, x); }
  Value log(Value x) { return b.create<math::LogOp>(loc, x); }
  /// 1 / sqrt(var + eps) in f64.
  Value invStd(Value var64, float eps) {
    return b.create<math::RsqrtOp>(loc, add(var64, l.f64(eps)));
  }
  /// sum over i < ni, j < nj of f(i, j), in f64.
  Value sum2(int64_t ni, int64_t nj, function_ref<Value(Value, Value)> f) {
    return l.reduce(ni, l.f64(0), [&](Value i, Value acc) {
      return l.reduce(nj, acc,
                      [&](Value j, Value acc2) { return add(acc2, f(i, j)); });
    });
  }
  /// Index arithmetic.
  Value iadd(Value x, int64_t c) {
    return b.create<arith::AddIOp>(loc, x, l.index(c));
  }
  Value imul(Value x, int64_t c) {
    return b.create<arith::MulIOp>(loc, x, l.index(c));
  }
  Value iadd(Value x, Value y) { return b.create<arith::AddIOp>(loc, x, y); }
  Value isub(Value x, Value y) { return b.create<arith::SubIOp>(loc, x, y); }
  Value imin(Value x, Value y) { return b.create<arith::MinSIOp>(loc, x, y); }
  Value imax(Value x, Value y) { return b.create<arith::MaxSIOp>(loc, x, y); }
  Value ilt(Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::slt, x, y);
  }
  Value ile(Value x, Value y) {
    return b.create<arith::CmpIOp>(loc, arith::CmpIPredicate::sle, x, y);
  }
  Value both(Value x, Value y) { return b.create<arith::AndIOp>(loc, x, y); }
  Value either(Value x, Value y) { return b.create<arith::OrIOp>(loc, x, y); }
  Value select(Value c, Value x, Value y) {
    return b.create<arith::SelectOp>(loc, c, x, y);
  }
  Value fgt(Value x, Value y) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::OGT, x, y);
  }
  Value isNan(Value x) {
    return b.create<arith::CmpFOp>(loc, arith::CmpFPredicate::UNO, x, x);
  }
  /// An index as f32.
  Value toF32(Value i) {
    Value asInt = b.create<arith::IndexCastOp>(loc, b.getI64Type(), i);
    return b.create<arith::SIToFPOp>(loc, b.getF32Type(), asInt);
  }
  /// Runs `body` when `cond` holds.
  void when(Value cond, function_ref<void()> body) {
    auto ifOp = b.create<scf::IfOp>(loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    body();
  }
  /// m[iv] += v
  void accumulate(Value m, ValueRange iv, Value v) {
    store(add(load(m, iv), v), m, iv);
  }
};

/// Channel `c`'s block and lane in channel blocks of `block`.
std::pair<Value, Value> splitChannel(ScalarOps &o, Value c, int64_t block);

/// A tensor [N, C, spatial...] as its memory holds it (channelBlockOf):
/// plain, a memref [N, C, S]; in channel blocks of B, a memref
/// [N, C/B, S, B]. S is the product of the spatial extents (1 for [N, C]).
/// Kernels index it by (sample, channel, position) whatever the layout.
struct ChannelView {
  int64_t n, c, s, block;
  Value memref;
  ChannelView(Lowering &l, Value tensor);
  bool blocked() const { return block > 0; }
  /// The memref indices of element (n, c, s).
  SmallVector<Value> at(ScalarOps &o, Value n, Value c, Value s) const;
  Value load(ScalarOps &o, Value n, Value c, Value s) const {
    return o.load(memref, at(o, n, c, s));
  }
  void store(ScalarOps &o, Value v, Value n, Value c, Value s) const {
    o.store(v, memref, at(o, n, c, s));
  }
};

// --- the patterns
// -------------------------------------------------------------
//
// One file per op family; each exposes populateTrain<Family>LoweringPatterns.
// A pattern lowers its op with a Lowering at the op (Lowering.cpp:
// lowerWith), copies results the function returns into their homes, and
// erases the op: every value keeps its planned home (Placement.h), which
// is what the type converter of a dialect conversion would otherwise
// compute, so the patterns read homes from the tensor values themselves.

/// The pattern that lowers every `OpT` with `fn`.
template <typename OpT>
class TrainOpLowering : public OpConversionPattern<OpT> {
public:
  using LowerFn = std::function<LogicalResult(Lowering &, OpT)>;
  TrainOpLowering(MLIRContext *context, StepLowering &step, LowerFn fn)
      : OpConversionPattern<OpT>(context), step(step), fn(std::move(fn)) {}

  LogicalResult
  matchAndRewrite(OpT op, typename OpT::Adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    return lowerWith(step, op, rewriter,
                     [&](Lowering &l) { return fn(l, op); });
  }

private:
  StepLowering &step;
  LowerFn fn;
};

/// Lowers `op` with `body` at the op, then copies its results that the
/// function returns and erases it (see TrainOpLowering). A failure of `body`
/// (a diagnostic already emitted) marks `step` failed.
LogicalResult lowerWith(StepLowering &step, Operation *op,
                        ConversionPatternRewriter &rewriter,
                        function_ref<LogicalResult(Lowering &)> body);

/// Adds the pattern lowering `OpT` with `fn` (LogicalResult or void).
template <typename OpT, typename Fn>
void addLowering(RewritePatternSet &patterns, StepLowering &step, Fn fn) {
  patterns.add<TrainOpLowering<OpT>>(
      patterns.getContext(), step, [fn](Lowering &l, OpT op) -> LogicalResult {
        if constexpr (std::is_void_v<decltype(fn(l, op))>) {
          fn(l, op);
          return success();
        } else {
          return fn(l, op);
        }
      });
}

/// The ReLUs and adds a blocked BatchNorm (training) writes through: the
/// ops right after it, each the single user of the one before, in its
/// output's layout (an add's other operand defined before the BatchNorm,
/// each result in the activation arena). The BatchNorm writes the last
/// one's result and never its own; those ops lower to nothing. (No value
/// is born between, so only the chain's own operands can share the last
/// result's slot, which the kernel reads element by element before it
/// writes there.)
SmallVector<Operation *> batchNormEpilogue(BatchNormOp bn);
/// Whether `op` is in a BatchNorm's epilogue.
bool inBatchNormEpilogue(Operation *op);

void populateTrainElementwiseLoweringPatterns(RewritePatternSet &patterns,
                                              StepLowering &step);
void populateTrainNormalizationLoweringPatterns(RewritePatternSet &patterns,
                                                StepLowering &step);
void populateTrainPoolingLoweringPatterns(RewritePatternSet &patterns,
                                          StepLowering &step);
void populateTrainLossLoweringPatterns(RewritePatternSet &patterns,
                                       StepLowering &step);
/// Convolutions and GEMMs as library calls, where the target makes them so.
void populateTrainLibraryLoweringPatterns(RewritePatternSet &patterns,
                                          StepLowering &step);
void populateTrainCollectiveLoweringPatterns(RewritePatternSet &patterns,
                                             StepLowering &step);

/// Converts the planned tensor-level step `fn` (@train_step or @forward) in
/// place into `name`, a function on byte arenas with the given roles and
/// sizes (appended to its arguments; the tensor arguments and results
/// go): the op families' patterns lower every op under a ConversionTarget
/// in which the train dialect is illegal, so an op no pattern lowers for
/// `target` is an error naming it.
LogicalResult
convertStepFunction(ModuleOp module, const TargetInfo &target, func::FuncOp fn,
                    StringRef name,
                    ArrayRef<std::pair<Role, int64_t>> roles);

/// The f32 coefficients of the update by short names: the numbering is
/// trainc/abi.h's (trainc_update_coeff), checked against the layout of
/// trainc_update_coeffs there.
enum UpdateCoeff : int {
  kLr = TRAINC_COEFF_LR,
  kWeightDecay = TRAINC_COEFF_WEIGHT_DECAY,
  kWeightDecayBnBias = TRAINC_COEFF_WEIGHT_DECAY_BN_BIAS,
  kDecay = TRAINC_COEFF_DECAY,
  kDecayBnBias = TRAINC_COEFF_DECAY_BN_BIAS,
  kMomentum = TRAINC_COEFF_MOMENTUM,
  kKeep = TRAINC_COEFF_KEEP,
  kBeta2 = TRAINC_COEFF_BETA2,
  kKeep2 = TRAINC_COEFF_KEEP2,
  kDenomScale = TRAINC_COEFF_DENOM_SCALE,
  kEps = TRAINC_COEFF_EPS,
  kCentered = TRAINC_COEFF_CENTERED,
  kHasMomentum = TRAINC_COEFF_HAS_MOMENTUM,
  kTrust = TRAINC_COEFF_TRUST,
  kMScale = TRAINC_COEFF_M_SCALE,
  kAccumulate = TRAINC_COEFF_ACCUMULATE,
  kMicro = TRAINC_COEFF_MICRO,
  kNoise = TRAINC_COEFF_NOISE,
  kLossCarry = TRAINC_COEFF_LOSS_CARRY,
  kNonfinite = TRAINC_COEFF_NONFINITE,
  kNumUpdateCoeffs = TRAINC_NUM_UPDATE_COEFFS
};

/// One parameter of a bucket: its byte offset (the same in the parameter,
/// gradient and every state slot), element count and weight-decay class.
struct UpdateSegment {
  int64_t offset, count;
  bool bnOrBias;
};

/// The parameters of bucket `index` of the module (train.buckets), in
/// order; their offsets are those of the planned step `l.sourceFunction()`.
FailureOr<SmallVector<UpdateSegment>> bucketSegments(Lowering &l, Operation *op,
                                                     int64_t index);

/// Gives the finished gradient of element `iv` of a segment whose gradient
/// range is `grads` (it may also store it back there).
using GradientLoad = function_ref<Value(ScalarOps &o, const UpdateSegment &s,
                                        Value grads, ValueRange iv)>;

/// The update `algorithm` (passes/Optimizers.h) of bucket `bucket`, whose
/// parameters are `segments`, reading the gradients through `load` and the
/// coefficients from the `hyper` argument. For a global algorithm this
/// only gathers the bucket's partial sums; emitOptimizerStep finishes.
/// `scratch` is the byte offset, in the activation arena, of the scratch
/// the algorithm needs (optimizerScratchBytes: LARS's and LAMB's layer
/// scales, NLCG's partial-sum tables), or -1. With `noise`, the pass that
/// reads the gradients also sums their squares for the noise scale into
/// that table (UpdateCommon.h, NoiseSquares).
struct NoiseTable {
  /// The index, in the f64 stats arena, of the bucket's first chunk.
  int64_t first;
  /// The partials of one table (the stats arena holds two).
  int64_t size;
};
LogicalResult emitOptimizerUpdate(Lowering &l, Operation *anchor,
                                  Algorithm algorithm, int64_t bucket,
                                  ArrayRef<UpdateSegment> segments,
                                  GradientLoad load, int64_t scratch,
                                  std::optional<NoiseTable> noise = {});

/// The global part of `algorithm`'s update (train.optimizer_step), after
/// every bucket's emitOptimizerUpdate; `loss` points to the step's
/// all-reduced loss, or is null.
LogicalResult emitOptimizerStep(Lowering &l, Operation *anchor,
                                Algorithm algorithm, Value loss,
                                int64_t scratch);

} // namespace mlir::train

#endif // TRAINC_PASSES_CONVERSION_TRAINTOLOOPS_LOWERING_H
