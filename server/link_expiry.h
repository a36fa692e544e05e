// Copyright 2026 GuestGuard authors.
//
// When guest links stop working: the day after their event starts (every
// event has a start time, events.starts_at). Guard's token_ttl
// (config.link_ttl) may end them sooner. Links already issued keep the
// expiry they were signed with: moving an event later needs new links
// (rotate or re-send) for guests whose link would end before it.
//
//   absl::StatusOr<absl::Time> not_after = LinkNotAfter(*app.db, event_id);
//   app.guard->IssueToken(event_key, guest_key, *not_after);
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_LINK_EXPIRY_H_
#define GUESTGUARD_SERVER_LINK_EXPIRY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/sql/sql.h"

namespace guestguard::server {

// How long after its start an event's guest links keep working.
inline constexpr absl::Duration kLinkGraceAfterEvent = absl::Hours(24);

// The event's starts_at + kLinkGraceAfterEvent. NotFound for no such event;
// FailedPrecondition (409) when that is already past (a link issued now would
// never work).
[[nodiscard]] absl::StatusOr<absl::Time> LinkNotAfter(sql::Database& db, int64_t event_id,
                                                      absl::Time now);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_LINK_EXPIRY_H_
