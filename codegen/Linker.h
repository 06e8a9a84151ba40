//===- Linker.h - link the generated object with the runtime -----*- C++ -*-===//

#ifndef TRAINC_CODEGEN_LINKER_H
#define TRAINC_CODEGEN_LINKER_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::train {

/// Links `object` with the runtime library of `target` ("cpu" or "cuda")
/// into the executable `output`, with the system C++ driver. `argv0`
/// locates the runtime next to trainc. The CUDA runtime links cuDNN and
/// cuBLAS from the toolkit found at build time (with a run path to it);
/// the driver (libcuda.so.1) is loaded when the executable starts.
bool linkExecutable(llvm::StringRef argv0, llvm::StringRef object,
                    llvm::StringRef output, llvm::StringRef target,
                    std::string &error);

/// Whether this build has the CUDA runtime (a toolkit with cuDNN and
/// cuBLAS was found).
bool hasCudaRuntime();

} // namespace mlir::train

#endif // TRAINC_CODEGEN_LINKER_H
