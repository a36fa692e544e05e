// Copyright 2026 GuestGuard authors.
//
// Progress of an operator subcommand that takes time (migrate, bulk jobs), for
// people and for logs. On a terminal (isatty on `out`) each step redraws one
// status line, "applying 3 of 11: server/0004_guest_tokens", and Finish ends it
// with a summary line; elsewhere (a service's journal, a pipe) every step and
// the summary are one structured log line each, with no control characters.
//
//   Progress progress(stderr, logger, "applying");
//   for (...) progress.Step(i + 1, total, name);
//   progress.Finish("applied 11 migrations");
//
// Not thread-safe: one command drives it from one thread.
#ifndef GUESTGUARD_SERVER_PROGRESS_H_
#define GUESTGUARD_SERVER_PROGRESS_H_

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "server/log.h"

namespace guestguard::server {

class Progress {
 public:
  // `out` (not owned, outlives this) is the terminal or stream progress goes
  // to; `logger` takes the log lines when `out` is not a terminal. `verb`
  // starts every step ("applying").
  Progress(std::FILE* out, std::shared_ptr<Logger> logger, std::string_view verb);
  // Same, with the terminal decision made by the caller (tests).
  Progress(std::FILE* out, std::shared_ptr<Logger> logger, std::string_view verb, bool terminal);
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool terminal() const { return terminal_; }

  // Step `index` (1-based) of `total` is starting on `what`.
  void Step(int index, int total, std::string_view what);

  // Ends the display with `summary` (a terminal: the status line is replaced
  // by it; a log: one info line).
  void Finish(std::string_view summary);

  // Ends the display with an error (a terminal: on its own line after the
  // status line; a log: one error line). The caller exits non-zero.
  void Fail(std::string_view message);

 private:
  void ClearLine();

  std::FILE* const out_;
  const std::shared_ptr<Logger> logger_;
  const std::string verb_;
  const bool terminal_;
  bool drawn_ = false;  // A status line is on the terminal.
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_PROGRESS_H_
