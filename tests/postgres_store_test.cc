// Copyright 2026 GuestGuard authors.
//
// The store suite and store-level behaviour on a real PostgreSQL 15.
#include "guestguard/postgres_store.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/guard.h"
#include "testing/attempts.h"
#include "testing/postgres_env.h"
#include "testing/store_suite.h"

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

TEST(PostgresStore, TwoStoresUpdatingOneGuestLoseNoBaselineUpdate) {
  GG_REQUIRE_POSTGRES();
  // Two stores = two "nodes" with their own pools, on one database.
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto a = NewPostgresStore(*url);
  auto b = NewPostgresStore(*url);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<std::thread> threads;
  for (Store* store : {a->get(), b->get()}) {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([store] {
        for (int i = 0; i < 25; ++i) {
          AccessAttempt attempt = testing::UsualBrowser();
          EXPECT_TRUE(store
                          ->UpdateBaseline("ev1", "g1",
                                           [&](Baseline& baseline) {
                                             baseline.Learn(*AccessFeatures::From(attempt));
                                           })
                          .ok());
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ((*a)->LoadGuestState("ev1", "g1", absl::UnixEpoch())->baseline.accesses(), 100u);
}

TEST(PostgresStore, TwoNodesCheckingOneGuestLoseNoLearning) {
  GG_REQUIRE_POSTGRES();
  // Each store remembers the baseline it last read; the other one's writes
  // make that stale, and the compare-and-swap must notice.
  auto url = testing::FreshPostgresSchemaUrl();
  ASSERT_TRUE(url.ok()) << url.status();
  auto a = NewPostgresStore(*url);
  auto b = NewPostgresStore(*url);
  ASSERT_TRUE(a.ok() && b.ok());
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  for (Store* store : {a->get(), b->get()}) {
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([store] {
        for (int i = 0; i < kPerThread; ++i) {
          ASSERT_TRUE(store->LoadCheckState("ev1", "g1", absl::UnixEpoch()).ok());
          AccessRecord record;
          record.event_id = "ev1";
          record.guest_id = "g1";
          record.at = absl::FromUnixSeconds(1795000000 + i);
          const AccessFeatures f = *AccessFeatures::From(testing::UsualBrowser());
          auto learn = [&](Baseline& baseline) { baseline.Learn(f); };
          ASSERT_TRUE(store->AppendAccess(record, learn).ok());
        }
      });
    }
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ((*b)->LoadGuestState("ev1", "g1", absl::UnixEpoch())->baseline.accesses(),
            4u * kPerThread);
}

TEST(PostgresStore, GuardRunsEndToEnd) {
  GG_REQUIRE_POSTGRES();
  auto store = FreshPostgresStore();
  ASSERT_TRUE(store.ok()) << store.status();
  GuardOptions options;
  options.store = std::move(*store);
  options.keyring = *Keyring::Generate();
  auto guard = Guard::Open(std::move(options));
  ASSERT_TRUE(guard.ok());
  auto token = (*guard)->IssueToken("ev1", "g1");
  ASSERT_TRUE(token.ok());
  auto first = (*guard)->Check(*token, testing::UsualBrowser());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->band, Band::kLow);
  auto rotated = (*guard)->RotateToken("ev1", "g1");
  ASSERT_TRUE(rotated.ok());
  auto replay = (*guard)->Check(*token, testing::UsualBrowser());
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->token_status, TokenStatus::kRevoked);
}

}  // namespace
}  // namespace guestguard
