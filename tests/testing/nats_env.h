// Copyright 2026 GuestGuard authors.
//
// Where tests find the throw-away NATS server that scripts/with_nats starts.
#ifndef GUESTGUARD_TESTS_TESTING_NATS_ENV_H_
#define GUESTGUARD_TESTS_TESTING_NATS_ENV_H_

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace guestguard::testing {

// The test server's URL, or "" when the tests run without one.
inline std::string TestNatsUrl() {
  const char* url = std::getenv("GUESTGUARD_TEST_NATS_URL");
  return url == nullptr ? std::string() : std::string(url);
}

// The control script of scripts/with_nats (stop | kill9 | start), or "".
inline std::string TestNatsCtl() {
  const char* ctl = std::getenv("GUESTGUARD_TEST_NATS_CTL");
  return ctl == nullptr ? std::string() : std::string(ctl);
}

// In a test body or SetUp: skips without a server — except in CI, which must
// run the NATS tests for real.
#define GG_REQUIRE_NATS()                                                                 \
  do {                                                                                    \
    if (::guestguard::testing::TestNatsUrl().empty()) {                                   \
      if (std::getenv("CI") != nullptr) {                                                 \
        FAIL() << "CI must run the NATS tests: GUESTGUARD_TEST_NATS_URL is not set (run " \
                  "the tests through scripts/with_nats)";                                 \
      }                                                                                   \
      GTEST_SKIP() << "no test NATS server (run through scripts/with_nats)";              \
    }                                                                                     \
  } while (false)

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_NATS_ENV_H_
