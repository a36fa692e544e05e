// Copyright 2026 GuestGuard authors.
//
// A per-key (client IP) token bucket: each key may spend `burst` requests at
// once, refilled at `per_minute` tokens a minute. The key table is bounded:
// when it holds `max_keys` entries and a new key arrives, the entries whose
// buckets have refilled (indistinguishable from fresh ones) are dropped, and
// if that frees nothing the table is reset.
//
//   RateLimiter limiter(60, 20);
//   if (auto wait = limiter.Acquire(request.client_ip)) → 429, Retry-After ceil(*wait)
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_RATE_LIMITER_H_
#define GUESTGUARD_SERVER_RATE_LIMITER_H_

#include <cstddef>
#include <cstdint>
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

class RateLimiter {
 public:
  static constexpr size_t kDefaultMaxKeys = 100000;

  // per_minute and burst must be >= 1.
  RateLimiter(int64_t per_minute, int64_t burst, std::shared_ptr<Clock> clock = SystemClock(),
              size_t max_keys = kDefaultMaxKeys);

  // Spends a token of `key`: nullopt when allowed, otherwise how long until a
  // token is available (> 0).
  std::optional<absl::Duration> Acquire(std::string_view key);

  // Keys currently tracked (tests).
  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  double Refilled(const Bucket& bucket, absl::Time now) const;

  const double per_second_;
  const double burst_;
  const std::shared_ptr<Clock> clock_;
  const size_t max_keys_;
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// Whole seconds to put in Retry-After for a wait: rounded up, at least 1.
int64_t RetryAfterSeconds(absl::Duration wait);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_RATE_LIMITER_H_
