// Copyright 2026 GuestGuard authors.
//
// The shared Bus suite (see bus_suite.h): at-least-once explicit-ack delivery,
// redelivery with backoff, dead letters, de-duplication, wildcard routing and
// subscription lifetimes, whatever the backend.
#include "testing/bus_suite.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guestguard/bus.h"
#include "testing/bus_testing.h"

namespace guestguard::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST_P(BusSuite, DeliversAPublishedMessageWithItsIdSubjectAndPayloadOnce) {
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto sub,
                       bus_->Subscribe(Subject("access.scored"), "once", deliveries.Recording()));

  ASSERT_TRUE(bus_->Publish(Msg("access:1", Subject("access.scored"), R"({"score":7})")).ok());

  ASSERT_TRUE(deliveries.WaitForCount(1));
  const Message got = deliveries.Messages()[0];
  EXPECT_EQ(got.id, "access:1");
  EXPECT_EQ(got.subject, Subject("access.scored"));
  EXPECT_EQ(got.payload, R"({"score":7})");
  EXPECT_EQ(got.attempt, 1);
  EXPECT_FALSE(deliveries.WaitForCount(2, kQuiet)) << "an acked message was redelivered";
}

TEST_P(BusSuite, DeliversToOneSubscriptionInPublishOrder) {
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "fifo", deliveries.Recording()));

  for (const char* id : {"1", "2", "3", "4"})
    ASSERT_TRUE(bus_->Publish(Msg(id, Subject("x"))).ok());

  ASSERT_TRUE(deliveries.WaitForCount(4));
  EXPECT_THAT(deliveries.Ids(), ElementsAre("1", "2", "3", "4"));
}

TEST_P(BusSuite, RedeliversAFailureWithTheAttemptIncrementedAfterTheBackoff) {
  Deliveries deliveries;
  SubscribeOptions options;
  options.initial_backoff = absl::Milliseconds(50);
  options.max_backoff = absl::Seconds(1);
  Handler fail_twice = deliveries.Recording([](const Message& m) {
    return m.attempt < 3 ? absl::UnavailableError("not yet") : absl::OkStatus();
  });
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "retry", fail_twice, options));

  ASSERT_TRUE(bus_->Publish(Msg("access:2", Subject("x"), "p")).ok());

  ASSERT_TRUE(deliveries.WaitForCount(3));
  EXPECT_FALSE(deliveries.WaitForCount(4, kQuiet)) << "redelivered after it succeeded";
  const std::vector<Message> messages = deliveries.Messages();
  const std::vector<absl::Time> times = deliveries.Times();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i].attempt, i + 1);
    EXPECT_EQ(messages[i].id, "access:2");
    EXPECT_EQ(messages[i].payload, "p");
  }
  // The backoff doubles: 50 ms, then 100 ms (a little slack for clock reads).
  EXPECT_GE(times[1] - times[0], absl::Milliseconds(45));
  EXPECT_GE(times[2] - times[1], absl::Milliseconds(95));
}

TEST_P(BusSuite, DeadLettersOnceAfterMaxDeliveriesWithTheLastError) {
  Deliveries deliveries;
  absl::Mutex sink_mu;
  std::vector<std::pair<Message, absl::Status>> dead;  // Guarded by sink_mu.
  absl::Notification dead_lettered;
  SubscribeOptions options = FastRetries(/*max_deliveries=*/3);
  options.dead_letter = [&](const Message& m, const absl::Status& last_error) {
    absl::MutexLock lock(&sink_mu);
    dead.emplace_back(m, last_error);
    if (dead.size() == 1) dead_lettered.Notify();
  };
  Handler always_fail = deliveries.Recording(
      [](const Message& m) { return absl::InternalError(absl::StrCat("attempt ", m.attempt)); });
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "dead", always_fail, options));

  ASSERT_TRUE(bus_->Publish(Msg("access:3", Subject("x"), "p")).ok());

  ASSERT_TRUE(dead_lettered.WaitForNotificationWithTimeout(kWait));
  EXPECT_FALSE(deliveries.WaitForCount(4, kQuiet * 3)) << "delivered after being dead-lettered";
  EXPECT_EQ(deliveries.Messages().size(), 3u);
  absl::MutexLock lock(&sink_mu);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].first.id, "access:3");
  EXPECT_EQ(dead[0].first.payload, "p");
  EXPECT_EQ(dead[0].first.attempt, 3);
  EXPECT_EQ(dead[0].second, absl::InternalError("attempt 3"));
}

TEST_P(BusSuite, DropsADuplicateIdPublishedWithinTheWindow) {
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "dedup", deliveries.Recording()));

  ASSERT_TRUE(bus_->Publish(Msg("a", Subject("x"), "first")).ok());
  EXPECT_TRUE(bus_->Publish(Msg("a", Subject("x"), "second")).ok())
      << "a duplicate is accepted, then dropped";
  ASSERT_TRUE(bus_->Publish(Msg("sentinel", Subject("x"))).ok());

  ASSERT_TRUE(deliveries.WaitForCount(2));
  EXPECT_FALSE(deliveries.WaitForCount(3, kQuiet));
  EXPECT_THAT(deliveries.Ids(), ElementsAre("a", "sentinel"));
  EXPECT_EQ(deliveries.Messages()[0].payload, "first");
}

TEST_P(BusSuite, WildcardSubscriptionReceivesOnlySubjectsUnderIt) {
  Deliveries access;
  Deliveries all;
  ASSERT_OK_AND_ASSIGN(auto sub_access,
                       bus_->Subscribe(Subject("access.>"), "access", access.Recording()));
  ASSERT_OK_AND_ASSIGN(auto sub_all, bus_->Subscribe(Subject(">"), "all", all.Recording()));

  ASSERT_TRUE(bus_->Publish(Msg("1", Subject("access.scored"))).ok());
  ASSERT_TRUE(bus_->Publish(Msg("2", Subject("rsvp.confirmed"))).ok());
  ASSERT_TRUE(bus_->Publish(Msg("3", Subject("access.x.y"))).ok());
  ASSERT_TRUE(bus_->Publish(Msg("4", Subject("accessx"))).ok());

  ASSERT_TRUE(all.WaitForCount(4));
  ASSERT_TRUE(access.WaitForCount(2));
  EXPECT_FALSE(access.WaitForCount(3, kQuiet));
  EXPECT_THAT(access.Ids(), ElementsAre("1", "3"));
  EXPECT_THAT(all.Ids(), ElementsAre("1", "2", "3", "4"));
}

TEST_P(BusSuite, DeliversACopyToEachDurable) {
  Deliveries first;
  Deliveries second;
  ASSERT_OK_AND_ASSIGN(auto sub1, bus_->Subscribe(Subject("x"), "one", first.Recording()));
  ASSERT_OK_AND_ASSIGN(auto sub2, bus_->Subscribe(Subject("x"), "two", second.Recording()));

  ASSERT_TRUE(bus_->Publish(Msg("a", Subject("x"), "p")).ok());

  ASSERT_TRUE(first.WaitForCount(1));
  ASSERT_TRUE(second.WaitForCount(1));
  EXPECT_EQ(first.Messages()[0].payload, "p");
  EXPECT_EQ(second.Messages()[0].payload, "p");
}

TEST_P(BusSuite, PublishBatchReportsEachMessageAndDeliversTheValidOnes) {
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "batch", deliveries.Recording()));
  std::vector<Message> batch;
  for (int i = 0; i < 100; ++i) batch.push_back(Msg(absl::StrCat("b", i), Subject("x")));
  batch[40].id.clear();

  const std::vector<absl::Status> statuses = bus_->PublishBatch(batch);

  ASSERT_EQ(statuses.size(), batch.size());
  for (size_t i = 0; i < statuses.size(); ++i) {
    if (i == 40) {
      EXPECT_EQ(statuses[i].code(), absl::StatusCode::kInvalidArgument);
    } else {
      EXPECT_TRUE(statuses[i].ok()) << i << ": " << statuses[i];
    }
  }
  ASSERT_TRUE(deliveries.WaitForCount(99));
  EXPECT_FALSE(deliveries.WaitForCount(100, kQuiet));
  std::vector<std::string> ids = deliveries.Ids();
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "b0"), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "b99"), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), ""), 0);
}

TEST_P(BusSuite, PingsOkWhileTheTransportIsUp) { EXPECT_TRUE(bus_->Ping().ok()); }

TEST_P(BusSuite, RejectsAMessageWithoutIdOrSubject) {
  EXPECT_EQ(bus_->Publish(Msg("", Subject("x"))).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bus_->Publish(Msg("a", "")).code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(BusSuite, RejectsInvalidSubscribeOptionsNamingTheField) {
  SubscribeOptions no_deliveries;
  no_deliveries.max_deliveries = 0;
  SubscribeOptions zero_backoff;
  zero_backoff.initial_backoff = absl::ZeroDuration();
  SubscribeOptions max_below_initial;
  max_below_initial.initial_backoff = absl::Seconds(2);
  max_below_initial.max_backoff = absl::Seconds(1);

  for (const auto& [options, field] :
       std::vector<std::pair<SubscribeOptions, std::string>>{{no_deliveries, "max_deliveries"},
                                                             {zero_backoff, "initial_backoff"},
                                                             {max_below_initial, "max_backoff"}}) {
    auto sub = bus_->Subscribe(
        Subject("x"), "bad", [](const Message&) { return absl::OkStatus(); }, options);
    EXPECT_EQ(sub.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_THAT(sub.status().message(), ::testing::HasSubstr(field));
  }
  EXPECT_EQ(bus_->Subscribe(Subject("x"), "bad", nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(BusSuite, DestroyingASubscriptionWaitsForItsHandlerAndStopsDelivery) {
  std::atomic<int> calls{0};
  std::atomic<bool> handler_returned{false};
  absl::Notification entered;
  absl::Notification release;
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "stop", [&](const Message&) {
    if (++calls == 1) {
      entered.Notify();
      release.WaitForNotificationWithTimeout(kWait);
    }
    handler_returned = true;
    return absl::OkStatus();
  }));

  ASSERT_TRUE(bus_->Publish(Msg("1", Subject("x"))).ok());
  ASSERT_TRUE(bus_->Publish(Msg("2", Subject("x"))).ok());
  ASSERT_TRUE(entered.WaitForNotificationWithTimeout(kWait));

  absl::Notification destroyed;
  std::thread destroyer([&] {
    sub.reset();
    destroyed.Notify();
  });
  EXPECT_FALSE(destroyed.WaitForNotificationWithTimeout(kQuiet))
      << "returned while the handler was still running";
  release.Notify();
  destroyer.join();

  EXPECT_TRUE(handler_returned);
  ASSERT_TRUE(bus_->Publish(Msg("3", Subject("x"))).ok());
  absl::SleepFor(kQuiet);
  EXPECT_EQ(calls.load(), 1) << "a message was delivered after destruction";
}

TEST_P(BusSuite, SubscriptionMayBeDestroyedFromItsOwnHandler) {
  absl::Mutex mu;
  std::unique_ptr<Subscription> sub;  // Guarded by mu.
  std::atomic<int> calls{0};
  absl::Notification destroyed;
  {
    absl::MutexLock lock(&mu);
    ASSERT_OK_AND_ASSIGN(sub, bus_->Subscribe(Subject("x"), "self", [&](const Message&) {
      ++calls;
      std::unique_ptr<Subscription> self;
      {
        absl::MutexLock lock(&mu);
        self = std::move(sub);
      }
      if (self != nullptr) {
        self.reset();
        destroyed.Notify();
      }
      return absl::OkStatus();
    }));
  }

  ASSERT_TRUE(bus_->Publish(Msg("1", Subject("x"))).ok());
  ASSERT_TRUE(destroyed.WaitForNotificationWithTimeout(kWait));
  ASSERT_TRUE(bus_->Publish(Msg("2", Subject("x"))).ok());
  absl::SleepFor(kQuiet);

  EXPECT_EQ(calls.load(), 1);
}

TEST_P(BusSuite, SubscriptionMayOutliveTheBus) {
  Deliveries deliveries;
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(Subject("x"), "orphan", deliveries.Recording()));

  ASSERT_TRUE(bus_->Publish(Msg("1", Subject("x"))).ok());
  bus_.reset();

  EXPECT_TRUE(deliveries.WaitForCount(1));
  sub.reset();
}

TEST_P(BusSuite, IdempotentHandlerHandlesEachIdOnceAcrossRedeliveries) {
  std::atomic<int> effects{0};
  std::atomic<int> deliveries{0};
  // The inner handler succeeds, but the first delivery of every message fails
  // after it (as if the ack were lost), so each message comes twice.
  Handler inner = IdempotentHandler([&](const Message&) {
    ++effects;
    return absl::OkStatus();
  });
  ASSERT_OK_AND_ASSIGN(auto sub, bus_->Subscribe(
                                     Subject("x"), "idem",
                                     [&](const Message& m) {
                                       ++deliveries;
                                       absl::Status s = inner(m);
                                       if (!s.ok()) return s;
                                       return m.attempt == 1 ? absl::UnavailableError("ack lost")
                                                             : absl::OkStatus();
                                     },
                                     FastRetries()));

  for (const char* id : {"a", "b", "c"}) ASSERT_TRUE(bus_->Publish(Msg(id, Subject("x"))).ok());

  const absl::Time deadline = absl::Now() + kWait;
  while (deliveries.load() < 6 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(5));
  absl::SleepFor(kQuiet);
  EXPECT_EQ(deliveries.load(), 6);
  EXPECT_EQ(effects.load(), 3);
}

}  // namespace
}  // namespace guestguard::testing
