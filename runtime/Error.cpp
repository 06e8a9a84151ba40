//===- Error.cpp - the runtime's one error path ---------------------------===//

#include "Error.h"

#include "Context.h"
#include "trainc/kernels.h"
#include "trainc/model.h"

#include <cstdio>
#include <cstdlib>

namespace trainc::rt {

namespace {
std::string formatLine(const char *kind, const std::string &message) {
  const RuntimeContext &context = runtimeContext();
  std::string line = context.program + ": " + kind + ": ";
  if (context.world > 1)
    line += "rank " + std::to_string(context.rank) + ": ";
  // One line, whatever the caller passed: a newline inside would split the
  // message that logs and tests match as a unit.
  for (char ch : message)
    line += (ch == '\n' || ch == '\r') ? ' ' : ch;
  return line;
}
} // namespace

std::string formatFatalMessage(const std::string &message) {
  return formatLine("error", message);
}

void warning(const std::string &message) {
  std::string line = formatLine("warning", message) + "\n";
  if (runtimeContext().progressLineOpen)
    std::fputc('\n', stderr);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void reportError(const std::string &message) {
  std::string line = formatFatalMessage(message) + "\n";
  // What was logged so far comes first.
  std::fflush(stdout);
  if (runtimeContext().progressLineOpen)
    std::fputc('\n', stderr);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

void fatal(const std::string &message) {
  // Flush what was logged so far, then leave without running static
  // destructors: we may be inside a kernel holding the cache lock, or on a
  // worker thread.
  reportError(message);
  // Under mpirun the other ranks must not wait for this one forever.
  RuntimeContext &context = runtimeContext();
  if (context.world > 1 && context.comm)
    context.comm->abortJob();
  std::_Exit(1);
}

} // namespace trainc::rt

extern "C" void trainc_rt_bad_step_args(uint32_t size, uint32_t abi_version) {
  trainc::rt::fatal(
      "the model was called with step arguments of " + std::to_string(size) +
      " bytes, ABI version " + std::to_string(abi_version) +
      "; it needs at least " + std::to_string(sizeof(trainc_step_args)) +
      " bytes, version " + std::to_string(TRAINC_MODEL_ABI_VERSION) +
      " (runtime and model come from different trainc builds)");
}
