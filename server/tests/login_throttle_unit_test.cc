// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/login_throttle.h. Time comes from a ManualClock.
#include <memory>

#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "server/login_throttle.h"

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

}  // namespace
}  // namespace guestguard::server
