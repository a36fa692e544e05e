// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/window_limiter.h. Time comes from a ManualClock.
#include <memory>

#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "server/window_limiter.h"

namespace guestguard::server {
namespace {

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

}  // namespace
}  // namespace guestguard::server
