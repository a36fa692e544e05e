// Copyright 2026 GuestGuard authors.
#include "server/alert_digest.h"

#include <optional>
#include <string>

#include "guestguard/status_macros.h"

namespace guestguard::server {

absl::StatusOr<AlertDigest> DecideFraudAlert(sql::Database& db, Store& store, int64_t event_id,
                                             int64_t guest_id, int64_t access_id, absl::Time now,
                                             absl::Duration window) {
  AlertDigest digest;
  if (window <= absl::ZeroDuration() || guest_id <= 0) return digest;
  std::optional<absl::Time> last_alert;
  std::optional<int64_t> last_access;
  GG_RETURN_IF_ERROR(db.Autocommit([&](sql::Connection& c) -> absl::Status {
    last_alert.reset();
    last_access.reset();
    GG_ASSIGN_OR_RETURN(sql::Rows last,
                        c.Query("SELECT created_at, access_log_id FROM notifications"
                                " WHERE event_id = ? AND guest_id = ? AND type = 'fraud_alert'"
                                " ORDER BY id DESC LIMIT 1",
                                {sql::Int(event_id), sql::Int(guest_id)}));
    if (last.empty()) return absl::OkStatus();  // The first alert.
    GG_ASSIGN_OR_RETURN(last_alert, last.Time(0, 0));
    if (last.IsNull(0, 1)) return absl::OkStatus();  // Written before the digest kept access ids.
    GG_ASSIGN_OR_RETURN(last_access, last.Int(0, 1));
    return absl::OkStatus();
  }));
  if (!last_alert) return digest;
  if (now - *last_alert < window) {
    digest.send = false;
    return digest;
  }
  if (!last_access || access_id <= 0) return digest;
  // The library keys events, guests and accesses by their decimal ids.
  GG_ASSIGN_OR_RETURN(digest.more_since_last,
                      store.CountAccessesBetween(std::to_string(event_id), std::to_string(guest_id),
                                                 std::to_string(*last_access),
                                                 std::to_string(access_id), Band::kHigh));
  return digest;
}

}  // namespace guestguard::server
