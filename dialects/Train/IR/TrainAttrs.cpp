//===- TrainAttrs.cpp - train dialect attributes ---------------------------===//

#include "dialects/Train/IR/TrainAttrs.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"

#include "runtime/include/trainc/abi.h"
#include "runtime/include/trainc/optimizers.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::train;

#include "dialects/Train/IR/TrainEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Train/IR/TrainAttrs.cpp.inc"

// Every enum is a numbering of trainc/abi.h, which the runtime shares.
static_assert(static_cast<int>(Reduction::Sum) == TRAINC_REDUCE_SUM &&
                  static_cast<int>(Reduction::Mean) == TRAINC_REDUCE_MEAN,
              "train.Reduction follows trainc/abi.h");
static_assert(static_cast<int>(Role::Context) == TRAINC_ARG_CONTEXT &&
                  static_cast<int>(Role::Params) == TRAINC_ARG_PARAMS &&
                  static_cast<int>(Role::Grads) == TRAINC_ARG_GRADS &&
                  static_cast<int>(Role::Buffers) == TRAINC_ARG_BUFFERS &&
                  static_cast<int>(Role::State) == TRAINC_ARG_STATE &&
                  static_cast<int>(Role::Arena) == TRAINC_ARG_ARENA &&
                  static_cast<int>(Role::Input) == TRAINC_ARG_INPUT &&
                  static_cast<int>(Role::Labels) == TRAINC_ARG_LABELS &&
                  static_cast<int>(Role::Output) == TRAINC_ARG_OUTPUT &&
                  static_cast<int>(Role::Hyper) == TRAINC_ARG_HYPER &&
                  static_cast<int>(Role::Accum) == TRAINC_ARG_ACCUM &&
                  static_cast<int>(Role::Stats) == TRAINC_ARG_STATS &&
                  getMaxEnumValForRole() + 1 == TRAINC_NUM_STEP_ARGS,
              "train.Role follows trainc/abi.h's trainc_step_field");
static_assert(static_cast<int>(Algorithm::Sgd) == TRAINC_OPT_SGD &&
                  static_cast<int>(Algorithm::Momentum) == TRAINC_OPT_MOMENTUM &&
                  static_cast<int>(Algorithm::Nesterov) == TRAINC_OPT_NESTEROV &&
                  static_cast<int>(Algorithm::Adagrad) == TRAINC_OPT_ADAGRAD &&
                  static_cast<int>(Algorithm::Rmsprop) == TRAINC_OPT_RMSPROP &&
                  static_cast<int>(Algorithm::Adam) == TRAINC_OPT_ADAM &&
                  static_cast<int>(Algorithm::Adamw) == TRAINC_OPT_ADAMW &&
                  static_cast<int>(Algorithm::Lars) == TRAINC_OPT_LARS &&
                  static_cast<int>(Algorithm::Lamb) == TRAINC_OPT_LAMB &&
                  static_cast<int>(Algorithm::Nlcg) == TRAINC_OPT_NLCG &&
                  getMaxEnumValForAlgorithm() + 1 == TRAINC_NUM_ALGORITHMS &&
                  TRAINC_NUM_ALGORITHMS == TRAINC_NUM_OPTIMIZERS,
              "train.Algorithm follows trainc/optimizers.h");
static_assert(static_cast<int>(MemorySpace::Host) == TRAINC_MEMORY_HOST &&
                  static_cast<int>(MemorySpace::Device) == TRAINC_MEMORY_DEVICE,
              "train.MemorySpace follows trainc/abi.h");

static_assert(static_cast<int>(InitRule::Other) == TRAINC_INIT_OTHER &&
                  static_cast<int>(InitRule::ConvWeight) ==
                      TRAINC_INIT_CONV_WEIGHT &&
                  static_cast<int>(InitRule::LinearWeight) ==
                      TRAINC_INIT_LINEAR_WEIGHT &&
                  static_cast<int>(InitRule::LinearWeightT) ==
                      TRAINC_INIT_LINEAR_WEIGHT_T &&
                  static_cast<int>(InitRule::BnScale) == TRAINC_INIT_BN_SCALE &&
                  static_cast<int>(InitRule::BnShift) == TRAINC_INIT_BN_SHIFT &&
                  static_cast<int>(InitRule::Bias) == TRAINC_INIT_BIAS &&
                  static_cast<int>(InitRule::BnMean) == TRAINC_INIT_BN_MEAN &&
                  static_cast<int>(InitRule::BnVar) == TRAINC_INIT_BN_VAR &&
                  getMaxEnumValForInitRule() + 1 == TRAINC_NUM_INIT_RULES,
              "train.InitRule follows trainc/abi.h");

void TrainDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/Train/IR/TrainAttrs.cpp.inc"
      >();
}

LogicalResult
TensorDescAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       StringRef name, TensorKind kind, DenseI64ArrayAttr shape,
                       int64_t offset, ElementsAttr init, BoolAttr bnOrBias,
                       InitRule initRule, int64_t layout) {
  if (name.empty())
    return emitError() << "a model tensor needs a name";
  if (!shape || llvm::any_of(shape.asArrayRef(),
                             [](int64_t d) { return d < 0; }))
    return emitError() << "tensor '" << name
                       << "' must have a static, non-negative shape";
  if (offset < 0)
    return emitError() << "tensor '" << name
                       << "' must have a non-negative offset";
  auto type = init ? llvm::dyn_cast<RankedTensorType>(init.getType()) : nullptr;
  if (!type || type.getShape() != shape.asArrayRef() ||
      !type.getElementType().isF32())
    return emitError() << "the initial value of tensor '" << name
                       << "' must be f32 of its shape";
  if (kind == TensorKind::Buffer && bnOrBias && bnOrBias.getValue())
    return emitError() << "buffer '" << name
                       << "' cannot be exempt from weight decay";
  bool bufferRule = initRule == InitRule::BnMean || initRule == InitRule::BnVar;
  if (initRule != InitRule::Other &&
      bufferRule != (kind == TensorKind::Buffer))
    return emitError() << "tensor '" << name << "' cannot be a "
                       << (kind == TensorKind::Buffer ? "buffer" : "parameter")
                       << " initialised as " << stringifyInitRule(initRule);
  int64_t rank = shape.size();
  int64_t wantRank = initRule == InitRule::ConvWeight ? 4
                     : initRule == InitRule::LinearWeight ||
                             initRule == InitRule::LinearWeightT
                         ? 2
                     : initRule == InitRule::Other ? rank
                                                   : 1;
  if (rank != wantRank)
    return emitError() << "tensor '" << name << "' of rank " << rank
                       << " cannot be initialised as "
                       << stringifyInitRule(initRule);
  if (layout != 0 &&
      ((layout != 8 && layout != 16) || kind != TensorKind::Param ||
       rank != 4 || shape[0] % layout != 0 || shape[1] % layout != 0))
    return emitError() << "tensor '" << name << "' cannot have layout "
                       << layout
                       << " (a parameter filter [O, I, kH, kW] in channel "
                          "blocks of 8 or 16 dividing O and I)";
  return success();
}

LogicalResult ModelAttr::verify(
    function_ref<InFlightDiagnostic()> emitError, ArrayAttr tensors,
    DenseI32ArrayAttr memorySpaces, int64_t paramBytes, int64_t bufferBytes,
    int64_t stateBytes, int64_t arenaBytes, StringRef optimizer,
    DenseI64ArrayAttr inputShape, int64_t numClasses, StringRef inputName,
    StringRef outputName, StringRef source) {
  if (paramBytes < 0 || bufferBytes < 0 || stateBytes < 0 || arenaBytes < 0)
    return emitError() << "arena sizes must be non-negative";
  if (!memorySpaces || memorySpaces.size() != TRAINC_NUM_STEP_ARGS ||
      llvm::any_of(memorySpaces.asArrayRef(), [](int32_t space) {
        return !symbolizeMemorySpace(space);
      }))
    return emitError() << "memory_spaces must hold a memory space (0 host, 1 "
                          "device) for each of the "
                       << static_cast<int>(TRAINC_NUM_STEP_ARGS)
                       << " fields of trainc_step_args";
  if (!inputShape || inputShape.empty() ||
      llvm::any_of(inputShape.asArrayRef(), [](int64_t d) { return d <= 0; }))
    return emitError() << "input_shape must be a static shape [batch, ...]";
  if (numClasses <= 0)
    return emitError() << "num_classes must be positive";
  if (inputName.empty() || outputName.empty())
    return emitError() << "the model's input and output need names";
  for (Attribute a : tensors) {
    auto tensor = llvm::dyn_cast<TensorDescAttr>(a);
    if (!tensor)
      return emitError() << "tensors must be #train.tensor attributes, not "
                         << a;
    int64_t bytes = 4;
    for (int64_t d : tensor.getShape().asArrayRef())
      bytes *= d;
    int64_t arena =
        tensor.getKind() == TensorKind::Param ? paramBytes : bufferBytes;
    if (tensor.getOffset() + bytes > arena)
      return emitError() << "tensor '" << tensor.getName() << "' ("
                         << bytes << " bytes at " << tensor.getOffset()
                         << ") does not fit its arena of " << arena
                         << " bytes";
  }
  return success();
}
