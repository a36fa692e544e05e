// Copyright 2026 GuestGuard authors.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "guestguard/sql/sql.h"
#include "guestguard/sql/sqlite_driver.h"
#include "guestguard/status_macros.h"

namespace guestguard::sql {
namespace {

namespace fs = std::filesystem;
using absl::StatusCode;
using ::testing::HasSubstr;

#define ASSERT_OK(expr)                         \
  do {                                          \
    const ::absl::Status assert_ok_ = (expr);   \
    ASSERT_TRUE(assert_ok_.ok()) << assert_ok_; \
  } while (false)

#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(GG_STATUS_CONCAT_(assert_statusor_, __LINE__), lhs, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  ASSERT_TRUE(tmp.ok()) << tmp.status();           \
  lhs = std::move(*tmp)

// Each test gets a fresh directory, removed afterwards.
class SqliteDriver : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           absl::StrCat("gg_sql_sqlite_test_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::permissions(dir_, fs::perms(0755));  // Searchable by the unprivileged child below.
  }
  void TearDown() override {
    std::error_code ignored;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(dir_, ignored);
  }

  std::string PathOf(const std::string& name) const { return (dir_ / name).string(); }

  // Runs `sql` (one statement) in its own transaction.
  static absl::Status Exec(Database& db, std::string_view sql, std::vector<Value> params = {}) {
    return db.Transact([&](Connection& c) { return c.Exec(sql, params).status(); });
  }
  static absl::StatusOr<Rows> Query(Database& db, std::string_view sql,
                                    std::vector<Value> params = {}) {
    Rows rows;
    GG_RETURN_IF_ERROR(db.Transact([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(rows, c.Query(sql, params));
      return absl::OkStatus();
    }));
    return rows;
  }
  static int64_t Count(Database& db, std::string_view table) {
    absl::StatusOr<Rows> rows =
        Query(db, absl::StrCat("SELECT count(*) FROM ", std::string(table)));
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? rows->Int(0, 0).value_or(-1) : -1;
  }

  fs::path dir_;
};

TEST_F(SqliteDriver, RoundTripsEveryValueType) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  ASSERT_OK(Exec(*db,
                 "CREATE TABLE v (id INTEGER PRIMARY KEY, n TEXT, b INTEGER, i INTEGER, t TEXT,"
                 " x BLOB, at INTEGER)"));
  const std::string text_with_nul("a\0b", 3);
  const std::string utf8 = "Grüße, 東京 🏨";
  const std::string bytes_with_nul("\0\xff\0\x01", 4);
  const absl::Time at = absl::FromUnixMicros(1'700'000'000'123'457);
  const std::vector<std::vector<Value>> inserted = {
      {Int(1), Null(), true, std::numeric_limits<int64_t>::min(), Text(text_with_nul),
       Blob(bytes_with_nul), at},
      {Int(2), Null(), false, std::numeric_limits<int64_t>::max(), Text(utf8), Blob(""),
       absl::UnixEpoch()},
      {Int(3), Null(), true, Int(0), Text(""), Null(), absl::FromUnixMicros(-1)},
  };
  for (const auto& params : inserted) {
    ASSERT_OK(Exec(*db, "INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?)", params));
  }
  ASSERT_OK_AND_ASSIGN(Rows rows, Query(*db, "SELECT n, b, i, t, x, at FROM v ORDER BY id"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows.columns(), (std::vector<std::string>{"n", "b", "i", "t", "x", "at"}));

  EXPECT_TRUE(rows.IsNull(0, 0));
  EXPECT_EQ(rows.Bool(0, 1).value(), true);
  EXPECT_EQ(rows.Bool(1, 1).value(), false);
  EXPECT_EQ(rows.Int(0, 2).value(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(rows.Int(1, 2).value(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(rows.Text(0, 3).value(), text_with_nul);
  EXPECT_EQ(rows.Text(1, 3).value(), utf8);
  EXPECT_EQ(rows.Text(2, 3).value(), "");
  EXPECT_TRUE(std::holds_alternative<std::string>(rows.at(2, 3)));  // Empty text is not NULL.
  EXPECT_EQ(rows.at(0, 4), Value(Bytes{bytes_with_nul}));
  EXPECT_EQ(rows.at(1, 4), Value(Bytes{""}));  // Empty blob is not NULL.
  EXPECT_TRUE(rows.IsNull(2, 4));
  EXPECT_EQ(rows.Time(0, 5).value(), at);
  EXPECT_EQ(rows.Time(1, 5).value(), absl::UnixEpoch());
  EXPECT_EQ(rows.Time(2, 5).value(), absl::FromUnixMicros(-1));
}

TEST_F(SqliteDriver, PoolStatsShowItsOneConnectionInUseWhileABodyRuns) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("pool.db"), {.sqlite_readers = 2}));
  EXPECT_EQ(db->pool_stats().open, 3);  // The writer and two readers.
  EXPECT_EQ(db->pool_stats().in_use, 0);
  Database::PoolStats inside;
  ASSERT_OK(db->Transact([&](Connection&) {
    inside = db->pool_stats();
    return absl::OkStatus();
  }));
  EXPECT_EQ(inside.in_use, 1);
  EXPECT_EQ(db->pool_stats().in_use, 0);
}

TEST_F(SqliteDriver, ReadsRunOnReadersThatNeitherWaitForTheWriterNorWrite) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("read.db"), {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (v INTEGER)"));
  ASSERT_OK(Exec(*db, "INSERT INTO t VALUES (1)"));
  auto count = [&]() -> int64_t {
    int64_t n = -1;
    EXPECT_TRUE(db->Read([&](Connection& c) -> absl::Status {
                    GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT count(*) FROM t"));
                    GG_ASSIGN_OR_RETURN(n, rows.Int(0, 0));
                    return absl::OkStatus();
                  }).ok());
    return n;
  };
  absl::Notification inside;
  absl::Notification release;
  std::thread writer([&] {
    EXPECT_TRUE(db->Transact([&](Connection& c) -> absl::Status {
                    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (2)").status());
                    inside.Notify();
                    release.WaitForNotificationWithTimeout(absl::Seconds(10));
                    return absl::OkStatus();
                  }).ok());
  });
  inside.WaitForNotification();
  const absl::Time start = absl::Now();
  EXPECT_EQ(count(), 1);  // The last commit, while the writer's transaction is open.
  EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "the read waited for the writer";
  release.Notify();
  writer.join();
  EXPECT_EQ(count(), 2);  // Committed: the next read sees it.
  absl::Status write =
      db->Read([](Connection& c) { return c.Exec("INSERT INTO t VALUES (3)").status(); });
  EXPECT_EQ(write.code(), StatusCode::kPermissionDenied) << write;
  EXPECT_EQ(Count(*db, "t"), 2);

  ASSERT_OK_AND_ASSIGN(auto memory, OpenSqlite(":memory:", {}));  // No readers: the writer reads.
  EXPECT_TRUE(memory->Read([](Connection& c) { return c.Query("SELECT 1").status(); }).ok());
  EXPECT_EQ(OpenSqlite(PathOf("bad.db"), {.sqlite_readers = 65}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteDriver, ReadsRealColumnsAsText) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK_AND_ASSIGN(Rows rows, Query(*db, "SELECT 1.5 AS r"));
  EXPECT_EQ(rows.at(0, 0), Value(std::string("1.5")));
}

TEST_F(SqliteDriver, ExecReturnsTheNumberOfChangedRows) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  ASSERT_OK(db->Transact([](Connection& c) -> absl::Status {
    for (int i = 0; i < 5; ++i)
      GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?)", {Int(i)}).status());
    GG_ASSIGN_OR_RETURN(int64_t changed, c.Exec("UPDATE t SET x = x + 1 WHERE x >= ?", {Int(2)}));
    EXPECT_EQ(changed, 3);
    return absl::OkStatus();
  }));
}

TEST_F(SqliteDriver, UniqueViolationIsAlreadyExistsAndRollsBackTheTransaction) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (k TEXT PRIMARY KEY)"));
  ASSERT_OK(Exec(*db, "CREATE TABLE other (x INTEGER)"));
  ASSERT_OK(Exec(*db, "INSERT INTO t VALUES (?)", {Text("taken")}));
  absl::Status s = db->Transact([](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO other VALUES (1)").status());
    return c.Exec("INSERT INTO t VALUES (?)", {Text("taken")}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(Count(*db, "other"), 0);
  EXPECT_EQ(Count(*db, "t"), 1);
}

TEST_F(SqliteDriver, OtherConstraintViolationsAreFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE parent (id INTEGER PRIMARY KEY)"));
  ASSERT_OK(Exec(*db,
                 "CREATE TABLE child (p INTEGER NOT NULL REFERENCES parent(id),"
                 " n INTEGER CHECK (n > 0))"));
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES (?, 1)", {Int(42)}).code(),
            StatusCode::kFailedPrecondition);  // Foreign keys are on.
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES (NULL, 1)").code(),
            StatusCode::kFailedPrecondition);
  ASSERT_OK(Exec(*db, "INSERT INTO parent VALUES (42)"));
  EXPECT_EQ(Exec(*db, "INSERT INTO child VALUES (42, 0)").code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqliteDriver, ErrorMessagesNeverHoldParameterValues) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (k TEXT PRIMARY KEY)"));
  ASSERT_OK(Exec(*db, "INSERT INTO t VALUES (?)", {Text("secret-token")}));
  absl::Status s = Exec(*db, "INSERT INTO t VALUES (?)", {Text("secret-token")});
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(s.message()), HasSubstr("INSERT INTO t"));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("secret")));
}

TEST_F(SqliteDriver, BodyErrorRollsBackItsWrites) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  absl::Status s = db->Transact([](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (1)").status());
    return absl::NotFoundError("body gave up");
  });
  EXPECT_EQ(s, absl::NotFoundError("body gave up"));
  EXPECT_EQ(Count(*db, "t"), 0);
}

TEST_F(SqliteDriver, AbortedBodyIsRunAgainAndCommits) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  int runs = 0;
  ASSERT_OK(db->Transact([&](Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?)", {Int(runs)}).status());
    return ++runs == 1 ? absl::AbortedError("serialization failure") : absl::OkStatus();
  }));
  EXPECT_EQ(runs, 2);
  ASSERT_OK_AND_ASSIGN(Rows rows, Query(*db, "SELECT x FROM t"));
  ASSERT_EQ(rows.size(), 1u);  // The aborted run's insert was rolled back.
  EXPECT_EQ(rows.Int(0, 0).value(), 1);
}

TEST_F(SqliteDriver, AbortedBodyGivesUpAfterThreeRuns) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  int runs = 0;
  absl::Status s = db->Transact([&](Connection&) {
    ++runs;
    return absl::AbortedError("always");
  });
  EXPECT_EQ(s.code(), StatusCode::kAborted);
  EXPECT_EQ(runs, 3);
}

TEST_F(SqliteDriver, ParameterCountMismatchIsInvalidArgument) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (a INTEGER, b INTEGER)"));
  EXPECT_EQ(Exec(*db, "INSERT INTO t VALUES (?, ?)", {Int(1)}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Exec(*db, "INSERT INTO t VALUES (?, ?)", {Int(1), Int(2), Int(3)}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Query(*db, "SELECT 1", {Int(1)}).status().code(), StatusCode::kInvalidArgument);
  ASSERT_OK(Exec(*db, "INSERT INTO t VALUES (?, ?)", {Int(1), Int(2)}));  // Cached, still fine.
}

TEST_F(SqliteDriver, BadSqlIsInternalAndQuotesTheStatement) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  absl::Status s = Exec(*db, "SELEKT nonsense");
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("SELEKT nonsense"));
  EXPECT_EQ(Query(*db, "SELECT * FROM missing").status().code(), StatusCode::kInternal);
  EXPECT_EQ(Exec(*db, "   ").code(), StatusCode::kInternal);
}

TEST_F(SqliteDriver, QueryRejectsMoreThanOneStatement) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  EXPECT_EQ(Exec(*db, "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)").code(),
            StatusCode::kInternal);
  EXPECT_EQ(Count(*db, "t"), 0);
  ASSERT_OK(Exec(*db, "INSERT INTO t VALUES (1);  -- trailing comment"));
}

TEST_F(SqliteDriver, ExecScriptRunsEveryStatement) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(db->Transact([](Connection& c) {
    return c.ExecScript(
        "CREATE TABLE t (x INTEGER); -- comment\n"
        "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\nSELECT * FROM t;\n");
  }));
  EXPECT_EQ(Count(*db, "t"), 2);
  absl::Status s = db->Transact([](Connection& c) {
    return c.ExecScript("INSERT INTO t VALUES (3); INSERT INTO nope VALUES (4);");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("nope"));
  EXPECT_EQ(Count(*db, "t"), 2);
}

TEST_F(SqliteDriver, SurvivesMoreDistinctStatementsThanItCaches) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(":memory:", {}));
  ASSERT_OK(db->Transact([](Connection& c) -> absl::Status {
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 200; ++i) {
        GG_ASSIGN_OR_RETURN(Rows rows, c.Query(absl::StrCat("SELECT ? + ", i), {Int(round)}));
        EXPECT_EQ(rows.Int(0, 0).value(), round + i);
      }
    }
    return absl::OkStatus();
  }));
}

TEST_F(SqliteDriver, UsesWalAndTheRequestedSynchronousMode) {
  ASSERT_OK_AND_ASSIGN(auto full, OpenSqlite(PathOf("full.db"), {}));
  ASSERT_OK_AND_ASSIGN(Rows mode, Query(*full, "PRAGMA journal_mode"));
  EXPECT_EQ(mode.Text(0, 0).value(), "wal");
  ASSERT_OK_AND_ASSIGN(Rows sync, Query(*full, "PRAGMA synchronous"));
  EXPECT_EQ(sync.Int(0, 0).value(), 2);  // FULL.
  ASSERT_OK_AND_ASSIGN(auto normal, OpenSqlite(PathOf("normal.db"), {.sqlite_full_sync = false}));
  ASSERT_OK_AND_ASSIGN(sync, Query(*normal, "PRAGMA synchronous"));
  EXPECT_EQ(sync.Int(0, 0).value(), 1);  // NORMAL.
}

TEST_F(SqliteDriver, KeepsDataAcrossReopening) {
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
    ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
    ASSERT_OK(Exec(*db, "INSERT INTO t VALUES (7)"));
  }
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  EXPECT_EQ(Count(*db, "t"), 1);
}

TEST_F(SqliteDriver, InMemoryDatabasesWorkAndArePrivate) {
  ASSERT_OK_AND_ASSIGN(auto a, OpenSqlite(":memory:", {}));
  ASSERT_OK_AND_ASSIGN(auto b, OpenSqlite(":memory:", {}));
  EXPECT_EQ(a->dialect(), Dialect::kSqlite);
  ASSERT_OK(a->Ping());
  ASSERT_OK(Exec(*a, "CREATE TABLE t (x INTEGER)"));
  ASSERT_OK(Exec(*a, "INSERT INTO t VALUES (1)"));
  EXPECT_EQ(Count(*a, "t"), 1);
  EXPECT_EQ(Query(*b, "SELECT * FROM t").status().code(), StatusCode::kInternal);
}

TEST_F(SqliteDriver, TreatsFileColonPathsAsPlainFiles) {
  struct RestoreWorkingDirectory {
    ~RestoreWorkingDirectory() { fs::current_path(path); }
    fs::path path = fs::current_path();
  } restore;
  fs::current_path(dir_);
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite("file:t.db?mode=ro", {}));  // Not a URI.
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  EXPECT_TRUE(fs::exists(dir_ / "file:t.db?mode=ro"));
}

TEST_F(SqliteDriver, RejectsBadPathsAndOptions) {
  EXPECT_EQ(OpenSqlite("", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSqlite(std::string_view("a\0b.db", 6), {}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenSqlite(":memory:", {.connect_timeout = absl::ZeroDuration()}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteDriver, PathInMissingDirectoryIsPermissionDeniedNamingThePath) {
  const std::string path = PathOf("missing/t.db");
  absl::Status s = OpenSqlite(path, {}).status();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()), HasSubstr("No such file or directory"));
}

TEST_F(SqliteDriver, PathThatIsADirectoryIsPermissionDeniedNamingThePath) {
  absl::Status s = OpenSqlite(dir_.string(), {}).status();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(dir_.string()));
  EXPECT_THAT(std::string(s.message()), HasSubstr("Is a directory"));
}

TEST_F(SqliteDriver, CorruptFileIsDataLossNamingThePath) {
  const std::string path = PathOf("junk.db");
  {
    std::ofstream junk(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) junk.put(static_cast<char>(i * 31 + 7));
  }
  absl::Status s = OpenSqlite(path, {}).status();
  EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(path));
  EXPECT_THAT(std::string(s.message()), HasSubstr("not a valid SQLite database"));
}

// Opens `path` as a user the file permissions apply to — "nobody" when running
// as root, since root bypasses them — prints the status to stderr and exits 0
// if it is PermissionDenied. Runs in a death-test child, so the test process
// keeps its privileges.
[[noreturn]] void OpenUnprivilegedAndExit(const std::string& path) {
  if (geteuid() == 0) {
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr || setgroups(0, nullptr) != 0 || setgid(nobody->pw_gid) != 0 ||
        setuid(nobody->pw_uid) != 0) {
      std::fprintf(stderr, "cannot drop root privileges\n");
      _exit(2);
    }
  }
  const absl::Status s = OpenSqlite(path, {}).status();
  std::fprintf(stderr, "%s\n", s.ToString().c_str());
  _exit(absl::IsPermissionDenied(s) ? 0 : 1);
}

TEST_F(SqliteDriver, ReadOnlyFileIsPermissionDeniedAtOpen) {
  const std::string path = PathOf("t.db");
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(path, {}));
    ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  }
  fs::permissions(path, fs::perms(0444));
  EXPECT_EXIT(OpenUnprivilegedAndExit(path), ::testing::ExitedWithCode(0), "is read-only");
}

TEST_F(SqliteDriver, WritableFileInReadOnlyDirectoryIsPermissionDeniedAtOpen) {
  const std::string path = PathOf("t.db");
  {
    ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(path, {}));
    ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  }
  fs::permissions(path, fs::perms(0666));  // The WAL files cannot be created beside it.
  fs::permissions(dir_, fs::perms(0555));
  EXPECT_EXIT(OpenUnprivilegedAndExit(path), ::testing::ExitedWithCode(0),
              "cannot be opened for writing");
}

TEST_F(SqliteDriver, LockHeldPastTheBusyTimeoutIsUnavailable) {
  ASSERT_OK_AND_ASSIGN(auto holder, OpenSqlite(PathOf("t.db"), {}));
  ASSERT_OK(Exec(*holder, "CREATE TABLE t (x INTEGER)"));
  ASSERT_OK_AND_ASSIGN(auto waiter,
                       OpenSqlite(PathOf("t.db"), {.connect_timeout = absl::Milliseconds(100)}));
  absl::Notification locked, release;
  std::thread writer([&] {
    EXPECT_TRUE(holder
                    ->Transact([&](Connection& c) -> absl::Status {
                      GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (1)").status());
                      locked.Notify();
                      release.WaitForNotification();
                      return absl::OkStatus();
                    })
                    .ok());
  });
  locked.WaitForNotification();
  absl::Status s = Exec(*waiter, "INSERT INTO t VALUES (2)");
  release.Notify();
  writer.join();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("locked"));
  EXPECT_EQ(Count(*waiter, "t"), 1);
}

// Adds 1 to the single counter row, read then written in one transaction.
absl::Status Increment(Database& db) {
  return db.Transact([](Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT n FROM counter"));
    GG_ASSIGN_OR_RETURN(int64_t n, rows.Int(0, 0));
    return c.Exec("UPDATE counter SET n = ?", {Int(n + 1)}).status();
  });
}

TEST_F(SqliteDriver, ConcurrentTransactionsRunOneAtATime) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {.sqlite_full_sync = false}));
  ASSERT_OK(Exec(*db, "CREATE TABLE counter (n INTEGER)"));
  ASSERT_OK(Exec(*db, "INSERT INTO counter VALUES (0)"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) EXPECT_TRUE(Increment(*db).ok());
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_OK_AND_ASSIGN(Rows rows, Query(*db, "SELECT n FROM counter"));
  EXPECT_EQ(rows.Int(0, 0).value(), 400);
}

// Concurrent Transact calls are committed in groups (one transaction; run
// again with a savepoint per body when one fails): a failing body must still
// lose only its own writes, and the others must keep theirs exactly once.
TEST_F(SqliteDriver, GroupedBodiesFailAndCommitIndependently) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (thread INTEGER, i INTEGER, UNIQUE (thread, i))"));
  constexpr int kThreads = 8, kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::Status s = db->Transact([&](Connection& c) -> absl::Status {
          GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?, ?)", {Int(t), Int(i)}).status());
          GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?, ?)", {Int(t), Int(-1 - i)}).status());
          if (i % 4 == 0) return absl::NotFoundError("gave up");  // After writing twice.
          if (i % 4 == 1) {
            // A failed statement mid-body: the unique violation.
            GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?, ?)", {Int(t), Int(i)}).status());
          }
          return absl::OkStatus();
        });
        const bool should_fail = i % 4 <= 1;
        EXPECT_EQ(s.ok(), !should_fail) << s;
        if (!s.ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), kThreads * kPerThread / 2);
  EXPECT_EQ(Count(*db, "t"), kThreads * kPerThread);  // Two rows per successful body.
  ASSERT_OK_AND_ASSIGN(Rows bad,
                       Query(*db, "SELECT count(*) FROM t WHERE abs(i) % 4 <= 1 AND i >= 0"));
  EXPECT_EQ(bad.Int(0, 0).value(), 0);
}

// writer_stats() counts groups and the calls they carried, and the time the
// writer was held and spent committing: five calls, four of which queued while
// the first held the writer for 200 ms, are two groups.
TEST_F(SqliteDriver, WriterStatsCountGroupsCallsAndTheWritersTime) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  Database::WriterStats stats = db->writer_stats();
  EXPECT_EQ(stats.groups, 0u);
  EXPECT_EQ(stats.transactions, 0u);
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  stats = db->writer_stats();
  EXPECT_EQ(stats.groups, 1u);
  EXPECT_EQ(stats.transactions, 1u);
  EXPECT_GT(stats.committing, absl::ZeroDuration());
  EXPECT_GE(stats.busy, stats.committing);

  const Database::WriterStats before = stats;
  absl::Notification first_holds_the_writer;
  std::atomic<int> queued{0};
  std::thread first([&] {
    EXPECT_TRUE(db->Transact([&](Connection& c) -> absl::Status {
                    first_holds_the_writer.Notify();
                    while (queued.load() < 4) std::this_thread::yield();
                    absl::SleepFor(absl::Milliseconds(200));  // The four reach the queue.
                    return c.Exec("INSERT INTO t VALUES (0)").status();
                  }).ok());
  });
  first_holds_the_writer.WaitForNotification();
  std::vector<std::thread> others;
  for (int i = 1; i <= 4; ++i) {
    others.emplace_back([&, i] {
      queued.fetch_add(1);
      EXPECT_TRUE(db->Transact([&](Connection& c) {
                      return c.Exec("INSERT INTO t VALUES (?)", {Int(i)}).status();
                    }).ok());
    });
  }
  first.join();
  for (std::thread& t : others) t.join();
  stats = db->writer_stats();
  EXPECT_EQ(stats.transactions - before.transactions, 5u);
  EXPECT_EQ(stats.groups - before.groups, 2u);
  EXPECT_GE(stats.busy - before.busy, absl::Milliseconds(200));
  EXPECT_GT(stats.committing, before.committing);
  EXPECT_EQ(Count(*db, "t"), 5);
}

TEST_F(SqliteDriver, ExceptionFromABodyReachesItsOwnCallerOnly) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {.sqlite_full_sync = false}));
  ASSERT_OK(Exec(*db, "CREATE TABLE t (x INTEGER)"));
  std::atomic<int> thrown{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 30; ++i) {
        const bool throws = (t + i) % 3 == 0;
        try {
          absl::Status s = db->Transact([&](Connection& c) -> absl::Status {
            GG_RETURN_IF_ERROR(c.Exec("INSERT INTO t VALUES (?)", {Int(throws ? -1 : 1)}).status());
            if (throws) throw std::runtime_error("body failed loudly");
            return absl::OkStatus();
          });
          EXPECT_FALSE(throws);
          EXPECT_TRUE(s.ok()) << s;
        } catch (const std::runtime_error& e) {
          EXPECT_TRUE(throws);
          EXPECT_STREQ(e.what(), "body failed loudly");
          thrown.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(thrown.load(), 60);
  ASSERT_OK_AND_ASSIGN(Rows rows, Query(*db, "SELECT count(*), min(x) FROM t"));
  EXPECT_EQ(rows.Int(0, 0).value(), 120);
  EXPECT_EQ(rows.Int(0, 1).value(), 1);  // No row of a body that threw.
}

TEST_F(SqliteDriver, TwoDatabasesOnOneFileBothWrite) {
  ASSERT_OK_AND_ASSIGN(auto a, OpenSqlite(PathOf("t.db"), {.sqlite_full_sync = false}));
  ASSERT_OK_AND_ASSIGN(auto b, OpenSqlite(PathOf("t.db"), {.sqlite_full_sync = false}));
  ASSERT_OK(Exec(*a, "CREATE TABLE counter (n INTEGER)"));
  ASSERT_OK(Exec(*a, "INSERT INTO counter VALUES (0)"));
  std::vector<std::thread> threads;
  for (Database* db : {a.get(), b.get(), a.get(), b.get()}) {
    threads.emplace_back([db] {
      for (int i = 0; i < 50; ++i) {
        absl::Status s = Increment(*db);
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_OK_AND_ASSIGN(Rows rows, Query(*b, "SELECT n FROM counter"));
  EXPECT_EQ(rows.Int(0, 0).value(), 200);
}

constexpr std::string_view kCreateA = "CREATE TABLE a (x INTEGER)";  // Fails if run twice.
constexpr std::string_view kCreateB = "CREATE TABLE b (y TEXT); INSERT INTO b VALUES ('one');";

TEST_F(SqliteDriver, MigrateAppliesEachMigrationOnce) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  const std::vector<Migration> migrations = {{1, "create a", kCreateA}, {2, "create b", kCreateB}};
  ASSERT_OK(Migrate(*db, "core", migrations));
  ASSERT_OK_AND_ASSIGN(Rows first, Query(*db,
                                         "SELECT component, version, name, applied_at"
                                         " FROM schema_migrations ORDER BY version"));
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first.Text(1, 2).value(), "create b");

  ASSERT_OK(Migrate(*db, "core", migrations));  // Would fail if CREATE TABLE ran again.
  ASSERT_OK_AND_ASSIGN(Rows second, Query(*db,
                                          "SELECT component, version, name, applied_at"
                                          " FROM schema_migrations ORDER BY version"));
  ASSERT_EQ(second.size(), 2u);
  for (size_t row = 0; row < 2; ++row) {
    for (size_t column = 0; column < 4; ++column)
      EXPECT_EQ(first.at(row, column), second.at(row, column));
  }
  EXPECT_EQ(Count(*db, "b"), 1);

  ASSERT_OK(Migrate(*db, "other", {{1, "create c", "CREATE TABLE c (z INTEGER)"}}));
  EXPECT_EQ(Count(*db, "schema_migrations"), 3);
}

TEST_F(SqliteDriver, FailingMigrationLeavesNothingBehindAndNamesItsNumber) {
  ASSERT_OK_AND_ASSIGN(auto db, OpenSqlite(PathOf("t.db"), {}));
  absl::Status s =
      Migrate(*db, "core",
              {{1, "create a", kCreateA},
               {2, "half done", "CREATE TABLE half (x INTEGER); INSERT INTO nope VALUES (1);"},
               {3, "never", "CREATE TABLE never (x INTEGER)"}});
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_THAT(std::string(s.message()), HasSubstr("core/2"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("half done"));
  EXPECT_EQ(Count(*db, "schema_migrations"), 1);
  ASSERT_OK_AND_ASSIGN(Rows tables, Query(*db,
                                          "SELECT name FROM sqlite_master WHERE type = 'table'"
                                          " AND name IN ('half', 'never')"));
  EXPECT_TRUE(tables.empty());
}

}  // namespace
}  // namespace guestguard::sql
