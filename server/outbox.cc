// Copyright 2026 GuestGuard authors.
#include "server/outbox.h"

#include "guestguard/outbox_relay.h"
#include "guestguard/status_macros.h"
#include "server/wire.h"

namespace guestguard::server {

namespace {

// "<prefix>.<subject>"; InvalidArgument for an empty subject or an oversized payload.
absl::StatusOr<std::string> FullSubject(std::string_view prefix, std::string_view subject,
                                        std::string_view payload) {
  if (subject.empty()) return absl::InvalidArgumentError("outbox: empty subject");
  if (payload.size() > kMaxOutboxPayload) {
    return absl::InvalidArgumentError("outbox: payload larger than 256 KiB");
  }
  std::string full(prefix);
  full += '.';
  full += subject;
  return full;
}

}  // namespace

absl::StatusOr<int64_t> EnqueueEvent(sql::Connection& c, std::string_view prefix,
                                     std::string_view subject, std::string_view payload) {
  GG_ASSIGN_OR_RETURN(const std::string full, FullSubject(prefix, subject, payload));
  return EnqueueOutbox(c, full, payload, NowMicros(*SystemClock()));
}

absl::StatusOr<int64_t> ExecWithEvent(sql::Connection& c, std::string_view write,
                                      const std::vector<sql::Value>& params,
                                      std::string_view prefix, std::string_view subject,
                                      std::string_view payload) {
  GG_ASSIGN_OR_RETURN(const std::string full, FullSubject(prefix, subject, payload));
  return ExecWithOutbox(c, write, params, full, payload, NowMicros(*SystemClock()));
}

}  // namespace guestguard::server
