//===- Linker.cpp - link the generated object with the runtime ------------===//

#include "codegen/Linker.h"
#include "codegen/Config.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <vector>

using namespace mlir;

bool mlir::train::hasCudaRuntime() { return TRAINC_HAVE_CUDA_RUNTIME; }

bool mlir::train::linkExecutable(llvm::StringRef argv0, llvm::StringRef object,
                                 llvm::StringRef output, llvm::StringRef target,
                                 std::string &error) {
  bool cuda = target == "cuda";
  if (cuda && !hasCudaRuntime()) {
    error = "this trainc was built without the CUDA runtime";
    return false;
  }
  std::string self = llvm::sys::fs::getMainExecutable(
      argv0.str().c_str(), reinterpret_cast<void *>(&linkExecutable));
  llvm::SmallString<256> runtime(llvm::sys::path::parent_path(self));
  llvm::sys::path::append(runtime, cuda ? TRAINC_CUDA_RUNTIME_LIBRARY_RELATIVE
                                        : TRAINC_RUNTIME_LIBRARY_RELATIVE);
  llvm::sys::path::remove_dots(runtime, /*remove_dot_dot=*/true);
  if (!llvm::sys::fs::exists(runtime)) {
    error = "the runtime library is missing: " + runtime.str().str();
    return false;
  }
  auto driver = llvm::sys::findProgramByName("c++");
  if (!driver) {
    error = "no C++ compiler driver ('c++') to link with";
    return false;
  }
  std::vector<std::string> args = {*driver, object.str(), runtime.str().str(),
                                   "-o", output.str()};
  for (llvm::StringRef list :
       {llvm::StringRef(cuda ? TRAINC_CUDA_LINK_LIBS : ""),
        llvm::StringRef(TRAINC_RUNTIME_LINK_LIBS),
        llvm::StringRef(TRAINC_RUNTIME_LINK_FLAGS)}) {
    llvm::SmallVector<llvm::StringRef> parts;
    llvm::SplitString(list, parts);
    for (llvm::StringRef p : parts)
      args.push_back(p.str());
  }
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  llvm::SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("trainc-link", "log", log);
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log.str(),
                                                log.str()};
  std::string execError;
  int rc = llvm::sys::ExecuteAndWait(*driver, argRefs, std::nullopt,
                                     redirects, 0, 0, &execError);
  std::string diagnostics;
  if (auto buffer = llvm::MemoryBuffer::getFile(log))
    diagnostics = (*buffer)->getBuffer().trim().str();
  llvm::sys::fs::remove(log);
  if (rc != 0) {
    // The most telling line: an undefined symbol or an error, else the
    // first one.
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(diagnostics).split(lines, '\n');
    llvm::StringRef telling = lines.empty() ? "" : lines.front();
    for (llvm::StringRef line : lines)
      if (line.contains("undefined reference") || line.contains("error")) {
        telling = line.trim();
        break;
      }
    error = "linking failed: " + (telling.empty() ? execError : telling.str());
    return false;
  }
  return true;
}
