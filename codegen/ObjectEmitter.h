//===- ObjectEmitter.h - lowered MLIR to LLVM IR and objects -----*- C++ -*-===//

#ifndef TRAINC_CODEGEN_OBJECTEMITTER_H
#define TRAINC_CODEGEN_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"

#include <memory>
#include <string>

namespace mlir::train {

/// Translates a module in the LLVM dialect (with `train.model`) to LLVM IR
/// and adds the model's description; the IR is optimised (O3) for the host
/// CPU (`cpu` "native") or a named one. Without `embedWeights` the
/// description leaves the initial parameters out (trainc --weights=none).
/// Null with `error` set on failure.
std::unique_ptr<llvm::Module> translateToLLVM(ModuleOp module,
                                              llvm::LLVMContext &context,
                                              llvm::StringRef cpu,
                                              std::string &error,
                                              bool embedWeights = true);

/// The channel block oneDNN's direct convolutions prefer on `cpu` ("native"
/// or an LLVM CPU name): 16 with AVX-512, else 8; 0 with `error` set when
/// the CPU is unknown.
int64_t preferredChannelBlock(llvm::StringRef cpu, std::string &error);

/// Writes `module` as an object file.
bool emitObjectFile(llvm::Module &module, llvm::StringRef path,
                    std::string &error);

} // namespace mlir::train

#endif // TRAINC_CODEGEN_OBJECTEMITTER_H
