// Copyright 2026 GuestGuard authors.
//
// Conformance of the access.scored message (guestguard/access_scored.h): the
// payload is the documented object, and every producer — Guard on a Bus, the
// outbox relay feeding a SQLite or PostgreSQL store's access log — writes
// exactly EncodeAccessScored of the record its store keeps for the access, and
// DecodeAccessScored reads each back to the same record.
#include "guestguard/access_scored.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "guestguard/guard.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/memory_store.h"
#include "guestguard/outbox_relay.h"
#include "guestguard/postgres_store.h"
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

TEST(AccessScored, DecodeReadsTheDocumentedObjectBack) {
  AccessRecord r;
  r.id = "17";
  r.event_id = "7";
  r.guest_id = "42";
  r.kind = AccessKind::kCheckin;
  r.at = kT0;
  r.client_ip = "2001:db8::1";
  r.signals = {.user_agent = "Mozilla/5.0 \"quoted\"",
               .fingerprint = "fp\x01",
               .timezone = "Europe/Paris",
               .language = "",
               .screen = "1440x900",
               .platform = "Mac\xff"};
  r.score = 100;
  r.band = Band::kBlock;
  r.allowlisted = true;
  r.blocked = true;
  r.reasons = {{"a", 60, "ünïcode 😀"}, {"b", 40, ""}};
  auto d = DecodeAccessScored(EncodeAccessScored(r));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->id, "17");
  EXPECT_EQ(d->event_id, "7");
  EXPECT_EQ(d->guest_id, "42");
  EXPECT_EQ(d->kind, AccessKind::kCheckin);
  EXPECT_EQ(d->at, kT0);  // Microseconds kept.
  EXPECT_EQ(d->client_ip, "2001:db8::1");
  EXPECT_EQ(d->signals.user_agent, "Mozilla/5.0 \"quoted\"");
  EXPECT_EQ(d->signals.fingerprint, "fp\x01");
  EXPECT_EQ(d->signals.platform, "Mac\xef\xbf\xbd");  // The encoder's U+FFFD.
  EXPECT_EQ(d->signals.language, "");
  EXPECT_EQ(d->score, 100);
  EXPECT_EQ(d->band, Band::kBlock);
  EXPECT_TRUE(d->allowlisted);
  EXPECT_TRUE(d->blocked);
  ASSERT_EQ(d->reasons.size(), 2u);
  EXPECT_EQ(d->reasons[0].message, "ünïcode 😀");
  EXPECT_EQ(d->reasons[1].score, 40);
  // Escapes the encoder does not write are read too; unknown keys are ignored.
  auto escaped = DecodeAccessScored(
      "{\"later\":[1.5e3,{\"x\":null}],\"access_log_id\":\"1\",\"event_id\":\"e\","
      "\"guest_id\":\"g\\u00e9\\ud83d\\ude00\\/"
      "\",\"kind\":\"open\",\"at\":\"2026-11-18T11:06:40Z\","
      "\"client_ip\":\"\",\"signals\":{\"user_agent\":\"\",\"fingerprint\":\"\",\"timezone\":\"\","
      "\"language\":\"\",\"screen\":\"\",\"platform\":\"\"},\"score\":0,\"band\":\"low\","
      "\"label\":\"Verified\",\"allowlisted\":false,\"blocked\":false,\"reasons\":[]}");
  ASSERT_TRUE(escaped.ok()) << escaped.status();
  EXPECT_EQ(escaped->guest_id, "g\u00e9😀/");
  EXPECT_EQ(escaped->at, absl::FromUnixSeconds(1795000000));
}

TEST(AccessScored, DecodeRejectsWhatNoProducerWritesNamingTheFault) {
  AccessRecord r;
  r.id = "1";
  r.event_id = "7";
  r.guest_id = "42";
  r.at = kT0;
  r.reasons = {{"a", 10, "m"}};
  const std::string good = EncodeAccessScored(r);
  ASSERT_TRUE(DecodeAccessScored(good).ok());
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string p = good;
    const size_t at = p.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return p.replace(at, from.size(), to);
  };
  const std::pair<std::string, std::string> cases[] = {
      {"", "JSON: unexpected end at byte 0"},
      {"{\"a\":x}", "JSON: expected a value at byte 5"},
      {"[]", "the payload must be a JSON object"},
      {good.substr(0, good.size() - 1), "JSON: unexpected end"},
      {good + "x", "JSON: unexpected data after the value"},
      {replaced("\"access_log_id\":\"1\",", ""), "access_log_id is missing"},
      {replaced("\"access_log_id\":\"1\"", "\"access_log_id\":\"\""),
       "access_log_id must not be empty"},
      {replaced("\"event_id\":\"7\"", "\"event_id\":7"), "event_id must be a string"},
      {replaced("\"kind\":\"open\"", "\"kind\":\"walk\""), "kind must be"},
      {replaced("40.123456Z", "40.123456+01:00"), "at must be an RFC 3339 UTC time"},
      {replaced("\"score\":0", "\"score\":101"), "score must be an integer 0-100"},
      {replaced("\"score\":0", "\"score\":1.0"), "score must be an integer 0-100"},
      {replaced("\"band\":\"low\"", "\"band\":\"red\""), "band must be"},
      {replaced("\"label\":\"Verified\",", ""), "label is missing"},
      {replaced("\"blocked\":false", "\"blocked\":0"), "blocked must be a boolean"},
      {replaced("\"screen\":\"\",", ""), "signals.screen must be a string"},
      {replaced("\"signals\":{", "\"signals\":[],\"x\":{"), "signals must be an object"},
      {replaced("\"score\":10,", "\"score\":-1,"), "reasons[0].score must be an integer 0-100"},
      {replaced("\"reasons\":[{", "\"reasons\":[1,{"), "reasons[0] must be an object"},
      {replaced("\"guest_id\":\"42\"", "\"guest_id\":\"42\",\"guest_id\":\"43\""),
       "JSON: duplicate key \"guest_id\""},
      {replaced("\"42\"", "\"4\xff\""), "JSON: invalid UTF-8 in a string"},
      {replaced("\"42\"", "\"4\\ud800\""), "JSON: a lone high surrogate"},
      {replaced("\"42\"", "\"4\n\""), "JSON: a control character in a string"},
      {replaced("\"score\":0", "\"score\":01"), "JSON: a number has a leading zero"},
      {replaced("{\"access_log_id\"",
                "{\"deep\":" + std::string(17, '[') + std::string(17, ']') + ",\"access_log_id\""),
       "JSON: nested too deeply"},
  };
  for (const auto& [payload, message] : cases) {
    absl::StatusOr<AccessRecord> d = DecodeAccessScored(payload);
    ASSERT_FALSE(d.ok()) << payload;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find(message), absl::string_view::npos)
        << d.status() << " wanted: " << message;
  }
  std::string many = "[";
  for (size_t i = 0; i <= kMaxAccessScoredReasons; ++i) {
    many += (i == 0 ? "" : ",") + std::string("{\"code\":\"c\",\"score\":1,\"message\":\"\"}");
  }
  EXPECT_NE(
      DecodeAccessScored(replaced("[{\"code\":\"a\",\"score\":10,\"message\":\"m\"}]", many + "]"))
          .status()
          .message()
          .find("reasons must hold at most 64"),
      absl::string_view::npos);
  EXPECT_NE(DecodeAccessScored(std::string(kMaxAccessScoredPayload + 1, ' '))
                .status()
                .message()
                .find("longer than"),
            absl::string_view::npos);
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

// Every payload decodes to a record that encodes to the same bytes.
void ExpectRoundTrips(const std::vector<std::string>& payloads) {
  for (const std::string& p : payloads) {
    absl::StatusOr<AccessRecord> decoded = DecodeAccessScored(p);
    ASSERT_TRUE(decoded.ok()) << decoded.status() << " " << p;
    EXPECT_EQ(EncodeAccessScored(*decoded), p);
  }
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
  ExpectRoundTrips(payloads);
}

// What an OutboxRelay on `store` publishes under gg.access.scored (the
// access feed), oldest first; each message's id must be "access:<its id>".
std::vector<std::string> RelayedPayloads(std::shared_ptr<Store> store) {
  std::shared_ptr<Bus> bus = *NewInProcessBus({});
  absl::Mutex mu;
  std::vector<std::string> out;
  auto sub = bus->Subscribe("gg.>", "test", [&](const Message& m) {
    EXPECT_EQ(m.subject, "gg.access.scored");
    absl::StatusOr<AccessRecord> r = DecodeAccessScored(m.payload);
    EXPECT_TRUE(r.ok() && m.id == "access:" + r->id) << m.id;
    absl::MutexLock lock(&mu);
    out.push_back(m.payload);
    return absl::OkStatus();
  });
  EXPECT_TRUE(sub.ok());
  auto relay = OutboxRelay::Start(std::move(store), bus, {});
  EXPECT_TRUE(relay.ok()) << relay.status();
  if (!relay.ok()) return {};
  EXPECT_TRUE((*relay)->Drain(absl::Seconds(10)).ok());
  absl::MutexLock lock(&mu);
  auto two = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return out.size() >= 2; };
  mu.AwaitWithTimeout(absl::Condition(&two), absl::Seconds(5));
  return out;
}

TEST(AccessScored, SqliteRelayPublishesTheStoredRecord) {
  const std::string path = ::testing::TempDir() + "access_scored_" +
                           std::to_string(absl::ToUnixNanos(absl::Now())) + ".db";
  SqliteStoreOptions options;
  options.outbox_subject_prefix = "gg";
  std::shared_ptr<Store> store = *NewSqliteStore("sqlite:" + path, options);
  std::unique_ptr<Guard> guard = OpenGuard(store);
  ASSERT_NE(guard, nullptr);
  const std::vector<std::string> ids = CheckTwice(*guard);
  const std::vector<std::string> payloads = RelayedPayloads(store);
  EXPECT_EQ(payloads, Expected(*store, ids));
  ExpectRoundTrips(payloads);
  std::remove(path.c_str());
}

TEST(AccessScored, PostgresRelayPublishesTheStoredRecord) {
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
  const std::vector<std::string> payloads = RelayedPayloads(store);
  EXPECT_EQ(payloads, Expected(*store, ids));
  ExpectRoundTrips(payloads);
}

}  // namespace
}  // namespace guestguard
