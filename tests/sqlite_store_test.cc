// Copyright 2026 GuestGuard authors.
//
// The store suite and store-level behaviour on real SQLite files.
#include "guestguard/sqlite_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/guard.h"
#include "guestguard/sql/sqlite_driver.h"
#include "testing/attempts.h"
#include "testing/companion_row.h"
#include "testing/store_suite.h"
#include "testing/two_nodes.h"

namespace guestguard {
namespace {

namespace fs = std::filesystem;
using testing::StoreFactory;
using testing::StoreSuite;

// A new empty directory under the system temp dir; removed at exit of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("gg_sqlite_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

absl::StatusOr<std::unique_ptr<Store>> FreshSqliteFileStore() {
  static auto* dirs = new std::vector<std::unique_ptr<TempDir>>();  // Kept until exit.
  dirs->push_back(std::make_unique<TempDir>());
  return NewSqliteStore("sqlite:" + dirs->back()->File("guard.db"));
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite,
                         ::testing::Values(StoreFactory{"SqliteFile", FreshSqliteFileStore},
                                           StoreFactory{
                                               "SqliteMemory",
                                               [] { return NewSqliteStore("sqlite::memory:"); }}),
                         testing::StoreFactoryName);

TEST(SqliteStore, RejectsUrlsThatAreNotSqlite) {
  for (const char* url : {"", "sqlite:", "postgresql://x/y", "sqlite", "file:/tmp/x.db"}) {
    absl::Status s = NewSqliteStore(url).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << url << ": " << s;
  }
}

TEST(SqliteStore, DataSurvivesReopeningAndMigrationsApplyOnce) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.File("guard.db");
  std::string access_id;
  {
    auto store = NewSqliteStore(url);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->SetThresholds("ev1", {20, 40, 80}).ok());
    AccessRecord r;
    r.event_id = "ev1";
    r.guest_id = "g1";
    r.at = absl::FromUnixSeconds(1795000000);
    auto id = (*store)->AppendAccess(r, std::nullopt);
    ASSERT_TRUE(id.ok()) << id.status();
    access_id = *id;
  }
  auto reopened = NewSqliteStore(url);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(*(*reopened)->GetThresholds("ev1"), (Thresholds{20, 40, 80}));
  EXPECT_TRUE((*reopened)->GetAccess("ev1", access_id).ok());
}

TEST(SqliteStore, UrlWithThreeSlashesIsAnAbsolutePath) {
  TempDir dir;
  auto store = NewSqliteStore("sqlite://" + dir.File("abs.db"));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(fs::exists(dir.File("abs.db")));
}

TEST(SqliteStore, CorruptFileIsAClearError) {
  TempDir dir;
  const std::string path = dir.File("corrupt.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(i * 37));
  }
  absl::Status s = NewSqliteStore("sqlite:" + path).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_NE(s.message().find(path), absl::string_view::npos) << s;
}

TEST(SqliteStore, UnwritableLocationIsAClearError) {
  TempDir dir;
  // A path under a regular file can never be created, even by root.
  const std::string blocker = dir.File("not-a-dir");
  std::ofstream(blocker) << "x";
  absl::Status s = NewSqliteStore("sqlite:" + blocker + "/guard.db").status();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.code() == absl::StatusCode::kPermissionDenied ||
              s.code() == absl::StatusCode::kUnavailable ||
              s.code() == absl::StatusCode::kInvalidArgument)
      << s;
  EXPECT_NE(s.message().find("guard.db"), absl::string_view::npos) << s;
}

TEST(SqliteStore, ReadOnlyFileIsAClearError) {
  TempDir dir;
  const std::string path = dir.File("ro.db");
  ASSERT_TRUE(NewSqliteStore("sqlite:" + path).ok());
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  fs::permissions(dir.File(""), fs::perms::all);  // Let an unprivileged child in.
  // Root ignores file permissions: check as "nobody" in a child process then.
  const bool as_root = ::geteuid() == 0;
  const pid_t pid = as_root ? ::fork() : 0;
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (as_root && (::setgid(65534) != 0 || ::setuid(65534) != 0)) _exit(3);
    absl::Status s = NewSqliteStore("sqlite:" + path).status();
    const bool clear = s.code() == absl::StatusCode::kPermissionDenied &&
                       s.message().find(path) != absl::string_view::npos;
    if (as_root) _exit(clear ? 0 : 1);
    EXPECT_TRUE(clear) << s;
    return;
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(pid, &wstatus, 0), pid);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0)
      << "read-only open did not give PermissionDenied with the path";
}

TEST(SqliteStore, TwoStoresOnOneFileLoseNoLearning) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.File("shared.db");
  auto a = NewSqliteStore(url);
  auto b = NewSqliteStore(url);
  ASSERT_TRUE(a.ok() && b.ok());
  testing::ExpectNoLostLearningAcrossNodes(**a, **b);
}

TEST(SqliteStore, GuardWorksEndToEnd) {
  TempDir dir;
  auto store = NewSqliteStore("sqlite:" + dir.File("guard.db"));
  ASSERT_TRUE(store.ok()) << store.status();
  testing::ExpectGuardWorksEndToEnd(std::move(*store));
}

AccessRecord ScoredAccess() {
  AccessRecord r;
  r.event_id = "7";
  r.guest_id = "42";
  r.kind = AccessKind::kRsvp;
  r.at = absl::FromUnixMicros(1795000000123456);
  r.client_ip = "203.0.113.42";
  r.score = 35;
  r.band = Band::kMedium;
  r.reasons = {{"new_network", 35, "A \"new\" network"}};
  return r;
}

// Rows of guard_outbox as "subject|payload", the access log's row count and
// the access feed's cursors as "name|last_id".
struct WrittenRows {
  std::vector<std::string> outbox;
  int64_t accesses = -1;
  std::vector<std::string> cursors;
};
WrittenRows ReadWrittenRows(const std::string& path) {
  auto db = sql::OpenSqlite(path, {});
  EXPECT_TRUE(db.ok()) << db.status();
  WrittenRows out;
  absl::Status s = (*db)->Autocommit([&](sql::Connection& c) -> absl::Status {
    auto rows = c.Query("SELECT subject, payload FROM guard_outbox ORDER BY id");
    if (!rows.ok()) return rows.status();
    for (size_t i = 0; i < rows->size(); ++i) {
      out.outbox.push_back(*rows->Text(i, 0) + "|" + *rows->Text(i, 1));
    }
    auto count = c.Query("SELECT COUNT(*) FROM guard_access_log");
    if (!count.ok()) return count.status();
    out.accesses = *count->Int(0, 0);
    auto cursors = c.Query("SELECT name, last_id FROM guard_relay_cursor ORDER BY name");
    if (!cursors.ok()) return cursors.status();
    for (size_t i = 0; i < cursors->size(); ++i) {
      out.cursors.push_back(*cursors->Text(i, 0) + "|" + std::to_string(*cursors->Int(i, 1)));
    }
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

// The access row is its own access.scored event (the relay's access feed,
// outbox_relay_test): no copy in guard_outbox, and the feed's cursor starts
// after what was recorded before the store first had a prefix.
TEST(SqliteStore, OutboxPrefixFeedsAccessesFromTheAccessLogWithoutAnOutboxCopy) {
  TempDir dir;
  {
    auto plain = NewSqliteStore("sqlite:" + dir.File("guard.db"));
    ASSERT_TRUE(plain.ok()) << plain.status();
    ASSERT_TRUE((*plain)->AppendAccess(ScoredAccess(), std::nullopt).ok());
  }
  SqliteStoreOptions options;
  options.outbox_subject_prefix = "gg";
  auto store = NewSqliteStore("sqlite:" + dir.File("guard.db"), options);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->AppendAccess(ScoredAccess(), std::nullopt).ok());
  WrittenRows rows = ReadWrittenRows(dir.File("guard.db"));
  EXPECT_EQ(rows.accesses, 2);
  EXPECT_TRUE(rows.outbox.empty());
  EXPECT_EQ(rows.cursors, std::vector<std::string>{"gg.access.scored|1"});
  // Opening it again keeps the cursor where it is.
  store = NewSqliteStore("sqlite:" + dir.File("guard.db"), options);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(ReadWrittenRows(dir.File("guard.db")).cursors,
            std::vector<std::string>{"gg.access.scored|1"});
}

TEST(SqliteStore, WithoutOutboxPrefixNothingIsFed) {
  TempDir dir;
  auto store = NewSqliteStore("sqlite:" + dir.File("guard.db"));
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->AppendAccess(ScoredAccess(), std::nullopt).ok());
  WrittenRows rows = ReadWrittenRows(dir.File("guard.db"));
  EXPECT_EQ(rows.accesses, 1);
  EXPECT_TRUE(rows.outbox.empty());
  EXPECT_TRUE(rows.cursors.empty());
}

TEST(SqliteStore, CheckStateComesWithTheApplicationsRowInOneStatement) {
  TempDir dir;
  auto db = sql::OpenSqlite(dir.File("companion.db"), {});
  ASSERT_TRUE(db.ok()) << db.status();
  testing::ExpectCheckStateComesWithTheCompanionRow(std::shared_ptr<sql::Database>(*std::move(db)));
}

}  // namespace
}  // namespace guestguard
