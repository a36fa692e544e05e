// Copyright 2026 GuestGuard authors.
//
// The in-process bus: the embedded default transport. Messages live in memory
// only (nothing survives the process); each subscription has its own bounded
// queue and delivery thread, so a slow consumer never blocks a publisher or
// another consumer.
//
//   auto bus = guestguard::NewInProcessBus({});
#ifndef GUESTGUARD_IN_PROCESS_BUS_H_
#define GUESTGUARD_IN_PROCESS_BUS_H_

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"
#include "guestguard/clock.h"

namespace guestguard {

struct InProcessBusOptions {
  // Messages waiting per subscription (queued + awaiting redelivery); Publish
  // fails with ResourceExhausted beyond it. Default: 10,000. Must be >= 1.
  size_t max_pending_per_subscription = 10000;
  // A message id published again within this window is dropped. Default: 2 min
  // (as JetStream's default). Zero disables de-duplication.
  absl::Duration duplicate_window = absl::Minutes(2);
  // Ids remembered for de-duplication. Default: 100,000. Must be >= 1.
  size_t duplicate_window_capacity = 100000;
  // Time source for the duplicate window. Default (null): SystemClock().
  std::shared_ptr<Clock> clock;
};

// Validates `options` (InvalidArgument naming the bad field).
[[nodiscard]] absl::StatusOr<std::unique_ptr<Bus>> NewInProcessBus(InProcessBusOptions options);

}  // namespace guestguard

#endif  // GUESTGUARD_IN_PROCESS_BUS_H_
