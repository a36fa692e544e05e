// Copyright 2026 GuestGuard authors.
//
// OutboxRelay: one thread that publishes the outbox of a SQLite or PostgreSQL
// store to a Bus: the rows an application adds to table guard_outbox in its
// own transactions and, when the store has an outbox_subject_prefix
// (SqliteStoreOptions/PostgresStoreOptions), the store's access feed — every
// access log row is its own "<prefix>.access.scored" event (message id
// "access:<id>"), read in commit order after a cursor kept in the database
// (guard_relay_cursor): on PostgreSQL only rows whose transaction is older
// than every transaction still running, so none can commit behind the cursor
// (a long transaction delays the feed while it runs). One relay at a time
// holds the cursor (a lease of `claim_lease`, released when it stops), so
// relays sharing a database publish each access once. For guard_outbox, a pass claims up to
// `batch_size` pending rows (published_at NULL) in id order for `claim_lease`
// (one statement: no row lock is held across the bus round trip), publishes
// them with Bus::PublishBatch, message id "outbox:<row id>", then stamps
// published_at on the published prefix and releases the rest, so the next pass
// starts at the first refused row. Rows other processes wrote are found by
// polling; Notify() wakes it at once after a local write. While the bus
// refuses messages it retries with exponential backoff: an outage delays
// events and loses none.
//
// No row is published twice in normal operation: one relay thread per
// process, and a claimed row is skipped by every other relay until its claim
// lapses (PostgreSQL claims with FOR UPDATE SKIP LOCKED, so relays sharing a
// database take disjoint rows). A relay that dies mid-batch, or cannot stamp
// what it published, leaves those rows to be published again once their claim
// lapses (consumers are idempotent by message id; JetStream drops repeated ids
// within its duplicate window, 2 min by default, above the default lease).
// Within one batch a refused row may be overtaken by later rows of the batch;
// they are published again after it. Published rows are kept `retention` for
// inspection, then deleted (a bounded batch per sweep).
//
//   auto store = NewSqliteStore("sqlite:guard.db", {.outbox_subject_prefix = "gg"});
//   auto relay = OutboxRelay::Start(*store, bus, {});
//   ... after a local write (a Guard::Check): relay->Notify();
//   relay->Drain(absl::Seconds(10));   // on shutdown: publish what is pending
//
// EnqueueOutbox adds an application's own event in its own transaction
// (ExecWithOutbox: together with one write, in one statement);
// ReadOutboxBacklog reports what is waiting.
//
// Thread-safe: every method and function may be called from any thread.
#ifndef GUESTGUARD_OUTBOX_RELAY_H_
#define GUESTGUARD_OUTBOX_RELAY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"
#include "guestguard/sql/sql.h"
#include "guestguard/store.h"

namespace guestguard {

// "outbox:<row id>": the message id the relay publishes outbox row `id` with.
std::string OutboxMessageId(int64_t id);

// Inserts one pending row (`subject`, `payload`) into guard_outbox on `c`,
// inside the caller's transaction on the store's database (NewSqlStore,
// guestguard/sql_store.h), so it commits or rolls back with the change it
// announces. Returns the row id; a relay publishes it with message id
// OutboxMessageId(id) — call its Notify() after the commit. `now` is the
// row's created_at (the lag ReadOutboxBacklog reports). Errors:
// InvalidArgument for an empty subject; the statement's error otherwise (which
// fails the caller's transaction).
//
//   GG_RETURN_IF_ERROR(db->Transact([&](sql::Connection& c) -> absl::Status {
//     GG_RETURN_IF_ERROR(c.Exec("UPDATE orders SET ...", {...}).status());
//     return EnqueueOutbox(c, "app.order.paid", payload_json, absl::Now()).status();
//   }));
//   relay->Notify();
[[nodiscard]] absl::StatusOr<int64_t> EnqueueOutbox(sql::Connection& c, std::string_view subject,
                                                    std::string_view payload, absl::Time now);

// Runs `write` (one INSERT, UPDATE or DELETE statement of the application's,
// without RETURNING) with `params` on `c` and, when it changed a row,
// enqueues (`subject`, `payload`) as EnqueueOutbox does; returns the rows
// `write` changed. PostgreSQL: one statement (a data-modifying WITH), atomic
// and one round trip on its own, so call it in Database::Autocommit; SQLite:
// the two statements, which Autocommit runs in one transaction there. Errors
// as EnqueueOutbox's.
//
//   GG_RETURN_IF_ERROR(db->Autocommit([&](sql::Connection& c) -> absl::Status {
//     return ExecWithOutbox(c, "UPDATE orders SET paid = 1 WHERE id = ?", {sql::Int(id)},
//                           "app.order.paid", payload_json, absl::Now()).status();
//   }));
[[nodiscard]] absl::StatusOr<int64_t> ExecWithOutbox(sql::Connection& c, std::string_view write,
                                                     const std::vector<sql::Value>& params,
                                                     std::string_view subject,
                                                     std::string_view payload, absl::Time now);

// Pending rows counted at most (a runaway backlog is not counted in full).
inline constexpr int64_t kMaxCountedOutboxBacklog = 1000000;

struct OutboxBacklog {
  // Outbox rows and fed accesses not published yet, up to kMaxCountedOutboxBacklog.
  int64_t pending = 0;
  absl::Duration oldest_age =
      absl::ZeroDuration();  // `now` - the oldest pending row's
                             // created_at; zero when none (or in the future).
};

// The outbox backlog of `store` as of `now` — pending guard_outbox rows and
// the accesses after each feed cursor — in a few queries (for metrics; any
// process sharing the database may call it). Errors: InvalidArgument unless
// `store` is a SQLite or PostgreSQL store; the query's error otherwise.
[[nodiscard]] absl::StatusOr<OutboxBacklog> ReadOutboxBacklog(const Store& store, absl::Time now);

struct OutboxRelayOptions {
  // Rows per transaction. Default: 100. Must be 1-10000.
  size_t batch_size = 100;
  // How often to look for rows nobody notified about. Default: 1 s. Must be > 0.
  absl::Duration poll_interval = absl::Seconds(1);
  // How long a pass waits after a Notify() for the rows committed meanwhile,
  // so that under load they share one pass (each pass is two writes: claim
  // and stamp) instead of one pass per commit. Default: 5 ms. Must be 0-1 s;
  // 0 publishes at once.
  absl::Duration linger = absl::Milliseconds(5);
  // First retry delay after a failure; doubles up to max_backoff.
  // Defaults: 100 ms and 10 s. Must be > 0 and max_backoff >= initial_backoff.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  // How long a pass's claim on its rows, and a relay's hold on the access
  // feed, keeps other relays off them; a relay that died holding them delays
  // them this long. Default: 30 s. Must be > 0.
  absl::Duration claim_lease = absl::Seconds(30);
  // Published rows older than this are deleted. Default: 24 h. Must be > 0.
  absl::Duration retention = absl::Hours(24);
  // Called on the relay's thread: with the error when publishing starts
  // failing (what: "cannot publish; retrying with backoff"), with OK when it
  // publishes again ("publishing again"), and with the error when deleting
  // published rows fails ("prune failed"). Default: none. Must not block.
  std::function<void(std::string_view what, const absl::Status& status)> on_event;
};

class OutboxRelay {
 public:
  // Validates `options` (InvalidArgument) and starts the thread. `store` must
  // be a SQLite or PostgreSQL store (InvalidArgument otherwise); the relay
  // keeps it, and `bus`, alive.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<OutboxRelay>> Start(
      std::shared_ptr<Store> store, std::shared_ptr<Bus> bus, OutboxRelayOptions options = {});

  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;
  // Stops the thread without draining (pending rows stay for the next start).
  ~OutboxRelay();

  // Wakes the thread to publish now (cheap; call after committing a row).
  void Notify();

  // Publishes every pending row (retrying while the bus refuses) until none is
  // left or `timeout` passes, then stops the thread. Returns OK when the
  // outbox was drained, DeadlineExceeded (with the last error) otherwise.
  // Later calls return at once.
  [[nodiscard]] absl::Status Drain(absl::Duration timeout);

  // OK while the last attempt to publish succeeded (or nothing was tried yet);
  // the last error while the relay is backing off. For /readyz.
  absl::Status health() const;

  // Rows published since start.
  int64_t published() const;

  // One pass: publishes up to batch_size accesses of the access feed, then up
  // to batch_size pending outbox rows (order holds within each, not between
  // them). Returns how many were recorded as
  // published, whether either source may have more (a full batch), whether
  // committed accesses wait behind an older transaction still running
  // (PostgreSQL; the thread looks again every 10 ms, and Drain waits for
  // them) and, when the bus refused one, that error (what went before it
  // stays published). Exposed for tests; the thread calls it.
  struct Pass {
    size_t published = 0;
    absl::Status error;
    bool more = false;
    bool held_back = false;
  };
  Pass PublishBatch();

 private:
  OutboxRelay(std::shared_ptr<Store> store, std::shared_ptr<sql::Database> db,
              std::shared_ptr<Bus> bus, OutboxRelayOptions options);
  void Run();
  void RunPasses();
  Pass PublishOutboxRows();
  Pass PublishAccessFeed();
  void ReleaseFeed();  // Lets another relay take the feed at once.
  void Prune();
  void Report(std::string_view what, const absl::Status& status) const;

  const std::shared_ptr<Store> store_;  // Owns the database below.
  const std::shared_ptr<sql::Database> db_;
  const std::shared_ptr<Bus> bus_;
  const OutboxRelayOptions options_;
  // The access feed's subject (AccessFeedSubjectOf; empty: no feed) and this
  // relay's name on its cursor. The hold and the position are the thread's.
  const std::string feed_subject_;
  const std::string lease_owner_;
  absl::Time lease_until_ = absl::InfinitePast();
  int64_t feed_after_xact_ = 0;  // The cursor's (xact, id) as last held.
  int64_t feed_after_id_ = 0;

  mutable absl::Mutex mu_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;      // Stop now.
  bool draining_ ABSL_GUARDED_BY(mu_) = false;  // Stop once nothing is pending.
  absl::Time drain_deadline_ ABSL_GUARDED_BY(mu_);
  bool drained_ ABSL_GUARDED_BY(mu_) = false;  // The thread ended with nothing pending.
  absl::Status health_ ABSL_GUARDED_BY(mu_);
  int64_t published_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace guestguard

#endif  // GUESTGUARD_OUTBOX_RELAY_H_
