// Copyright 2026 GuestGuard authors.
//
// The process's open-file limit (RLIMIT_NOFILE): every connection and monitor
// WebSocket holds a descriptor, and the soft limit (often 1024) is far below
// what the connection caps allow. RaiseFileLimit lifts the soft limit to the
// hard one (which only the service manager — systemd's LimitNOFILE — or root
// can raise) once, at start.
//
//   FileLimit limit = RaiseFileLimit();
//   logger.Info("file descriptor limit", {{"soft", limit.soft}, ...});
//
// Thread-compatible: call it before starting threads.
#ifndef GUESTGUARD_SERVER_FD_LIMIT_H_
#define GUESTGUARD_SERVER_FD_LIMIT_H_

#include <cstdint>
#include <string>

namespace guestguard::server {

struct FileLimit {
  int64_t before = 0;  // The soft limit found at start (-1: unlimited).
  int64_t soft = 0;    // The soft limit now (-1: unlimited).
  int64_t hard = 0;    // The hard limit (-1: unlimited).
  std::string error;   // Why it could not be read or raised; empty on success.
};

// Sets the soft RLIMIT_NOFILE to the hard limit (or, for an unlimited hard
// limit, to the kernel's nr_open ceiling). Never lowers it.
FileLimit RaiseFileLimit();

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_FD_LIMIT_H_
