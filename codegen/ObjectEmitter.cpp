//===- ObjectEmitter.cpp - lowered MLIR to LLVM IR and objects ------------===//

#include "codegen/ObjectEmitter.h"
#include "codegen/ModelDescription.h"
#include "dialects/Train/IR/TrainDialect.h"
#include "passes/Placement.h"

#include "mlir/IR/OperationSupport.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/xxhash.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

using namespace mlir;
using namespace mlir::train;

namespace {
std::unique_ptr<llvm::TargetMachine> hostMachine(llvm::StringRef cpu,
                                                 std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  std::string triple = llvm::sys::getDefaultTargetTriple();
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpuName = cpu.str(), features;
  if (cpu != "native") {
    // LLVM would only warn, and generate for a generic CPU.
    std::unique_ptr<llvm::MCSubtargetInfo> info(
        target->createMCSubtargetInfo(triple, "", ""));
    if (!info || !info->isCPUStringValid(cpuName)) {
      error = "unknown --cpu '" + cpuName +
              "': 'native' or an LLVM CPU name such as x86-64-v3";
      return nullptr;
    }
  }
  if (cpu == "native") {
    cpuName = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures list;
    for (const auto &f : llvm::sys::getHostCPUFeatures())
      list.AddFeature(f.getKey(), f.getValue());
    features = list.getString();
  }
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpuName, features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "cannot create a target machine for " + triple + " (" + cpuName +
            ")";
  return machine;
}

} // namespace

int64_t mlir::train::preferredChannelBlock(llvm::StringRef cpu,
                                           std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine = hostMachine(cpu, error);
  if (!machine)
    return 0;
  const llvm::MCSubtargetInfo *info = machine->getMCSubtargetInfo();
  return info && info->checkFeatures("+avx512f") ? 16 : 8;
}

namespace {
void optimize(llvm::Module &module, llvm::TargetMachine &machine) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  // The SLP vectoriser too (off in PassBuilder's defaults; clang turns it
  // on at -O2): kernels on channel blocks spell out a block's lanes, which
  // it packs into vector registers. It never reassociates floating point.
  llvm::PipelineTuningOptions tuning;
  tuning.SLPVectorization = true;
  llvm::PassBuilder pb(&machine, tuning);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3)
      .run(module, mam);
}

/// Removes the train dialect's attributes, which LLVM IR has no place for.
void stripTrainAttributes(ModuleOp module) {
  module->walk([](Operation *op) {
    SmallVector<StringAttr> names;
    for (NamedAttribute attr : op->getDiscardableAttrs())
      if (attr.getName().getValue().starts_with("train."))
        names.push_back(attr.getName());
    for (StringAttr name : names)
      op->removeDiscardableAttr(name);
  });
}
} // namespace

std::unique_ptr<llvm::Module>
mlir::train::translateToLLVM(ModuleOp module, llvm::LLVMContext &context,
                             llvm::StringRef cpu, std::string &error,
                             bool embedWeights) {
  auto model = module->getAttrOfType<train::ModelAttr>(kModelAttr);
  if (!model) {
    error = "the module has no model description (train.model)";
    return nullptr;
  }
  std::string source = model.getSource().str();
  // The plan hash covers the generated code and the model's layout, so two
  // ranks that would disagree about either refuse to start.
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, OpPrintingFlags().elideLargeResourceString(16));
  uint64_t planHash = llvm::xxh3_64bits(text);
  auto onnx = module->getAttrOfType<DictionaryAttr>(
      train::TrainDialect::kOnnxExportAttr);
  auto buckets = module->getAttrOfType<ArrayAttr>(train::kBucketsAttr);

  stripTrainAttributes(module);
  registerBuiltinDialectTranslation(*module->getContext());
  registerLLVMDialectTranslation(*module->getContext());
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "trainc");
  if (!llvmModule) {
    error = "translation to LLVM IR failed";
    return nullptr;
  }
  if (!addModelDescription(*llvmModule, model, onnx, buckets, source,
                           planHash, embedWeights, error))
    return nullptr;
  std::unique_ptr<llvm::TargetMachine> machine = hostMachine(cpu, error);
  if (!machine)
    return nullptr;
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple().str());
  // The CPU and its features go on every function: emitObjectFile (and any
  // later llc) then generates code for them, not for the baseline x86-64
  // (without them the object had no AVX, and every f16 conversion was a
  // library call).
  for (llvm::Function &function : *llvmModule) {
    if (function.isDeclaration())
      continue;
    function.addFnAttr("target-cpu", machine->getTargetCPU());
    if (!machine->getTargetFeatureString().empty())
      function.addFnAttr("target-features",
                         machine->getTargetFeatureString());
  }
  optimize(*llvmModule, *machine);
  return llvmModule;
}

bool mlir::train::emitObjectFile(llvm::Module &module, llvm::StringRef path,
                                 std::string &error) {
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(module.getTargetTriple(), error);
  if (!target)
    return false;
  // Same CPU and features as the IR was optimised for (function
  // attributes carry them).
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      module.getTargetTriple(), "", "", llvm::TargetOptions(),
      llvm::Reloc::PIC_, std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path.str() + "': " + ec.message();
    return false;
  }
  llvm::legacy::PassManager pm;
  if (machine->addPassesToEmitFile(pm, out.os(), nullptr,
                                   llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  pm.run(module);
  out.keep();
  return true;
}
