// Copyright 2026 GuestGuard authors.
#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace guestguard::server {

RateLimiter::RateLimiter(int64_t per_minute, int64_t burst, std::shared_ptr<Clock> clock,
                         size_t max_keys)
    : per_second_(static_cast<double>(std::max<int64_t>(per_minute, 1)) / 60.0),
      burst_(static_cast<double>(std::max<int64_t>(burst, 1))),
      clock_(std::move(clock)),
      max_keys_(std::max<size_t>(max_keys, 1)) {}

double RateLimiter::Refilled(const Bucket& bucket, absl::Time now) const {
  const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
  return std::min(burst_, bucket.tokens + elapsed * per_second_);
}

std::optional<absl::Duration> RateLimiter::Acquire(std::string_view key) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      for (auto i = buckets_.begin(); i != buckets_.end();) {
        i = Refilled(i->second, now) >= burst_ ? buckets_.erase(i) : std::next(i);
      }
      if (buckets_.size() >= max_keys_) buckets_.clear();
    }
    it = buckets_.emplace(std::string(key), Bucket{burst_, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = Refilled(bucket, now);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return std::nullopt;
  }
  return absl::Seconds((1.0 - bucket.tokens) / per_second_);
}

size_t RateLimiter::size() const {
  absl::MutexLock lock(&mu_);
  return buckets_.size();
}

int64_t RetryAfterSeconds(absl::Duration wait) {
  const double seconds = std::ceil(absl::ToDoubleSeconds(wait));
  return std::max<int64_t>(1, static_cast<int64_t>(seconds));
}

}  // namespace guestguard::server
