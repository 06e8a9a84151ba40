//===- LoweringPatternsTest.cpp - the lowering under a ConversionTarget ---===//
//
// convert-train-to-loops gathers the op families' patterns under a
// ConversionTarget in which the train dialect is illegal. An op that no
// pattern lowers for the target is an error naming the op, never a silent
// skip: checked here with a target whose GEMMs are not library calls (no
// target of the compiler is such, so no lit test can reach it).
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/TrainToLoops/Lowering.h"

#include "dialects/Train/IR/TrainDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::train;

namespace {
/// A planned @forward: relu into a slot of the arena, then a matmul into
/// the output.
constexpr const char *kPlanned = R"mlir(
module attributes {train.buffer_bytes = 0 : i64, train.param_bytes = 64 : i64} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<4x3xf32> {train.offset = 0 : i64, train.param = "w", train.init = dense<1.0> : tensor<4x3xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) attributes {train.arena_bytes = 64 : i64} {
  %r = train.relu %x {train.slots = array<i64: 0>} : tensor<2x4xf32> loc("relu_node")
  %y = train.matmul %r, %w {train.slots = array<i64: -1>} : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32> loc("matmul_node")
  return %y : tensor<2x3xf32>
}
}
)mlir";

class LoweringPatternsTest : public ::testing::Test {
protected:
  LoweringPatternsTest()
      : handler(&context, [this](Diagnostic &d) {
          messages.push_back(d.str());
          return success();
        }) {
    context.loadDialect<TrainDialect, func::FuncDialect, arith::ArithDialect,
                        memref::MemRefDialect, scf::SCFDialect,
                        math::MathDialect, LLVM::LLVMDialect>();
  }

  LogicalResult convert(const TargetInfo &target) {
    module = parseSourceString<ModuleOp>(kPlanned, &context);
    if (!module)
      return failure();
    auto forward = module->lookupSymbol<func::FuncOp>("forward");
    return convertStepFunction(*module, target, forward, "trainc_eval_step",
                               {{Role::Context, 0},
                                {Role::Params, 64},
                                {Role::Buffers, 0},
                                {Role::Arena, 64},
                                {Role::Input, 32},
                                {Role::Output, 24}});
  }

  MLIRContext context;
  ScopedDiagnosticHandler handler;
  std::vector<std::string> messages;
  OwningOpRef<ModuleOp> module;
};

TEST_F(LoweringPatternsTest, EveryOpOfTheCpuTargetLowers) {
  ASSERT_TRUE(succeeded(convert(*TargetInfo::lookup("cpu"))))
      << (messages.empty() ? "" : messages.front());
  auto fn = module->lookupSymbol<func::FuncOp>("trainc_eval_step");
  ASSERT_TRUE(fn);
  EXPECT_EQ(fn.getNumArguments(), 6u);
  EXPECT_EQ(fn.getNumResults(), 0u);
  // The code of each op carries the op's location (the ONNX node's name).
  bool reluKernel = false, gemmCall = false;
  fn.walk([&](Operation *op) {
    auto name = dyn_cast<NameLoc>(op->getLoc());
    if (isa<scf::ParallelOp>(op) && name && name.getName() == "relu_node")
      reluKernel = true;
    if (auto call = dyn_cast<func::CallOp>(op))
      gemmCall |= call.getCallee() == "trainc_rt_gemm" && name &&
                  name.getName() == "matmul_node";
  });
  EXPECT_TRUE(reluKernel);
  EXPECT_TRUE(gemmCall);
  EXPECT_TRUE(fn.walk([](Operation *op) {
                  return isa<TrainDialect>(op->getDialect())
                             ? WalkResult::interrupt()
                             : WalkResult::advance();
                }).wasInterrupted() == false);
}

TEST_F(LoweringPatternsTest, AnOpWithoutALoweringIsAnErrorNamingIt) {
  TargetInfo noGemm = *TargetInfo::lookup("cpu");
  noGemm.libraryGemm = false;
  EXPECT_TRUE(failed(convert(noGemm)));
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.front().find("failed to legalize operation "
                                  "'train.matmul'"),
            std::string::npos)
      << messages.front();
}

TEST_F(LoweringPatternsTest, UnknownTargetIsNotFound) {
  EXPECT_EQ(TargetInfo::lookup("tpu"), nullptr);
  EXPECT_EQ(TargetInfo::knownNames(), "cpu, cuda");
}

TEST_F(LoweringPatternsTest, TargetsPlaceArenasAndLaunchKernels) {
  const TargetInfo *cpu = TargetInfo::lookup("cpu");
  const TargetInfo *cuda = TargetInfo::lookup("cuda");
  ASSERT_TRUE(cpu && cuda);
  EXPECT_EQ(cpu->launch, TargetInfo::KernelLaunch::HostThreads);
  EXPECT_EQ(cuda->launch, TargetInfo::KernelLaunch::GpuGrid);
  // Arenas in the target's memory; the context and the coefficients the
  // runtime fills on the host, on every target.
  EXPECT_EQ(cpu->memorySpace(Role::Params), TRAINC_MEMORY_HOST);
  EXPECT_EQ(cuda->memorySpace(Role::Params), TRAINC_MEMORY_DEVICE);
  EXPECT_EQ(cuda->memorySpace(Role::Arena), TRAINC_MEMORY_DEVICE);
  EXPECT_EQ(cuda->memorySpace(Role::Context), TRAINC_MEMORY_HOST);
  EXPECT_EQ(cuda->memorySpace(Role::Hyper), TRAINC_MEMORY_HOST);
}
} // namespace
