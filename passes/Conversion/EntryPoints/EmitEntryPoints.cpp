//===- EmitEntryPoints.cpp - the model's C entry points -------------------===//
//
// The lowered step functions take one pointer per argument role
// (train.role). The model's entry points (runtime/include/trainc/model.h)
// take one trainc_step_args: this pass renames each lowered function
// `<name>` to `<name>.body` (internal) and defines `<name>(args)`, which
// checks the struct's size and ABI version (trainc_rt_bad_step_args ends
// the process on a mismatch), loads the field of each argument's role
// (trainc/abi.h: field i at byte 8 + 8 i) and calls the body.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

#include "runtime/include/trainc/model.h"

namespace mlir::train {
#define GEN_PASS_DEF_EMITENTRYPOINTSPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
/// The entry points of model.h.
constexpr llvm::StringLiteral kEntryPoints[] = {
    "trainc_train_step", "trainc_apply_update", "trainc_eval_step"};
constexpr llvm::StringLiteral kBadArgs = "trainc_rt_bad_step_args";
constexpr int64_t kStepArgsBytes = sizeof(trainc_step_args);

struct EmitEntryPointsPass
    : public train::impl::EmitEntryPointsPassBase<EmitEntryPointsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (StringRef name : kEntryPoints)
      if (auto body = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
        if (failed(emit(module, body)))
          return signalPassFailure();
  }

  LogicalResult emit(ModuleOp module, LLVM::LLVMFuncOp body) {
    MLIRContext *ctx = module.getContext();
    Location loc = body.getLoc();
    std::string name = body.getSymName().str();
    // Where each argument comes from.
    SmallVector<int> fields;
    for (unsigned i = 0, e = body.getNumArguments(); i < e; ++i) {
      auto role = body.getArgAttrOfType<RoleAttr>(i, kRoleAttr);
      int field = role ? static_cast<int>(role.getValue()) : -1;
      if (field < 0 ||
          !isa<LLVM::LLVMPointerType>(body.getFunctionType().getParamType(i)))
        return body.emitError("argument ")
               << i << " of an entry point has no step-argument role "
               << "(train.role) or is not a pointer";
      fields.push_back(field);
    }
    body.setSymName(name + ".body");
    body.setLinkage(LLVM::Linkage::Internal);

    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i8 = b.getI8Type(), i32 = b.getI32Type();
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto badArgs = module.lookupSymbol<LLVM::LLVMFuncOp>(kBadArgs);
    if (!badArgs)
      badArgs = b.create<LLVM::LLVMFuncOp>(
          loc, kBadArgs, LLVM::LLVMFunctionType::get(voidType, {i32, i32}));
    auto entry = b.create<LLVM::LLVMFuncOp>(
        loc, name, LLVM::LLVMFunctionType::get(voidType, {ptr}));
    Block *check = entry.addEntryBlock(b);
    Block *bad = b.createBlock(&entry.getBody());
    Block *call = b.createBlock(&entry.getBody());
    Value args = check->getArgument(0);

    auto fieldAddress = [&](int64_t byte) -> Value {
      return b.create<LLVM::GEPOp>(loc, ptr, i8, args,
                                   ArrayRef<LLVM::GEPArg>{int32_t(byte)});
    };
    b.setInsertionPointToStart(check);
    Value size = b.create<LLVM::LoadOp>(loc, i32, args);
    Value version = b.create<LLVM::LoadOp>(loc, i32, fieldAddress(4));
    Value bigEnough = b.create<LLVM::ICmpOp>(
        loc, LLVM::ICmpPredicate::uge, size,
        b.create<LLVM::ConstantOp>(loc, i32, kStepArgsBytes));
    Value sameVersion = b.create<LLVM::ICmpOp>(
        loc, LLVM::ICmpPredicate::eq, version,
        b.create<LLVM::ConstantOp>(loc, i32, TRAINC_MODEL_ABI_VERSION));
    Value ok = b.create<LLVM::AndOp>(loc, bigEnough, sameVersion);
    b.create<LLVM::CondBrOp>(loc, ok, call, bad);

    b.setInsertionPointToStart(bad);
    b.create<LLVM::CallOp>(loc, badArgs, ValueRange{size, version});
    b.create<LLVM::UnreachableOp>(loc);

    b.setInsertionPointToStart(call);
    SmallVector<Value> operands;
    for (int field : fields)
      operands.push_back(
          b.create<LLVM::LoadOp>(loc, ptr, fieldAddress(8 + 8 * field)));
    b.create<LLVM::CallOp>(loc, body, operands);
    b.create<LLVM::ReturnOp>(loc, ValueRange{});
    return success();
  }
};
} // namespace
