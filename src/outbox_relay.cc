// Copyright 2026 GuestGuard authors.
#include "guestguard/outbox_relay.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "guestguard/sql/sql.h"
#include "guestguard/status_macros.h"
#include "storage/sql_store.h"

namespace guestguard {
namespace {

// Published rows deleted per sweep, and how often a sweep runs.
constexpr int64_t kPruneBatch = 1000;
constexpr absl::Duration kPruneEvery = absl::Minutes(1);

}  // namespace

std::string OutboxMessageId(int64_t id) { return "outbox:" + std::to_string(id); }

absl::StatusOr<int64_t> EnqueueOutbox(sql::Connection& c, std::string_view subject,
                                      std::string_view payload, absl::Time now) {
  if (subject.empty()) return absl::InvalidArgumentError("outbox: empty subject");
  GG_ASSIGN_OR_RETURN(sql::Rows rows,
                      c.Query("INSERT INTO guard_outbox (subject, payload, created_at)"
                              " VALUES (?, ?, ?) RETURNING id",
                              {sql::Text(subject), sql::Text(payload), now}));
  if (rows.size() != 1) return absl::InternalError("outbox insert returned no id");
  return rows.Int(0, 0);
}

absl::StatusOr<int64_t> ExecWithOutbox(sql::Connection& c, std::string_view write,
                                       const std::vector<sql::Value>& params,
                                       std::string_view subject, std::string_view payload,
                                       absl::Time now) {
  if (subject.empty()) return absl::InvalidArgumentError("outbox: empty subject");
  if (c.dialect() == sql::Dialect::kSqlite) {
    GG_ASSIGN_OR_RETURN(const int64_t changed, c.Exec(write, params));
    if (changed > 0) GG_RETURN_IF_ERROR(EnqueueOutbox(c, subject, payload, now).status());
    return changed;
  }
  std::vector<sql::Value> args = params;
  args.push_back(sql::Text(subject));
  args.push_back(sql::Text(payload));
  args.push_back(now);
  GG_ASSIGN_OR_RETURN(
      sql::Rows rows,
      c.Query(absl::StrCat("WITH w AS (", absl::string_view(write.data(), write.size()),
                           " RETURNING 1), o AS (INSERT INTO guard_outbox (subject, payload,"
                           " created_at) SELECT CAST(? AS TEXT), CAST(? AS TEXT),"
                           " CAST(? AS TIMESTAMPTZ) WHERE EXISTS (SELECT 1 FROM w))"
                           " SELECT count(*) FROM w"),
              args));
  if (rows.size() != 1) return absl::InternalError("outbox write returned no count");
  return rows.Int(0, 0);
}

absl::StatusOr<OutboxBacklog> ReadOutboxBacklog(const Store& store, absl::Time now) {
  std::shared_ptr<sql::Database> db = internal::SqlDatabaseOf(store);
  if (!db)
    return absl::InvalidArgumentError("outbox: the store has no outbox (SQLite or PostgreSQL)");
  OutboxBacklog backlog;
  GG_RETURN_IF_ERROR(db->Autocommit([&](sql::Connection& c) -> absl::Status {
    backlog = OutboxBacklog();
    GG_ASSIGN_OR_RETURN(
        sql::Rows count,
        c.Query("SELECT count(*) FROM (SELECT 1 FROM guard_outbox WHERE published_at IS NULL"
                " LIMIT ?) AS pending",
                {sql::Int(kMaxCountedOutboxBacklog)}));
    GG_ASSIGN_OR_RETURN(backlog.pending, count.Int(0, 0));
    GG_ASSIGN_OR_RETURN(sql::Rows oldest, c.Query("SELECT created_at FROM guard_outbox"
                                                  " WHERE published_at IS NULL ORDER BY id LIMIT 1",
                                                  {}));
    if (!oldest.empty()) {
      GG_ASSIGN_OR_RETURN(const absl::Time at, oldest.Time(0, 0));
      backlog.oldest_age = std::max(absl::ZeroDuration(), now - at);
    }
    return absl::OkStatus();
  }));
  return backlog;
}

absl::StatusOr<std::unique_ptr<OutboxRelay>> OutboxRelay::Start(std::shared_ptr<Store> store,
                                                                std::shared_ptr<Bus> bus,
                                                                OutboxRelayOptions options) {
  if (!store || !bus) return absl::InvalidArgumentError("outbox relay: store and bus");
  std::shared_ptr<sql::Database> db = internal::SqlDatabaseOf(*store);
  if (!db) {
    return absl::InvalidArgumentError(
        "outbox relay: the store has no outbox (SQLite or PostgreSQL)");
  }
  if (options.batch_size < 1 || options.batch_size > 10000) {
    return absl::InvalidArgumentError("outbox relay: batch_size must be 1-10000");
  }
  if (options.poll_interval <= absl::ZeroDuration() ||
      options.initial_backoff <= absl::ZeroDuration() ||
      options.max_backoff < options.initial_backoff || options.retention <= absl::ZeroDuration() ||
      options.claim_lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "outbox relay: poll_interval, initial_backoff, retention and claim_lease must be positive "
        "and max_backoff >= initial_backoff");
  }
  if (options.linger < absl::ZeroDuration() || options.linger > absl::Seconds(1)) {
    return absl::InvalidArgumentError("outbox relay: linger must be 0-1 s");
  }
  std::unique_ptr<OutboxRelay> relay(
      new OutboxRelay(std::move(store), std::move(db), std::move(bus), std::move(options)));
  relay->thread_ = std::thread([r = relay.get()] { r->Run(); });
  return relay;
}

OutboxRelay::OutboxRelay(std::shared_ptr<Store> store, std::shared_ptr<sql::Database> db,
                         std::shared_ptr<Bus> bus, OutboxRelayOptions options)
    : store_(std::move(store)),
      db_(std::move(db)),
      bus_(std::move(bus)),
      options_(std::move(options)) {}

void OutboxRelay::Report(std::string_view what, const absl::Status& status) const {
  if (options_.on_event) options_.on_event(what, status);
}

OutboxRelay::~OutboxRelay() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

absl::Status OutboxRelay::Drain(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    if (!draining_) {
      draining_ = true;
      drain_deadline_ = absl::Now() + timeout;
    }
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  if (drained_) return absl::OkStatus();
  return absl::DeadlineExceededError(
      "the outbox was not drained in time" +
      (health_.ok() ? std::string() : ": " + std::string(health_.message())));
}

absl::Status OutboxRelay::health() const {
  absl::MutexLock lock(&mu_);
  return health_;
}

int64_t OutboxRelay::published() const {
  absl::MutexLock lock(&mu_);
  return published_;
}

OutboxRelay::Pass OutboxRelay::PublishBatch() {
  // 1. Claim the oldest pending rows nobody else holds, in one statement: its
  //    row locks end with it, never held across the bus round trip.
  std::string claim =
      "UPDATE guard_outbox SET claimed_until = ? WHERE id IN (SELECT id FROM guard_outbox"
      " WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < ?)"
      " ORDER BY id LIMIT ?";
  // Rows another process's relay is claiming right now are skipped, not waited for.
  if (db_->dialect() == sql::Dialect::kPostgres) claim += " FOR UPDATE SKIP LOCKED";
  claim += ") RETURNING id, subject, payload";
  const absl::Time now = absl::Now();
  std::vector<std::pair<int64_t, Message>> claimed;
  absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    claimed.clear();
    GG_ASSIGN_OR_RETURN(sql::Rows rows,
                        c.Query(claim, {now + options_.claim_lease, now,
                                        sql::Int(static_cast<int64_t>(options_.batch_size))}));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(i, 0));
      Message message;
      message.id = OutboxMessageId(id);
      GG_ASSIGN_OR_RETURN(message.subject, rows.Text(i, 1));
      GG_ASSIGN_OR_RETURN(message.payload, rows.Text(i, 2));
      claimed.emplace_back(id, std::move(message));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return Pass{0, s};
  if (claimed.empty()) return Pass{};
  std::sort(claimed.begin(), claimed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  // 2. Publish the batch (NATS: all in flight at once, then every ack).
  std::vector<Message> messages;
  messages.reserve(claimed.size());
  for (auto& [id, message] : claimed) messages.push_back(std::move(message));
  const std::vector<absl::Status> results = bus_->PublishBatch(messages);
  Pass pass;
  while (pass.published < claimed.size() && pass.published < results.size() &&
         results[pass.published].ok()) {
    ++pass.published;
  }
  if (pass.published < claimed.size()) {
    pass.error = pass.published < results.size()
                     ? results[pass.published]
                     : absl::InternalError("the bus answered fewer messages than it was given");
  }

  // 3. Stamp the published prefix; release the rest so that the next pass
  //    starts at the refused row (order holds: nothing after it is stamped).
  auto id_list = [&](size_t from, size_t to, std::vector<sql::Value>& args) {
    std::string list;
    for (size_t i = from; i < to; ++i) {
      list += i == from ? "?" : ", ?";
      args.push_back(sql::Int(claimed[i].first));
    }
    return list;
  };
  s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    if (pass.published > 0) {
      std::vector<sql::Value> args = {absl::Now()};
      const std::string list = id_list(0, pass.published, args);
      GG_RETURN_IF_ERROR(
          c.Exec("UPDATE guard_outbox SET published_at = ?, claimed_until = NULL WHERE id IN (" +
                     list + ")",
                 args)
              .status());
    }
    if (pass.published < claimed.size()) {
      std::vector<sql::Value> args;
      const std::string list = id_list(pass.published, claimed.size(), args);
      GG_RETURN_IF_ERROR(
          c.Exec("UPDATE guard_outbox SET claimed_until = NULL WHERE id IN (" + list + ")", args)
              .status());
    }
    return absl::OkStatus();
  });
  // Unstamped, the published rows go out again once their claim lapses (same ids).
  if (!s.ok()) return Pass{0, s};
  return pass;
}

void OutboxRelay::Prune() {
  const absl::Time cutoff = absl::Now() - options_.retention;
  absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c
        .Exec(
            "DELETE FROM guard_outbox WHERE id IN (SELECT id FROM guard_outbox"
            " WHERE published_at IS NOT NULL AND published_at < ? ORDER BY id LIMIT ?)",
            {cutoff, sql::Int(kPruneBatch)})
        .status();
  });
  if (!s.ok()) Report("prune failed", s);
}

void OutboxRelay::Run() {
  absl::Duration backoff = options_.initial_backoff;
  absl::Time next_prune = absl::Now();
  bool failing = false;
  while (true) {
    // Only a pass begun after Drain() was called proves the outbox drained:
    // an earlier one may have claimed before the caller's last commit.
    bool drain_requested_before_pass = false;
    {
      absl::MutexLock lock(&mu_);
      drain_requested_before_pass = draining_;
    }
    Pass pass = PublishBatch();
    bool past_deadline = false;
    {
      absl::MutexLock lock(&mu_);
      published_ += static_cast<int64_t>(pass.published);
      health_ = pass.error;
      if (stop_) return;
      past_deadline = draining_ && absl::Now() >= drain_deadline_;
    }
    if (!pass.error.ok()) {
      if (!failing) {
        Report("cannot publish; retrying with backoff", pass.error);
      }
      failing = true;
      if (past_deadline) return;
      absl::MutexLock lock(&mu_);
      const absl::Time wake =
          draining_ ? std::min(absl::Now() + backoff, drain_deadline_) : absl::Now() + backoff;
      mu_.AwaitWithDeadline(absl::Condition(&stop_), wake);
      if (stop_) return;
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (failing) Report("publishing again", absl::OkStatus());
    failing = false;
    backoff = options_.initial_backoff;
    if (pass.published == options_.batch_size) {
      if (past_deadline) return;
      continue;  // More may be pending.
    }
    // Nothing pending (as of this pass).
    if (absl::Now() >= next_prune) {
      Prune();
      next_prune = absl::Now() + kPruneEvery;
    }
    absl::MutexLock lock(&mu_);
    if (draining_ && drain_requested_before_pass) {
      drained_ = true;
      return;
    }
    auto wanted = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return notified_ || stop_ || draining_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&wanted), options_.poll_interval);
    if (notified_ && !stop_ && !draining_ && options_.linger > absl::ZeroDuration()) {
      auto leaving = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_ || draining_; };
      mu_.AwaitWithTimeout(absl::Condition(&leaving), options_.linger);
    }
    notified_ = false;
    if (stop_) return;
  }
}

}  // namespace guestguard
