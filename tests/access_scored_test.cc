// Copyright 2026 GuestGuard authors.
//
// Conformance of the access.scored message (guestguard/access_scored.h): the
// payload is the documented object, and every producer — Guard on a Bus, the
// SQLite store's outbox, the PostgreSQL store's outbox — writes exactly
// EncodeAccessScored of the record its store keeps for the access.
#include "guestguard/access_scored.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "guestguard/guard.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/memory_store.h"
#include "guestguard/postgres_store.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/sql/sqlite_driver.h"
#include "guestguard/sqlite_store.h"
#include "testing/attempts.h"
#include "testing/postgres_env.h"

namespace guestguard {
namespace {

const absl::Time kT0 = absl::FromUnixMicros(1795000000123456);

TEST(AccessScored, PayloadIsTheDocumentedObject) {
  AccessRecord r;
  r.id = "17";
  r.event_id = "7";
  r.guest_id = "42";
  r.kind = AccessKind::kRsvp;
  r.at = kT0 + absl::Nanoseconds(789);  // Below the access log's precision.
  r.client_ip = "203.0.113.42";
  r.signals = {.user_agent = "Mozilla/5.0",
               .fingerprint = "fp\x01",
               .timezone = "Europe/Paris",
               .language = "fr-FR",
               .screen = "1440x900",
               .platform = "Mac\xff"};
  r.score = 35;
  r.band = Band::kMedium;
  r.reasons = {{"new_network", 35, "A \"new\" network"}};
  EXPECT_EQ(EncodeAccessScored(r),
            "{\"access_log_id\":\"17\",\"event_id\":\"7\",\"guest_id\":\"42\",\"kind\":\"rsvp\","
            "\"at\":\"2026-11-18T11:06:40.123456Z\",\"client_ip\":\"203.0.113.42\","
            "\"signals\":{\"user_agent\":\"Mozilla/5.0\",\"fingerprint\":\"fp\\u0001\","
            "\"timezone\":\"Europe/Paris\",\"language\":\"fr-FR\",\"screen\":\"1440x900\","
            "\"platform\":\"Mac\\ufffd\"},"
            "\"score\":35,\"band\":\"medium\",\"label\":\"Review\",\"allowlisted\":false,"
            "\"blocked\":false,\"reasons\":[{\"code\":\"new_network\",\"score\":35,"
            "\"message\":\"A \\\"new\\\" network\"}]}");
  r.at = absl::FromUnixSeconds(1795000000);
  EXPECT_NE(EncodeAccessScored(r).find("\"at\":\"2026-11-18T11:06:40Z\""), std::string::npos);
}

// A guard over `store` (and `bus`, when set) whose clock stands at kT0.
std::unique_ptr<Guard> OpenGuard(std::shared_ptr<Store> store, std::shared_ptr<Bus> bus = {}) {
  GuardOptions options;
  options.store = std::move(store);
  options.bus = std::move(bus);
  options.keyring = *Keyring::Parse("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  options.clock = std::make_shared<ManualClock>(kT0);
  auto guard = Guard::Open(std::move(options));
  EXPECT_TRUE(guard.ok()) << guard.status();
  return guard.ok() ? *std::move(guard) : nullptr;
}

// Two checks of one link (a low one, then a refused script), so both a
// learned and a blocked access are pinned. Their access log ids.
std::vector<std::string> CheckTwice(Guard& guard) {
  const std::string token = *guard.IssueToken("7", "42");
  std::vector<std::string> ids;
  AccessAttempt script = testing::UsualBrowser(kT0);
  script.client_ip = "198.51.100.9";
  script.signals = {.user_agent = "curl/8.5.0"};
  for (const AccessAttempt& attempt : {testing::UsualBrowser(kT0), script}) {
    auto d = guard.Check(token, attempt);
    EXPECT_TRUE(d.ok()) << d.status();
    if (d.ok()) ids.push_back(d->access_log_id);
  }
  return ids;
}

// What the store keeps for each id, encoded.
std::vector<std::string> Expected(Store& store, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    auto record = store.GetAccess("7", id);
    EXPECT_TRUE(record.ok()) << record.status();
    if (record.ok()) out.push_back(EncodeAccessScored(*record));
  }
  return out;
}

TEST(AccessScored, GuardPublishesTheStoredRecord) {
  std::shared_ptr<Bus> bus = *NewInProcessBus({});
  absl::Mutex mu;
  std::vector<std::string> payloads;
  auto sub = bus->Subscribe("guestguard.access.scored", "test", [&](const Message& m) {
    absl::MutexLock lock(&mu);
    payloads.push_back(m.payload);
    return absl::OkStatus();
  });
  ASSERT_TRUE(sub.ok());
  std::shared_ptr<Store> store = *NewMemoryStore({});
  std::unique_ptr<Guard> guard = OpenGuard(store, bus);
  ASSERT_NE(guard, nullptr);
  const std::vector<std::string> ids = CheckTwice(*guard);
  absl::MutexLock lock(&mu);
  auto both = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return payloads.size() >= 2; };
  ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&both), absl::Seconds(5)));
  EXPECT_EQ(payloads, Expected(*store, ids));
  EXPECT_NE(payloads[1].find("\"blocked\":true"), std::string::npos) << payloads[1];
}

// The payloads of the outbox rows, oldest first.
std::vector<std::string> OutboxPayloads(sql::Database& db) {
  std::vector<std::string> out;
  absl::Status s = db.Autocommit([&](sql::Connection& c) -> absl::Status {
    auto rows = c.Query("SELECT subject, payload FROM guard_outbox ORDER BY id");
    if (!rows.ok()) return rows.status();
    for (size_t i = 0; i < rows->size(); ++i) {
      EXPECT_EQ(*rows->Text(i, 0), "gg.access.scored");
      out.push_back(*rows->Text(i, 1));
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

TEST(AccessScored, SqliteOutboxWritesTheStoredRecord) {
  const std::string path = ::testing::TempDir() + "access_scored_" +
                           std::to_string(absl::ToUnixNanos(absl::Now())) + ".db";
  SqliteStoreOptions options;
  options.outbox_subject_prefix = "gg";
  std::shared_ptr<Store> store = *NewSqliteStore("sqlite:" + path, options);
  std::unique_ptr<Guard> guard = OpenGuard(store);
  ASSERT_NE(guard, nullptr);
  const std::vector<std::string> ids = CheckTwice(*guard);
  auto db = sql::OpenSqlite(path, {});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(OutboxPayloads(**db), Expected(*store, ids));
  std::remove(path.c_str());
}

TEST(AccessScored, PostgresOutboxWritesTheStoredRecord) {
  GG_REQUIRE_POSTGRES();
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  PostgresStoreOptions options;
  options.outbox_subject_prefix = "gg";
  auto opened = NewPostgresStore(*url, options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  std::shared_ptr<Store> store = *std::move(opened);
  std::unique_ptr<Guard> guard = OpenGuard(store);
  ASSERT_NE(guard, nullptr);
  const std::vector<std::string> ids = CheckTwice(*guard);
  auto db = sql::OpenPostgres(*url, {});
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ(OutboxPayloads(**db), Expected(*store, ids));
}

}  // namespace
}  // namespace guestguard
