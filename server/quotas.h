// Copyright 2026 GuestGuard authors.
//
// Per-account and per-event quotas (Config: max_events_per_account,
// max_guests_per_event, max_imports_per_hour). Each check runs inside the
// caller's Transact, before its writes, and locks the row it counts under
// (PostgreSQL SELECT ... FOR UPDATE; SQLite has a single writer), so two
// requests at once can never both take the last place.
//
//   int64_t retry_after = 0;
//   absl::Status s = db.Transact([&](sql::Connection& c) -> absl::Status {
//     GG_RETURN_IF_ERROR(CheckGuestQuota(c, event_id, rows, config.max_guests_per_event));
//     ...
//   });
//   if (IsQuotaRefusal(s)) return QuotaResponse(s, retry_after);
//
// A refusal is ResourceExhausted with a message a host can read, naming the
// limit; QuotaResponse turns it into 409 quota_exceeded (count quotas) or 429
// rate_limited with Retry-After (the hourly import rate).
// Thread-compatible: uses only the caller's connection.
#ifndef GUESTGUARD_SERVER_QUOTAS_H_
#define GUESTGUARD_SERVER_QUOTAS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "guestguard/sql/sql.h"
#include "server/router.h"

namespace guestguard::server {

// ResourceExhausted when the account already created `limit` events (that
// still exist): "you have reached the limit of N events per account; delete
// one to create another".
absl::Status CheckEventQuota(sql::Connection& c, int64_t user_id, int64_t limit);

// ResourceExhausted when the event's guests plus `adding` would exceed
// `limit` ("... limit of N guests per event ...", with how many it has).
absl::Status CheckGuestQuota(sql::Connection& c, int64_t event_id, int64_t adding, int64_t limit);

// Records one CSV import of the event at `now` (adding `guests_added`), or
// ResourceExhausted when `limit` imports were committed in the hour before
// `now`; then *retry_after_seconds is when the oldest of them leaves the hour
// (at least 1). Forgets the event's imports older than an hour.
absl::Status ClaimImportSlot(sql::Connection& c, int64_t event_id, int64_t guests_added,
                             absl::Time now, int64_t limit, int64_t* retry_after_seconds);

// True for the refusals above.
inline bool IsQuotaRefusal(const absl::Status& s) { return absl::IsResourceExhausted(s); }

// 409 quota_exceeded, or 429 rate_limited with Retry-After when
// `retry_after_seconds` > 0; the status message as the error message.
Response QuotaResponse(const absl::Status& refusal, int64_t retry_after_seconds);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_QUOTAS_H_
