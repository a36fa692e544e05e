// Copyright 2026 GuestGuard authors.
#include "internal/deadline_executor.h"

namespace guestguard::internal {

DeadlineExecutor::DeadlineExecutor(int threads) {
  {
    absl::MutexLock lock(&mu_);
    idle_ = threads;  // Counted up front: a task handed over waits for its worker to start.
  }
  workers_.reserve(threads);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

DeadlineExecutor::~DeadlineExecutor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : workers_) t.join();
}

bool DeadlineExecutor::TrySubmit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || idle_ == 0) return false;
  handed_over_.push_back(std::move(task));
  --idle_;  // Reserved: some worker will take it.
  return true;
}

void DeadlineExecutor::WorkerLoop() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(
        +[](DeadlineExecutor* self) ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
          return self->stopping_ || !self->handed_over_.empty();
        },
        this));
    if (!handed_over_.empty()) {
      std::function<void()> task = std::move(handed_over_.front());
      handed_over_.pop_front();
      mu_.Unlock();
      task();
      mu_.Lock();
      ++idle_;
      continue;
    }
    return;  // Stopping and nothing handed over.
  }
}

}  // namespace guestguard::internal
