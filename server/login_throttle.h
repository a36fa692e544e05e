// Copyright 2026 GuestGuard authors.
//
// Per-account throttling of failed logins, whatever the client IP (the per-IP
// limit in routes.cc does not stop a botnet guessing one account's password):
// an account (a normalised email, known or not, so the answer never tells
// which exist) may fail `max_failures` times; each failure after that makes
// the next attempt wait 1, 2, 4, ... s, at most kMaxDelay. Failures are
// forgotten kWindow after the last one, and at once after a success.
//
//   LoginThrottle throttle(5);
//   if (auto wait = throttle.Check(email)) → 429, Retry-After ceil(*wait)
//   ... verify the password ...
//   ok ? throttle.RecordSuccess(email) : throttle.RecordFailure(email);
//
// In-process: each web node counts its own attempts. The table is bounded
// (max_keys); when full, forgotten entries are dropped, then the oldest half.
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_LOGIN_THROTTLE_H_
#define GUESTGUARD_SERVER_LOGIN_THROTTLE_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/clock.h"

namespace guestguard::server {

class LoginThrottle {
 public:
  static constexpr absl::Duration kWindow = absl::Minutes(15);
  static constexpr absl::Duration kMaxDelay = absl::Minutes(15);
  static constexpr size_t kDefaultMaxKeys = 100000;

  // max_failures >= 1.
  explicit LoginThrottle(int max_failures, std::shared_ptr<Clock> clock = SystemClock(),
                         size_t max_keys = kDefaultMaxKeys);

  // nullopt when `account` may try now; otherwise how long until it may (> 0).
  std::optional<absl::Duration> Check(std::string_view account);
  // Counts a failed attempt; returns the failures now counted for `account`.
  int RecordFailure(std::string_view account);
  // A successful login: the account's failures are forgotten.
  void RecordSuccess(std::string_view account);

  // The wait after `failures` failures: zero up to max_failures, then 1 s,
  // doubling per failure, at most kMaxDelay.
  absl::Duration DelayAfter(int failures) const;

 private:
  struct Entry {
    int failures = 0;
    absl::Time last_failure;
  };

  const int max_failures_;
  const std::shared_ptr<Clock> clock_;
  const size_t max_keys_;
  absl::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_LOGIN_THROTTLE_H_
