// Copyright 2026 GuestGuard authors.

#include "internal/bus_delivery.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"

namespace guestguard::internal {
namespace {

// Upper bound of the random factor applied to a nominal backoff; the lower
// bound is 1.0 so a redelivery never comes earlier than the nominal backoff.
constexpr double kMaxJitter = 1.2;

}  // namespace

absl::Status ValidateSubscription(std::string_view subject, const Handler& handler,
                                  const SubscribeOptions& options) {
  if (subject.empty()) return absl::InvalidArgumentError("subject must not be empty");
  if (!handler) return absl::InvalidArgumentError("handler must not be null");
  if (options.max_deliveries < 1) {
    return absl::InvalidArgumentError("SubscribeOptions.max_deliveries must be >= 1");
  }
  if (options.initial_backoff <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("SubscribeOptions.initial_backoff must be > 0");
  }
  if (options.max_backoff < options.initial_backoff) {
    return absl::InvalidArgumentError("SubscribeOptions.max_backoff must be >= initial_backoff");
  }
  return absl::OkStatus();
}

absl::Duration NominalBackoff(const SubscribeOptions& options, int attempt) {
  absl::Duration backoff = options.initial_backoff;
  for (int i = 1; i < attempt && backoff < options.max_backoff; ++i) backoff *= 2;
  return std::min(backoff, options.max_backoff);
}

absl::Duration JitteredBackoff(const SubscribeOptions& options, int attempt, absl::BitGen& random) {
  const absl::Duration nominal = NominalBackoff(options, attempt);
  const absl::Duration jittered =
      std::min(nominal * absl::Uniform(random, 1.0, kMaxJitter), options.max_backoff);
  return std::max(jittered, nominal);
}

void DeadLetter(const SubscribeOptions& options, std::string_view durable_name,
                const Message& message, const absl::Status& last_error) {
  if (options.dead_letter) {
    options.dead_letter(message, last_error);
    return;
  }
  const std::string line =
      absl::StrCat("guestguard: dead letter: durable=\"",
                   absl::CHexEscape(absl::string_view(durable_name.data(), durable_name.size())),
                   "\" subject=\"", absl::CHexEscape(message.subject), "\" id=\"",
                   absl::CHexEscape(message.id), "\" attempts=", message.attempt, " error=\"",
                   absl::CHexEscape(last_error.ToString()), "\"\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

absl::Status CallHandler(const Handler& handler, const Message& message) {
  try {
    return handler(message);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("handler threw: ", e.what()));
  } catch (...) {
    return absl::InternalError("handler threw a non-std exception");
  }
}

}  // namespace guestguard::internal
