// Copyright 2026 GuestGuard authors.
//
// Monitor tickets (server/ws_tickets.h) in the database, on a SQLite file and
// on PostgreSQL (when GUESTGUARD_TEST_POSTGRES_URL is set): every test opens
// two Database handles on one store, as two server nodes would.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/barrier.h"
#include "gtest/gtest.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/sql/sqlite_driver.h"
#include "server/auth.h"
#include "server/migrations.h"
#include "server/ws_tickets.h"
#include "tests/testing/postgres_env.h"

namespace guestguard::server {
namespace {

// A path no earlier run left a database at (gtest's temporary directory).
std::string TempDatabaseFile() {
  static std::atomic<int> counter{0};
  const std::string path = ::testing::TempDir() + "gg_tickets_" + std::to_string(::getpid()) + "_" +
                           std::to_string(counter++) + ".db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return path;
}

class WsTicketsTest : public ::testing::TestWithParam<sql::Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == sql::Dialect::kSqlite) {
      const std::string path = TempDatabaseFile();
      auto a = sql::OpenSqlite(path, {});
      auto b = sql::OpenSqlite(path, {});
      ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
      node_a_ = std::shared_ptr<sql::Database>(*std::move(a));
      node_b_ = std::shared_ptr<sql::Database>(*std::move(b));
    } else {
      GG_REQUIRE_POSTGRES();
      auto url = guestguard::testing::FreshPostgresSchemaUrl();
      ASSERT_TRUE(url.ok()) << url.status();
      auto a = sql::OpenPostgres(*url, {.max_connections = 8});
      auto b = sql::OpenPostgres(*url, {.max_connections = 8});
      ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
      node_a_ = std::shared_ptr<sql::Database>(*std::move(a));
      node_b_ = std::shared_ptr<sql::Database>(*std::move(b));
    }
    ASSERT_TRUE(sql::Migrate(*node_a_, "server",
                             GetParam() == sql::Dialect::kSqlite
                                 ? internal::ServerSqliteMigrations()
                                 : internal::ServerPostgresMigrations())
                    .ok());
    ASSERT_TRUE(node_a_
                    ->Transact([&](sql::Connection& c) -> absl::Status {
                      auto user = c.Query(
                          "INSERT INTO users (email, name, password_hash, created_at)"
                          " VALUES ('a@example.com', 'A', 'x', ?) RETURNING id",
                          {clock_->Now()});
                      if (!user.ok()) return user.status();
                      user_id_ = *user->Int(0, 0);
                      for (int64_t* event : {&event_id_, &other_event_id_}) {
                        auto ev = c.Query(
                            "INSERT INTO events (name, starts_at, created_by, created_at,"
                            " updated_at) VALUES ('E', ?, ?, ?, ?) RETURNING id",
                            {clock_->Now(), sql::Int(user_id_), clock_->Now(), clock_->Now()});
                        if (!ev.ok()) return ev.status();
                        *event = *ev->Int(0, 0);
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }

  WsTickets Node(const std::shared_ptr<sql::Database>& db, size_t capacity = 100) {
    return WsTickets(db, absl::Seconds(30), capacity, clock_);
  }

  int64_t Rows(std::string_view where = "1 = 1") {
    int64_t n = -1;
    EXPECT_TRUE(node_a_
                    ->Autocommit([&](sql::Connection& c) -> absl::Status {
                      auto rows =
                          c.Query("SELECT COUNT(*) FROM ws_tickets WHERE " + std::string(where));
                      if (!rows.ok()) return rows.status();
                      n = *rows->Int(0, 0);
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  std::shared_ptr<ManualClock> clock_ =
      std::make_shared<ManualClock>(absl::FromUnixSeconds(1795000000));
  std::shared_ptr<sql::Database> node_a_;
  std::shared_ptr<sql::Database> node_b_;
  int64_t user_id_ = 0;
  int64_t event_id_ = 0;
  int64_t other_event_id_ = 0;
};

TEST_P(WsTicketsTest, AreSingleUseBoundToTheEventAndExpire) {
  WsTickets tickets = Node(node_a_);
  auto a = tickets.Issue(user_id_, event_id_, "session-hash");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->expires_at, clock_->Now() + absl::Seconds(30));
  EXPECT_GE(a->ticket.size(), 43u);
  auto redeemed = tickets.Redeem(a->ticket, event_id_);
  ASSERT_TRUE(redeemed.ok() && redeemed->has_value()) << redeemed.status();
  EXPECT_EQ((*redeemed)->user_id, user_id_);
  EXPECT_EQ((*redeemed)->session_hash, "session-hash");
  EXPECT_EQ(*tickets.Redeem(a->ticket, event_id_), std::nullopt);  // Reused.
  auto b = tickets.Issue(user_id_, event_id_, "s");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*tickets.Redeem(b->ticket, other_event_id_), std::nullopt);  // Other event…
  EXPECT_EQ(*tickets.Redeem(b->ticket, event_id_), std::nullopt);        // …and spent.
  auto c = tickets.Issue(user_id_, event_id_, "s");
  ASSERT_TRUE(c.ok());
  clock_->Advance(absl::Seconds(30));
  EXPECT_EQ(*tickets.Redeem(c->ticket, event_id_), std::nullopt);  // Expired…
  EXPECT_EQ(Rows(), 0);                                            // …and gone.
  EXPECT_EQ(*tickets.Redeem("", event_id_), std::nullopt);
  EXPECT_EQ(*tickets.Redeem(std::string(WsTickets::kMaxTicketLength + 1, 'A'), event_id_),
            std::nullopt);
}

TEST_P(WsTicketsTest, ATicketOneNodeIssuedOpensOnAnotherOnce) {
  WsTickets a = Node(node_a_);
  WsTickets b = Node(node_b_);
  auto issued = a.Issue(user_id_, event_id_, "s");
  ASSERT_TRUE(issued.ok()) << issued.status();
  auto on_b = b.Redeem(issued->ticket, event_id_);
  ASSERT_TRUE(on_b.ok() && on_b->has_value()) << on_b.status();
  EXPECT_EQ((*on_b)->user_id, user_id_);
  EXPECT_EQ(*a.Redeem(issued->ticket, event_id_), std::nullopt);
  EXPECT_EQ(*b.Redeem(issued->ticket, event_id_), std::nullopt);
}

TEST_P(WsTicketsTest, OnlyTheTicketsHashIsStored) {
  WsTickets tickets = Node(node_a_);
  auto issued = tickets.Issue(user_id_, event_id_, "s");
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(Rows("ticket_hash = '" + HashSessionToken(issued->ticket) + "'"), 1);
  EXPECT_EQ(Rows("ticket_hash = '" + issued->ticket + "'"), 0);
  EXPECT_EQ(Rows(), 1);
}

TEST_P(WsTicketsTest, ConcurrentRedeemsOfOneTicketOnTwoNodesHaveExactlyOneWinner) {
  WsTickets a = Node(node_a_);
  WsTickets b = Node(node_b_);
  constexpr int kTickets = 25;
  constexpr int kThreads = 6;  // Half on each node.
  for (int round = 0; round < kTickets; ++round) {
    auto issued = a.Issue(user_id_, event_id_, "s");
    ASSERT_TRUE(issued.ok()) << issued.status();
    std::atomic<int> wins{0};
    std::atomic<int> errors{0};
    absl::Barrier* start = new absl::Barrier(kThreads);  // Deleted by the last to pass.
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        if (start->Block()) delete start;
        auto got = (t % 2 == 0 ? a : b).Redeem(issued->ticket, event_id_);
        if (!got.ok()) {
          ++errors;
        } else if (got->has_value()) {
          ++wins;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0) << "round " << round;
    EXPECT_EQ(wins.load(), 1) << "round " << round;
  }
  EXPECT_EQ(Rows(), 0);
}

TEST_P(WsTicketsTest, OutstandingTicketsAreBoundedAcrossNodes) {
  WsTickets a = Node(node_a_, 2);
  WsTickets b = Node(node_b_, 2);
  ASSERT_TRUE(a.Issue(user_id_, event_id_, "s").ok());
  ASSERT_TRUE(b.Issue(user_id_, event_id_, "s").ok());
  EXPECT_TRUE(absl::IsResourceExhausted(a.Issue(user_id_, event_id_, "s").status()));
  EXPECT_TRUE(absl::IsResourceExhausted(b.Issue(user_id_, event_id_, "s").status()));
  clock_->Advance(absl::Seconds(31));  // Expired ones are swept to make room.
  EXPECT_TRUE(b.Issue(user_id_, event_id_, "s").ok());
  EXPECT_EQ(Rows(), 1);
}

TEST_P(WsTicketsTest, EachIssueSweepsABoundedBatchOfExpiredRows) {
  WsTickets tickets = Node(node_a_, 1000);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(tickets.Issue(user_id_, event_id_, "s").ok());
  clock_->Advance(absl::Seconds(30));
  ASSERT_TRUE(tickets.Issue(user_id_, event_id_, "s").ok());
  EXPECT_EQ(Rows(), 100 - WsTickets::kSweepBatch + 1);
  ASSERT_TRUE(tickets.Issue(user_id_, event_id_, "s").ok());
  EXPECT_EQ(Rows(), 2);  // The rest of the expired rows, plus the two new ones.
}

TEST_P(WsTicketsTest, ADeletedEventTakesItsTicketsAndGetsNoNewOnes) {
  WsTickets tickets = Node(node_a_);
  auto issued = tickets.Issue(user_id_, event_id_, "s");
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(
      node_a_
          ->Autocommit([&](sql::Connection& c) {
            return c.Exec("DELETE FROM events WHERE id = ?", {sql::Int(event_id_)}).status();
          })
          .ok());
  EXPECT_EQ(Rows(), 0);
  EXPECT_EQ(*tickets.Redeem(issued->ticket, event_id_), std::nullopt);
  EXPECT_TRUE(absl::IsNotFound(tickets.Issue(user_id_, event_id_, "s").status()));
}

INSTANTIATE_TEST_SUITE_P(Backends, WsTicketsTest,
                         ::testing::Values(sql::Dialect::kSqlite, sql::Dialect::kPostgres),
                         [](const auto& info) {
                           return info.param == sql::Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace guestguard::server
