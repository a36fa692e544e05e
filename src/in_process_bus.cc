// Copyright 2026 GuestGuard authors.

#include "guestguard/in_process_bus.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"
#include "guestguard/clock.h"
#include "internal/bus_delivery.h"

namespace guestguard {
namespace {

// A message waiting for its redelivery time.
struct Redelivery {
  absl::Time due;
  uint64_t sequence;  // Breaks ties in due time by scheduling order.
  Message message;
};

// Orders std::priority_queue as a min-heap by (due, sequence).
struct LaterFirst {
  bool operator()(const Redelivery& a, const Redelivery& b) const {
    if (a.due != b.due) return a.due > b.due;
    return a.sequence > b.sequence;
  }
};

// One subscription's queue and delivery loop. Shared by the bus (which
// enqueues) and the Subscription handle (which owns the delivery thread).
// Thread-safe.
class SubscriptionState {
 public:
  SubscriptionState(std::string pattern, std::string durable_name, Handler handler,
                    SubscribeOptions options)
      : pattern_(std::move(pattern)),
        durable_name_(std::move(durable_name)),
        handler_(std::move(handler)),
        options_(std::move(options)) {}

  const std::string& pattern() const { return pattern_; }

  // Messages queued, awaiting redelivery, or being handled.
  size_t Pending() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return ready_.size() + redeliveries_.size() + (delivering_ ? 1 : 0);
  }

  // Queues `message` for its first delivery. No-op once stopped.
  void Enqueue(Message message) ABSL_LOCKS_EXCLUDED(mu_) {
    message.attempt = 1;
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    ready_.push_back(std::move(message));
    wake_.Signal();
  }

  // Makes Run() return after the handler call in progress (if any) and drops
  // every pending message; a failed call in progress is dead-lettered if it was
  // the last delivery, dropped otherwise. Any thread.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
    ready_.clear();
    redeliveries_ = {};
    wake_.Signal();
  }

  // The delivery loop: runs on the subscription's own thread until Stop().
  void Run() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::BitGen random;
    for (;;) {
      Message message;
      if (!NextMessage(&message)) return;

      const absl::Status status = internal::CallHandler(handler_, message);

      bool dead = false;
      {
        absl::MutexLock lock(&mu_);
        delivering_ = false;
        if (status.ok()) continue;
        if (message.attempt >= options_.max_deliveries) {
          dead = true;  // Even when stopped: the message did exhaust its deliveries.
        } else if (!stopped_) {
          const absl::Duration backoff =
              internal::JitteredBackoff(options_, message.attempt, random);
          ++message.attempt;
          redeliveries_.push(
              Redelivery{absl::Now() + backoff, next_sequence_++, std::move(message)});
        }
      }
      if (dead) internal::DeadLetter(options_, durable_name_, message, status);
    }
  }

 private:
  // Blocks until a message is ready (moving due redeliveries to the ready
  // queue) and takes it, marking it as being delivered; false once stopped.
  bool NextMessage(Message* message) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    for (;;) {
      if (stopped_) return false;
      const absl::Time now = absl::Now();
      while (!redeliveries_.empty() && redeliveries_.top().due <= now) {
        // top() is const; the element is popped right after the move.
        ready_.push_back(std::move(const_cast<Redelivery&>(redeliveries_.top()).message));
        redeliveries_.pop();
      }
      if (!ready_.empty()) break;
      if (redeliveries_.empty()) {
        wake_.Wait(&mu_);
      } else {
        wake_.WaitWithDeadline(&mu_, redeliveries_.top().due);
      }
    }
    *message = std::move(ready_.front());
    ready_.pop_front();
    delivering_ = true;
    return true;
  }

  const std::string pattern_;
  const std::string durable_name_;
  const Handler handler_;
  const SubscribeOptions options_;

  mutable absl::Mutex mu_;
  absl::CondVar wake_;  // Signalled on Enqueue() and Stop().
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool delivering_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Message> ready_ ABSL_GUARDED_BY(mu_);
  std::priority_queue<Redelivery, std::vector<Redelivery>, LaterFirst> redeliveries_
      ABSL_GUARDED_BY(mu_);
};

// The bus proper: subscriptions and the duplicate window. Outlives the Bus
// handle while any Subscription holds it. Thread-safe.
class BusState {
 public:
  explicit BusState(InProcessBusOptions options) : options_(std::move(options)) {}

  absl::Status Publish(const Message& message) ABSL_LOCKS_EXCLUDED(mu_) {
    if (message.id.empty()) return absl::InvalidArgumentError("message id must not be empty");
    if (message.subject.empty()) {
      return absl::InvalidArgumentError("message subject must not be empty");
    }
    // Holding mu_ across check and enqueue makes Publish all-or-nothing: only
    // publishers add to a subscription's pending count, and they are serialised
    // here; delivery threads only lower it.
    absl::MutexLock lock(&mu_);
    const absl::Time now = options_.clock->Now();
    if (IsDuplicate(message.id, now)) return absl::OkStatus();

    std::vector<SubscriptionState*> targets;
    for (const auto& sub : subscriptions_) {
      if (!SubjectMatches(sub->pattern(), message.subject)) continue;
      if (sub->Pending() >= options_.max_pending_per_subscription) {
        return absl::ResourceExhaustedError(
            absl::StrCat("subscription \"", sub->pattern(), "\" has ",
                         options_.max_pending_per_subscription, " messages pending"));
      }
      targets.push_back(sub.get());
    }
    for (SubscriptionState* sub : targets) sub->Enqueue(message);
    RememberId(message.id, now);
    return absl::OkStatus();
  }

  void Add(std::shared_ptr<SubscriptionState> sub) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    subscriptions_.push_back(std::move(sub));
  }

  void Remove(const SubscriptionState* sub) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    std::erase_if(subscriptions_, [sub](const auto& s) { return s.get() == sub; });
  }

 private:
  bool DeduplicationEnabled() const { return options_.duplicate_window > absl::ZeroDuration(); }

  // True when `id` was published less than duplicate_window before `now`.
  bool IsDuplicate(const std::string& id, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!DeduplicationEnabled()) return false;
    // Expire from the oldest end; an entry whose id was re-recorded later is
    // stale and leaves the map alone.
    while (!recent_order_.empty() &&
           now - recent_order_.front().second >= options_.duplicate_window) {
      ForgetOldest();
    }
    const auto it = recent_.find(id);
    return it != recent_.end() && now - it->second < options_.duplicate_window;
  }

  // Records `id` as published at `now`, forgetting the oldest beyond capacity.
  void RememberId(const std::string& id, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!DeduplicationEnabled()) return;
    while (recent_order_.size() >= options_.duplicate_window_capacity) ForgetOldest();
    recent_[id] = now;
    recent_order_.emplace_back(id, now);
  }

  void ForgetOldest() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const auto& [id, at] = recent_order_.front();
    const auto it = recent_.find(id);
    if (it != recent_.end() && it->second == at) recent_.erase(it);
    recent_order_.pop_front();
  }

  const InProcessBusOptions options_;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<SubscriptionState>> subscriptions_ ABSL_GUARDED_BY(mu_);
  // Published ids and when; recent_order_ is oldest first and bounded by
  // duplicate_window_capacity, recent_ holds a subset of its ids.
  absl::flat_hash_map<std::string, absl::Time> recent_ ABSL_GUARDED_BY(mu_);
  std::deque<std::pair<std::string, absl::Time>> recent_order_ ABSL_GUARDED_BY(mu_);
};

// Owns a subscription's delivery thread. Destroying it unregisters the
// subscription, drops its pending messages, stops the thread and waits for a
// handler call in progress (and for the dead-letter sink, if that call was the
// message's last delivery) to return, unless called from that handler: then it
// returns at once and the thread exits after the handler returns.
class InProcessSubscription final : public Subscription {
 public:
  InProcessSubscription(std::shared_ptr<BusState> bus, std::shared_ptr<SubscriptionState> state)
      : bus_(std::move(bus)),
        state_(std::move(state)),
        thread_([state = state_] { state->Run(); }) {}

  ~InProcessSubscription() override {
    bus_->Remove(state_.get());
    state_->Stop();
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // Run() holds its own reference to the state.
    } else {
      thread_.join();
    }
  }

  InProcessSubscription(const InProcessSubscription&) = delete;
  InProcessSubscription& operator=(const InProcessSubscription&) = delete;

 private:
  const std::shared_ptr<BusState> bus_;
  const std::shared_ptr<SubscriptionState> state_;
  std::thread thread_;
};

class InProcessBus final : public Bus {
 public:
  explicit InProcessBus(InProcessBusOptions options)
      : state_(std::make_shared<BusState>(std::move(options))) {}

  absl::Status Publish(const Message& message) override { return state_->Publish(message); }

  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::string_view subject,
                                                          std::string_view durable_name,
                                                          Handler handler,
                                                          SubscribeOptions options) override {
    if (absl::Status s = internal::ValidateSubscription(subject, handler, options); !s.ok()) {
      return s;
    }
    auto sub = std::make_shared<SubscriptionState>(std::string(subject), std::string(durable_name),
                                                   std::move(handler), std::move(options));
    // Registered only once its thread runs, so a failed thread start leaves no trace.
    auto subscription = std::make_unique<InProcessSubscription>(state_, sub);
    state_->Add(std::move(sub));
    return subscription;
  }

 private:
  const std::shared_ptr<BusState> state_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Bus>> NewInProcessBus(InProcessBusOptions options) {
  if (options.max_pending_per_subscription < 1) {
    return absl::InvalidArgumentError(
        "InProcessBusOptions.max_pending_per_subscription must be >= 1");
  }
  if (options.duplicate_window < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("InProcessBusOptions.duplicate_window must be >= 0");
  }
  if (options.duplicate_window_capacity < 1) {
    return absl::InvalidArgumentError("InProcessBusOptions.duplicate_window_capacity must be >= 1");
  }
  if (options.clock == nullptr) options.clock = SystemClock();
  return std::make_unique<InProcessBus>(std::move(options));
}

}  // namespace guestguard
