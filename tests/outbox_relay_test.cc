// Copyright 2026 GuestGuard authors.
//
// The outbox relay against real databases (a SQLite file; PostgreSQL when
// GUESTGUARD_TEST_POSTGRES_URL is set) and the in-process bus; a bus wrapper
// injects outages. Rows are written as an application would, with
// EnqueueOutbox in its own transactions.
#include "guestguard/outbox_relay.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/memory_store.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/sql/sqlite_driver.h"
#include "guestguard/sql_store.h"
#include "guestguard/status_macros.h"
#include "testing/postgres_env.h"

namespace guestguard {
namespace {

namespace fs = std::filesystem;

// Fault injection: refuses every publish while down, or the n-th one.
class FlakyBus : public Bus {
 public:
  explicit FlakyBus(std::shared_ptr<Bus> inner) : inner_(std::move(inner)) {}
  absl::Status Publish(const Message& message) override {
    const int n = ++publishes_;
    if (down_.load() || n == fail_at_.load()) return absl::UnavailableError("bus is down");
    return inner_->Publish(message);
  }
  std::vector<absl::Status> PublishBatch(std::span<const Message> messages) override {
    ++batches_;
    return Bus::PublishBatch(messages);  // One Publish each.
  }
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::string_view subject,
                                                          std::string_view durable, Handler h,
                                                          SubscribeOptions o) override {
    return inner_->Subscribe(subject, durable, std::move(h), std::move(o));
  }
  std::atomic<bool> down_{false};
  std::atomic<int> fail_at_{0};
  std::atomic<int> publishes_{0};
  std::atomic<int> batches_{0};  // Relay passes that published something.

 private:
  std::shared_ptr<Bus> inner_;
};

// Every delivered message id, in order, duplicates included.
class Recorder {
 public:
  Handler handler() {
    return [this](const Message& m) {
      absl::MutexLock lock(&mu_);
      ids_.push_back(m.id);
      return absl::OkStatus();
    };
  }
  std::vector<std::string> WaitFor(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return ids_.size() >= n; };
    mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
    return ids_;
  }
  std::vector<std::string> Now() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> ids_ ABSL_GUARDED_BY(mu_);
};

struct Fixture {
  std::shared_ptr<sql::Database> db;
  std::shared_ptr<Store> store;  // On `db`.
  std::shared_ptr<FlakyBus> bus;
  Recorder recorder;
  std::unique_ptr<Subscription> subscription;
};

std::string TempFile() {
  static std::atomic<int> counter{0};
  fs::path dir = fs::temp_directory_path() /
                 ("gg_relay_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return (dir / "gg.db").string();
}

std::unique_ptr<Fixture> Open(std::shared_ptr<sql::Database> db) {
  auto f = std::make_unique<Fixture>();
  f->db = std::move(db);
  auto store = NewSqlStore(f->db);  // Migrates guard_outbox.
  EXPECT_TRUE(store.ok()) << store.status();
  f->store = *std::move(store);
  InProcessBusOptions options;
  options.duplicate_window = absl::ZeroDuration();  // Let duplicates show.
  auto bus = NewInProcessBus(options);
  EXPECT_TRUE(bus.ok());
  f->bus = std::make_shared<FlakyBus>(std::shared_ptr<Bus>(*std::move(bus)));
  auto sub = f->bus->Subscribe("gg.>", "test", f->recorder.handler(), {});
  EXPECT_TRUE(sub.ok());
  f->subscription = *std::move(sub);
  return f;
}

std::unique_ptr<Fixture> OpenSqliteFixture() {
  auto db = sql::OpenSqlite(TempFile(), {});
  EXPECT_TRUE(db.ok()) << db.status();
  return Open(std::shared_ptr<sql::Database>(*std::move(db)));
}

std::vector<int64_t> Enqueue(sql::Database& db, int n) {
  std::vector<int64_t> ids;
  EXPECT_TRUE(db.Transact([&](sql::Connection& c) -> absl::Status {
                  ids.clear();
                  for (int i = 0; i < n; ++i) {
                    auto id = EnqueueOutbox(c, "gg.rsvp.confirmed",
                                            "{\"n\":" + std::to_string(i) + "}", absl::Now());
                    if (!id.ok()) return id.status();
                    ids.push_back(*id);
                  }
                  return absl::OkStatus();
                }).ok());
  return ids;
}

std::vector<std::string> MessageIds(const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  for (int64_t id : ids) out.push_back(OutboxMessageId(id));
  return out;
}

int64_t Pending(sql::Database& db) {
  int64_t n = -1;
  EXPECT_TRUE(db.Autocommit([&](sql::Connection& c) -> absl::Status {
                  auto rows =
                      c.Query("SELECT COUNT(*) FROM guard_outbox WHERE published_at IS NULL");
                  if (!rows.ok()) return rows.status();
                  n = *rows->Int(0, 0);
                  return absl::OkStatus();
                }).ok());
  return n;
}

OutboxRelayOptions Fast() {
  OutboxRelayOptions o;
  o.batch_size = 10;
  o.poll_interval = absl::Hours(1);  // Only Notify and Drain wake it in these tests.
  o.initial_backoff = absl::Milliseconds(10);
  o.max_backoff = absl::Milliseconds(50);
  return o;
}

TEST(OutboxRelay, PublishesPendingRowsInIdOrderWithOutboxIds) {
  auto f = OpenSqliteFixture();
  auto relay = OutboxRelay::Start(f->store, f->bus, Fast());
  ASSERT_TRUE(relay.ok()) << relay.status();
  const std::vector<int64_t> ids = Enqueue(*f->db, 25);  // Three batches.
  (*relay)->Notify();
  EXPECT_EQ(f->recorder.WaitFor(25), MessageIds(ids));
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ(Pending(*f->db), 0);
  EXPECT_EQ((*relay)->published(), 25);
}

TEST(OutboxRelay, ReadOutboxBacklogCountsPendingRowsAndTheOldestOnesAge) {
  auto f = OpenSqliteFixture();
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  auto empty = ReadOutboxBacklog(*f->store, t0);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->pending, 0);
  EXPECT_EQ(empty->oldest_age, absl::ZeroDuration());
  ASSERT_TRUE(f->db
                  ->Transact([&](sql::Connection& c) -> absl::Status {
                    for (int i = 0; i < 3; ++i) {
                      auto id = EnqueueOutbox(c, "gg.x", "{}", t0 + absl::Seconds(i));
                      if (!id.ok()) return id.status();
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  auto backlog = ReadOutboxBacklog(*f->store, t0 + absl::Seconds(5));
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->pending, 3);
  EXPECT_EQ(backlog->oldest_age, absl::Seconds(5));  // The first row's.
  // A clock behind the rows: no negative age.
  EXPECT_EQ(ReadOutboxBacklog(*f->store, t0 - absl::Seconds(1))->oldest_age, absl::ZeroDuration());
  auto relay = OutboxRelay::Start(f->store, f->bus, Fast());
  ASSERT_TRUE(relay.ok()) << relay.status();
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ(ReadOutboxBacklog(*f->store, t0 + absl::Seconds(5))->pending, 0);
  auto memory = NewMemoryStore({});
  EXPECT_EQ(ReadOutboxBacklog(**memory, t0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(OutboxRelay, EnqueueOutboxRejectsAnEmptySubjectAndRollsBackWithItsTransaction) {
  auto f = OpenSqliteFixture();
  absl::Status s = f->db->Transact([&](sql::Connection& c) -> absl::Status {
    EXPECT_EQ(EnqueueOutbox(c, "", "{}", absl::Now()).status().code(),
              absl::StatusCode::kInvalidArgument);
    GG_RETURN_IF_ERROR(EnqueueOutbox(c, "gg.x", "{}", absl::Now()).status());
    return absl::AbortedError("the caller's change failed");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Pending(*f->db), 0);
}

// ExecWithOutbox: the event is enqueued exactly when the write changed a row,
// and a write that fails enqueues nothing.
void ExpectExecWithOutboxEnqueuesWithItsWrite(sql::Database& db) {
  ASSERT_TRUE(db.Autocommit([](sql::Connection& c) {
                  return c.ExecScript("CREATE TABLE orders (id BIGINT PRIMARY KEY, paid BIGINT)");
                }).ok());
  auto run = [&](std::string_view write, std::vector<sql::Value> params) {
    absl::StatusOr<int64_t> changed;
    absl::Status s = db.Autocommit([&](sql::Connection& c) -> absl::Status {
      changed = ExecWithOutbox(c, write, params, "app.order.paid", "{\"paid\":true}", absl::Now());
      return changed.status();
    });
    return s.ok() ? changed : absl::StatusOr<int64_t>(s);
  };
  auto inserted = run("INSERT INTO orders (id, paid) VALUES (?, ?)", {sql::Int(1), sql::Int(0)});
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_EQ(*inserted, 1);
  EXPECT_EQ(Pending(db), 1);
  auto none = run("UPDATE orders SET paid = 1 WHERE id = ?", {sql::Int(2)});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);
  EXPECT_EQ(Pending(db), 1);  // Nothing changed, nothing announced.
  EXPECT_EQ(run("INSERT INTO orders (id, paid) VALUES (?, ?)", {sql::Int(1), sql::Int(0)})
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Pending(db), 1);  // The failed write announced nothing.
  EXPECT_EQ(run("UPDATE orders SET paid = 1 WHERE id = ?", {sql::Int(1)}).value_or(-1), 1);
  EXPECT_EQ(Pending(db), 2);
  absl::Status empty = db.Autocommit([](sql::Connection& c) {
    return ExecWithOutbox(c, "UPDATE orders SET paid = 2", {}, "", "{}", absl::Now()).status();
  });
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
}

TEST(OutboxRelay, ExecWithOutboxEnqueuesExactlyWhenItsWriteChangedARowOnSqlite) {
  auto f = OpenSqliteFixture();
  ExpectExecWithOutboxEnqueuesWithItsWrite(*f->db);
}

TEST(OutboxRelay, ExecWithOutboxEnqueuesExactlyWhenItsWriteChangedARowOnPostgres) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto db = sql::OpenPostgres(*url, {});
  ASSERT_TRUE(db.ok()) << db.status();
  auto f = Open(std::shared_ptr<sql::Database>(*std::move(db)));
  ExpectExecWithOutboxEnqueuesWithItsWrite(*f->db);
}

TEST(OutboxRelay, StartNeedsASqlStoreAndABus) {
  auto f = OpenSqliteFixture();
  std::shared_ptr<Store> memory = *NewMemoryStore({});
  EXPECT_TRUE(absl::IsInvalidArgument(OutboxRelay::Start(memory, f->bus).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(OutboxRelay::Start(f->store, nullptr).status()));
  OutboxRelayOptions bad = Fast();
  bad.batch_size = 0;
  EXPECT_TRUE(absl::IsInvalidArgument(OutboxRelay::Start(f->store, f->bus, bad).status()));
  bad = Fast();
  bad.linger = absl::Milliseconds(1001);
  EXPECT_TRUE(absl::IsInvalidArgument(OutboxRelay::Start(f->store, f->bus, bad).status()));
}

TEST(OutboxRelay, RowsNotifiedWithinTheLingerShareOnePass) {
  auto f = OpenSqliteFixture();
  OutboxRelayOptions options = Fast();
  options.linger = absl::Seconds(1);
  auto relay = OutboxRelay::Start(f->store, f->bus, options);
  ASSERT_TRUE(relay.ok());
  std::vector<int64_t> ids = Enqueue(*f->db, 1);  // Published by a first pass.
  (*relay)->Notify();
  ASSERT_EQ(f->recorder.WaitFor(1).size(), 1u);
  f->bus->batches_ = 0;
  for (int i = 0; i < 4; ++i) {  // Four commits, each notified at once, as the guard does.
    const std::vector<int64_t> one = Enqueue(*f->db, 1);
    ids.insert(ids.end(), one.begin(), one.end());
    (*relay)->Notify();
  }
  EXPECT_EQ(f->recorder.WaitFor(5), MessageIds(ids));
  EXPECT_EQ(f->bus->batches_.load(), 1);  // Without the linger: a pass for the first commit.

  // Drain does not wait out a linger.
  Enqueue(*f->db, 1);
  (*relay)->Notify();
  const absl::Time start = absl::Now();
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(900));
  EXPECT_EQ(Pending(*f->db), 0);
}

TEST(OutboxRelay, BusOutageDelaysEventsAndLosesNone) {
  auto f = OpenSqliteFixture();
  f->bus->down_ = true;
  absl::Mutex mu;
  std::vector<std::string> events;  // "what: ok" or "what: <code>", in order.
  OutboxRelayOptions options = Fast();
  options.on_event = [&](std::string_view what, const absl::Status& s) {
    absl::MutexLock lock(&mu);
    events.push_back(std::string(what) + ": " +
                     (s.ok() ? "ok" : absl::StatusCodeToString(s.code())));
  };
  auto relay = OutboxRelay::Start(f->store, f->bus, options);
  ASSERT_TRUE(relay.ok());
  const std::vector<int64_t> ids = Enqueue(*f->db, 12);
  (*relay)->Notify();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(f->recorder.Now().empty());
  EXPECT_EQ(Pending(*f->db), 12);
  EXPECT_TRUE(absl::IsUnavailable((*relay)->health())) << (*relay)->health();
  EXPECT_GT(f->bus->publishes_.load(), 2);  // It kept retrying.
  f->bus->down_ = false;
  EXPECT_EQ(f->recorder.WaitFor(12), MessageIds(ids));
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());
  EXPECT_TRUE((*relay)->health().ok());
  EXPECT_EQ(Pending(*f->db), 0);
  absl::MutexLock lock(&mu);  // Reported once each way, not per retry.
  EXPECT_EQ(events, (std::vector<std::string>{"cannot publish; retrying with backoff: UNAVAILABLE",
                                              "publishing again: ok"}));
}

TEST(OutboxRelay, ARefusedRowStopsTheBatchSoOrderIsKept) {
  auto f = OpenSqliteFixture();
  auto relay = OutboxRelay::Start(f->store, f->bus, Fast());
  ASSERT_TRUE(relay.ok());
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());  // The thread is gone: passes by hand.
  const std::vector<int64_t> ids = Enqueue(*f->db, 5);
  f->bus->publishes_ = 0;
  f->bus->fail_at_ = 3;
  OutboxRelay::Pass pass = (*relay)->PublishBatch();
  EXPECT_EQ(pass.published, 2u);
  EXPECT_TRUE(absl::IsUnavailable(pass.error));
  EXPECT_EQ(Pending(*f->db), 3);
  pass = (*relay)->PublishBatch();
  EXPECT_EQ(pass.published, 3u);
  EXPECT_TRUE(pass.error.ok());
  EXPECT_EQ(f->recorder.WaitFor(5), MessageIds(ids));
}

// Fault injection: every publish waits at a gate until the test opens it.
class GatedBus : public Bus {
 public:
  explicit GatedBus(std::shared_ptr<Bus> inner) : inner_(std::move(inner)) {}
  absl::Status Publish(const Message& message) override {
    entered_.store(true);
    gate_.WaitForNotification();
    return inner_->Publish(message);
  }
  absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(std::string_view subject,
                                                          std::string_view durable, Handler h,
                                                          SubscribeOptions o) override {
    return inner_->Subscribe(subject, durable, std::move(h), std::move(o));
  }
  std::atomic<bool> entered_{false};
  absl::Notification gate_;

 private:
  std::shared_ptr<Bus> inner_;
};

TEST(OutboxRelay, DrainCalledDuringAPassAlsoPublishesWhatCommittedAfterItsClaim) {
  auto f = OpenSqliteFixture();
  auto gated = std::make_shared<GatedBus>(f->bus);
  auto relay = OutboxRelay::Start(f->store, gated, Fast());
  ASSERT_TRUE(relay.ok());
  std::vector<int64_t> ids = Enqueue(*f->db, 1);
  (*relay)->Notify();
  while (!gated->entered_.load()) absl::SleepFor(absl::Milliseconds(1));
  // The pass claimed the first row and waits in the bus; the second commits now.
  const std::vector<int64_t> later = Enqueue(*f->db, 1);
  ids.insert(ids.end(), later.begin(), later.end());
  auto drained = std::async(std::launch::async, [&] { return (*relay)->Drain(absl::Seconds(5)); });
  absl::SleepFor(absl::Milliseconds(50));  // Drain has asked; the pass is still in the bus.
  gated->gate_.Notify();
  ASSERT_TRUE(drained.get().ok());
  EXPECT_EQ(Pending(*f->db), 0);
  EXPECT_EQ(f->recorder.WaitFor(2), MessageIds(ids));
}

TEST(OutboxRelay, NoLockIsHeldAcrossTheBusRoundTripAndClaimedRowsAreLeftToTheirRelay) {
  auto f = OpenSqliteFixture();
  auto gated = std::make_shared<GatedBus>(f->bus);
  auto slow = OutboxRelay::Start(f->store, gated, Fast());
  auto other = OutboxRelay::Start(f->store, f->bus, Fast());
  ASSERT_TRUE(slow.ok() && other.ok());
  // Their threads are gone (nothing pending): passes by hand from here on.
  ASSERT_TRUE((*slow)->Drain(absl::Seconds(5)).ok());
  ASSERT_TRUE((*other)->Drain(absl::Seconds(5)).ok());
  const std::vector<int64_t> first = Enqueue(*f->db, 3);
  OutboxRelay::Pass slow_pass;
  std::thread publishing([&] { slow_pass = (*slow)->PublishBatch(); });
  while (!gated->entered_.load()) absl::SleepFor(absl::Milliseconds(1));

  // The slow relay is inside its bus round trip: writers are not held up...
  auto write = std::async(std::launch::async, [&] { return Enqueue(*f->db, 1); });
  const bool wrote = write.wait_for(std::chrono::seconds(2)) == std::future_status::ready;
  EXPECT_TRUE(wrote) << "a writer waited for the relay's bus round trip";
  // ...and another relay takes only what nobody claimed.
  OutboxRelay::Pass other_pass = (*other)->PublishBatch();
  gated->gate_.Notify();
  publishing.join();
  const std::vector<int64_t> later = write.get();
  EXPECT_TRUE(other_pass.error.ok()) << other_pass.error;
  EXPECT_EQ(other_pass.published, wrote ? 1u : 0u);
  EXPECT_TRUE(slow_pass.error.ok()) << slow_pass.error;
  EXPECT_EQ(slow_pass.published, 3u);
  if (!wrote) EXPECT_EQ((*other)->PublishBatch().published, 1u);
  EXPECT_EQ(Pending(*f->db), 0);
  std::vector<std::string> got = f->recorder.WaitFor(4);
  std::sort(got.begin(), got.end());
  std::vector<std::string> want = MessageIds(first);
  want.push_back(OutboxMessageId(later.at(0)));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

TEST(OutboxRelay, DrainPublishesRowsNobodyNotifiedAbout) {
  auto f = OpenSqliteFixture();
  auto relay = OutboxRelay::Start(f->store, f->bus, Fast());
  ASSERT_TRUE(relay.ok());
  absl::SleepFor(absl::Milliseconds(100));  // Its first pass found nothing.
  Enqueue(*f->db, 35);
  absl::SleepFor(absl::Milliseconds(100));
  EXPECT_EQ(Pending(*f->db), 35);
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ(Pending(*f->db), 0);
  EXPECT_EQ(f->recorder.WaitFor(35).size(), 35u);
}

TEST(OutboxRelay, DrainGivesUpAtItsDeadlineWhileTheBusIsDown) {
  auto f = OpenSqliteFixture();
  f->bus->down_ = true;
  auto relay = OutboxRelay::Start(f->store, f->bus, Fast());
  ASSERT_TRUE(relay.ok());
  Enqueue(*f->db, 3);
  const absl::Time start = absl::Now();
  absl::Status drained = (*relay)->Drain(absl::Milliseconds(200));
  EXPECT_TRUE(absl::IsDeadlineExceeded(drained)) << drained;
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(Pending(*f->db), 3);  // Kept for the next start.
}

// Two relays (as two processes) on one database publish every row exactly once.
void ExpectTwoRelaysPublishEachRowOnce(std::shared_ptr<sql::Database> a,
                                       std::shared_ptr<sql::Database> b) {
  auto f = Open(std::move(a));
  OutboxRelayOptions options = Fast();
  options.poll_interval = absl::Milliseconds(5);
  auto first = OutboxRelay::Start(f->store, f->bus, options);
  auto second_store = NewSqlStore(std::move(b));
  ASSERT_TRUE(second_store.ok()) << second_store.status();
  auto second = OutboxRelay::Start(*std::move(second_store), f->bus, options);
  ASSERT_TRUE(first.ok() && second.ok());
  // Batches of 10 rows until both relays have published some (which one
  // claims a batch is a race), at least 20 batches, at most 500.
  std::vector<int64_t> ids;
  for (int i = 0; i < 500; ++i) {
    if (i >= 20 && (*first)->published() > 0 && (*second)->published() > 0) break;
    std::vector<int64_t> more = Enqueue(*f->db, 10);
    ids.insert(ids.end(), more.begin(), more.end());
    absl::SleepFor(absl::Milliseconds(2));
  }
  std::vector<std::string> got = f->recorder.WaitFor(ids.size());
  ASSERT_TRUE((*first)->Drain(absl::Seconds(5)).ok());
  ASSERT_TRUE((*second)->Drain(absl::Seconds(5)).ok());
  got = f->recorder.Now();
  std::map<std::string, int> counts;
  for (const std::string& id : got) ++counts[id];
  EXPECT_EQ(got.size(), ids.size());
  for (const std::string& id : MessageIds(ids)) EXPECT_EQ(counts[id], 1) << id;
  EXPECT_GT((*first)->published(), 0);
  EXPECT_GT((*second)->published(), 0);
  EXPECT_EQ((*first)->published() + (*second)->published(), static_cast<int64_t>(ids.size()));
}

// Two handles on one database, as two processes would hold them: a SQLite
// file, or a fresh PostgreSQL schema.
using TwoHandles = std::pair<std::shared_ptr<sql::Database>, std::shared_ptr<sql::Database>>;

absl::StatusOr<TwoHandles> TwoSqliteHandles() {
  const std::string path = TempFile();
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> a, sql::OpenSqlite(path, {}));
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> b, sql::OpenSqlite(path, {}));
  return TwoHandles(std::move(a), std::move(b));
}

absl::StatusOr<TwoHandles> TwoPostgresHandles() {
  GG_ASSIGN_OR_RETURN(const std::string url, testing::FreshPostgresSchemaUrl());
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> a, sql::OpenPostgres(url, {}));
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> b, sql::OpenPostgres(url, {}));
  return TwoHandles(std::move(a), std::move(b));
}

TEST(OutboxRelay, TwoRelaysOnOneSqliteFilePublishEachRowOnce) {
  auto handles = TwoSqliteHandles();
  ASSERT_TRUE(handles.ok()) << handles.status();
  ExpectTwoRelaysPublishEachRowOnce(handles->first, handles->second);
}

TEST(OutboxRelay, TwoRelaysOnOnePostgresPublishEachRowOnce) {
  GG_REQUIRE_POSTGRES();
  auto handles = TwoPostgresHandles();
  ASSERT_TRUE(handles.ok()) << handles.status();
  ExpectTwoRelaysPublishEachRowOnce(handles->first, handles->second);
}

// The access feed: accesses a store with a prefix records are published by
// the relay from the access log itself, "access:<id>" under gg.access.scored.

std::shared_ptr<Store> FeedStore(std::shared_ptr<sql::Database> db) {
  auto store = NewSqlStore(std::move(db), {.outbox_subject_prefix = "gg"});
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? std::shared_ptr<Store>(*std::move(store)) : nullptr;
}

// Records `n` accesses; their message ids, in the order recorded.
std::vector<std::string> Append(Store& store, int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    AccessRecord r;
    r.event_id = "ev";
    r.guest_id = "g" + std::to_string(i % 3);
    r.at = absl::Now();
    auto id = store.AppendAccess(r, std::nullopt);
    EXPECT_TRUE(id.ok()) << id.status();
    if (id.ok()) ids.push_back("access:" + *id);
  }
  return ids;
}

void ExpectTheFeedPublishesEachAccessOnceInOrder(std::shared_ptr<sql::Database> db) {
  auto f = Open(db);
  std::shared_ptr<Store> store = FeedStore(db);
  auto first = OutboxRelay::Start(store, f->bus, Fast());
  ASSERT_TRUE(first.ok()) << first.status();
  const std::vector<std::string> ids = Append(*store, 25);  // Three batches.
  (*first)->Notify();
  EXPECT_EQ(f->recorder.WaitFor(25), ids);
  ASSERT_TRUE((*first)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ((*first)->published(), 25);
  auto backlog = ReadOutboxBacklog(*store, absl::Now());
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->pending, 0);
  // The cursor is kept in the database, and the stopped relay let go of it:
  // a new relay starts after what was published, at once.
  auto second = OutboxRelay::Start(store, f->bus, Fast());
  ASSERT_TRUE(second.ok()) << second.status();
  const std::vector<std::string> more = Append(*store, 2);
  ASSERT_TRUE((*second)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ((*second)->published(), 2);
  std::vector<std::string> all = ids;
  all.insert(all.end(), more.begin(), more.end());
  EXPECT_EQ(f->recorder.WaitFor(27), all);
}

TEST(OutboxRelay, TheAccessFeedPublishesEachAccessOnceInOrderOnSqlite) {
  auto db = sql::OpenSqlite(TempFile(), {});
  ASSERT_TRUE(db.ok()) << db.status();
  ExpectTheFeedPublishesEachAccessOnceInOrder(std::shared_ptr<sql::Database>(*std::move(db)));
}

TEST(OutboxRelay, TheAccessFeedPublishesEachAccessOnceInOrderOnPostgres) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto db = sql::OpenPostgres(*url, {});
  ASSERT_TRUE(db.ok()) << db.status();
  ExpectTheFeedPublishesEachAccessOnceInOrder(std::shared_ptr<sql::Database>(*std::move(db)));
}

TEST(OutboxRelay, TheAccessFeedWaitsOutABusOutageAndCountsItsBacklog) {
  auto f = OpenSqliteFixture();
  std::shared_ptr<Store> store = FeedStore(f->db);
  f->bus->down_ = true;
  auto relay = OutboxRelay::Start(store, f->bus, Fast());
  ASSERT_TRUE(relay.ok());
  const absl::Time before = absl::Now();
  const std::vector<std::string> ids = Append(*store, 3);
  EXPECT_TRUE(absl::IsDeadlineExceeded((*relay)->Drain(absl::Milliseconds(200))));
  auto backlog = ReadOutboxBacklog(*store, before + absl::Hours(1));
  ASSERT_TRUE(backlog.ok()) << backlog.status();
  EXPECT_EQ(backlog->pending, 3);
  EXPECT_GE(backlog->oldest_age, absl::Minutes(59));
  f->bus->down_ = false;
  auto again = OutboxRelay::Start(store, f->bus, Fast());
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ(f->recorder.WaitFor(3), ids);
}

// Two relays (as two processes) feeding from one database: one holds the
// cursor at a time, and every access is published exactly once.
void ExpectTwoRelaysFeedEachAccessOnce(std::shared_ptr<sql::Database> a,
                                       std::shared_ptr<sql::Database> b) {
  auto f = Open(a);
  OutboxRelayOptions options = Fast();
  options.poll_interval = absl::Milliseconds(5);
  std::shared_ptr<Store> store_a = FeedStore(a);
  auto first = OutboxRelay::Start(store_a, f->bus, options);
  auto second = OutboxRelay::Start(FeedStore(b), f->bus, options);
  ASSERT_TRUE(first.ok() && second.ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> more = Append(*store_a, 10);
    ids.insert(ids.end(), more.begin(), more.end());
    (*first)->Notify();
    (*second)->Notify();
    absl::SleepFor(absl::Milliseconds(2));
  }
  f->recorder.WaitFor(ids.size());
  ASSERT_TRUE((*first)->Drain(absl::Seconds(5)).ok());
  ASSERT_TRUE((*second)->Drain(absl::Seconds(5)).ok());
  EXPECT_EQ(f->recorder.Now(), ids);
  EXPECT_EQ((*first)->published() + (*second)->published(), static_cast<int64_t>(ids.size()));
}

TEST(OutboxRelay, TwoRelaysOnOneSqliteFileFeedEachAccessOnce) {
  auto handles = TwoSqliteHandles();
  ASSERT_TRUE(handles.ok()) << handles.status();
  ExpectTwoRelaysFeedEachAccessOnce(handles->first, handles->second);
}

TEST(OutboxRelay, TwoRelaysOnOnePostgresFeedEachAccessOnce) {
  GG_REQUIRE_POSTGRES();
  auto handles = TwoPostgresHandles();
  ASSERT_TRUE(handles.ok()) << handles.status();
  ExpectTwoRelaysFeedEachAccessOnce(handles->first, handles->second);
}

// PostgreSQL commits out of id order: an access whose transaction is still
// running holds back every access of a later transaction, so none is
// published ahead of it and the cursor never passes it.
TEST(OutboxRelay, OnPostgresTheFeedDoesNotOvertakeARunningTransaction) {
  GG_REQUIRE_POSTGRES();
  auto handles = TwoPostgresHandles();
  ASSERT_TRUE(handles.ok()) << handles.status();
  std::shared_ptr<sql::Database> other = handles->second;
  auto f = Open(handles->first);
  std::shared_ptr<Store> store = FeedStore(f->db);
  OutboxRelayOptions options = Fast();
  options.poll_interval = absl::Milliseconds(5);
  auto relay = OutboxRelay::Start(store, f->bus, options);
  ASSERT_TRUE(relay.ok());

  absl::Notification inserted, release;
  int64_t slow_id = 0;
  std::thread slow([&] {
    absl::Status s = other->Transact([&](sql::Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(sql::Rows rows,
                          c.Query("INSERT INTO guard_access_log (event_id, guest_id, kind,"
                                  " occurred_at, score, band, allowlisted, blocked)"
                                  " VALUES ('ev', 'slow', 'open', ?, 0, 'low', false, false)"
                                  " RETURNING id",
                                  {absl::Now()}));
      GG_ASSIGN_OR_RETURN(slow_id, rows.Int(0, 0));
      inserted.Notify();
      release.WaitForNotification();
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  inserted.WaitForNotification();
  const std::vector<std::string> later = Append(*store, 2);  // Committed, after it.
  (*relay)->Notify();
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(f->recorder.Now().empty());
  release.Notify();
  slow.join();
  (*relay)->Notify();
  EXPECT_EQ(f->recorder.WaitFor(3),
            (std::vector<std::string>{"access:" + std::to_string(slow_id), later[0], later[1]}));
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(5)).ok());
}

}  // namespace
}  // namespace guestguard
