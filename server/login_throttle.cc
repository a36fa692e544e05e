// Copyright 2026 GuestGuard authors.
#include "server/login_throttle.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace guestguard::server {

LoginThrottle::LoginThrottle(int max_failures, std::shared_ptr<Clock> clock, size_t max_keys)
    : max_failures_(std::max(max_failures, 1)),
      clock_(std::move(clock)),
      max_keys_(std::max<size_t>(max_keys, 2)) {}

absl::Duration LoginThrottle::DelayAfter(int failures) const {
  const int over = failures - max_failures_;
  if (over < 0) return absl::ZeroDuration();
  // 2^10 s > 15 min: stop doubling before it could overflow.
  const absl::Duration delay = absl::Seconds(int64_t{1} << std::min(over, 10));
  return std::min(delay, kMaxDelay);
}

std::optional<absl::Duration> LoginThrottle::Check(std::string_view account) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(std::string(account));
  if (it == entries_.end()) return std::nullopt;
  if (now - it->second.last_failure >= kWindow) {
    entries_.erase(it);
    return std::nullopt;
  }
  const absl::Time allowed_at = it->second.last_failure + DelayAfter(it->second.failures);
  if (now >= allowed_at) return std::nullopt;
  return allowed_at - now;
}

int LoginThrottle::RecordFailure(std::string_view account) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(std::string(account));
  if (it == entries_.end()) {
    if (entries_.size() >= max_keys_) {
      std::erase_if(entries_,
                    [&](const auto& e) { return now - e.second.last_failure >= kWindow; });
    }
    if (entries_.size() >= max_keys_) {
      // Still full: keep the newer half (the accounts under attack right now).
      std::vector<absl::Time> times;
      times.reserve(entries_.size());
      for (const auto& [key, entry] : entries_) times.push_back(entry.last_failure);
      std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2),
                       times.end());
      const absl::Time median = times[times.size() / 2];
      std::erase_if(entries_, [&](const auto& e) { return e.second.last_failure < median; });
      if (entries_.size() >= max_keys_) entries_.clear();
    }
    it = entries_.emplace(std::string(account), Entry{}).first;
  } else if (now - it->second.last_failure >= kWindow) {
    it->second.failures = 0;
  }
  ++it->second.failures;
  it->second.last_failure = std::max(it->second.last_failure, now);
  return it->second.failures;
}

void LoginThrottle::RecordSuccess(std::string_view account) {
  absl::MutexLock lock(&mu_);
  entries_.erase(std::string(account));
}

}  // namespace guestguard::server
