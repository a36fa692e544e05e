// Copyright 2026 GuestGuard authors.
#include "server/progress.h"

#include <unistd.h>

#include <utility>

namespace guestguard::server {

Progress::Progress(std::FILE* out, std::shared_ptr<Logger> logger, std::string_view verb)
    : Progress(out, std::move(logger), verb, isatty(fileno(out)) == 1) {}

Progress::Progress(std::FILE* out, std::shared_ptr<Logger> logger, std::string_view verb,
                   bool terminal)
    : out_(out), logger_(std::move(logger)), verb_(verb), terminal_(terminal) {}

void Progress::ClearLine() {
  if (drawn_) std::fputs("\r\x1b[K", out_);  // Carriage return, erase to the end of the line.
  drawn_ = false;
}

void Progress::Step(int index, int total, std::string_view what) {
  if (!terminal_) {
    logger_->Info(verb_, {{"step", index}, {"of", total}, {"what", std::string(what)}});
    return;
  }
  ClearLine();
  std::fprintf(out_, "%s %d of %d: %.*s", verb_.c_str(), index, total,
               static_cast<int>(what.size()), what.data());
  std::fflush(out_);
  drawn_ = true;
}

void Progress::Finish(std::string_view summary) {
  if (!terminal_) {
    logger_->Info(summary);
    return;
  }
  ClearLine();
  std::fprintf(out_, "%.*s\n", static_cast<int>(summary.size()), summary.data());
  std::fflush(out_);
}

void Progress::Fail(std::string_view message) {
  if (!terminal_) {
    logger_->Error(message);
    return;
  }
  if (drawn_) std::fputs("\n", out_);  // Keep the step that failed on screen.
  drawn_ = false;
  std::fprintf(out_, "%.*s\n", static_cast<int>(message.size()), message.data());
  std::fflush(out_);
}

}  // namespace guestguard::server
