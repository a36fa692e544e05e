// Copyright 2026 GuestGuard authors.
#include "server/link_expiry.h"

#include "guestguard/status_macros.h"

namespace guestguard::server {

absl::StatusOr<absl::Time> LinkNotAfter(sql::Database& db, int64_t event_id, absl::Time now) {
  sql::Rows rows;
  GG_RETURN_IF_ERROR(db.Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows,
                        c.Query("SELECT starts_at FROM events WHERE id = ?", {sql::Int(event_id)}));
    return absl::OkStatus();
  }));
  if (rows.empty()) return absl::NotFoundError("event not found");
  GG_ASSIGN_OR_RETURN(const absl::Time starts_at, rows.Time(0, 0));
  const absl::Time not_after = starts_at + kLinkGraceAfterEvent;
  if (not_after <= now) {
    return absl::FailedPreconditionError(
        "the event is over: guest links expire the day after it starts, so none can be issued");
  }
  return not_after;
}

}  // namespace guestguard::server
