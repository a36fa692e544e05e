// Copyright 2026 GuestGuard authors.
#include "server/alert_digest.h"

#include <string>

#include "guestguard/status_macros.h"

namespace guestguard::server {

absl::StatusOr<AlertDigest> DecideFraudAlert(sql::Connection& c, int64_t event_id, int64_t guest_id,
                                             int64_t access_id, absl::Time now,
                                             absl::Duration window) {
  AlertDigest digest;
  if (window <= absl::ZeroDuration() || guest_id <= 0) return digest;
  GG_ASSIGN_OR_RETURN(sql::Rows last,
                      c.Query("SELECT created_at, access_log_id FROM notifications"
                              " WHERE event_id = ? AND guest_id = ? AND type = 'fraud_alert'"
                              " ORDER BY id DESC LIMIT 1",
                              {sql::Int(event_id), sql::Int(guest_id)}));
  if (last.empty()) return digest;  // The first alert.
  GG_ASSIGN_OR_RETURN(const absl::Time last_alert, last.Time(0, 0));
  if (now - last_alert < window) {
    digest.send = false;
    return digest;
  }
  if (last.IsNull(0, 1)) return digest;  // Written before the digest kept access ids.
  GG_ASSIGN_OR_RETURN(const int64_t last_access, last.Int(0, 1));
  // The library keys events and guests by their decimal ids.
  GG_ASSIGN_OR_RETURN(
      sql::Rows count,
      c.Query("SELECT COUNT(*) FROM guard_access_log"
              " WHERE event_id = ? AND guest_id = ? AND id > ? AND id < ?"
              " AND band IN ('high', 'block')",
              {sql::Text(std::to_string(event_id)), sql::Text(std::to_string(guest_id)),
               sql::Int(last_access), sql::Int(access_id)}));
  GG_ASSIGN_OR_RETURN(digest.more_since_last, count.Int(0, 0));
  return digest;
}

}  // namespace guestguard::server
