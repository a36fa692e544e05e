// Copyright 2026 GuestGuard authors.
//
// GET /events/{id}/notifications (editor+) → 200 {notifications, next_before}:
// the event's notifications, newest first, each
//   {id, type, recipient, channel, status: "pending"|"sent"|"failed", attempts,
//    provider_id, last_error, next_attempt_at, created_at, updated_at}
// (never the message body: an invite's holds a secret link).
// ?limit= 1-100 (default 50); ?before= the next_before of the previous page
// (a notification id; malformed → 400). next_before is null on the last page.
#ifndef GUESTGUARD_SERVER_HANDLERS_NOTIFICATIONS_H_
#define GUESTGUARD_SERVER_HANDLERS_NOTIFICATIONS_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> ListNotifications(AppState& app, const Request& request,
                                           const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_NOTIFICATIONS_H_
