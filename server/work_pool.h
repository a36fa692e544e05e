// Copyright 2026 GuestGuard authors.
//
// A fixed set of threads with a bounded queue, for work that must neither
// run on nor pile up behind the HTTP I/O threads: blocking handlers
// (TryPost hands one over and returns at once) and CPU-heavy work such as
// Argon2id (Run hands it over and waits for its result). Both fail at once
// when `queue` tasks are already waiting for a thread — so a flood answers
// 503 straight away instead of holding every serving thread.
//
//   WorkPool pool(/*threads=*/4, /*queue=*/4);
//   absl::StatusOr<int> rc = pool.Run([&] { return crypto_pwhash_str(...); });
//   if (absl::IsUnavailable(rc.status())) → 503
//   if (!pool.TryPost([request] { ... })) → 503
//
// Thread-safe. The destructor finishes queued work, then joins the threads.
#ifndef GUESTGUARD_SERVER_WORK_POOL_H_
#define GUESTGUARD_SERVER_WORK_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace guestguard::server {

class WorkPool {
 public:
  // threads >= 1; queue >= 0 (0: only as many calls as threads at once).
  WorkPool(int threads, size_t queue);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Runs `work` on a pool thread and returns what it returned; Unavailable
  // ("busy, try again") without running it when every thread is busy and
  // `queue` calls already wait.
  [[nodiscard]] absl::StatusOr<int> Run(const std::function<int()>& work);

  // Queues `work` for a pool thread and returns true; false without queueing
  // it when every thread is busy and `queue` tasks already wait, or the pool
  // is being destroyed.
  [[nodiscard]] bool TryPost(std::function<void()> work);

  // Tasks running or waiting now (tests, metrics).
  size_t in_flight();

 private:
  struct Task {
    std::function<void()> work;
    bool* done = nullptr;  // Set (under mu_) once `work` has returned: Run waits on it.
  };
  bool Post(Task task);
  void Loop();

  const size_t capacity_;  // threads + queue.
  absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WORK_POOL_H_
