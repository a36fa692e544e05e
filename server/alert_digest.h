// Copyright 2026 GuestGuard authors.
//
// Whether a fraud alert about one guest is emailed now: at most one alert
// email per guest per `window` (owners and editors of an event whose link is
// being hammered get one email, not one per access). The next alert after
// the window says how many suspicious accesses (band high or block) came
// between the access the last email was about and this one. The decision
// reads what is stored — the last fraud_alert notification about the guest
// (with its notifications.access_log_id) and the access log — so it holds
// across restarts and processes, and needs no table of its own.
//
//   GG_ASSIGN_OR_RETURN(AlertDigest d,
//                       DecideFraudAlert(db, store, event_id, guest_id, access_id, now,
//                                        window));
//   if (!d.send) → record nothing; else mention d.more_since_last when > 0
//
// Thread-safe (state is in the database).
#ifndef GUESTGUARD_SERVER_ALERT_DIGEST_H_
#define GUESTGUARD_SERVER_ALERT_DIGEST_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/sql/sql.h"
#include "guestguard/store.h"

namespace guestguard::server {

struct AlertDigest {
  bool send = true;
  // Suspicious accesses to the guest's link after the one the last alert
  // email was about and before this one (those the window held back).
  int64_t more_since_last = 0;
};

// For the high/block access `access_id` of `guest_id` in `event_id` (already
// in the access log) decided at `now`: send unless a fraud_alert about the
// guest was recorded less than `window` ago. A zero window, or guest_id 0
// (unknown), always sends.
// Reads the notification on `db` and counts through `store` (one query each).
[[nodiscard]] absl::StatusOr<AlertDigest> DecideFraudAlert(sql::Database& db, Store& store,
                                                           int64_t event_id, int64_t guest_id,
                                                           int64_t access_id, absl::Time now,
                                                           absl::Duration window);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_ALERT_DIGEST_H_
