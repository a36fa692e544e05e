// Copyright 2026 GuestGuard authors.
//
// The store suite and store-level behaviour on a real PostgreSQL 15.
#include "guestguard/postgres_store.h"

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "guestguard/access_scored.h"
#include "guestguard/guard.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/outbox_relay.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/status_macros.h"
#include "testing/attempts.h"
#include "testing/companion_row.h"
#include "testing/postgres_env.h"
#include "testing/store_suite.h"
#include "testing/two_nodes.h"

namespace guestguard {
namespace {

using testing::StoreFactory;
using testing::StoreSuite;

absl::StatusOr<std::unique_ptr<Store>> FreshPostgresStore() {
  if (testing::TestPostgresUrl().empty()) {
    return absl::FailedPreconditionError("no test PostgreSQL");
  }
  auto url = testing::FreshPostgresSchemaUrl();
  if (!url.ok()) return url.status();
  return NewPostgresStore(*url);
}

// Holds an exclusive lock on guard_access_log, taken through `db`, from
// construction until Release(): append groups block on it, so the store's two
// group leaders can be held while later accesses queue into one group.
class AccessLogLock {
 public:
  explicit AccessLogLock(sql::Database& db)
      : holder_([this, &db] {
          EXPECT_TRUE(db.Transact([&](sql::Connection& c) -> absl::Status {
                          GG_RETURN_IF_ERROR(
                              c.Exec("LOCK TABLE guard_access_log IN EXCLUSIVE MODE").status());
                          if (!locked_.HasBeenNotified()) locked_.Notify();
                          release_.WaitForNotification();
                          return absl::OkStatus();
                        }).ok());
        }) {
    locked_.WaitForNotification();
  }
  ~AccessLogLock() { Release(); }

  void Release() {
    if (!release_.HasBeenNotified()) release_.Notify();
    if (holder_.joinable()) holder_.join();
  }

 private:
  absl::Notification locked_, release_;
  std::thread holder_;  // Declared last: it starts once the notifications exist.
};

INSTANTIATE_TEST_SUITE_P(Postgres, StoreSuite,
                         ::testing::Values(StoreFactory{"Postgres", FreshPostgresStore}),
                         testing::StoreFactoryName);

TEST(PostgresStore, RejectsBadUrlsAndOptions) {
  EXPECT_EQ(NewPostgresStore("mysql://localhost/x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NewPostgresStore("postgresql://h/db", {.max_connections = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PostgresStore, OpeningTwiceAppliesMigrationsOnce) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto first = NewPostgresStore(*url);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE((*first)->SetThresholds("ev1", {20, 40, 80}).ok());
  auto second = NewPostgresStore(*url);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(*(*second)->GetThresholds("ev1"), (Thresholds{20, 40, 80}));
}

TEST(PostgresStore, ConcurrentOpensOfOneDatabaseAllSucceed) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto store = NewPostgresStore(*url);
      if (store.ok()) ok.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
}

TEST(PostgresStore, TwoNodesOnOneDatabaseLoseNoLearning) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto a = NewPostgresStore(*url);
  auto b = NewPostgresStore(*url);
  ASSERT_TRUE(a.ok() && b.ok());
  testing::ExpectNoLostLearningAcrossNodes(**a, **b);
}

// Concurrent appends are written in groups (one statement each): every
// access exactly once, fed once as its own access.scored message, and a
// guest's baseline learns from every access that taught it, also when two of
// its accesses land in one group.
TEST(PostgresStore, ConcurrentAppendsAreEachWrittenAndFedOnce) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = NewPostgresStore(*url, {.max_connections = 8, .outbox_subject_prefix = "gg"});
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kThreads = 12;
  constexpr int kPerThread = 30;
  const AccessFeatures f = *AccessFeatures::From(testing::UsualBrowser());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto learn = [&](Baseline& baseline) { baseline.Learn(f); };
      for (int i = 0; i < kPerThread; ++i) {
        // Every other access is the shared guest's; every third teaches nothing.
        const std::string guest = i % 2 == 0 ? "shared" : "g" + std::to_string(t);
        ASSERT_TRUE((*store)->LoadCheckState("ev1", guest).ok());
        AccessRecord record;
        record.event_id = "ev1";
        record.guest_id = guest;
        record.at = absl::FromUnixSeconds(1795000000 + i);
        record.signals.fingerprint = absl::StrCat("fp-", t, "-", i);
        const std::optional<BaselineMutation> update =
            i % 3 != 0 ? std::optional<BaselineMutation>(learn) : std::nullopt;
        ASSERT_TRUE((*store)->AppendAccess(record, update).ok());
      }
    });
  }
  for (auto& t : threads) t.join();

  auto accesses = (*store)->ListAccesses("ev1", kThreads * kPerThread + 1);
  ASSERT_TRUE(accesses.ok()) << accesses.status();
  ASSERT_EQ(accesses->size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<std::string> fingerprints;
  for (const AccessRecord& r : *accesses) fingerprints.insert(r.signals.fingerprint);
  EXPECT_EQ(fingerprints.size(), accesses->size());  // None twice.

  // The shared guest had 15 accesses per thread, 10 of which taught.
  auto shared = (*store)->LoadGuestState("ev1", "shared");
  ASSERT_TRUE(shared.ok()) << shared.status();
  int taught = 0;
  for (int i = 0; i < kPerThread; i += 2) taught += i % 3 != 0;
  EXPECT_EQ(shared->baseline.accesses(), static_cast<uint32_t>(kThreads * taught));

  // The relay feeds each access once, as the store keeps it.
  std::shared_ptr<Bus> bus = *NewInProcessBus({.duplicate_window = absl::ZeroDuration()});
  absl::Mutex mu;
  std::map<std::string, std::string> payload_of;  // Access id -> its payload.
  auto sub = bus->Subscribe("gg.access.scored", "test", [&](const Message& m) {
    absl::StatusOr<AccessRecord> r = DecodeAccessScored(m.payload);
    EXPECT_TRUE(r.ok()) << r.status();
    absl::MutexLock lock(&mu);
    if (r.ok()) EXPECT_TRUE(payload_of.emplace(r->id, m.payload).second) << r->id;
    return absl::OkStatus();
  });
  ASSERT_TRUE(sub.ok());
  std::shared_ptr<Store> fed = *std::move(store);
  auto relay = OutboxRelay::Start(fed, bus, {});
  ASSERT_TRUE(relay.ok()) << relay.status();
  ASSERT_TRUE((*relay)->Drain(absl::Seconds(10)).ok());
  absl::MutexLock lock(&mu);
  auto all = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return payload_of.size() >= accesses->size();
  };
  mu.AwaitWithTimeout(absl::Condition(&all), absl::Seconds(5));
  ASSERT_EQ(payload_of.size(), accesses->size());
  for (const AccessRecord& r : *accesses) EXPECT_EQ(payload_of[r.id], EncodeAccessScored(r));
}

// A group whose statement fails (here: one access carries text PostgreSQL
// refuses) rolls back whole; its other members are then written alone, and
// only the bad access fails. A lock on the access log holds the first two
// groups (two leaders) so that the next four accesses queue into one group.
TEST(PostgresStore, AnAccessThatFailsItsGroupFailsAloneAndTheOthersAreWritten) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = NewPostgresStore(*url, {.max_connections = 8, .outbox_subject_prefix = "gg"});
  ASSERT_TRUE(store.ok()) << store.status();
  auto admin = sql::OpenPostgres(*url, {});
  ASSERT_TRUE(admin.ok()) << admin.status();
  AccessLogLock log_lock(**admin);
  std::vector<absl::Status> results(6);
  auto append = [&](int t) {
    AccessRecord record;
    record.event_id = "ev1";
    record.guest_id = absl::StrCat("g", t);
    record.at = absl::FromUnixSeconds(1795000000);
    record.signals.user_agent = t == 2 ? "bad \xff utf-8" : "Mozilla/5.0";
    results[t] = (*store)->AppendAccess(record, std::nullopt).status();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) threads.emplace_back(append, t);  // The two leaders, held.
  absl::SleepFor(absl::Milliseconds(300));
  for (int t = 2; t < 6; ++t) threads.emplace_back(append, t);  // Queued: one group.
  absl::SleepFor(absl::Milliseconds(300));
  log_lock.Release();
  for (auto& t : threads) t.join();
  for (int t = 0; t < 6; ++t) {
    if (t == 2) {
      EXPECT_FALSE(results[t].ok());
    } else {
      EXPECT_TRUE(results[t].ok()) << t << ": " << results[t];
    }
  }
  auto accesses = (*store)->ListAccesses("ev1", 10);
  ASSERT_TRUE(accesses.ok()) << accesses.status();
  EXPECT_EQ(accesses->size(), 5u);
  for (const AccessRecord& r : *accesses) EXPECT_NE(r.guest_id, "g2");
}

// Two transactions that lock guests' rows in different orders deadlock, and
// PostgreSQL breaks a deadlock only after deadlock_timeout (1 s): every
// access of the group that loses waits that long. A group therefore locks its
// guests in key order whatever order they arrived in. Here a group gathers
// [b, a] (two held leaders make the accesses queue, as above) while another
// transaction holds a; that transaction must then still get b at once.
TEST(PostgresStore, AGroupLocksItsGuestsInKeyOrder) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto store = NewPostgresStore(*url, {.max_connections = 8});
  ASSERT_TRUE(store.ok()) << store.status();
  const AccessFeatures f = *AccessFeatures::From(testing::UsualBrowser());
  auto learn = [&](Baseline& baseline) { baseline.Learn(f); };
  auto append = [&](const std::string& guest, bool teach) {
    AccessRecord record;
    record.event_id = "ev1";
    record.guest_id = guest;
    record.at = absl::FromUnixSeconds(1795000000);
    const std::optional<BaselineMutation> update =
        teach ? std::optional<BaselineMutation>(learn) : std::nullopt;
    return (*store)->AppendAccess(record, update).status();
  };
  for (const char* guest : {"a", "b"}) {  // Their rows exist and the store knows them.
    ASSERT_TRUE(append(guest, true).ok());
    ASSERT_TRUE((*store)->LoadCheckState("ev1", guest).ok());
  }
  auto admin = sql::OpenPostgres(*url, {.max_connections = 2});
  ASSERT_TRUE(admin.ok()) << admin.status();
  AccessLogLock log_lock(**admin);
  absl::Notification a_locked, b_tried;
  absl::Status lock_b;
  std::thread a_holder([&] {
    absl::Status s = (*admin)->Transact([&](sql::Connection& c) -> absl::Status {
      GG_RETURN_IF_ERROR(c.Exec("SET LOCAL lock_timeout = '500ms'").status());
      GG_RETURN_IF_ERROR(c.Query("SELECT 1 FROM guard_guest_state WHERE event_id = 'ev1'"
                                 " AND guest_id = 'a' FOR UPDATE")
                             .status());
      if (!a_locked.HasBeenNotified()) a_locked.Notify();  // A retried body locks again.
      b_tried.WaitForNotification();
      lock_b = c.Query(
                    "SELECT 1 FROM guard_guest_state WHERE event_id = 'ev1'"
                    " AND guest_id = 'b' FOR UPDATE")
                   .status();
      return lock_b;
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  a_locked.WaitForNotification();
  std::vector<absl::Status> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {  // The two leaders, held by the log lock.
    threads.emplace_back([&, t] { results[t] = append(absl::StrCat("x", t), false); });
  }
  absl::SleepFor(absl::Milliseconds(300));
  threads.emplace_back([&] { results[2] = append("b", true); });
  absl::SleepFor(absl::Milliseconds(100));
  threads.emplace_back([&] { results[3] = append("a", true); });  // Queued: group [b, a].
  absl::SleepFor(absl::Milliseconds(300));
  log_lock.Release();
  absl::SleepFor(absl::Milliseconds(300));  // The group is waiting for a.
  b_tried.Notify();
  a_holder.join();
  for (auto& t : threads) t.join();
  EXPECT_TRUE(lock_b.ok()) << "the group held b while waiting for a: " << lock_b;
  for (int t = 0; t < 4; ++t) EXPECT_TRUE(results[t].ok()) << t << ": " << results[t];
  for (const char* guest : {"a", "b"}) {
    auto state = (*store)->LoadGuestState("ev1", guest);
    ASSERT_TRUE(state.ok()) << state.status();
    EXPECT_EQ(state->baseline.accesses(), 2u) << guest;
  }
}

TEST(PostgresStore, GuardWorksEndToEnd) {
  GG_REQUIRE_POSTGRES();
  auto store = FreshPostgresStore();
  ASSERT_TRUE(store.ok()) << store.status();
  testing::ExpectGuardWorksEndToEnd(std::move(*store));
}

TEST(PostgresStore, CheckStateComesWithTheApplicationsRowInOneStatement) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto db = sql::OpenPostgres(*url, {});
  ASSERT_TRUE(db.ok()) << db.status();
  testing::ExpectCheckStateComesWithTheCompanionRow(std::shared_ptr<sql::Database>(*std::move(db)));
}

}  // namespace
}  // namespace guestguard
