// Copyright 2026 GuestGuard authors.
//
// LoadGuestNames against a real SQLite file with the server's schema: a page
// of activity or feedback reads the names of the guests it shows, and no
// other guest's, however large the event.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/sql/sqlite_driver.h"
#include "server/handlers/guest_names.h"
#include "server/migrations.h"

namespace guestguard::server {
namespace {

namespace fs = std::filesystem;

class GuestNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("gg_names_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto db = sql::OpenSqlite((dir_ / "gg.db").string(), {});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(sql::Migrate(*db_, "server", internal::ServerSqliteMigrations()).ok());
    ASSERT_TRUE(db_->Autocommit([](sql::Connection& c) -> absl::Status {
                     auto user = c.Exec(
                         "INSERT INTO users (email, name, password_hash, created_at) "
                         "VALUES ('h@example.com', 'Host', 'x', 0)",
                         {});
                     if (!user.ok()) return user.status();
                     for (const char* event : {"Big", "Other"}) {
                       auto id = c.Exec(
                           "INSERT INTO events (name, starts_at, created_by, created_at, "
                           "updated_at) VALUES (?, 0, 1, 0, 0)",
                           {sql::Text(event)});
                       if (!id.ok()) return id.status();
                     }
                     return absl::OkStatus();
                   })
                    .ok());
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }

  // Adds `n` guests named "<prefix> <i>" to `event_id`; their ids, in order.
  std::vector<std::string> AddGuests(int64_t event_id, int n, const std::string& prefix) {
    std::vector<std::string> ids;
    EXPECT_TRUE(db_->Transact([&](sql::Connection& c) -> absl::Status {
                     ids.clear();
                     for (int i = 0; i < n; ++i) {
                       auto rows = c.Query(
                           "INSERT INTO guests (event_id, name, created_at) VALUES (?, ?, 0) "
                           "RETURNING id",
                           {sql::Int(event_id), sql::Text(prefix + " " + std::to_string(i))});
                       if (!rows.ok()) return rows.status();
                       auto id = rows->Int(0, 0);
                       if (!id.ok()) return id.status();
                       ids.push_back(std::to_string(*id));
                     }
                     return absl::OkStatus();
                   })
                    .ok());
    return ids;
  }

  absl::StatusOr<std::map<std::string, std::string>> Load(int64_t event_id,
                                                          const std::vector<std::string>& ids) {
    std::map<std::string, std::string> names;
    absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
      auto loaded = LoadGuestNames(c, event_id, ids);
      if (!loaded.ok()) return loaded.status();
      names = *std::move(loaded);
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
    return names;
  }

  fs::path dir_;
  std::unique_ptr<sql::Database> db_;
};

TEST_F(GuestNamesTest, ReadsOnlyTheGuestsAsked) {
  const std::vector<std::string> big = AddGuests(1, 500, "Guest");
  const std::vector<std::string> other = AddGuests(2, 1, "Stranger");
  // A page's guests: two, one of them twice, plus an id that is not a guest
  // id, another event's guest, and an id that no longer exists.
  auto names = Load(1, {big[7], big[400], big[7], "x1", other[0], "999999"});
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(*names,
            (std::map<std::string, std::string>{{big[7], "Guest 7"}, {big[400], "Guest 400"}}));
}

TEST_F(GuestNamesTest, ReadsLongListsInChunksAndMissesNone) {
  const std::vector<std::string> big = AddGuests(1, 300, "Guest");
  // 120 ids: more than two 50-id chunks, the last one short.
  std::vector<std::string> asked(big.begin() + 100, big.begin() + 220);
  auto names = Load(1, asked);
  ASSERT_TRUE(names.ok()) << names.status();
  ASSERT_EQ(names->size(), 120u);
  for (int i = 100; i < 220; ++i) {
    EXPECT_EQ(names->at(big[static_cast<size_t>(i)]), "Guest " + std::to_string(i));
  }
}

TEST_F(GuestNamesTest, NoIdsReadsNothing) {
  AddGuests(1, 3, "Guest");
  auto names = Load(1, {});
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_TRUE(names->empty());
}

}  // namespace
}  // namespace guestguard::server
