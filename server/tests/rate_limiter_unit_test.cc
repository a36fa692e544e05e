// Copyright 2026 GuestGuard authors.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "server/rate_limiter.h"

namespace guestguard::server {
namespace {

TEST(RateLimiter, AllowsTheBurstThenRefusesWithAWait) {
  auto t = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  RateLimiter limiter(/*per_minute=*/6, /*burst=*/3, t);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("1.2.3.4"), std::nullopt) << i;
  std::optional<absl::Duration> wait = limiter.Acquire("1.2.3.4");
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, absl::Seconds(10));  // 6 a minute: one token every 10 s.
  EXPECT_EQ(RetryAfterSeconds(*wait), 10);
  // Other keys have their own bucket.
  EXPECT_EQ(limiter.Acquire("5.6.7.8"), std::nullopt);
}

TEST(RateLimiter, RefillsOverTimeUpToTheBurst) {
  auto t = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  RateLimiter limiter(60, 2, t);
  EXPECT_EQ(limiter.Acquire("a"), std::nullopt);
  EXPECT_EQ(limiter.Acquire("a"), std::nullopt);
  ASSERT_TRUE(limiter.Acquire("a"));
  t->Advance(absl::Milliseconds(500));
  std::optional<absl::Duration> wait = limiter.Acquire("a");
  ASSERT_TRUE(wait);
  EXPECT_NEAR(absl::ToDoubleSeconds(*wait), 0.5, 1e-6);
  EXPECT_EQ(RetryAfterSeconds(*wait), 1);
  t->Advance(absl::Milliseconds(500));
  EXPECT_EQ(limiter.Acquire("a"), std::nullopt);
  ASSERT_TRUE(limiter.Acquire("a"));
  t->Advance(absl::Hours(1));  // Capped at the burst.
  EXPECT_EQ(limiter.Acquire("a"), std::nullopt);
  EXPECT_EQ(limiter.Acquire("a"), std::nullopt);
  EXPECT_TRUE(limiter.Acquire("a"));
}

TEST(RateLimiter, ClockGoingBackwardsGrantsNothing) {
  auto t = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  RateLimiter limiter(60, 1, t);
  EXPECT_EQ(limiter.Acquire("a"), std::nullopt);
  t->Advance(-absl::Minutes(5));
  EXPECT_TRUE(limiter.Acquire("a"));
}

TEST(RateLimiter, KeyTableIsBounded) {
  auto t = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  RateLimiter limiter(60, 2, t, /*max_keys=*/3);
  for (const char* key : {"a", "b", "c"}) EXPECT_EQ(limiter.Acquire(key), std::nullopt);
  EXPECT_EQ(limiter.size(), 3u);
  // Full and nobody refilled: reset.
  EXPECT_EQ(limiter.Acquire("d"), std::nullopt);
  EXPECT_EQ(limiter.size(), 1u);
  EXPECT_EQ(limiter.Acquire("e"), std::nullopt);
  EXPECT_EQ(limiter.Acquire("e"), std::nullopt);
  t->Advance(absl::Seconds(2));  // d and e refill; f still fits.
  EXPECT_EQ(limiter.Acquire("f"), std::nullopt);
  EXPECT_EQ(limiter.size(), 3u);
  // Full: the refilled d and e are dropped, f (spent) is kept.
  EXPECT_EQ(limiter.Acquire("g"), std::nullopt);
  EXPECT_EQ(limiter.size(), 2u);
}

TEST(RateLimiter, IsThreadSafe) {
  auto t = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  RateLimiter limiter(1, 1000, t);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 500; ++j) {
        if (!limiter.Acquire("shared")) allowed.fetch_add(1);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(allowed.load(), 1000);
}

}  // namespace
}  // namespace guestguard::server
