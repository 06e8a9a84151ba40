//===- Ptxas.h - what ptxas reports of each kernel ---------------*- C++ -*-===//
//
// `trainc --target=cuda --report` assembles the kernels' PTX with the
// toolkit's ptxas (-v) and reads, per kernel, the registers, the stack
// frame, the spills and the shared memory it reports.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_CODEGEN_PTXAS_H
#define TRAINC_CODEGEN_PTXAS_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir::train {

struct PtxasKernelInfo {
  int64_t registers = 0, stackBytes = 0, spillStoreBytes = 0,
          spillLoadBytes = 0, sharedBytes = 0;
};

/// Parses ptxas -v's report (its "Function properties for", "bytes stack
/// frame" and "Used N registers" lines) into `kernels`.
void parsePtxasReport(llvm::StringRef report,
                      llvm::StringMap<PtxasKernelInfo> &kernels);

/// Assembles `ptx` for `arch` with `toolkit`'s bin/ptxas -v and parses its
/// report; false with a one-line `error` when ptxas is missing or fails.
bool runPtxas(llvm::StringRef toolkit, llvm::StringRef arch,
              llvm::StringRef ptx, llvm::StringMap<PtxasKernelInfo> &kernels,
              std::string &error);

} // namespace mlir::train

#endif // TRAINC_CODEGEN_PTXAS_H
