// Copyright 2026 GuestGuard authors.
//
// What every Bus backend does the same way around a delivery: validating
// SubscribeOptions, the redelivery backoff, and the default dead-letter line.
// Private to the library.
#ifndef GUESTGUARD_INTERNAL_BUS_DELIVERY_H_
#define GUESTGUARD_INTERNAL_BUS_DELIVERY_H_

#include <string_view>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"

namespace guestguard::internal {

// InvalidArgument naming the bad SubscribeOptions field, an empty subject or
// a null handler; OK otherwise.
absl::Status ValidateSubscription(std::string_view subject, const Handler& handler,
                                  const SubscribeOptions& options);

// min(initial_backoff * 2^(attempt - 1), max_backoff): the nominal delay
// before the redelivery that follows failed delivery number `attempt`.
absl::Duration NominalBackoff(const SubscribeOptions& options, int attempt);

// NominalBackoff times a random factor in [1.0, 1.2), capped at max_backoff
// but never below the nominal delay: redeliveries of many failed messages
// spread out instead of arriving together.
absl::Duration JitteredBackoff(const SubscribeOptions& options, int attempt, absl::BitGen& random);

// Calls `options.dead_letter`, or without one writes one line to stderr
// (never the payload; subject, id and error C-escaped so the line cannot be
// split or forged by their content).
void DeadLetter(const SubscribeOptions& options, std::string_view durable_name,
                const Message& message, const absl::Status& last_error);

// Calls `handler`, turning an exception into an Internal error.
absl::Status CallHandler(const Handler& handler, const Message& message);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_BUS_DELIVERY_H_
