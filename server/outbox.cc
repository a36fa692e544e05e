// Copyright 2026 GuestGuard authors.
#include "server/outbox.h"

#include "guestguard/outbox_relay.h"
#include "server/wire.h"

namespace guestguard::server {

absl::StatusOr<int64_t> EnqueueEvent(sql::Connection& c, std::string_view prefix,
                                     std::string_view subject, std::string_view payload) {
  if (subject.empty()) return absl::InvalidArgumentError("outbox: empty subject");
  if (payload.size() > kMaxOutboxPayload) {
    return absl::InvalidArgumentError("outbox: payload larger than 256 KiB");
  }
  std::string full(prefix);
  full += '.';
  full += subject;
  return EnqueueOutbox(c, full, payload, NowMicros(*SystemClock()));
}

}  // namespace guestguard::server
