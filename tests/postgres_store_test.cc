// Copyright 2026 GuestGuard authors.
//
// The store suite and store-level behaviour on a real PostgreSQL 15.
#include "guestguard/postgres_store.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/guard.h"
#include "guestguard/sql/postgres_driver.h"
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
