// Copyright 2026 GuestGuard authors.
//
// The one parameterised suite every Store backend must pass, against the real
// thing. A backend's test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(Memory, StoreSuite,
//       ::testing::Values(StoreFactory{"memory", [] { return NewMemoryStore({}); }}),
//       StoreFactoryName);
#ifndef GUESTGUARD_TESTS_TESTING_STORE_SUITE_H_
#define GUESTGUARD_TESTS_TESTING_STORE_SUITE_H_

#include <cstdlib>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "guestguard/store.h"

namespace guestguard::testing {

struct StoreFactory {
  std::string name;
  // A fresh, empty store each call; FailedPrecondition when the backend's
  // server is not available here (the suite then skips — but never in CI).
  std::function<absl::StatusOr<std::unique_ptr<Store>>()> make;
};

// gtest prints a factory by its name (not its bytes).
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

inline std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class StoreSuite : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    auto store = GetParam().make();
    if (store.status().code() == absl::StatusCode::kFailedPrecondition &&
        std::getenv("CI") == nullptr) {
      GTEST_SKIP() << store.status();  // The backend's server is not running here.
    }
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  std::unique_ptr<Store> store_;
};

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_STORE_SUITE_H_
