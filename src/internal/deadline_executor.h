// Copyright 2026 GuestGuard authors.
//
// A fixed set of worker threads that run tasks without queueing: TrySubmit
// refuses when every worker is busy, so callers never wait behind a stuck
// task. Used to run pluggable scorers under a deadline. Private.
#ifndef GUESTGUARD_INTERNAL_DEADLINE_EXECUTOR_H_
#define GUESTGUARD_INTERNAL_DEADLINE_EXECUTOR_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace guestguard::internal {

// Thread-safe. The destructor waits for running tasks to return.
class DeadlineExecutor {
 public:
  explicit DeadlineExecutor(int threads);
  ~DeadlineExecutor();
  DeadlineExecutor(const DeadlineExecutor&) = delete;
  DeadlineExecutor& operator=(const DeadlineExecutor&) = delete;

  // Starts `task` on an idle worker; false (and `task` dropped) when none is idle.
  bool TrySubmit(std::function<void()> task);

 private:
  void WorkerLoop();

  absl::Mutex mu_;
  // Tasks handed over but not yet picked up; never more than the idle workers.
  std::deque<std::function<void()>> handed_over_ ABSL_GUARDED_BY(mu_);
  // Workers neither running a task nor reserved by a handed-over one.
  int idle_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_DEADLINE_EXECUTOR_H_
