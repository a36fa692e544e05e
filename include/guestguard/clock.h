// Copyright 2026 GuestGuard authors.
//
// Clock: where the library reads the time. Every component that needs "now"
// takes a `std::shared_ptr<Clock>`; production code uses `SystemClock()`,
// tests use `ManualClock` and advance it instead of sleeping.
//
//   auto clock = std::make_shared<guestguard::ManualClock>(absl::FromUnixSeconds(1700000000));
//   clock->Advance(absl::Minutes(5));
#ifndef GUESTGUARD_CLOCK_H_
#define GUESTGUARD_CLOCK_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace guestguard {

// A source of wall-clock time. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The process-wide real clock (absl::Now()). Never null; shared, never freed.
std::shared_ptr<Clock> SystemClock();

// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start = absl::UnixEpoch()) : now_(start) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace guestguard

#endif  // GUESTGUARD_CLOCK_H_
