// Copyright 2026 GuestGuard authors.
#include "server/fd_limit.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace guestguard::server {
namespace {

int64_t AsInt(rlim_t value) { return value == RLIM_INFINITY ? -1 : static_cast<int64_t>(value); }

// /proc/sys/fs/nr_open: the most a process may ask for (setrlimit refuses
// RLIM_INFINITY for RLIMIT_NOFILE). 1048576 when it cannot be read.
rlim_t NrOpen() {
  std::ifstream in("/proc/sys/fs/nr_open");
  unsigned long long value = 0;
  if (in >> value && value > 0) return static_cast<rlim_t>(value);
  return 1048576;
}

}  // namespace

FileLimit RaiseFileLimit() {
  FileLimit result;
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    result.error = std::strerror(errno);
    return result;
  }
  result.before = AsInt(limit.rlim_cur);
  result.soft = result.before;
  result.hard = AsInt(limit.rlim_max);
  const rlim_t target = limit.rlim_max == RLIM_INFINITY ? NrOpen() : limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < target) {
    struct rlimit raised = limit;
    raised.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
      result.error = std::strerror(errno);
      return result;
    }
    result.soft = AsInt(target);
  }
  return result;
}

}  // namespace guestguard::server
