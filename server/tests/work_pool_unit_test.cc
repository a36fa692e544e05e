// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/work_pool.h: the bounded Argon2 pool.
#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/work_pool.h"

namespace guestguard::server {
namespace {

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

}  // namespace
}  // namespace guestguard::server
