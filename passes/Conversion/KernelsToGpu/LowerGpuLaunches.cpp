//===- LowerGpuLaunches.cpp - kernel launches as calls to the runtime -----===//
//
// train-lower-gpu-launches: after gpu-module-to-binary, the host side of the
// CUDA target. MLIR 19's own translation of gpu.launch_func loads and
// unloads the module and creates, synchronises and destroys a stream around
// every launch (../shared/design/CUDA.md); ours loads nothing per launch:
//
//  - the one gpu.binary (@trainc_kernels: SASS for --cuda-arch and the PTX)
//    becomes the constant `trainc.gpu_image`, which the model description
//    (trainc_model_desc.gpu_image) hands to the runtime; the runtime loads it
//    once at start-up and looks every kernel up by name;
//  - the names of the launched kernels, in the order of their numbers,
//    become `trainc.gpu_kernels`, each NUL-terminated, then one more NUL;
//    the target's chip becomes `trainc.gpu_arch`;
//  - each gpu.launch_func becomes
//      trainc_rt_launch(context, kernel, grid x/y/z, block x/y/z,
//                       shared bytes, params, num_params)
//    on the step's context (its stream): `params` is one 8-byte slot per
//    kernel argument in a stack array at the function's entry (an arena's
//    address, an index as i64, an i1 as a byte (NVPTX's .u8), a scalar of
//    8 to 64 bits in its own bytes), which
//    cuLaunchKernel copies when the launch is enqueued.
//
// Kernels take bare pointers for their arenas (convert-gpu-to-nvvm with
// use-bare-ptr-memref-call-conv), so every memref a launch passes must have
// a static shape and the identity layout: the arenas.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/Placement.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::train {
#define GEN_PASS_DEF_LOWERGPULAUNCHESPASS
#include "passes/Passes.h.inc"
} // namespace mlir::train

using namespace mlir;
using namespace mlir::train;

namespace {
constexpr llvm::StringLiteral kLaunch = "trainc_rt_launch";
constexpr llvm::StringLiteral kImage = "trainc.gpu_image";
constexpr llvm::StringLiteral kKernelNames = "trainc.gpu_kernels";
constexpr llvm::StringLiteral kArch = "trainc.gpu_arch";

/// A launch argument the runtime can pass: an arena (static shape, identity
/// layout: a bare pointer in the kernel) or a 32/64-bit scalar.
bool passable(Type type) {
  if (auto memref = dyn_cast<MemRefType>(type))
    return memref.hasStaticShape() && memref.getLayout().isIdentity();
  if (type.isIndex())
    return true;
  if (type.isIntOrFloat()) {
    unsigned width = type.getIntOrFloatBitWidth();
    return width == 32 || width == 64 || (type.isInteger() && width <= 16);
  }
  return false;
}

struct LowerGpuLaunchesPass
    : public train::impl::LowerGpuLaunchesPassBase<LowerGpuLaunchesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::LaunchFuncOp> launches;
    module.walk([&](gpu::LaunchFuncOp l) { launches.push_back(l); });
    SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
    if (launches.empty() && binaries.empty())
      return;
    if (binaries.size() != 1) {
      module.emitError("expected one gpu.binary (train-merge-gpu-modules, "
                       "gpu-module-to-binary), found ")
          << binaries.size();
      return signalPassFailure();
    }
    gpu::BinaryOp binary = binaries.front();
    if (binary.getObjects().size() != 1) {
      binary.emitError("expected one object in the GPU binary (one target)");
      return signalPassFailure();
    }
    auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    if (module.walk([](gpu::GPUModuleOp m) { return WalkResult::interrupt(); })
            .wasInterrupted()) {
      module.emitError("a gpu.module is left: run gpu-module-to-binary first");
      return signalPassFailure();
    }

    // The kernels, numbered in the order they are first launched.
    llvm::StringMap<int32_t> numbers;
    std::string names;
    int64_t maxArgs = 1;
    for (gpu::LaunchFuncOp launch : launches) {
      if (launch.getKernelModuleName() != binary.getSymNameAttr()) {
        launch.emitError("launches a kernel outside the module's GPU binary");
        return signalPassFailure();
      }
      if (!launch.getAsyncDependencies().empty() || launch.getAsyncToken() ||
          launch.getAsyncObject() || launch.hasClusterSize()) {
        launch.emitError("an asynchronous or clustered launch has no lowering "
                         "(the runtime orders launches on the step's stream)");
        return signalPassFailure();
      }
      for (Value arg : launch.getKernelOperands())
        if (!passable(arg.getType())) {
          launch.emitError("a kernel argument of type ")
              << arg.getType()
              << " cannot be passed (arenas of static shape, integers of "
                 "1 to 64 bits and 32- or 64-bit floats only)";
          return signalPassFailure();
        }
      StringRef name = launch.getKernelName().getValue();
      if (numbers.try_emplace(name, numbers.size()).second) {
        names += name.str();
        names.push_back('\0');
      }
      maxArgs = std::max<int64_t>(maxArgs, launch.getKernelOperands().size());
    }

    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Location loc = binary.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    Type i32 = b.getI32Type(), i64 = b.getI64Type();
    b.setInsertionPoint(binary);
    auto global = [&](StringRef name, StringRef bytes) {
      auto type = LLVM::LLVMArrayType::get(b.getI8Type(), bytes.size());
      b.create<LLVM::GlobalOp>(loc, type, /*isConstant=*/true,
                               LLVM::Linkage::Private, name,
                               b.getStringAttr(bytes), /*alignment=*/8);
    };
    global(kImage, object.getObject().getValue());
    names.push_back('\0');
    global(kKernelNames, names);
    std::string arch;
    if (auto nvvm = dyn_cast<NVVM::NVVMTargetAttr>(object.getTarget()))
      arch = nvvm.getChip().str();
    arch.push_back('\0');
    global(kArch, arch);

    auto launchFn = module.lookupSymbol<func::FuncOp>(kLaunch);
    if (!launchFn) {
      launchFn = b.create<func::FuncOp>(
          loc, kLaunch,
          b.getFunctionType({ptr, i32, i64, i64, i64, i64, i64, i64, i32, ptr,
                             i32},
                            {}));
      launchFn.setPrivate();
    }

    // One stack array of argument slots per function, at its entry.
    llvm::DenseMap<Operation *, Value> slotsOf;
    for (gpu::LaunchFuncOp launch : launches) {
      auto fn = launch->getParentOfType<FunctionOpInterface>();
      Value context = fn ? argumentWithRole(fn, Role::Context) : Value();
      if (!context) {
        launch.emitError("a kernel launch needs the function's runtime "
                         "context (an argument with train.role = "
                         "#train.role<context>)");
        return signalPassFailure();
      }
      Location at = launch.getLoc();
      Value &slots = slotsOf[fn];
      if (!slots) {
        b.setInsertionPointToStart(&fn.getFunctionBody().front());
        Value count = b.create<LLVM::ConstantOp>(
            at, i64, b.getI64IntegerAttr(maxArgs));
        slots = b.create<LLVM::AllocaOp>(at, ptr, i64, count, 8);
      }
      b.setInsertionPoint(launch);
      for (auto [i, arg] : llvm::enumerate(launch.getKernelOperands())) {
        Value value = arg;
        if (isa<MemRefType>(arg.getType())) {
          Value address =
              b.create<memref::ExtractAlignedPointerAsIndexOp>(at, arg);
          value = b.create<LLVM::IntToPtrOp>(
              at, ptr, b.create<arith::IndexCastOp>(at, i64, address));
        } else if (arg.getType().isIndex()) {
          value = b.create<arith::IndexCastOp>(at, i64, arg);
        } else if (arg.getType().isInteger(1)) {
          // NVPTX passes an i1 parameter as .u8: 0 or 1 in its low byte.
          value = b.create<arith::ExtUIOp>(at, b.getI8Type(), arg);
        }
        Value slot = b.create<LLVM::GEPOp>(
            at, ptr, i64, slots, ArrayRef<LLVM::GEPArg>{int32_t(i)});
        b.create<LLVM::StoreOp>(at, value, slot);
      }
      auto toI64 = [&](Value v) -> Value {
        return b.create<arith::IndexCastOp>(at, i64, v);
      };
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      Value shared = launch.getDynamicSharedMemorySize();
      if (!shared)
        shared = b.create<arith::ConstantIntOp>(at, 0, 32);
      Value kernel = b.create<arith::ConstantIntOp>(
          at, numbers.lookup(launch.getKernelName().getValue()), 32);
      Value numArgs = b.create<arith::ConstantIntOp>(
          at, launch.getKernelOperands().size(), 32);
      b.create<func::CallOp>(
          at, launchFn,
          ValueRange{context, kernel, toI64(grid.x), toI64(grid.y),
                     toI64(grid.z), toI64(block.x), toI64(block.y),
                     toI64(block.z), shared, slots, numArgs});
      launch.erase();
    }
    binary.erase();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
  }
};
} // namespace
