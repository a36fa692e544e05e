// Copyright 2026 GuestGuard authors.
//
// LoadCheckStateWith (guestguard/sql_store.h) on a real database, shared by
// the SQLite and PostgreSQL store tests: the application's own row comes back
// beside the guard's state, in one statement.
#ifndef GUESTGUARD_TESTS_TESTING_COMPANION_ROW_H_
#define GUESTGUARD_TESTS_TESTING_COMPANION_ROW_H_

#include <memory>

#include "gtest/gtest.h"
#include "guestguard/memory_store.h"
#include "guestguard/sql/sql.h"
#include "guestguard/sql_store.h"
#include "guestguard/status_macros.h"
#include "testing/attempts.h"

namespace guestguard::testing {

inline void ExpectCheckStateComesWithTheCompanionRow(std::shared_ptr<sql::Database> db) {
  auto store = NewSqlStore(db);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE(db->Transact([](sql::Connection& c) -> absl::Status {
                  GG_RETURN_IF_ERROR(
                      c.Exec("CREATE TABLE app_guests (id BIGINT PRIMARY KEY, name TEXT NOT NULL)")
                          .status());
                  return c.Exec("INSERT INTO app_guests VALUES (1, 'Ada'), (2, 'Ada')").status();
                }).ok());
  const Thresholds strict{20, 40, 60};
  ASSERT_TRUE((*store)->SetThresholds("ev1", strict).ok());
  const AccessFeatures f = *AccessFeatures::From(UsualBrowser());
  ASSERT_TRUE((*store)->UpdateBaseline("ev1", "g1", [&](Baseline& b) { b.Learn(f); }).ok());

  constexpr char kSelect[] = "SELECT name FROM app_guests WHERE id = ?";
  auto found = LoadCheckStateWith(**store, "ev1", "g1", kSelect, {sql::Int(1)});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->state.policy.thresholds, strict);
  EXPECT_EQ(found->state.guest.baseline.accesses(), 1u);
  ASSERT_EQ(found->row.size(), 1u);
  EXPECT_EQ(found->row.Text(0, 0).value_or(""), "Ada");

  auto none = LoadCheckStateWith(**store, "ev1", "g1", kSelect, {sql::Int(9)});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->row.empty());
  EXPECT_EQ(none->state.policy.thresholds, strict);  // The state is read all the same.

  auto two = LoadCheckStateWith(**store, "ev1", "g1", "SELECT name FROM app_guests", {});
  EXPECT_EQ(two.status().code(), absl::StatusCode::kInvalidArgument) << two.status();
  std::shared_ptr<Store> memory = *NewMemoryStore({});
  EXPECT_EQ(LoadCheckStateWith(*memory, "ev1", "g1", kSelect, {sql::Int(1)}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_COMPANION_ROW_H_
