//===- Linker.h - link the generated object with the runtime -----*- C++ -*-===//

#ifndef TRAINC_CODEGEN_LINKER_H
#define TRAINC_CODEGEN_LINKER_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::train {

/// Links `object` with the runtime library into the executable `output`,
/// with the system C++ driver. `argv0` locates the runtime next to trainc.
bool linkExecutable(llvm::StringRef argv0, llvm::StringRef object,
                    llvm::StringRef output, std::string &error);

} // namespace mlir::train

#endif // TRAINC_CODEGEN_LINKER_H
