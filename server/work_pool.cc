// Copyright 2026 GuestGuard authors.
#include "server/work_pool.h"

#include <algorithm>

namespace guestguard::server {

// Lives on the caller's stack: Run waits until `done`.
struct WorkPool::Task {
  const std::function<int()>* work = nullptr;
  int result = 0;
  bool done = false;
};

WorkPool::WorkPool(int threads, size_t queue)
    : capacity_(static_cast<size_t>(std::max(threads, 1)) + queue) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { Loop(); });
}

WorkPool::~WorkPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

absl::StatusOr<int> WorkPool::Run(const std::function<int()>& work) {
  Task task;
  task.work = &work;
  absl::MutexLock lock(&mu_);
  if (in_flight_ >= capacity_ || stopping_) return absl::UnavailableError("busy, try again");
  ++in_flight_;
  queue_.push_back(&task);
  mu_.Await(absl::Condition(&task.done));
  --in_flight_;
  return task.result;
}

size_t WorkPool::in_flight() {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

void WorkPool::Loop() {
  while (true) {
    Task* task = nullptr;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // Stopping, and nothing left to do.
      task = queue_.front();
      queue_.pop_front();
    }
    const int result = (*task->work)();
    absl::MutexLock lock(&mu_);
    task->result = result;
    task->done = true;
  }
}

}  // namespace guestguard::server
