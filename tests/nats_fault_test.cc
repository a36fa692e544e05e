// Copyright 2026 GuestGuard authors.
//
// The NATS bus across a crash of the server: kills (SIGKILL) and restarts the
// server of scripts/with_nats (GUESTGUARD_TEST_NATS_CTL), so it must run
// alone. Skipped without the server, failed in CI (GG_REQUIRE_NATS).
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "guestguard/bus.h"
#include "guestguard/nats_bus.h"
#include "testing/bus_testing.h"
#include "testing/nats_env.h"
#include "testing/restart_on_exit.h"

namespace guestguard {
namespace {

using ::guestguard::testing::RestartOnExit;

// What a publisher thread saw. Thread-safe.
class PublishLog {
 public:
  void Record(const std::string& id, const absl::Status& status, absl::Duration took) {
    absl::MutexLock lock(&mu_);
    if (status.ok()) {
      ok_.push_back(id);
      if (restarted_) ++ok_after_restart_;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
      if (!restarted_) ++unavailable_;
    }
    longest_ = std::max(longest_, took);
  }
  void MarkRestarted() {
    absl::MutexLock lock(&mu_);
    restarted_ = true;
  }
  bool WaitFor(int ok_total, int unavailable, int ok_after_restart, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return static_cast<int>(ok_.size()) >= ok_total && unavailable_ >= unavailable &&
             ok_after_restart_ >= ok_after_restart;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  std::vector<std::string> Ok() const {
    absl::MutexLock lock(&mu_);
    return ok_;
  }
  int Unavailable() const {
    absl::MutexLock lock(&mu_);
    return unavailable_;
  }
  absl::Duration Longest() const {
    absl::MutexLock lock(&mu_);
    return longest_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> ok_ ABSL_GUARDED_BY(mu_);
  int unavailable_ ABSL_GUARDED_BY(mu_) = 0;  // Before the restart.
  int ok_after_restart_ ABSL_GUARDED_BY(mu_) = 0;
  bool restarted_ ABSL_GUARDED_BY(mu_) = false;
  absl::Duration longest_ ABSL_GUARDED_BY(mu_);
};

// Ids a handler saw, at least once each. Thread-safe.
class Seen {
 public:
  Handler Recording() {
    return [this](const Message& m) {
      absl::MutexLock lock(&mu_);
      ids_.insert(m.id);
      return absl::OkStatus();
    };
  }
  // True once every id of `ids` was seen, false after `timeout`.
  bool WaitForAll(const std::vector<std::string>& ids, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto all = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      for (const std::string& id : ids) {
        if (!ids_.contains(id)) return false;
      }
      return true;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&all), timeout);
  }
  std::vector<std::string> Missing(const std::vector<std::string>& ids) const {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> missing;
    for (const std::string& id : ids) {
      if (!ids_.contains(id)) missing.push_back(id);
    }
    return missing;
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_set<std::string> ids_ ABSL_GUARDED_BY(mu_);
};

TEST(NatsFault, EveryMessagePublishedOkIsDeliveredAfterAKill9AndRestart) {
  GG_REQUIRE_NATS();
  const std::string ctl = testing::TestNatsCtl();
  ASSERT_FALSE(ctl.empty()) << "GUESTGUARD_TEST_NATS_CTL is not set (see scripts/with_nats)";
  const std::string prefix = testing::UniqueToken();
  const std::string subject = prefix + ".access.scored";
  NatsBusOptions options;
  options.url = testing::TestNatsUrl();
  options.subject_prefix = prefix;
  options.stream_name = "S_" + prefix;
  options.request_timeout = absl::Seconds(1);
  options.connect_timeout = absl::Seconds(1);
  options.reconnect_wait = absl::Milliseconds(100);
  options.max_bytes = int64_t{4} << 20;  // Reserved in the server's store.
  auto bus = NewNatsBus(options);
  ASSERT_TRUE(bus.ok()) << bus.status();
  Seen seen;
  auto sub = (*bus)->Subscribe(subject, "survivor", seen.Recording());
  ASSERT_TRUE(sub.ok()) << sub.status();
  EXPECT_TRUE((*bus)->Ping().ok());

  PublishLog log;
  std::atomic<bool> stop{false};
  std::thread publisher([&] {
    for (int i = 0; !stop; ++i) {
      const std::string id = absl::StrCat("m", i);
      const absl::Time start = absl::Now();
      const absl::Status s = (*bus)->Publish(testing::Msg(id, subject, "{}"));
      log.Record(id, s, absl::Now() - start);
      absl::SleepFor(absl::Milliseconds(2));
    }
  });

  RestartOnExit server(ctl);
  EXPECT_TRUE(log.WaitFor(/*ok_total=*/50, 0, 0, absl::Seconds(10)));
  ASSERT_EQ(server.Down("kill9"), 0);
  // Down: publishes fail with Unavailable, each within a bounded time.
  EXPECT_TRUE(log.WaitFor(0, /*unavailable=*/5, 0, absl::Seconds(10)));
  const absl::Time open_start = absl::Now();
  auto while_down = NewNatsBus(options);
  EXPECT_EQ(while_down.status().code(), absl::StatusCode::kUnavailable) << while_down.status();
  EXPECT_LT(absl::Now() - open_start, absl::Seconds(5));

  EXPECT_EQ((*bus)->Ping().code(), absl::StatusCode::kUnavailable);
  const std::vector<Message> batch = {testing::Msg("down1", subject),
                                      testing::Msg("down2", subject)};
  for (const absl::Status& s : (*bus)->PublishBatch(batch)) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  }

  ASSERT_EQ(server.Start(), 0);
  log.MarkRestarted();
  EXPECT_TRUE(log.WaitFor(0, 0, /*ok_after_restart=*/50, absl::Seconds(20)))
      << "publishing did not recover after the restart";
  stop = true;
  publisher.join();
  EXPECT_TRUE((*bus)->Ping().ok()) << "published after the restart, yet not connected";

  EXPECT_GE(log.Unavailable(), 5);
  EXPECT_LT(log.Longest(), options.request_timeout + absl::Seconds(1))
      << "a Publish blocked beyond request_timeout";
  const std::vector<std::string> ok = log.Ok();
  std::fprintf(stderr, "nats_fault_test: %zu published OK, %d Unavailable while down, longest %s\n",
               ok.size(), log.Unavailable(), absl::FormatDuration(log.Longest()).c_str());
  EXPECT_TRUE(seen.WaitForAll(ok, absl::Seconds(30)))
      << seen.Missing(ok).size() << " of " << ok.size()
      << " messages published OK were never delivered, e.g. " << seen.Missing(ok).front();
}

}  // namespace
}  // namespace guestguard
