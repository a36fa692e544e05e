// Copyright 2026 GuestGuard authors.
#include "guestguard/outbox_relay.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "guestguard/access_scored.h"
#include "guestguard/sql/sql.h"
#include "guestguard/status_macros.h"
#include "storage/sql_store.h"

namespace guestguard {
namespace {

// Published rows deleted per sweep, and how often a sweep runs.
constexpr int64_t kPruneBatch = 1000;
constexpr absl::Duration kPruneEvery = absl::Minutes(1);
// How soon a relay looks again at accesses held back by an older transaction.
constexpr absl::Duration kHeldBackRetry = absl::Milliseconds(10);

// A random name for one relay's hold on a feed cursor.
std::string NewLeaseOwner() {
  absl::BitGen gen;
  const uint64_t a = absl::Uniform<uint64_t>(gen);
  const uint64_t b = absl::Uniform<uint64_t>(gen);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(&a), sizeof a)) +
         absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(&b), sizeof b));
}

// How many of `sent` messages the bus took, in order, up to the first it
// refused; that refusal in `error`.
size_t PublishedPrefix(const std::vector<absl::Status>& results, size_t sent, absl::Status* error) {
  size_t published = 0;
  while (published < sent && published < results.size() && results[published].ok()) ++published;
  if (published < sent) {
    *error = published < results.size()
                 ? results[published]
                 : absl::InternalError("the bus answered fewer messages than it was given");
  }
  return published;
}

// The access feed's backlog after each cursor, added to `backlog`.
absl::Status AddFeedBacklog(sql::Connection& c, absl::Time now, OutboxBacklog& backlog) {
  const bool sqlite = c.dialect() == sql::Dialect::kSqlite;
  const std::string after = sqlite ? " WHERE id > ?" : " WHERE (xact, id) > (?, ?)";
  const std::string order = sqlite ? " ORDER BY id" : " ORDER BY xact, id";
  GG_ASSIGN_OR_RETURN(sql::Rows cursors,
                      c.Query("SELECT last_xact, last_id FROM guard_relay_cursor", {}));
  for (size_t i = 0; i < cursors.size(); ++i) {
    std::vector<sql::Value> args;
    if (!sqlite) args.push_back(cursors.at(i, 0));
    args.push_back(cursors.at(i, 1));
    std::vector<sql::Value> counted = args;
    counted.push_back(sql::Int(kMaxCountedOutboxBacklog));
    GG_ASSIGN_OR_RETURN(sql::Rows count,
                        c.Query("SELECT count(*) FROM (SELECT 1 FROM guard_access_log" + after +
                                    " LIMIT ?) AS pending",
                                counted));
    GG_ASSIGN_OR_RETURN(const int64_t pending, count.Int(0, 0));
    backlog.pending = std::min(backlog.pending + pending, kMaxCountedOutboxBacklog);
    GG_ASSIGN_OR_RETURN(
        sql::Rows oldest,
        c.Query("SELECT occurred_at FROM guard_access_log" + after + order + " LIMIT 1", args));
    if (!oldest.empty()) {
      GG_ASSIGN_OR_RETURN(const absl::Time at, oldest.Time(0, 0));
      backlog.oldest_age = std::max(backlog.oldest_age, now - at);
    }
  }
  return absl::OkStatus();
}

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
    return AddFeedBacklog(c, now, backlog);
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
      options_(std::move(options)),
      feed_subject_(internal::AccessFeedSubjectOf(*store_)),
      lease_owner_(NewLeaseOwner()) {}

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
  // The feed first: an application's event usually follows the access that
  // allowed it (a guest's RSVP follows the check of its link).
  if (feed_subject_.empty()) return PublishOutboxRows();
  Pass fed = PublishAccessFeed();
  Pass rows = PublishOutboxRows();
  return Pass{rows.published + fed.published, rows.error.ok() ? fed.error : rows.error,
              rows.more || fed.more, fed.held_back};
}

OutboxRelay::Pass OutboxRelay::PublishOutboxRows() {
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
  Pass pass;
  pass.published = PublishedPrefix(bus_->PublishBatch(messages), claimed.size(), &pass.error);
  pass.more = claimed.size() == options_.batch_size && pass.error.ok();

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

OutboxRelay::Pass OutboxRelay::PublishAccessFeed() {
  // 1. Hold the feed's cursor (renewed at half the lease): only its holder
  //    publishes, so relays sharing the database do not repeat each other.
  const absl::Time now = absl::Now();
  if (now >= lease_until_ - options_.claim_lease / 2) {
    std::optional<internal::FeedPosition> held;
    absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
      held.reset();
      GG_ASSIGN_OR_RETURN(sql::Rows rows,
                          c.Query("UPDATE guard_relay_cursor SET lease_owner = ?, lease_until = ?"
                                  " WHERE name = ? AND (lease_owner = ? OR lease_until < ?)"
                                  " RETURNING last_xact, last_id",
                                  {sql::Text(lease_owner_), now + options_.claim_lease,
                                   sql::Text(feed_subject_), sql::Text(lease_owner_), now}));
      if (rows.empty()) return absl::OkStatus();
      held.emplace();
      GG_ASSIGN_OR_RETURN(held->xact, rows.Int(0, 0));
      GG_ASSIGN_OR_RETURN(held->id, rows.Int(0, 1));
      return absl::OkStatus();
    });
    lease_until_ = absl::InfinitePast();
    if (!s.ok()) return Pass{0, s};
    if (!held) return Pass{};  // Another relay holds it.
    feed_after_xact_ = held->xact;
    feed_after_id_ = held->id;
    lease_until_ = now + options_.claim_lease;
  }

  // 2. Publish what follows it: every access row is its own access.scored.
  absl::StatusOr<internal::AccessFeedBatch> batch =
      internal::ReadAccessFeed(*db_, {feed_after_xact_, feed_after_id_}, options_.batch_size);
  if (!batch.ok()) return Pass{0, batch.status()};
  const std::vector<internal::FedAccess>& fed = batch->ready;
  Pass pass;
  pass.held_back = batch->held_back;
  if (fed.empty()) return pass;
  std::vector<Message> messages;
  messages.reserve(fed.size());
  for (const internal::FedAccess& f : fed) {
    messages.push_back(
        Message{AccessScoredMessageId(f.record.id), feed_subject_, EncodeAccessScored(f.record)});
  }
  pass.published = PublishedPrefix(bus_->PublishBatch(messages), fed.size(), &pass.error);
  pass.more = fed.size() == options_.batch_size && pass.error.ok();
  if (pass.published == 0) return pass;

  // 3. Move the cursor past the published prefix (and renew the hold). A
  //    relay that lost its hold meanwhile moves nothing: the holder publishes
  //    those rows again (same message ids).
  const internal::FeedPosition last = fed[pass.published - 1].position;
  const absl::Time renewed = absl::Now() + options_.claim_lease;
  absl::StatusOr<int64_t> moved = absl::UnknownError("not run");
  absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    moved = c.Exec(
        "UPDATE guard_relay_cursor SET last_xact = ?, last_id = ?, lease_until = ?"
        " WHERE name = ? AND lease_owner = ?",
        {sql::Int(last.xact), sql::Int(last.id), renewed, sql::Text(feed_subject_),
         sql::Text(lease_owner_)});
    return moved.status();
  });
  if (!s.ok() || *moved != 1) {
    lease_until_ = absl::InfinitePast();
    return Pass{0, s, false, pass.held_back};
  }
  feed_after_xact_ = last.xact;
  feed_after_id_ = last.id;
  lease_until_ = renewed;
  return pass;
}

void OutboxRelay::ReleaseFeed() {
  if (feed_subject_.empty() || lease_until_ == absl::InfinitePast()) return;
  absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c
        .Exec(
            "UPDATE guard_relay_cursor SET lease_owner = '', lease_until = ?"
            " WHERE name = ? AND lease_owner = ?",
            {absl::UnixEpoch(), sql::Text(feed_subject_), sql::Text(lease_owner_)})
        .status();
  });
  if (!s.ok()) Report("cannot release the access feed", s);
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
  RunPasses();
  ReleaseFeed();  // Another process's relay may take the feed at once.
}

void OutboxRelay::RunPasses() {
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
    if (pass.more) {
      if (past_deadline) return;
      continue;
    }
    // Nothing pending (as of this pass).
    if (absl::Now() >= next_prune) {
      Prune();
      next_prune = absl::Now() + kPruneEvery;
    }
    absl::MutexLock lock(&mu_);
    if (pass.held_back) {
      // Committed accesses wait behind an older transaction: look again soon.
      if (past_deadline) return;
      mu_.AwaitWithTimeout(absl::Condition(&stop_), kHeldBackRetry);
      if (stop_) return;
      continue;
    }
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
