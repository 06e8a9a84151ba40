//===- Error.h - the runtime's one error path -------------------*- C++ -*-===//
//
// Every runtime failure ends here: one line on stderr, exit status 1.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_RUNTIME_ERROR_H
#define TRAINC_RUNTIME_ERROR_H

#include <string>

namespace trainc::rt {

/// The line fatal() prints, without the newline:
/// `<program>: error: [rank R: ]<message>`; the rank appears only when more
/// than one process trains.
std::string formatFatalMessage(const std::string &message);

/// Prints formatFatalMessage(message) to stderr and exits with status 1.
[[noreturn]] void fatal(const std::string &message);

/// Prints `<program>: warning: [rank R: ]<message>` on one line to stderr
/// and goes on.
void warning(const std::string &message);

/// Prints formatFatalMessage(message) on one line to stderr and returns:
/// for an error every rank has agreed on, which each ends with its own
/// exit status instead of aborting the job.
void reportError(const std::string &message);

} // namespace trainc::rt

#endif // TRAINC_RUNTIME_ERROR_H
