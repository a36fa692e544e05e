// Copyright 2026 GuestGuard authors.
//
// GroupRunner: a client-side group commit's gathering and leading.
#include "internal/group_runner.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace guestguard::internal {
namespace {

struct Job {
  int value = 0;
  int result = 0;         // value * 2 once settled.
  size_t group_size = 0;  // The size of the group it ran in.
};

TEST(GroupRunner, ALoneCallRunsAtOnceInAGroupOfOne) {
  int groups = 0;
  GroupRunner<Job> runner(8, 1, [&](std::span<Job* const> group) {
    ++groups;
    for (Job* j : group) {
      j->result = j->value * 2;
      j->group_size = group.size();
    }
  });
  Job job{21};
  runner.Run(job);
  EXPECT_EQ(job.result, 42);
  EXPECT_EQ(job.group_size, 1u);
  EXPECT_EQ(groups, 1);
}

// While the one allowed leader is busy, callers queue up; the next leader
// takes them together (up to max_group at a time), and every job is settled
// exactly once, by a group that contained it.
TEST(GroupRunner, CallsThatArriveWhileAGroupRunsAreRunTogetherAndEachOnce) {
  constexpr int kCallers = 10;
  absl::Notification first_started, release_first;
  std::atomic<int> running{0}, most_running{0}, settled{0};
  std::vector<size_t> sizes;
  GroupRunner<Job> runner(4, 1, [&](std::span<Job* const> group) {
    const int now = ++running;
    int seen = most_running.load();
    while (now > seen && !most_running.compare_exchange_weak(seen, now)) {
    }
    if (!first_started.HasBeenNotified()) {
      first_started.Notify();
      release_first.WaitForNotification();
    }
    sizes.push_back(group.size());  // Only one leader at a time: no race.
    for (Job* j : group) {
      EXPECT_EQ(j->result, 0) << "settled twice";
      j->result = j->value * 2;
      j->group_size = group.size();
      ++settled;
    }
    --running;
  });
  Job first{0};
  std::thread leader([&] { runner.Run(first); });
  first_started.WaitForNotification();
  std::vector<Job> jobs(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    jobs[i].value = i + 1;
    callers.emplace_back([&, i] { runner.Run(jobs[i]); });
  }
  absl::SleepFor(absl::Milliseconds(500));  // Let them all queue.
  release_first.Notify();
  leader.join();
  for (auto& t : callers) t.join();
  for (int i = 0; i < kCallers; ++i) EXPECT_EQ(jobs[i].result, 2 * (i + 1));
  EXPECT_EQ(settled.load(), kCallers + 1);
  EXPECT_EQ(most_running.load(), 1);
  // 1 + 10 jobs in groups of at most 4: the first alone, then 4, 4 and 2.
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 4, 4, 2}));
}

TEST(GroupRunner, AtMostMaxLeadersGroupsRunAtOnce) {
  std::atomic<int> running{0}, most_running{0};
  GroupRunner<Job> runner(2, 3, [&](std::span<Job* const> group) {
    const int now = ++running;
    int seen = most_running.load();
    while (now > seen && !most_running.compare_exchange_weak(seen, now)) {
    }
    absl::SleepFor(absl::Milliseconds(20));
    for (Job* j : group) j->result = j->value * 2;
    --running;
  });
  std::vector<Job> jobs(24);
  std::vector<std::thread> callers;
  for (int i = 0; i < 24; ++i) {
    jobs[i].value = i;
    callers.emplace_back([&, i] { runner.Run(jobs[i]); });
  }
  for (auto& t : callers) t.join();
  for (int i = 0; i < 24; ++i) EXPECT_EQ(jobs[i].result, 2 * i);
  EXPECT_GE(most_running.load(), 2);
  EXPECT_LE(most_running.load(), 3);
}

}  // namespace
}  // namespace guestguard::internal
