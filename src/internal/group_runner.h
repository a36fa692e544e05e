// Copyright 2026 GuestGuard authors.
//
// Runs jobs that callers submit concurrently in groups, on the callers' own
// threads: a client-side group commit. Run(job) queues the job; while fewer
// than `max_leaders` groups are running, the caller leads: it takes up to
// `max_group` queued jobs (oldest first, its own among them unless more were
// waiting) and hands them to `run_group`, which must settle every job it is
// given (write each job's outcome into it). Otherwise the caller waits until
// a leader settled its job, or until it may lead itself. Run returns once its
// job is settled. A lone caller runs its job at once, in a group of one.
//
//   GroupRunner<Write> writes(32, 2, [&](std::span<Write* const> group) { ... });
//   Write w{...};
//   writes.Run(w);  // w's outcome is set.
#ifndef GUESTGUARD_INTERNAL_GROUP_RUNNER_H_
#define GUESTGUARD_INTERNAL_GROUP_RUNNER_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace guestguard::internal {

template <typename Job>
class GroupRunner {
 public:
  using RunGroup = std::function<void(std::span<Job* const>)>;

  // `max_group` >= 1 jobs per group; `max_leaders` >= 1 groups at once.
  GroupRunner(size_t max_group, int max_leaders, RunGroup run_group)
      : max_group_(max_group), max_leaders_(max_leaders), run_group_(std::move(run_group)) {}
  GroupRunner(const GroupRunner&) = delete;
  GroupRunner& operator=(const GroupRunner&) = delete;

  void Run(Job& job) {
    Waiter me{this, &job};
    absl::MutexLock lock(&mu_);
    queue_.push_back(&me);
    while (!me.settled) {
      mu_.Await(absl::Condition(&Waiter::SettledOrMayLead, &me));
      if (me.settled) break;
      Lead();
    }
  }

 private:
  struct Waiter {
    GroupRunner* runner;
    Job* job;
    bool settled = false;
    static bool SettledOrMayLead(Waiter* w) ABSL_EXCLUSIVE_LOCKS_REQUIRED(w->runner->mu_) {
      return w->settled ||
             (w->runner->leaders_ < w->runner->max_leaders_ && !w->runner->queue_.empty());
    }
  };

  // Takes a group off the queue and runs it with the lock released.
  void Lead() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    std::vector<Waiter*> group;
    while (!queue_.empty() && group.size() < max_group_) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
    std::vector<Job*> jobs;
    jobs.reserve(group.size());
    for (Waiter* w : group) jobs.push_back(w->job);
    ++leaders_;
    mu_.Unlock();
    run_group_(std::span<Job* const>(jobs));
    mu_.Lock();
    --leaders_;
    for (Waiter* w : group) w->settled = true;
  }

  const size_t max_group_;
  const int max_leaders_;
  const RunGroup run_group_;
  absl::Mutex mu_;
  std::deque<Waiter*> queue_ ABSL_GUARDED_BY(mu_);
  int leaders_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_GROUP_RUNNER_H_
