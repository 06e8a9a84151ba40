//===- AtomicFile.cpp - files that appear complete or not at all ----------===//

#include "train/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace trainc::rt {
namespace {
std::string directoryOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool isDirectory(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}
} // namespace

AtomicFile::AtomicFile(std::string path, std::string what)
    : path(std::move(path)), what(std::move(what)) {}

AtomicFile::~AtomicFile() {
  if (fd >= 0)
    ::close(fd);
  if (!tempPath.empty() && !committed)
    ::unlink(tempPath.c_str());
}

std::string AtomicFile::message(int err) const {
  return "cannot write " + what + " " + path + ": " + std::strerror(err);
}

bool AtomicFile::open(std::string &error) {
  if (isDirectory(path)) {
    error = "cannot write " + what + " " + path + ": it is a directory";
    return false;
  }
  std::string temp = path + ".tmp.XXXXXX";
  fd = mkstemp(temp.data());
  if (fd < 0) {
    error = message(errno);
    return false;
  }
  tempPath = temp;
  // mkstemp makes the file private (0600); give it the usual permissions.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  return true;
}

void AtomicFile::write(const void *data, int64_t size) {
  const char *bytes = static_cast<const char *>(data);
  while (!failure && size > 0) {
    ssize_t written = ::write(fd, bytes, size);
    if (written < 0) {
      if (errno != EINTR)
        failure = errno;
      continue;
    }
    bytes += written;
    size -= written;
  }
}

bool AtomicFile::sync(std::string &error) {
  if (!failure && ::fsync(fd) != 0)
    failure = errno;
  if (failure) {
    error = message(failure);
    return false;
  }
  return true;
}

bool AtomicFile::commit(std::string &error) {
  // The data must be on disk before the rename makes it the file.
  if (!failure && ::fsync(fd) != 0)
    failure = errno;
  if (::close(fd) != 0 && !failure)
    failure = errno;
  fd = -1;
  if (!failure && std::rename(tempPath.c_str(), path.c_str()) != 0)
    failure = errno;
  if (failure) {
    error = message(failure);
    return false;
  }
  committed = true;
  // And the rename itself must survive a crash.
  int dirFd = ::open(directoryOf(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    ::fsync(dirFd);
    ::close(dirFd);
  }
  return true;
}

bool checkWritable(const std::string &path, const std::string &what,
                   std::string &error) {
  AtomicFile file(path, what);
  return file.open(error);
}

} // namespace trainc::rt
