// Copyright 2026 GuestGuard authors.
//
// The PostgreSQL driver against a real server: run under scripts/with_postgres
// (GG_REQUIRE_POSTGRES: skipped without it, failed in CI). Tests share one
// database: each uses its own tables, dropped first.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <latch>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/sql/sql.h"
#include "guestguard/status_macros.h"
#include "testing/postgres_env.h"

namespace guestguard::sql {
namespace {

class PostgresDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    GG_REQUIRE_POSTGRES();
    url_ = testing::TestPostgresUrl();
    absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, {});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }

  // Runs a parameterless script in its own transaction.
  absl::Status Script(std::string_view sql) {
    return db_->Transact([&](Connection& c) { return c.ExecScript(sql); });
  }

  absl::StatusOr<Rows> Select(std::string_view sql, const std::vector<Value>& params = {}) {
    Rows rows;
    GG_RETURN_IF_ERROR(db_->Transact([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(rows, c.Query(sql, params));
      return absl::OkStatus();
    }));
    return rows;
  }

  int64_t Count(std::string_view table) {
    absl::StatusOr<Rows> rows = Select(absl::StrCat("SELECT count(*) FROM ", std::string(table)));
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok()) return -1;
    return rows->Int(0, 0).value_or(-1);
  }

  // The test URL with another password.
  std::string UrlWithPassword(std::string_view password) const {
    const size_t start = url_.find("://") + 3;
    const size_t at = url_.find('@', start);
    const size_t colon = url_.find(':', start);
    return absl::StrCat(url_.substr(0, colon + 1), std::string(password), url_.substr(at));
  }

  std::string url_;
  std::unique_ptr<Database> db_;
};

// Removes a component's rows from schema_migrations (left by earlier runs).
absl::Status ForgetMigrations(Database& db, std::string_view component) {
  return db.Transact([&](Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(Rows exists,
                        c.Query("SELECT to_regclass('schema_migrations') IS NOT NULL"));
    GG_ASSIGN_OR_RETURN(bool present, exists.Bool(0, 0));
    if (!present) return absl::OkStatus();
    return c.Exec("DELETE FROM schema_migrations WHERE component = ?", {Text(component)}).status();
  });
}

// A loopback port that nothing listens on (just released by this process).
int ClosedLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST_F(PostgresDriver, ReportsThePostgresDialectAndAnswersPing) {
  EXPECT_EQ(db_->dialect(), Dialect::kPostgres);
  EXPECT_TRUE(db_->Ping().ok());
}

TEST_F(PostgresDriver, PoolStatsCountConnectionsInUseWhileABodyRuns) {
  ASSERT_TRUE(db_->Ping().ok());
  const Database::PoolStats idle = db_->pool_stats();
  EXPECT_GE(idle.open, 1);
  EXPECT_EQ(idle.in_use, 0);
  Database::PoolStats inside;
  ASSERT_TRUE(db_->Transact([&](Connection&) {
                   inside = db_->pool_stats();
                   return absl::OkStatus();
                 })
                  .ok());
  EXPECT_EQ(inside.in_use, 1);
  EXPECT_EQ(inside.open, idle.open);  // The idle connection was reused.
  EXPECT_EQ(db_->pool_stats().in_use, 0);
}

TEST_F(PostgresDriver, EveryValueTypeRoundTrips) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_values;"
                     "CREATE TABLE pg_values (id INTEGER PRIMARY KEY, b BOOLEAN, i BIGINT,"
                     " t TEXT, y BYTEA, ts TIMESTAMPTZ, small SMALLINT, mid INTEGER)")
                  .ok());
  const std::string utf8 = "grüße, 世界 🚀";
  const std::string binary("\0\x01\xff\0z\0", 6);
  const absl::Time micros = absl::FromUnixMicros(1700000000123456);
  const absl::Time before_epoch = absl::FromUnixMicros(-1);
  const std::vector<std::vector<Value>> rows = {
      {Int(1), true, Int(std::numeric_limits<int64_t>::max()), Text(utf8), Blob(binary), micros,
       Int(-32768), Int(2147483647)},
      {Int(2), false, Int(std::numeric_limits<int64_t>::min()), Text(""), Blob(""), before_epoch,
       Int(0), Int(-1)},
      {Int(3), Null(), Null(), Null(), Null(), Null(), Null(), Null()},
  };
  ASSERT_TRUE(
      db_->Transact([&](Connection& c) -> absl::Status {
           for (const auto& row : rows) {
             GG_RETURN_IF_ERROR(
                 c.Exec("INSERT INTO pg_values VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row).status());
           }
           return absl::OkStatus();
         })
          .ok());

  absl::StatusOr<Rows> got =
      Select("SELECT id, b, i, t, y, ts, small, mid FROM pg_values ORDER BY id");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), rows.size());
  EXPECT_EQ(got->columns(),
            (std::vector<std::string>{"id", "b", "i", "t", "y", "ts", "small", "mid"}));
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      EXPECT_TRUE(got->at(r, c) == rows[r][c]) << "row " << r << " column " << c;
    }
  }
  EXPECT_EQ(got->Bool(0, 1).value_or(false), true);
  EXPECT_EQ(got->Time(0, 5).value_or(absl::InfinitePast()), micros);
  EXPECT_EQ(got->Text(0, 4).value_or(""), binary);
  EXPECT_TRUE(got->IsNull(2, 3));
}

TEST_F(PostgresDriver, ReadsOtherColumnTypesAsTheirText) {
  absl::StatusOr<Rows> got =
      Select("SELECT 1.50::numeric AS n, 'a'::varchar AS v, '[1,2]'::jsonb AS j");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(got->at(0, 0) == Text("1.50"));
  EXPECT_TRUE(got->at(0, 1) == Text("a"));
  EXPECT_TRUE(got->at(0, 2) == Text("[1, 2]"));
}

TEST_F(PostgresDriver, UniqueViolationIsAlreadyExistsAndRollsBackEarlierWrites) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_unique;"
                     "CREATE TABLE pg_unique (id BIGINT PRIMARY KEY, secret TEXT UNIQUE)")
                  .ok());
  ASSERT_TRUE(
      db_->Transact([](Connection& c) {
           return c.Exec("INSERT INTO pg_unique VALUES (1, ?)", {Text("secret-value-1")}).status();
         })
          .ok());

  absl::Status s = db_->Transact([](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO pg_unique VALUES (2, 'other')").status());
    return c.Exec("INSERT INTO pg_unique VALUES (3, ?)", {Text("secret-value-1")}).status();
  });

  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), "secret-value-1")) << s;
  EXPECT_EQ(Count("pg_unique"), 1);
}

TEST_F(PostgresDriver, OtherConstraintViolationsAreFailedPrecondition) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_check;"
                     "CREATE TABLE pg_check (id BIGINT NOT NULL CHECK (id > 0))")
                  .ok());
  absl::Status s = db_->Transact(
      [](Connection& c) { return c.Exec("INSERT INTO pg_check VALUES (?)", {Int(-5)}).status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  s = db_->Transact(
      [](Connection& c) { return c.Exec("INSERT INTO pg_check VALUES (?)", {Null()}).status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
}

TEST_F(PostgresDriver, BodyErrorRollsBack) {
  ASSERT_TRUE(
      Script("DROP TABLE IF EXISTS pg_rollback; CREATE TABLE pg_rollback (id BIGINT)").ok());
  absl::Status s = db_->Transact([](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO pg_rollback VALUES (1)").status());
    return absl::CancelledError("changed my mind");
  });
  EXPECT_EQ(s, absl::CancelledError("changed my mind"));
  EXPECT_EQ(Count("pg_rollback"), 0);
}

TEST_F(PostgresDriver, FailedStatementFailsTheTransactionEvenWhenTheBodyIgnoresIt) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_ignored;"
                     "CREATE TABLE pg_ignored (id BIGINT PRIMARY KEY);"
                     "INSERT INTO pg_ignored VALUES (1)")
                  .ok());
  absl::Status s = db_->Transact([](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO pg_ignored VALUES (2)").status());
    (void)c.Exec("INSERT INTO pg_ignored VALUES (1)");
    absl::StatusOr<int64_t> after = c.Exec("INSERT INTO pg_ignored VALUES (3)");
    EXPECT_EQ(after.status().code(), absl::StatusCode::kAlreadyExists);
    return absl::OkStatus();
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(Count("pg_ignored"), 1);
}

TEST_F(PostgresDriver, SerializationFailureIsRetried) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_retry; CREATE TABLE pg_retry (id BIGINT)").ok());
  int calls = 0;
  absl::Status s = db_->Transact([&](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO pg_retry VALUES (?)", {Int(++calls)}).status());
    if (calls == 1) {
      return c.ExecScript(
          "DO $$ BEGIN RAISE EXCEPTION 'try again' USING ERRCODE = 'serialization_failure';"
          " END $$");
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(calls, 2);
  absl::StatusOr<Rows> rows = Select("SELECT id FROM pg_retry");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->Int(0, 0).value_or(0), 2);
}

TEST_F(PostgresDriver, PersistentAbortGivesUpAfterFourAttempts) {
  int calls = 0;
  absl::Status s = db_->Transact([&](Connection& c) {
    ++calls;
    return c.ExecScript(
        "DO $$ BEGIN RAISE EXCEPTION 'again' USING ERRCODE = 'deadlock_detected'; END $$");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_EQ(calls, 4);
}

TEST_F(PostgresDriver, AutocommitStatementsCommitOnTheirOwn) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_auto; CREATE TABLE pg_auto (id BIGINT)").ok());
  absl::Status s = db_->Autocommit([&](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO pg_auto VALUES (1)").status());
    return absl::InternalError("the body fails after its insert");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(Count("pg_auto"), 1);  // Not rolled back: it committed on its own.
}

TEST_F(PostgresDriver, AutocommitBodyIsNotRunAgainOnceAStatementCommitted) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_auto2; CREATE TABLE pg_auto2 (id BIGINT)").ok());
  int calls = 0;
  absl::Status s = db_->Autocommit([&](Connection& c) -> absl::Status {
    ++calls;
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO pg_auto2 VALUES (1)").status());
    return c.ExecScript(
        "DO $$ BEGIN RAISE EXCEPTION 'again' USING ERRCODE = 'serialization_failure'; END $$");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kAborted) << s;
  EXPECT_EQ(calls, 1);  // Running it again would insert twice.
  EXPECT_EQ(Count("pg_auto2"), 1);
}

TEST_F(PostgresDriver, RealDeadlockIsRetriedAndBothTransactionsCommit) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_deadlock;"
                     "CREATE TABLE pg_deadlock (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
                     "INSERT INTO pg_deadlock VALUES (1, 0), (2, 0)")
                  .ok());
  std::latch both_hold_one_row(2);
  auto cross_update = [&](int64_t first, int64_t second) {
    bool first_attempt = true;
    return db_->Transact([&](Connection& c) -> absl::Status {
      GG_RETURN_IF_ERROR(
          c.Exec("UPDATE pg_deadlock SET n = n + 1 WHERE id = ?", {Int(first)}).status());
      if (first_attempt) {
        first_attempt = false;
        both_hold_one_row.arrive_and_wait();
      }
      return c.Exec("UPDATE pg_deadlock SET n = n + 1 WHERE id = ?", {Int(second)}).status();
    });
  };
  absl::Status a, b;
  std::thread ta([&] { a = cross_update(1, 2); });
  std::thread tb([&] { b = cross_update(2, 1); });
  ta.join();
  tb.join();
  EXPECT_TRUE(a.ok()) << a;
  EXPECT_TRUE(b.ok()) << b;
  absl::StatusOr<Rows> rows = Select("SELECT sum(n)::bigint FROM pg_deadlock");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->Int(0, 0).value_or(0), 4);
}

TEST_F(PostgresDriver, BadSqlIsInternalAndQuotesTheStatement) {
  absl::StatusOr<Rows> rows = Select("SELEKT 1");
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(rows.status().message(), "SELEKT 1")) << rows.status();
}

TEST_F(PostgresDriver, PlaceholderCountMismatchIsInternal) {
  absl::StatusOr<Rows> rows = Select("SELECT ?::bigint", {Int(1), Int(2)});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInternal) << rows.status();
}

TEST_F(PostgresDriver, StatementTimeoutIsDeadlineExceeded) {
  DatabaseOptions options;
  options.statement_timeout = absl::Milliseconds(200);
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, options);
  ASSERT_TRUE(db.ok()) << db.status();
  const absl::Time start = absl::Now();
  absl::Status s =
      (*db)->Transact([](Connection& c) { return c.Query("SELECT pg_sleep(5)").status(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded) << s;
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  EXPECT_TRUE((*db)->Ping().ok());
}

TEST_F(PostgresDriver, QuestionMarkInsideStringLiteralIsNotAPlaceholder) {
  absl::StatusOr<Rows> rows = Select(
      "SELECT '?' AS a, CAST(? AS TEXT) AS b, 'it''s ?' AS c, \"?\" FROM (SELECT 1 AS \"?\") q"
      " -- trailing ? comment",
      {Text("x")});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_TRUE(rows->at(0, 0) == Text("?"));
  EXPECT_TRUE(rows->at(0, 1) == Text("x"));
  EXPECT_TRUE(rows->at(0, 2) == Text("it's ?"));
  EXPECT_TRUE(rows->at(0, 3) == Int(1));
}

TEST_F(PostgresDriver, ExecReturnsAffectedRows) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_affected; CREATE TABLE pg_affected (id BIGINT);"
                     "INSERT INTO pg_affected VALUES (1), (2), (3)")
                  .ok());
  absl::StatusOr<int64_t> changed;
  ASSERT_TRUE(db_->Transact([&](Connection& c) {
                   changed = c.Exec("UPDATE pg_affected SET id = id + 10 WHERE id >= ?", {Int(2)});
                   return changed.status();
                 })
                  .ok());
  EXPECT_EQ(changed.value_or(-1), 2);
}

TEST_F(PostgresDriver, MigrateAppliesOnceAndIsIdempotent) {
  ASSERT_TRUE(ForgetMigrations(*db_, "pg_test_once").ok());
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_migrated").ok());
  const std::vector<Migration> migrations = {
      {1, "create",
       "CREATE TABLE pg_migrated (id BIGINT PRIMARY KEY); "
       "INSERT INTO pg_migrated VALUES (1);"},
      {2, "second row", "INSERT INTO pg_migrated VALUES (2)"},
  };
  ASSERT_TRUE(Migrate(*db_, "pg_test_once", migrations).ok());
  ASSERT_TRUE(Migrate(*db_, "pg_test_once", migrations).ok());
  EXPECT_EQ(Count("pg_migrated"), 2);
  absl::StatusOr<Rows> versions =
      Select("SELECT version FROM schema_migrations WHERE component = ? ORDER BY version",
             {Text("pg_test_once")});
  ASSERT_TRUE(versions.ok()) << versions.status();
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ(versions->Int(1, 0).value_or(0), 2);
}

TEST_F(PostgresDriver, ConcurrentMigrateFromFourDatabasesAppliesExactlyOnce) {
  ASSERT_TRUE(ForgetMigrations(*db_, "pg_test_concurrent").ok());
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_migrated_concurrently").ok());
  const std::vector<Migration> migrations = {
      {1, "create",
       "CREATE TABLE pg_migrated_concurrently (id BIGINT PRIMARY KEY);"
       "INSERT INTO pg_migrated_concurrently VALUES (1)"},
      {2, "more", "INSERT INTO pg_migrated_concurrently VALUES (2)"},
  };
  std::vector<absl::Status> results(4);
  std::vector<std::thread> threads;
  for (absl::Status& result : results) {
    threads.emplace_back([&] {
      absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, {});
      result = db.ok() ? Migrate(**db, "pg_test_concurrent", migrations) : db.status();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(Count("pg_migrated_concurrently"), 2);
  absl::StatusOr<Rows> applied = Select(
      "SELECT count(*) FROM schema_migrations WHERE component = ?", {Text("pg_test_concurrent")});
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->Int(0, 0).value_or(0), 2);
}

TEST_F(PostgresDriver, NonPostgresUrlIsInvalidArgument) {
  EXPECT_EQ(OpenPostgres("mysql://x", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenPostgres("", {}).status().code(), absl::StatusCode::kInvalidArgument);
  DatabaseOptions options;
  options.max_connections = 0;
  EXPECT_EQ(OpenPostgres(url_, options).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(PostgresDriver, MalformedUrlIsInvalidArgumentWithoutThePassword) {
  for (const char* url : {"postgresql://gg:hunter2-secret@[::1/db",
                          "postgresql://gg:hunter2-secret@127.0.0.1/db?no_such_option=1",
                          "postgresql://127.0.0.1:notaport/db?password=hunter2-secret"}) {
    absl::Status s = OpenPostgres(url, {}).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_FALSE(absl::StrContains(s.message(), "hunter2-secret")) << s;
  }
}

TEST_F(PostgresDriver, ClosedPortIsUnavailableWithinConnectTimeout) {
  DatabaseOptions options;
  options.connect_timeout = absl::Seconds(2);
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(
      absl::StrCat("postgresql://gg:gg@127.0.0.1:", ClosedLoopbackPort(), "/guestguard_test"),
      options);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(PostgresDriver, WrongPasswordIsPermissionDeniedWithoutThePassword) {
  const std::string password = "wrong-password-4711";
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(UrlWithPassword(password), {});
  EXPECT_EQ(db.status().code(), absl::StatusCode::kPermissionDenied) << db.status();
  EXPECT_FALSE(absl::StrContains(db.status().message(), password)) << db.status();
}

TEST_F(PostgresDriver, MissingDatabaseIsNotFound) {
  const size_t slash = url_.rfind('/');
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenPostgres(absl::StrCat(url_.substr(0, slash), "/no_such_database_gg"), {});
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound) << db.status();
}

TEST_F(PostgresDriver, PoolOfTwoServesEightConcurrentTransactions) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_pool; CREATE TABLE pg_pool (id BIGINT)").ok());
  DatabaseOptions options;
  options.max_connections = 2;
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, options);
  ASSERT_TRUE(db.ok()) << db.status();
  std::atomic<int> inside{0}, most_inside{0};
  std::vector<absl::Status> results(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      results[i] = (*db)->Transact([&](Connection& c) -> absl::Status {
        const int now = ++inside;
        int seen = most_inside.load();
        while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
        }
        absl::Status s = c.Query("SELECT pg_sleep(0.05), ?::bigint", {Int(i)}).status();
        if (s.ok()) s = c.Exec("INSERT INTO pg_pool VALUES (?)", {Int(i)}).status();
        --inside;
        return s;
      });
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& result : results) EXPECT_TRUE(result.ok()) << result;
  EXPECT_LE(most_inside.load(), 2);
  EXPECT_EQ(Count("pg_pool"), 8);
}

TEST_F(PostgresDriver, TerminatedPooledConnectionIsReplacedTransparently) {
  DatabaseOptions options;
  options.max_connections = 1;
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, options);
  ASSERT_TRUE(db.ok()) << db.status();
  int64_t pid = 0;
  ASSERT_TRUE((*db)
                  ->Transact([&](Connection& c) -> absl::Status {
                    GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT pg_backend_pid()"));
                    GG_ASSIGN_OR_RETURN(pid, rows.Int(0, 0));
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(Select("SELECT pg_terminate_backend(?::integer)", {Int(pid)}).ok());
  for (int i = 0; i < 100; ++i) {  // Until the backend has exited.
    absl::StatusOr<Rows> alive =
        Select("SELECT 1 FROM pg_stat_activity WHERE pid = ?::integer", {Int(pid)});
    ASSERT_TRUE(alive.ok()) << alive.status();
    if (alive->empty()) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  EXPECT_TRUE((*db)->Ping().ok());
}

TEST_F(PostgresDriver, PreparedStatementSurvivesAChangedTableShape) {
  ASSERT_TRUE(Script("DROP TABLE IF EXISTS pg_shape; CREATE TABLE pg_shape (a BIGINT);"
                     "INSERT INTO pg_shape VALUES (1)")
                  .ok());
  DatabaseOptions options;
  options.max_connections = 1;
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, options);
  ASSERT_TRUE(db.ok()) << db.status();
  size_t columns = 0;
  auto select_all = [&](Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT * FROM pg_shape"));
    columns = rows.columns().size();
    return absl::OkStatus();
  };
  ASSERT_TRUE((*db)->Transact(select_all).ok());
  ASSERT_TRUE(Script("ALTER TABLE pg_shape ADD COLUMN b TEXT").ok());
  absl::Status s = (*db)->Transact(select_all);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(columns, 2u);
}

TEST_F(PostgresDriver, ExhaustedPoolIsUnavailableAfterConnectTimeout) {
  DatabaseOptions options;
  options.max_connections = 1;
  options.connect_timeout = absl::Seconds(1);
  absl::StatusOr<std::unique_ptr<Database>> db = OpenPostgres(url_, options);
  ASSERT_TRUE(db.ok()) << db.status();
  absl::Notification holding, release;
  absl::Status held;
  std::thread holder([&] {
    held = (*db)->Transact([&](Connection& c) {
      absl::Status s = c.Query("SELECT 1").status();
      holding.Notify();
      release.WaitForNotification();
      return s;
    });
  });
  holding.WaitForNotification();
  const absl::Time start = absl::Now();
  absl::Status s = (*db)->Transact([](Connection& c) { return c.Query("SELECT 1").status(); });
  const absl::Duration waited = absl::Now() - start;
  release.Notify();
  holder.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "pool exhausted")) << s;
  EXPECT_GE(waited, absl::Milliseconds(900));
  EXPECT_LT(waited, absl::Seconds(5));
  EXPECT_TRUE(held.ok()) << held;
  EXPECT_TRUE((*db)->Ping().ok());
}

}  // namespace
}  // namespace guestguard::sql
