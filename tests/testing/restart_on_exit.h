// Copyright 2026 GuestGuard authors.
//
// Takes a throw-away test service down through its control script
// (GUESTGUARD_TEST_POSTGRES_CTL of scripts/with_postgres,
// GUESTGUARD_TEST_NATS_CTL of scripts/with_nats) and starts it again when the
// test ends, however it ends.
//
//   RestartOnExit server(ctl);
//   ASSERT_EQ(server.Down("kill9"), 0);   // or "stop"
//   ...
//   ASSERT_EQ(server.Start(), 0);
#ifndef GUESTGUARD_TESTS_TESTING_RESTART_ON_EXIT_H_
#define GUESTGUARD_TESTS_TESTING_RESTART_ON_EXIT_H_

#include <cstdlib>
#include <string>
#include <utility>

namespace guestguard::testing {

class RestartOnExit {
 public:
  explicit RestartOnExit(std::string ctl) : ctl_(std::move(ctl)) {}
  RestartOnExit(const RestartOnExit&) = delete;
  RestartOnExit& operator=(const RestartOnExit&) = delete;
  ~RestartOnExit() {
    if (down_) Run("start");
  }

  // Runs the script's `how` ("stop", "kill9"); its exit code.
  int Down(const char* how) {
    down_ = true;
    return Run(how);
  }
  int Start() {
    const int rc = Run("start");
    if (rc == 0) down_ = false;
    return rc;
  }

 private:
  int Run(const char* action) const { return std::system(("'" + ctl_ + "' " + action).c_str()); }

  std::string ctl_;
  bool down_ = false;
};

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_RESTART_ON_EXIT_H_
