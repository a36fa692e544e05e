// Copyright 2026 GuestGuard authors.
//
// At most `limit` uses per key within a sliding `window` (e.g. 3 invitations
// to one email address per hour). Unlike RateLimiter's token bucket it
// remembers each use, so "3 per hour" means exactly that.
//
//   WindowLimiter per_address(3, absl::Hours(1));
//   if (auto wait = per_address.Acquire(email)) → 429, Retry-After ceil(*wait)
//
// The key table is bounded (max_keys): when full, keys with no use inside the
// window are dropped, and if that frees nothing the table is reset.
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_WINDOW_LIMITER_H_
#define GUESTGUARD_SERVER_WINDOW_LIMITER_H_

#include <cstddef>
#include <deque>
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

class WindowLimiter {
 public:
  static constexpr size_t kDefaultMaxKeys = 100000;

  // limit >= 1, window > 0.
  WindowLimiter(int limit, absl::Duration window, std::shared_ptr<Clock> clock = SystemClock(),
                size_t max_keys = kDefaultMaxKeys);

  // Counts a use of `key`: nullopt when allowed, otherwise how long until the
  // oldest use inside the window leaves it (> 0); a refused use is not counted.
  std::optional<absl::Duration> Acquire(std::string_view key);

  // Whether `key` could be used now, without counting a use.
  std::optional<absl::Duration> Peek(std::string_view key);

 private:
  std::optional<absl::Duration> WaitLocked(std::deque<absl::Time>& uses, absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t limit_;
  const absl::Duration window_;
  const std::shared_ptr<Clock> clock_;
  const size_t max_keys_;
  absl::Mutex mu_;
  std::unordered_map<std::string, std::deque<absl::Time>> uses_ ABSL_GUARDED_BY(mu_);
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WINDOW_LIMITER_H_
