// Copyright 2026 GuestGuard authors.

#include "guestguard/bus.h"

#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace guestguard {
namespace {

// The memory shared by every copy of one IdempotentHandler. Thread-safe.
class IdempotencyState {
 public:
  IdempotencyState(Handler handler, size_t capacity)
      : handler_(std::move(handler)), capacity_(capacity) {}

  // Calls the wrapped handler unless `message.id` was already handled
  // successfully (OK, handler not called) or is being handled on another
  // thread right now (Unavailable, so the bus redelivers it later).
  absl::Status Handle(const Message& message) {
    if (!handler_) return absl::FailedPreconditionError("IdempotentHandler wraps a null handler");
    {
      absl::MutexLock lock(&mu_);
      if (done_.contains(message.id)) return absl::OkStatus();
      if (!in_flight_.insert(message.id).second) {
        return absl::UnavailableError("message id is being handled concurrently; retry later");
      }
    }
    // Releases the in-flight mark even if the handler throws.
    bool succeeded = false;
    absl::Cleanup release = [&] {
      absl::MutexLock lock(&mu_);
      in_flight_.erase(message.id);
      if (succeeded) Remember(message.id);
    };
    absl::Status status = handler_(message);
    succeeded = status.ok();
    return status;
  }

 private:
  // Records `id` as handled, forgetting the oldest id beyond `capacity_`.
  void Remember(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (capacity_ == 0) return;
    if (!done_.insert(id).second) return;
    order_.push_back(id);
    while (order_.size() > capacity_) {
      done_.erase(order_.front());
      order_.pop_front();
    }
  }

  const Handler handler_;
  const size_t capacity_;
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> done_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);  // Oldest first; same ids as done_.
  absl::flat_hash_set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status Bus::Ping() { return absl::OkStatus(); }

std::vector<absl::Status> Bus::PublishBatch(std::span<const Message> messages) {
  std::vector<absl::Status> statuses;
  statuses.reserve(messages.size());
  bool refused = false;  // The transport refused one: send none of the rest.
  for (const Message& message : messages) {
    if (refused) {
      statuses.push_back(
          absl::UnavailableError("not sent: a message before it in the batch was refused"));
      continue;
    }
    statuses.push_back(Publish(message));
    refused = !statuses.back().ok() && !absl::IsInvalidArgument(statuses.back());
  }
  return statuses;
}

Handler IdempotentHandler(Handler handler, size_t capacity) {
  auto state = std::make_shared<IdempotencyState>(std::move(handler), capacity);
  return [state](const Message& message) { return state->Handle(message); };
}

bool SubjectMatches(std::string_view pattern, std::string_view subject) {
  if (pattern == subject) return true;
  constexpr std::string_view kWildcard = ".>";
  if (!pattern.ends_with(kWildcard)) return false;
  // Keep the dot: "guestguard.>" needs "guestguard." plus at least one more token.
  const std::string_view prefix = pattern.substr(0, pattern.size() - 1);
  return subject.size() > prefix.size() && subject.starts_with(prefix);
}

}  // namespace guestguard
