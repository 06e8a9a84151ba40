//===- Ptxas.cpp - what ptxas reports of each kernel ----------------------===//

#include "codegen/Ptxas.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <vector>

using namespace llvm;

namespace {
/// The integer before `unit` in `line` ("24 bytes spill stores").
std::optional<int64_t> numberBefore(StringRef line, StringRef unit) {
  size_t at = line.find(unit);
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef head = line.take_front(at).rtrim();
  size_t start = head.find_last_not_of("0123456789");
  StringRef digits = start == StringRef::npos ? head : head.drop_front(start + 1);
  int64_t value = 0;
  if (digits.empty() || digits.getAsInteger(10, value))
    return std::nullopt;
  return value;
}
} // namespace

void mlir::train::parsePtxasReport(StringRef report,
                                   StringMap<PtxasKernelInfo> &kernels) {
  SmallVector<StringRef> lines;
  report.split(lines, '\n');
  PtxasKernelInfo *current = nullptr;
  for (StringRef line : lines) {
    StringRef properties = "Function properties for ";
    if (size_t at = line.find(properties); at != StringRef::npos) {
      current = &kernels[line.drop_front(at + properties.size()).trim()];
      continue;
    }
    if (!current)
      continue;
    if (auto n = numberBefore(line, "bytes stack frame"))
      current->stackBytes = *n;
    if (auto n = numberBefore(line, "bytes spill stores"))
      current->spillStoreBytes = *n;
    if (auto n = numberBefore(line, "bytes spill loads"))
      current->spillLoadBytes = *n;
    if (auto n = numberBefore(line, "registers"))
      current->registers = *n;
    if (auto n = numberBefore(line, "bytes smem"))
      current->sharedBytes = *n;
  }
}

bool mlir::train::runPtxas(StringRef toolkit, StringRef arch, StringRef ptx,
                           StringMap<PtxasKernelInfo> &kernels,
                           std::string &error) {
  SmallString<256> ptxas(toolkit);
  sys::path::append(ptxas, "bin", "ptxas");
  if (!sys::fs::can_execute(ptxas)) {
    error = "no ptxas at " + ptxas.str().str();
    return false;
  }
  SmallString<128> input, log;
  if (std::error_code ec =
          sys::fs::createTemporaryFile("trainc-kernels", "ptx", input)) {
    error = "cannot create a temporary file: " + ec.message();
    return false;
  }
  sys::fs::createTemporaryFile("trainc-ptxas", "log", log);
  {
    std::error_code ec;
    raw_fd_ostream os(input, ec);
    os << ptx;
  }
  std::vector<std::string> args = {ptxas.str().str(), "--gpu-name",
                                   arch.str(),         "-v",
                                   input.str().str(),  "-o",
                                   "/dev/null"};
  std::vector<StringRef> argRefs(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::string execError;
  int rc = sys::ExecuteAndWait(ptxas, argRefs, std::nullopt, redirects, 0, 0,
                               &execError);
  std::string report;
  if (auto buffer = MemoryBuffer::getFile(log))
    report = (*buffer)->getBuffer().str();
  sys::fs::remove(input);
  sys::fs::remove(log);
  if (rc != 0) {
    SmallVector<StringRef> lines;
    StringRef(report).split(lines, '\n');
    StringRef telling = execError;
    for (StringRef line : lines)
      if (line.contains("error")) {
        telling = line.trim();
        break;
      }
    error = "ptxas failed: " + telling.str();
    return false;
  }
  parsePtxasReport(report, kernels);
  return true;
}
