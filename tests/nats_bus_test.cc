// Copyright 2026 GuestGuard authors.
//
// The NATS JetStream bus against the real server of scripts/with_nats: the
// shared Bus suite, then what only a durable, server-side bus does. Tests
// that need the server skip without it, and fail in CI (GG_REQUIRE_NATS).
#include "guestguard/nats_bus.h"

#include <atomic>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guestguard/bus.h"
#include "testing/bus_suite.h"
#include "testing/bus_testing.h"
#include "testing/nats_env.h"

namespace guestguard {
namespace {

using testing::BusFactory;
using testing::BusFactoryName;
using testing::BusSuite;
using testing::Deliveries;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kQuiet;
using testing::kWait;
using testing::Msg;
using ::testing::Not;

// Options for a bus of its own under `prefix` on the test server.
NatsBusOptions TestOptions(const std::string& prefix) {
  NatsBusOptions options;
  options.url = testing::TestNatsUrl();
  options.subject_prefix = prefix;
  options.stream_name = "S_" + prefix;
  options.request_timeout = absl::Seconds(2);
  // Every stream reserves max_bytes of the server's store: keep it small so
  // that the suite's hundreds of streams fit.
  options.max_bytes = int64_t{4} << 20;
  return options;
}

absl::StatusOr<std::unique_ptr<Bus>> OpenTestBus(const std::string& prefix) {
  if (testing::TestNatsUrl().empty()) {
    return absl::FailedPreconditionError(
        "set GUESTGUARD_TEST_NATS_URL (run through scripts/with_nats)");
  }
  return NewNatsBus(TestOptions(prefix));
}

INSTANTIATE_TEST_SUITE_P(Nats, BusSuite, ::testing::Values(BusFactory{"nats", OpenTestBus}),
                         BusFactoryName);

TEST(NatsBus, RejectsInvalidOptionsNamingTheField) {
  struct Case {
    std::string field;
    void (*change)(NatsBusOptions&);
  };
  const std::vector<Case> cases = {
      {"url", [](NatsBusOptions& o) { o.url.clear(); }},
      {"subject_prefix", [](NatsBusOptions& o) { o.subject_prefix = "a.>"; }},
      {"subject_prefix", [](NatsBusOptions& o) { o.subject_prefix = "has space"; }},
      {"subject_prefix", [](NatsBusOptions& o) { o.subject_prefix = "a..b"; }},
      {"stream_name", [](NatsBusOptions& o) { o.stream_name = "with.dot"; }},
      {"stream_name", [](NatsBusOptions& o) { o.stream_name = std::string(65, 's'); }},
      {"duplicate_window", [](NatsBusOptions& o) { o.duplicate_window = absl::Milliseconds(10); }},
      {"max_age", [](NatsBusOptions& o) { o.max_age = absl::Seconds(10); }},
      {"max_bytes", [](NatsBusOptions& o) { o.max_bytes = 1000; }},
      {"connect_timeout", [](NatsBusOptions& o) { o.connect_timeout = absl::ZeroDuration(); }},
      {"request_timeout", [](NatsBusOptions& o) { o.request_timeout = absl::Minutes(5); }},
      {"reconnect_wait", [](NatsBusOptions& o) { o.reconnect_wait = absl::Milliseconds(1); }},
      {"max_reconnects", [](NatsBusOptions& o) { o.max_reconnects = -2; }},
      {"ack_wait", [](NatsBusOptions& o) { o.ack_wait = absl::Milliseconds(10); }},
  };
  for (const Case& c : cases) {
    NatsBusOptions options;
    c.change(options);
    absl::StatusOr<std::unique_ptr<Bus>> bus = NewNatsBus(options);
    EXPECT_EQ(bus.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(bus.status().message(), HasSubstr("NatsBusOptions." + c.field));
  }
}

TEST(NatsBus, NoServerIsUnavailableWithinTheConnectTimeoutWithoutLeakingTheUrl) {
  NatsBusOptions options;
  options.url = "nats://user:s3cret@127.0.0.1:1";  // Nothing listens on port 1.
  options.connect_timeout = absl::Milliseconds(500);
  const absl::Time start = absl::Now();

  absl::StatusOr<std::unique_ptr<Bus>> bus = NewNatsBus(options);

  EXPECT_EQ(bus.status().code(), absl::StatusCode::kUnavailable) << bus.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_THAT(bus.status().message(), Not(HasSubstr("s3cret")));
}

TEST(NatsBus, RejectsWhatCannotTravelOverNatsWithInvalidArgument) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  const std::string subject = prefix + ".x";
  auto publish_code = [&](const Message& m) { return bus->Publish(m).code(); };
  auto subscribe = [&](const std::string& s, const std::string& durable) {
    return bus->Subscribe(s, durable, [](const Message&) { return absl::OkStatus(); }).status();
  };

  EXPECT_EQ(publish_code(Msg("a", "elsewhere.x")), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg("a", prefix)), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg("a", prefix + ".*")), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg("a", prefix + ".>")), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg("a", prefix + ".a b")), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg("has space", subject)), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg("line\r\nInjected: 1", subject)), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(publish_code(Msg(std::string(257, 'i'), subject)), absl::StatusCode::kInvalidArgument);
  const absl::Status too_big = bus->Publish(Msg("big", subject, std::string(2 << 20, 'p')));
  EXPECT_EQ(too_big.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(too_big.message(), HasSubstr("max_payload"));
  EXPECT_TRUE(bus->Publish(Msg(std::string(256, 'i'), subject, std::string(500000, 'p'))).ok());

  EXPECT_EQ(subscribe("elsewhere.>", "d").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(subscribe(prefix + ".*", "d").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(subscribe(subject, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(subscribe(subject, "with.dot").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(subscribe(subject, std::string(65, 'd')).code(), absl::StatusCode::kInvalidArgument);
}

TEST(NatsBus, DurableResumesWithTheMessagesPublishedWhileNoSubscriptionRan) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".access.scored";
  Deliveries first;
  Deliveries second;
  Deliveries third;
  {
    ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
    ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(subject, "alerts", first.Recording()));
    ASSERT_TRUE(bus->Publish(Msg("1", subject)).ok());
    ASSERT_TRUE(first.WaitForCount(1));
    sub.reset();

    ASSERT_TRUE(bus->Publish(Msg("2", subject)).ok());
    ASSERT_TRUE(bus->Publish(Msg("3", subject)).ok());
    ASSERT_OK_AND_ASSIGN(sub, bus->Subscribe(subject, "alerts", second.Recording()));
    ASSERT_TRUE(second.WaitForCount(2));
    EXPECT_FALSE(second.WaitForCount(3, kQuiet)) << "an acked message came back";
    sub.reset();
    ASSERT_TRUE(bus->Publish(Msg("4", subject)).ok());
  }
  // A new connection (as after a process restart) finds the durable where it was.
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(subject, "alerts", third.Recording()));
  ASSERT_TRUE(third.WaitForCount(1));
  EXPECT_FALSE(third.WaitForCount(2, kQuiet));

  EXPECT_THAT(first.Ids(), ElementsAre("1"));
  EXPECT_THAT(second.Ids(), ElementsAre("2", "3"));
  EXPECT_THAT(third.Ids(), ElementsAre("4"));
}

TEST(NatsBus, ANewDurableStartsWithMessagesPublishedAfterIt) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".x";
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  ASSERT_TRUE(bus->Publish(Msg("before", subject)).ok());

  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(subject, "late", deliveries.Recording()));
  ASSERT_TRUE(bus->Publish(Msg("after", subject)).ok());

  ASSERT_TRUE(deliveries.WaitForCount(1));
  EXPECT_FALSE(deliveries.WaitForCount(2, kQuiet));
  EXPECT_THAT(deliveries.Ids(), ElementsAre("after"));
}

TEST(NatsBus, ANewDurableFromOldestStartsWithWhatTheStreamKeeps) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".x";
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  ASSERT_TRUE(bus->Publish(Msg("before", subject)).ok());

  SubscribeOptions options;
  options.from_oldest = true;
  ASSERT_OK_AND_ASSIGN(auto sub,
                       bus->Subscribe(subject, "complete", deliveries.Recording(), options));
  ASSERT_TRUE(bus->Publish(Msg("after", subject)).ok());

  ASSERT_TRUE(deliveries.WaitForCount(2));
  EXPECT_THAT(deliveries.Ids(), ElementsAre("before", "after"));
}

TEST(NatsBus, SubscriptionsSharingADurableShareItsMessages) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".x";
  Deliveries a;
  Deliveries b;
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  ASSERT_OK_AND_ASSIGN(auto sub_a, bus->Subscribe(subject, "workers", a.Recording()));
  ASSERT_OK_AND_ASSIGN(auto sub_b, bus->Subscribe(subject, "workers", b.Recording()));

  for (int i = 0; i < 40; ++i) ASSERT_TRUE(bus->Publish(Msg(absl::StrCat(i), subject)).ok());

  const absl::Time deadline = absl::Now() + kWait;
  while (a.Messages().size() + b.Messages().size() < 40 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  absl::SleepFor(kQuiet);
  std::multiset<std::string> ids;
  for (const std::string& id : a.Ids()) ids.insert(id);
  for (const std::string& id : b.Ids()) ids.insert(id);
  EXPECT_EQ(ids.size(), 40u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 40u) << "a message went twice";
}

TEST(NatsBus, ADurableOfTheSameNameOnAnotherSubjectIsFailedPrecondition) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  auto ok = [](const Message&) { return absl::OkStatus(); };
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(prefix + ".a", "d", ok));

  auto other = bus->Subscribe(prefix + ".b", "d", ok);

  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition) << other.status();
}

TEST(NatsBus, ReopeningUpdatesTheStreamsDuplicateWindow) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".x";
  ASSERT_OK_AND_ASSIGN(auto long_window, OpenTestBus(prefix));  // 2 min.
  NatsBusOptions options = TestOptions(prefix);
  options.duplicate_window = absl::Seconds(1);
  ASSERT_OK_AND_ASSIGN(auto bus, NewNatsBus(options));
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(subject, "dedup", deliveries.Recording()));

  ASSERT_TRUE(bus->Publish(Msg("a", subject)).ok());
  ASSERT_TRUE(bus->Publish(Msg("a", subject)).ok());
  ASSERT_TRUE(deliveries.WaitForCount(1));
  EXPECT_FALSE(deliveries.WaitForCount(2, kQuiet)) << "the duplicate got through";
  absl::SleepFor(absl::Milliseconds(1500));
  // A loaded test server (the whole suite shares it) was seen refusing one
  // publish for a moment: retry twice, and say what it answered.
  absl::Status after_window = bus->Publish(Msg("a", subject));
  for (int retry = 0; retry < 2 && !after_window.ok(); ++retry) {
    std::cerr << "publish after the window: " << after_window << "; retrying\n";
    absl::SleepFor(absl::Milliseconds(500));
    after_window = bus->Publish(Msg("a", subject));
  }
  ASSERT_TRUE(after_window.ok()) << after_window;

  ASSERT_TRUE(deliveries.WaitForCount(2)) << "the 1 s window did not apply";
  EXPECT_THAT(deliveries.Ids(), ElementsAre("a", "a"));
}

TEST(NatsBus, DefaultDeadLetterSinkWritesOneLineWithoutThePayload) {
  GG_REQUIRE_NATS();
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".x";
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto bus, OpenTestBus(prefix));
  ::testing::internal::CaptureStderr();
  Handler always_fail =
      deliveries.Recording([](const Message&) { return absl::UnavailableError("db down"); });
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(subject, "stderr", always_fail,
                                                testing::FastRetries(/*max_deliveries=*/2)));

  ASSERT_TRUE(bus->Publish(Msg("access:4", subject, "secret-payload")).ok());
  ASSERT_TRUE(deliveries.WaitForCount(2));
  sub.reset();  // Waits for the sink, which runs right after the last attempt.
  const std::string err = ::testing::internal::GetCapturedStderr();

  EXPECT_THAT(err, HasSubstr("durable=\"stderr\""));
  EXPECT_THAT(err, HasSubstr("access:4"));
  EXPECT_THAT(err, HasSubstr("attempts=2"));
  EXPECT_THAT(err, HasSubstr("db down"));
  EXPECT_THAT(err, Not(HasSubstr("secret-payload")));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
}

}  // namespace
}  // namespace guestguard
