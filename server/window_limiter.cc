// Copyright 2026 GuestGuard authors.
#include "server/window_limiter.h"

#include <algorithm>
#include <utility>

namespace guestguard::server {

WindowLimiter::WindowLimiter(int limit, absl::Duration window, std::shared_ptr<Clock> clock,
                             size_t max_keys)
    : limit_(static_cast<size_t>(std::max(limit, 1))),
      window_(std::max(window, absl::Milliseconds(1))),
      clock_(std::move(clock)),
      max_keys_(std::max<size_t>(max_keys, 1)) {}

std::optional<absl::Duration> WindowLimiter::WaitLocked(std::deque<absl::Time>& uses,
                                                        absl::Time now) {
  while (!uses.empty() && now - uses.front() >= window_) uses.pop_front();
  if (uses.size() < limit_) return std::nullopt;
  return uses.front() + window_ - now;
}

std::optional<absl::Duration> WindowLimiter::Peek(std::string_view key) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = uses_.find(std::string(key));
  if (it == uses_.end()) return std::nullopt;
  return WaitLocked(it->second, now);
}

std::optional<absl::Duration> WindowLimiter::Acquire(std::string_view key) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = uses_.find(std::string(key));
  if (it == uses_.end()) {
    if (uses_.size() >= max_keys_) {
      std::erase_if(uses_, [&](auto& entry) {
        return !entry.second.empty() && now - entry.second.back() >= window_;
      });
      if (uses_.size() >= max_keys_) uses_.clear();
    }
    it = uses_.emplace(std::string(key), std::deque<absl::Time>()).first;
  }
  if (std::optional<absl::Duration> wait = WaitLocked(it->second, now)) return wait;
  it->second.push_back(now);
  return std::nullopt;
}

}  // namespace guestguard::server
