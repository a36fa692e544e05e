// Copyright 2026 GuestGuard authors.
#include "server/work_pool.h"

#include <algorithm>

namespace guestguard::server {

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
  int result = 0;
  bool done = false;  // `result` is written before `done` is set.
  if (!Post({[&] { result = work(); }, &done})) return absl::UnavailableError("busy, try again");
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&done));
  return result;
}

bool WorkPool::TryPost(std::function<void()> work) { return Post({std::move(work), nullptr}); }

bool WorkPool::Post(Task task) {
  absl::MutexLock lock(&mu_);
  if (in_flight_ >= capacity_ || stopping_) return false;
  ++in_flight_;
  queue_.push_back(std::move(task));
  return true;
}

size_t WorkPool::in_flight() {
  absl::MutexLock lock(&mu_);
  return in_flight_;
}

void WorkPool::Loop() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // Stopping, and nothing left to do.
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task.work();
    task.work = nullptr;  // What it holds is released before the task counts as done.
    absl::MutexLock lock(&mu_);
    --in_flight_;
    if (task.done != nullptr) *task.done = true;
  }
}

}  // namespace guestguard::server
