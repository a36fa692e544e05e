// Copyright 2026 GuestGuard authors.
//
// Where tests find the throw-away PostgreSQL that scripts/with_postgres starts.
#ifndef GUESTGUARD_TESTS_TESTING_POSTGRES_ENV_H_
#define GUESTGUARD_TESTS_TESTING_POSTGRES_ENV_H_

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/status_macros.h"

namespace guestguard::testing {

// The test cluster's URL, or "" when the tests run without one.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("GUESTGUARD_TEST_POSTGRES_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// In a test body or SetUp: skips without a cluster — except in CI, which must
// run the PostgreSQL tests for real.
#define GG_REQUIRE_POSTGRES()                                                       \
  do {                                                                              \
    if (::guestguard::testing::TestPostgresUrl().empty()) {                         \
      if (std::getenv("CI") != nullptr) {                                           \
        FAIL() << "CI must run the PostgreSQL tests: GUESTGUARD_TEST_POSTGRES_URL " \
                  "is not set (run the tests through scripts/with_postgres)";       \
      }                                                                             \
      GTEST_SKIP() << "no test PostgreSQL (run through scripts/with_postgres)";     \
    }                                                                               \
  } while (false)

// A URL of the test database whose search_path is a new, empty schema, so
// each caller gets a store of its own in the one shared database.
inline absl::StatusOr<std::string> FreshPostgresSchemaUrl() {
  static std::atomic<int> counter{0};
  const std::string url = TestPostgresUrl();
  const std::string schema =
      "gg_t" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
  GG_ASSIGN_OR_RETURN(auto db, sql::OpenPostgres(url, {}));
  GG_RETURN_IF_ERROR(db->Transact([&](sql::Connection& c) {
    return c.ExecScript("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  }));
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_POSTGRES_ENV_H_
