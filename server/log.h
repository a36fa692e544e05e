// Copyright 2026 GuestGuard authors.
//
// The server's structured logger: one JSON object per line on stderr,
//   {"time":"2026-01-02T03:04:05.678Z","level":"info","msg":"request",...fields}
// Lines below the configured level are dropped. Fields whose name looks like a
// secret (token, password, secret, key, authorization, cookie) are written as
// "[redacted]"; callers still must not put secrets in `msg`.
//
//   logger.Info("listening", {{"address", "127.0.0.1:8080"}});
//
// Thread-safe: every method may be called concurrently; lines never interleave.
#ifndef GUESTGUARD_SERVER_LOG_H_
#define GUESTGUARD_SERVER_LOG_H_

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "boost/json/object.hpp"

namespace guestguard::server {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error"; nullopt for anything else.
std::optional<LogLevel> ParseLogLevel(std::string_view name);
std::string_view LogLevelName(LogLevel level);

class Logger {
 public:
  // Writes to `out` (default stderr; not owned, must outlive the logger).
  explicit Logger(LogLevel min_level = LogLevel::kInfo, std::FILE* out = stderr);

  bool Enabled(LogLevel level) const { return level >= min_level_; }
  void Log(LogLevel level, std::string_view msg, boost::json::object fields = {});

  void Debug(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kDebug, msg, std::move(fields));
  }
  void Info(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kInfo, msg, std::move(fields));
  }
  void Warn(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kWarn, msg, std::move(fields));
  }
  void Error(std::string_view msg, boost::json::object fields = {}) {
    Log(LogLevel::kError, msg, std::move(fields));
  }

 private:
  const LogLevel min_level_;
  absl::Mutex mu_;
  std::FILE* const out_ ABSL_PT_GUARDED_BY(mu_);  // Written to under mu_: one line at a time.
};

// True for field names that must never carry their value into a log line.
bool IsSecretFieldName(std::string_view name);

// A request path as log lines may show it: on the routes addressed by a
// credential (/rsvp/<token>, /checkin/<token>, /invites/<token>[/...]) the
// token segment is replaced by "[redacted]"; other paths are unchanged. The
// route is recognised on the percent-decoded first segment, so raw targets
// ("/%72svp/<token>") and decoded paths are both safe to pass.
std::string PathForLog(std::string_view path);

// `text` with every link token replaced by "[redacted]": in each URL
// ("scheme://host/..."), every path segment, query name or value of 16 or
// more token characters (letters, digits, "-_.~%+") and whatever follows
// /rsvp/, /checkin/, /invites/ or /verify*/; anywhere, a guest token
// ("gg1." and its token characters). The host and short segments stay, so
// "https://x.example/events/7/activity" is unchanged.
std::string RedactLinkTokens(std::string_view text);

// `text` with the userinfo of every URL in it ("scheme://user:pass@host")
// removed ("scheme://host"), so that a logged URL or an error message quoting
// one never carries a credential. Text without "://" is returned unchanged.
std::string StripUrlCredentials(std::string_view text);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_LOG_H_
