// Copyright 2026 GuestGuard authors.
//
// Helpers for Bus tests: a recorder of deliveries, message and option
// shorthands, and the waits every bus test uses.
#ifndef GUESTGUARD_TESTS_TESTING_BUS_TESTING_H_
#define GUESTGUARD_TESTS_TESTING_BUS_TESTING_H_

#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guestguard/bus.h"

#define GG_TEST_CONCAT_INNER_(a, b) a##b
#define GG_TEST_CONCAT_(a, b) GG_TEST_CONCAT_INNER_(a, b)
// `ASSERT_OK_AND_ASSIGN(auto x, StatusOrExpr());` — fails the test on error.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(GG_TEST_CONCAT_(statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  ASSERT_TRUE(tmp.ok()) << tmp.status();           \
  lhs = std::move(*tmp)

namespace guestguard::testing {

// Bound on every wait for something that must happen.
inline constexpr absl::Duration kWait = absl::Seconds(5);
// How long a test watches for something that must not happen.
inline constexpr absl::Duration kQuiet = absl::Milliseconds(100);

inline Message Msg(std::string id, std::string subject = "guestguard.access.scored",
                   std::string payload = "{}") {
  return Message{.id = std::move(id), .subject = std::move(subject), .payload = std::move(payload)};
}

// A subject token (and stream-name part) no other test of this run uses, so
// tests sharing one NATS server never see each other's streams or consumers.
inline std::string UniqueToken() {
  static std::atomic<int> counter{0};
  return "ggt" + std::to_string(::getpid()) + "x" + std::to_string(counter.fetch_add(1));
}

// Redeliveries fast enough that one would show up well within kQuiet.
inline SubscribeOptions FastRetries(int max_deliveries = 5) {
  SubscribeOptions options;
  options.max_deliveries = max_deliveries;
  options.initial_backoff = absl::Milliseconds(1);
  options.max_backoff = absl::Milliseconds(2);
  return options;
}

// Records deliveries to a handler. Thread-safe; must outlive the handlers it
// makes (declare it before the bus).
class Deliveries {
 public:
  // A handler that records each delivery, then returns `respond(message)` (OK
  // when `respond` is null).
  Handler Recording(std::function<absl::Status(const Message&)> respond = nullptr) {
    return [this, respond = std::move(respond)](const Message& message) {
      {
        absl::MutexLock lock(&mu_);
        messages_.push_back(message);
        times_.push_back(absl::Now());
      }
      return respond ? respond(message) : absl::OkStatus();
    };
  }

  // True once at least `n` deliveries were recorded, false after `timeout`.
  bool WaitForCount(size_t n, absl::Duration timeout = kWait) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return messages_.size() >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  std::vector<Message> Messages() const {
    absl::MutexLock lock(&mu_);
    return messages_;
  }

  std::vector<std::string> Ids() const {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> ids;
    for (const Message& m : messages_) ids.push_back(m.id);
    return ids;
  }

  std::vector<absl::Time> Times() const {
    absl::MutexLock lock(&mu_);
    return times_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Message> messages_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Time> times_ ABSL_GUARDED_BY(mu_);
};

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_BUS_TESTING_H_
