// Copyright 2026 GuestGuard authors.
//
// The access-log retention job: a thread that, at start and then every
// `interval`, deletes the access-log entries (and their feedback) older than
// `retention` through Store::PruneAccessLog, `batch` rows per transaction so
// that no write waits long behind it. Each process runs one; the deletes are
// idempotent, so several processes on one database only repeat each other.
//
//   std::unique_ptr<RetentionJob> job = RetentionJob::Start(store, logger,
//       {.retention = absl::Hours(24 * 180), .interval = absl::Hours(1)});
//   ...
//   job.reset();  // stops and joins the thread
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_RETENTION_JOB_H_
#define GUESTGUARD_SERVER_RETENTION_JOB_H_

#include <cstddef>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/clock.h"
#include "guestguard/store.h"
#include "server/log.h"

namespace guestguard::server {

struct RetentionOptions {
  // Entries whose access is older than this are deleted. Must be > 0.
  absl::Duration retention = absl::Hours(24 * 180);
  // Time between passes. Must be > 0.
  absl::Duration interval = absl::Hours(1);
  // Rows deleted per transaction.
  size_t batch = 1000;
  // Where "now" comes from for each pass. Default: SystemClock().
  std::shared_ptr<Clock> clock = SystemClock();
};

class RetentionJob {
 public:
  // Starts the thread; its first pass runs at once.
  static std::unique_ptr<RetentionJob> Start(std::shared_ptr<Store> store,
                                             std::shared_ptr<Logger> logger,
                                             RetentionOptions options);
  ~RetentionJob();
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

  // One pass as of `now`: batches until one comes back short. Returns how
  // many entries were deleted; the store's error otherwise (also logged by
  // the thread's passes).
  absl::StatusOr<size_t> RunOnce(absl::Time now);

 private:
  RetentionJob(std::shared_ptr<Store> store, std::shared_ptr<Logger> logger,
               RetentionOptions options);
  void Loop();

  const std::shared_ptr<Store> store_;
  const std::shared_ptr<Logger> logger_;
  const RetentionOptions options_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_RETENTION_JOB_H_
