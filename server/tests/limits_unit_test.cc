// Copyright 2026 GuestGuard authors.
//
// The abuse limits of issue 15: login throttling, per-address windows and the
// bounded Argon2 pool. Time comes from a fake clock.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "server/login_throttle.h"
#include "server/window_limiter.h"
#include "server/work_pool.h"

namespace guestguard::server {
namespace {

TEST(LoginThrottle, AllowsMaxFailuresThenWaitsOneTwoFourSeconds) {
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1'800'000'000));
  LoginThrottle throttle(3, clock);
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(throttle.Check("a@example.com"));
    throttle.RecordFailure("a@example.com");
  }
  EXPECT_FALSE(throttle.Check("a@example.com"));
  EXPECT_EQ(throttle.RecordFailure("a@example.com"), 3);
  EXPECT_EQ(throttle.Check("a@example.com"), absl::Seconds(1));
  EXPECT_FALSE(throttle.Check("b@example.com"));  // Per account.
  clock->Advance(absl::Seconds(1));
  EXPECT_FALSE(throttle.Check("a@example.com"));
  throttle.RecordFailure("a@example.com");
  EXPECT_EQ(throttle.Check("a@example.com"), absl::Seconds(2));
  clock->Advance(absl::Seconds(2));
  throttle.RecordFailure("a@example.com");
  EXPECT_EQ(throttle.Check("a@example.com"), absl::Seconds(4));
}

TEST(LoginThrottle, DelayIsCappedAtFifteenMinutes) {
  LoginThrottle throttle(5);
  EXPECT_EQ(throttle.DelayAfter(4), absl::ZeroDuration());
  EXPECT_EQ(throttle.DelayAfter(5), absl::Seconds(1));
  EXPECT_EQ(throttle.DelayAfter(6), absl::Seconds(2));
  EXPECT_EQ(throttle.DelayAfter(14), absl::Seconds(512));
  EXPECT_EQ(throttle.DelayAfter(15), absl::Minutes(15));
  EXPECT_EQ(throttle.DelayAfter(1000), absl::Minutes(15));
}

TEST(LoginThrottle, SuccessAndTheWindowForgetFailures) {
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1'800'000'000));
  LoginThrottle throttle(1, clock);
  throttle.RecordFailure("a");
  ASSERT_TRUE(throttle.Check("a"));
  throttle.RecordSuccess("a");
  EXPECT_FALSE(throttle.Check("a"));
  throttle.RecordFailure("a");
  clock->Advance(LoginThrottle::kWindow);
  EXPECT_FALSE(throttle.Check("a"));
  EXPECT_EQ(throttle.RecordFailure("a"), 1);  // Counting starts again.
}

TEST(LoginThrottle, TableIsBounded) {
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1'800'000'000));
  LoginThrottle throttle(1, clock, /*max_keys=*/4);
  for (int i = 0; i < 100; ++i) {
    clock->Advance(absl::Seconds(1));
    throttle.RecordFailure("user" + std::to_string(i));
  }
  EXPECT_TRUE(throttle.Check("user99"));  // The newest is still throttled.
}

TEST(WindowLimiter, AllowsLimitPerWindowThenSaysWhenTheOldestLeaves) {
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1'800'000'000));
  WindowLimiter limiter(3, absl::Hours(1), clock);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.Acquire("bob@example.com"));
    clock->Advance(absl::Minutes(10));
  }
  EXPECT_EQ(limiter.Acquire("bob@example.com"), absl::Minutes(30));
  EXPECT_EQ(limiter.Peek("bob@example.com"), absl::Minutes(30));
  EXPECT_FALSE(limiter.Acquire("carol@example.com"));
  clock->Advance(absl::Minutes(30));
  EXPECT_FALSE(limiter.Acquire("bob@example.com"));
  EXPECT_TRUE(limiter.Acquire("bob@example.com"));  // The refused one was not counted.
}

TEST(WorkPool, RunsWorkOnItsThreadsAndReturnsTheResult) {
  WorkPool pool(2, 2);
  const std::thread::id caller = std::this_thread::get_id();
  std::thread::id ran_on;
  absl::StatusOr<int> result = pool.Run([&] {
    ran_on = std::this_thread::get_id();
    return 42;
  });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 42);
  EXPECT_NE(ran_on, caller);
}

TEST(WorkPool, TryPostRunsOnAPoolThreadAndRefusesWhenFull) {
  WorkPool pool(1, 1);
  const std::thread::id caller = std::this_thread::get_id();
  absl::Notification release;
  absl::Notification first_ran;
  std::thread::id ran_on;
  ASSERT_TRUE(pool.TryPost([&] {
    ran_on = std::this_thread::get_id();
    first_ran.Notify();
    release.WaitForNotification();
  }));
  std::atomic<int> queued_ran{0};
  ASSERT_TRUE(pool.TryPost([&] { ++queued_ran; }));   // Waits for the thread.
  EXPECT_FALSE(pool.TryPost([&] { ++queued_ran; }));  // Thread busy, queue full: at once.
  first_ran.WaitForNotification();
  EXPECT_NE(ran_on, caller);
  release.Notify();
  while (pool.in_flight() > 0) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_EQ(queued_ran.load(), 1);
  EXPECT_TRUE(pool.TryPost([] {}));
}

TEST(WorkPool, FailsFastWhenThreadsAndQueueAreFull) {
  WorkPool pool(1, 1);
  absl::Notification release;
  std::atomic<int> started{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 2; ++i) {
    callers.emplace_back([&] {
      EXPECT_TRUE(pool.Run([&] {
                        ++started;
                        release.WaitForNotification();
                        return 0;
                      })
                      .ok());
    });
  }
  while (pool.in_flight() < 2) absl::SleepFor(absl::Milliseconds(1));
  const absl::Time start = absl::Now();
  absl::StatusOr<int> third = pool.Run([] { return 1; });
  EXPECT_TRUE(absl::IsUnavailable(third.status())) << third.status();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(100));  // At once, no wait.
  release.Notify();
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(started.load(), 2);
  EXPECT_TRUE(pool.Run([] { return 1; }).ok());
}

}  // namespace
}  // namespace guestguard::server
