// Copyright 2026 GuestGuard authors.
#include "server/alert_digest.h"

#include <algorithm>
#include <string>

#include "internal/status_macros.h"

namespace guestguard::server {

absl::StatusOr<AlertDigest> DecideFraudAlert(sql::Connection& c, int64_t event_id,
                                             int64_t guest_id, absl::Time now,
                                             absl::Duration window) {
  AlertDigest digest;
  if (window <= absl::ZeroDuration() || guest_id <= 0) return digest;
  GG_ASSIGN_OR_RETURN(sql::Rows last,
                      c.Query("SELECT MAX(created_at) FROM notifications"
                              " WHERE event_id = ? AND guest_id = ? AND type = 'fraud_alert'",
                              {sql::Int(event_id), sql::Int(guest_id)}));
  if (last.empty() || last.IsNull(0, 0)) return digest;  // The first alert.
  GG_ASSIGN_OR_RETURN(const absl::Time last_alert, last.Time(0, 0));
  if (now - last_alert < window) {
    digest.send = false;
    return digest;
  }
  // The library keys events and guests by their decimal ids.
  GG_ASSIGN_OR_RETURN(sql::Rows count,
                      c.Query("SELECT COUNT(*) FROM guard_access_log"
                              " WHERE event_id = ? AND guest_id = ? AND occurred_at > ?"
                              " AND band IN ('high', 'block')",
                              {sql::Text(std::to_string(event_id)),
                               sql::Text(std::to_string(guest_id)), last_alert}));
  GG_ASSIGN_OR_RETURN(const int64_t since, count.Int(0, 0));
  digest.more_since_last = std::max<int64_t>(since - 1, 0);  // Less this one.
  return digest;
}

}  // namespace guestguard::server
