// Copyright 2026 GuestGuard authors.
//
// A pluggable scorer for fault injection: answers a fixed verdict, fails, or
// blocks until released.
#ifndef GUESTGUARD_TESTS_TESTING_FAKE_SCORER_H_
#define GUESTGUARD_TESTS_TESTING_FAKE_SCORER_H_

#include <atomic>

#include "absl/synchronization/notification.h"
#include "guestguard/scoring.h"

namespace guestguard::testing {

class FakeScorer final : public Scorer {
 public:
  enum class Mode { kAnswer, kFail, kOwnDeadline, kBlockUntilReleased };

  explicit FakeScorer(Mode mode, Verdict answer = {}) : mode_(mode), answer_(std::move(answer)) {}
  // Releases every blocked call; call before the Guard is destroyed.
  ~FakeScorer() override { Release(); }

  absl::StatusOr<Verdict> Score(const ScoringContext&) override {
    calls_.fetch_add(1);
    switch (mode_) {
      case Mode::kAnswer:
        return answer_;
      case Mode::kFail:
        return absl::UnavailableError("model server down");
      case Mode::kOwnDeadline:  // E.g. a remote call whose own timeout ran out first.
        return absl::DeadlineExceededError("model server did not answer in time");
      case Mode::kBlockUntilReleased:
        release_.WaitForNotification();
        return answer_;
    }
    return answer_;
  }

  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
  }
  int calls() const { return calls_.load(); }

 private:
  const Mode mode_;
  const Verdict answer_;
  absl::Notification release_;
  std::atomic<int> calls_{0};
};

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_FAKE_SCORER_H_
