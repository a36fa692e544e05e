// Copyright 2026 GuestGuard authors.
#include "server/retention_job.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"

namespace guestguard::server {

std::unique_ptr<RetentionJob> RetentionJob::Start(std::shared_ptr<Store> store,
                                                  std::shared_ptr<Logger> logger,
                                                  RetentionOptions options) {
  std::unique_ptr<RetentionJob> job(new RetentionJob(std::move(store), std::move(logger), options));
  job->thread_ = std::thread([raw = job.get()] { raw->Loop(); });
  return job;
}

RetentionJob::RetentionJob(std::shared_ptr<Store> store, std::shared_ptr<Logger> logger,
                           RetentionOptions options)
    : store_(std::move(store)), logger_(std::move(logger)), options_(options) {}

RetentionJob::~RetentionJob() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

absl::StatusOr<size_t> RetentionJob::RunOnce(absl::Time now) {
  const absl::Time before = now - options_.retention;
  size_t total = 0;
  while (true) {
    absl::StatusOr<size_t> deleted = store_->PruneAccessLog(before, options_.batch);
    if (!deleted.ok()) return deleted.status();
    total += *deleted;
    if (*deleted < options_.batch) return total;
    absl::MutexLock lock(&mu_);
    if (stopping_) return total;
  }
}

void RetentionJob::Loop() {
  while (true) {
    absl::StatusOr<size_t> deleted = RunOnce(options_.clock->Now());
    if (!deleted.ok()) {
      logger_->Warn("access log retention pass failed",
                    {{"error", std::string(deleted.status().message())}});
    } else if (*deleted > 0) {
      logger_->Info("access log pruned",
                    {{"deleted", static_cast<int64_t>(*deleted)},
                     {"retention_days", absl::ToInt64Hours(options_.retention) / 24}});
    }
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) return;
  }
}

}  // namespace guestguard::server
