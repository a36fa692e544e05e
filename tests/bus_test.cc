// Copyright 2026 GuestGuard authors.

#include "guestguard/bus.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "guestguard/in_process_bus.h"
#include "testing/bus_suite.h"
#include "testing/bus_testing.h"

namespace guestguard {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using testing::BusFactory;
using testing::BusFactoryName;
using testing::BusSuite;
using testing::Deliveries;
using testing::FastRetries;
using testing::kQuiet;
using testing::kWait;
using testing::Msg;

constexpr char kSubject[] = "guestguard.access.scored";

// The shared suite; the prefix is ignored: an in-process bus is fresh per test.
INSTANTIATE_TEST_SUITE_P(InProcess, BusSuite,
                         ::testing::Values(BusFactory{
                             "in_process", [](const std::string&) { return NewInProcessBus({}); }}),
                         BusFactoryName);

// ---------------------------------------------------------------------------
// SubjectMatches

TEST(SubjectMatches, MatchesAnIdenticalSubject) {
  EXPECT_TRUE(SubjectMatches("guestguard.access.scored", "guestguard.access.scored"));
}

TEST(SubjectMatches, DoesNotMatchADifferentSubject) {
  EXPECT_FALSE(SubjectMatches("guestguard.access.scored", "guestguard.access"));
  EXPECT_FALSE(SubjectMatches("guestguard.access.scored", "guestguard.access.scored.x"));
  EXPECT_FALSE(SubjectMatches("guestguard.access", "guestguard.access.scored"));
}

TEST(SubjectMatches, WildcardMatchesSubjectsWithAtLeastOneMoreToken) {
  EXPECT_TRUE(SubjectMatches("guestguard.>", "guestguard.access.scored"));
  EXPECT_TRUE(SubjectMatches("guestguard.>", "guestguard.x"));
  EXPECT_FALSE(SubjectMatches("guestguard.>", "guestguard"));
  EXPECT_FALSE(SubjectMatches("guestguard.>", "guestguard."));
  EXPECT_FALSE(SubjectMatches("guestguard.>", "guestguardx.y"));
  EXPECT_FALSE(SubjectMatches("guestguard.>", "other.x"));
}

// ---------------------------------------------------------------------------
// IdempotentHandler

TEST(IdempotentHandler, CallsTheInnerHandlerOncePerId) {
  int calls = 0;
  Handler handler = IdempotentHandler([&](const Message&) {
    ++calls;
    return absl::OkStatus();
  });

  EXPECT_TRUE(handler(Msg("a")).ok());
  EXPECT_TRUE(handler(Msg("a")).ok());
  EXPECT_TRUE(handler(Msg("b")).ok());

  EXPECT_EQ(calls, 2);
}

TEST(IdempotentHandler, DoesNotRememberAFailedAttempt) {
  int calls = 0;
  Handler handler = IdempotentHandler([&](const Message&) {
    ++calls;
    return calls == 1 ? absl::UnavailableError("down") : absl::OkStatus();
  });

  EXPECT_EQ(handler(Msg("a")).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(handler(Msg("a")).ok());
  EXPECT_TRUE(handler(Msg("a")).ok());

  EXPECT_EQ(calls, 2);
}

TEST(IdempotentHandler, ForgetsTheOldestIdBeyondItsCapacity) {
  std::vector<std::string> handled;
  Handler handler = IdempotentHandler(
      [&](const Message& m) {
        handled.push_back(m.id);
        return absl::OkStatus();
      },
      /*capacity=*/2);

  for (const char* id : {"a", "b", "c", "c", "a"}) EXPECT_TRUE(handler(Msg(id)).ok());

  EXPECT_THAT(handled, ElementsAre("a", "b", "c", "a"));
}

TEST(IdempotentHandler, RefusesAnIdInFlightWithUnavailableWithoutCallingTheHandler) {
  std::atomic<int> calls{0};
  absl::Notification entered;
  absl::Notification release;
  Handler handler = IdempotentHandler([&](const Message&) {
    if (++calls == 1) {
      entered.Notify();
      release.WaitForNotificationWithTimeout(kWait);
    }
    return absl::OkStatus();
  });

  absl::Status first;
  std::thread deliverer([&] { first = handler(Msg("a")); });
  ASSERT_TRUE(entered.WaitForNotificationWithTimeout(kWait));
  absl::Status concurrent = handler(Msg("a"));
  release.Notify();
  deliverer.join();

  EXPECT_EQ(concurrent.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(first.ok()) << first;
  EXPECT_TRUE(handler(Msg("a")).ok());
  EXPECT_EQ(calls.load(), 1);
}

TEST(IdempotentHandler, HandlesAnIdTheBusDeliversTwiceOnce) {
  Deliveries inner;
  InProcessBusOptions options;
  options.duplicate_window = absl::ZeroDuration();  // Let the duplicate through.
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus(options));
  ASSERT_OK_AND_ASSIGN(auto sub,
                       bus->Subscribe(kSubject, "idem", IdempotentHandler(inner.Recording())));

  ASSERT_TRUE(bus->Publish(Msg("a")).ok());
  ASSERT_TRUE(bus->Publish(Msg("a")).ok());
  ASSERT_TRUE(bus->Publish(Msg("sentinel")).ok());

  // Deliveries are FIFO per subscription: both copies of "a" precede it.
  ASSERT_TRUE(inner.WaitForCount(2));
  EXPECT_THAT(inner.Ids(), ElementsAre("a", "sentinel"));
}

// ---------------------------------------------------------------------------
// InProcessBus: delivery, acks, redelivery, dead letters

TEST(InProcessBus, DefaultDeadLetterSinkWritesOneLineWithoutThePayload) {
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus({}));
  ::testing::internal::CaptureStderr();
  Handler always_fail =
      deliveries.Recording([](const Message&) { return absl::UnavailableError("db down"); });
  ASSERT_OK_AND_ASSIGN(
      auto sub, bus->Subscribe(kSubject, "stderr", always_fail, FastRetries(/*max_deliveries=*/2)));

  ASSERT_TRUE(bus->Publish(Msg("access:4", kSubject, "secret-payload")).ok());
  ASSERT_TRUE(deliveries.WaitForCount(2));
  // The sink runs on the delivery thread right after the last attempt;
  // destroying the subscription waits for it.
  sub.reset();
  const std::string err = ::testing::internal::GetCapturedStderr();

  EXPECT_THAT(err, HasSubstr("access:4"));
  EXPECT_THAT(err, HasSubstr(kSubject));
  EXPECT_THAT(err, HasSubstr("attempts=2"));
  EXPECT_THAT(err, HasSubstr("db down"));
  EXPECT_THAT(err, Not(HasSubstr("secret-payload")));
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1);
}

// ---------------------------------------------------------------------------
// InProcessBus: duplicate window

TEST(InProcessBus, DeliversAnIdAgainOnceTheWindowHasPassed) {
  Deliveries deliveries;
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  InProcessBusOptions options;
  options.duplicate_window = absl::Minutes(1);
  options.clock = clock;
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus(options));
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(kSubject, "dedup", deliveries.Recording()));

  ASSERT_TRUE(bus->Publish(Msg("a")).ok());
  clock->Advance(absl::Minutes(1));
  ASSERT_TRUE(bus->Publish(Msg("a")).ok());

  ASSERT_TRUE(deliveries.WaitForCount(2));
  EXPECT_THAT(deliveries.Ids(), ElementsAre("a", "a"));
}

TEST(InProcessBus, RemembersAtMostDuplicateWindowCapacityIds) {
  Deliveries deliveries;
  InProcessBusOptions options;
  options.duplicate_window_capacity = 2;
  options.clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1700000000));
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus(options));
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(kSubject, "dedup", deliveries.Recording()));

  // "c" pushes "a" out, so "a" is new again; the second "c" is still known.
  for (const char* id : {"a", "b", "c", "a", "c", "sentinel"}) {
    ASSERT_TRUE(bus->Publish(Msg(id)).ok());
  }

  ASSERT_TRUE(deliveries.WaitForCount(5));
  EXPECT_THAT(deliveries.Ids(), ElementsAre("a", "b", "c", "a", "sentinel"));
}

// ---------------------------------------------------------------------------
// InProcessBus: routing and bounds

TEST(InProcessBus, DeliversACopyToEverySubscription) {
  Deliveries first;
  Deliveries second;
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus({}));
  ASSERT_OK_AND_ASSIGN(auto sub1, bus->Subscribe(kSubject, "one", first.Recording()));
  ASSERT_OK_AND_ASSIGN(auto sub2, bus->Subscribe("guestguard.>", "two", second.Recording()));

  ASSERT_TRUE(bus->Publish(Msg("a", kSubject, "p")).ok());

  ASSERT_TRUE(first.WaitForCount(1));
  ASSERT_TRUE(second.WaitForCount(1));
  EXPECT_EQ(first.Messages()[0].payload, "p");
  EXPECT_EQ(second.Messages()[0].payload, "p");
}

TEST(InProcessBus, FullQueueRejectsThePublishAndEnqueuesItNowhere) {
  Deliveries all;
  Deliveries only_b;
  absl::Notification release;
  InProcessBusOptions options;
  options.max_pending_per_subscription = 2;
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus(options));
  Handler block_on_first = all.Recording([&](const Message& m) {
    if (m.id == "1") release.WaitForNotificationWithTimeout(kWait);
    return absl::OkStatus();
  });
  ASSERT_OK_AND_ASSIGN(auto sub_all, bus->Subscribe("x.>", "all", block_on_first));
  ASSERT_OK_AND_ASSIGN(auto sub_b, bus->Subscribe("x.b", "b", only_b.Recording()));

  // "1" blocks the handler of `all` and "2" waits behind it: `all` is full.
  ASSERT_TRUE(bus->Publish(Msg("1", "x.a")).ok());
  ASSERT_TRUE(bus->Publish(Msg("2", "x.a")).ok());
  EXPECT_EQ(bus->Publish(Msg("3", "x.b")).code(), absl::StatusCode::kResourceExhausted);

  release.Notify();
  // Once "2" is delivered, "1" is done and `all` has room again.
  ASSERT_TRUE(all.WaitForCount(2));
  ASSERT_TRUE(bus->Publish(Msg("4", "x.b")).ok());
  ASSERT_TRUE(all.WaitForCount(3));
  ASSERT_TRUE(only_b.WaitForCount(1));
  // FIFO: a copy of "3" enqueued anywhere would have arrived before "4".
  EXPECT_THAT(all.Ids(), ElementsAre("1", "2", "4"));
  EXPECT_THAT(only_b.Ids(), ElementsAre("4"));

  // The rejected publish did not enter the duplicate window either.
  ASSERT_TRUE(bus->Publish(Msg("3", "x.b")).ok());
  ASSERT_TRUE(only_b.WaitForCount(2));
  EXPECT_THAT(only_b.Ids(), ElementsAre("4", "3"));
}

TEST(InProcessBus, RejectsInvalidOptionsNamingTheField) {
  InProcessBusOptions no_pending;
  no_pending.max_pending_per_subscription = 0;
  InProcessBusOptions negative_window;
  negative_window.duplicate_window = absl::Seconds(-1);
  InProcessBusOptions no_capacity;
  no_capacity.duplicate_window_capacity = 0;

  for (const auto& [options, field] : std::vector<std::pair<InProcessBusOptions, std::string>>{
           {no_pending, "max_pending_per_subscription"},
           {negative_window, "duplicate_window"},
           {no_capacity, "duplicate_window_capacity"}}) {
    absl::StatusOr<std::unique_ptr<Bus>> bus = NewInProcessBus(options);
    EXPECT_EQ(bus.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(bus.status().message(), HasSubstr(field));
  }
}

// ---------------------------------------------------------------------------
// InProcessBus: lifetimes

TEST(InProcessBus, DestroyingASubscriptionDropsItsPendingRedelivery) {
  Deliveries deliveries;
  std::atomic<int> dead_letters{0};
  SubscribeOptions options;
  options.initial_backoff = absl::Seconds(1);
  options.dead_letter = [&](const Message&, const absl::Status&) { ++dead_letters; };
  ASSERT_OK_AND_ASSIGN(auto bus, NewInProcessBus({}));
  Handler always_fail =
      deliveries.Recording([](const Message&) { return absl::UnavailableError("down"); });
  ASSERT_OK_AND_ASSIGN(auto sub, bus->Subscribe(kSubject, "drop", always_fail, options));

  ASSERT_TRUE(bus->Publish(Msg("1")).ok());
  ASSERT_TRUE(deliveries.WaitForCount(1));
  sub.reset();

  EXPECT_EQ(deliveries.Messages().size(), 1u);
  EXPECT_EQ(dead_letters.load(), 0);
}

}  // namespace
}  // namespace guestguard
