// Copyright 2026 GuestGuard authors.
//
// Checks that need two stores on one database — two "nodes", each with its
// own connections and caches — shared by the SQL backends' tests.
#ifndef GUESTGUARD_TESTS_TESTING_TWO_NODES_H_
#define GUESTGUARD_TESTS_TESTING_TWO_NODES_H_

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/guard.h"
#include "guestguard/store.h"
#include "testing/attempts.h"

namespace guestguard::testing {

// 2 threads per store learn one guest `per_thread` times each, half through
// UpdateBaseline and half as checks do (LoadCheckState, then AppendAccess with
// learning); no update may be lost.
inline void ExpectNoLostLearningAcrossNodes(Store& a, Store& b, int per_thread = 25) {
  const AccessFeatures f = *AccessFeatures::From(UsualBrowser());
  std::vector<std::thread> threads;
  for (Store* store : {&a, &b}) {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([store, &f, t, per_thread] {
        auto learn = [&](Baseline& baseline) { baseline.Learn(f); };
        for (int i = 0; i < per_thread; ++i) {
          if (t == 0) {
            ASSERT_TRUE(store->UpdateBaseline("ev1", "g1", learn).ok());
            continue;
          }
          ASSERT_TRUE(store->LoadCheckState("ev1", "g1").ok());
          AccessRecord record;
          record.event_id = "ev1";
          record.guest_id = "g1";
          record.at = absl::FromUnixSeconds(1795000000 + i);
          ASSERT_TRUE(store->AppendAccess(record, learn).ok());
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  auto state = b.LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->baseline.accesses(), static_cast<uint32_t>(4 * per_thread));
  // A write that lost its baseline race was retried whole: each access once.
  auto accesses = a.ListAccesses("ev1", static_cast<size_t>(4 * per_thread));
  ASSERT_TRUE(accesses.ok()) << accesses.status();
  EXPECT_EQ(accesses->size(), static_cast<size_t>(2 * per_thread));
}

// A guard on `store`: a first visit is low, another device is flagged, a
// legitimate verdict teaches it, a rotated token is revoked.
inline void ExpectGuardWorksEndToEnd(std::unique_ptr<Store> store) {
  GuardOptions options;
  options.store = std::move(store);
  options.keyring = *Keyring::Generate();
  auto guard = Guard::Open(std::move(options));
  ASSERT_TRUE(guard.ok()) << guard.status();
  auto token = (*guard)->IssueToken("ev1", "g1");
  ASSERT_TRUE(token.ok()) << token.status();
  const absl::Time t0 = absl::FromUnixSeconds(1795000000);
  auto first = (*guard)->Check(*token, UsualBrowser(t0));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->band, Band::kLow);
  auto other = (*guard)->Check(*token, OtherDevice(t0 + absl::Hours(1)));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_GE(other->band, Band::kMedium);
  ASSERT_TRUE(
      (*guard)->RecordFeedback("ev1", other->access_log_id, FeedbackVerdict::kLegitimate).ok());
  auto again = (*guard)->Check(*token, OtherDevice(t0 + absl::Hours(2)));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->band, Band::kLow);
  ASSERT_TRUE((*guard)->RotateToken("ev1", "g1").ok());
  auto replay = (*guard)->Check(*token, UsualBrowser(t0 + absl::Hours(3)));
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->token_status, TokenStatus::kRevoked);
}

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_TWO_NODES_H_
