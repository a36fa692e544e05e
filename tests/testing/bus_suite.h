// Copyright 2026 GuestGuard authors.
//
// The one parameterised suite every Bus backend must pass, against the real
// thing. A backend's test file instantiates it:
//
//   INSTANTIATE_TEST_SUITE_P(InProcess, BusSuite,
//       ::testing::Values(BusFactory{"in_process",
//                                    [](const std::string&) { return NewInProcessBus({}); }}),
//       BusFactoryName);
#ifndef GUESTGUARD_TESTS_TESTING_BUS_SUITE_H_
#define GUESTGUARD_TESTS_TESTING_BUS_SUITE_H_

#include <cstdlib>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "guestguard/bus.h"
#include "testing/bus_testing.h"

namespace guestguard::testing {

struct BusFactory {
  std::string name;
  // A fresh bus on which the test publishes and subscribes only under
  // `prefix` (one token, unique to the test); FailedPrecondition when the
  // backend's server is not available here (the suite then skips — but never
  // in CI).
  std::function<absl::StatusOr<std::unique_ptr<Bus>>(const std::string& prefix)> make;
};

// gtest prints a factory by its name (not its bytes).
inline void PrintTo(const BusFactory& factory, std::ostream* os) { *os << factory.name; }

inline std::string BusFactoryName(const ::testing::TestParamInfo<BusFactory>& info) {
  return info.param.name;
}

class BusSuite : public ::testing::TestWithParam<BusFactory> {
 protected:
  void SetUp() override {
    prefix_ = UniqueToken();
    auto bus = GetParam().make(prefix_);
    if (bus.status().code() == absl::StatusCode::kFailedPrecondition &&
        std::getenv("CI") == nullptr) {
      GTEST_SKIP() << bus.status();  // The backend's server is not running here.
    }
    ASSERT_TRUE(bus.ok()) << bus.status();
    bus_ = std::move(*bus);
  }

  // "<prefix>.<rest>".
  std::string Subject(std::string_view rest) const { return prefix_ + "." + std::string(rest); }

  std::string prefix_;
  std::unique_ptr<Bus> bus_;
};

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_BUS_SUITE_H_
