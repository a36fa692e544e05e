// Copyright 2026 GuestGuard authors.
//
// Sending guests their personal links by email, through the notification
// worker (server/notification_worker.h):
//
//   POST /events/{id}/invitations  {guest_ids?: [id], kind?: "invitation"|"reminder"}
//        (editor+) → 202 {queued: [guest_id], skipped: [{guest_id, reason}]}
//        Without guest_ids: every guest of the event. "invitation" (the
//        default; again = resend) goes to each selected guest with an email;
//        "reminder" only to those who have not answered. skipped reasons:
//        no_email, answered (reminders), not_found (not a guest of the event).
//        Each queued guest gets a link of their current generation (earlier
//        links keep working; rotating is the way to revoke them all). The link
//        is sealed (server/secret_seal.h) in the outbox row and on the bus,
//        and sealed in the notification row until it is sent; it is never in
//        a response, a log line or the database in clear.
//   GET /events/{id}/invitations (viewer+) → 200 {invitations: [{guest_id,
//        type: "guest_invitation"|"guest_reminder", status, attempts,
//        created_at, updated_at}]}: each guest's latest one, for the guests table.
#ifndef GUESTGUARD_SERVER_HANDLERS_INVITATIONS_H_
#define GUESTGUARD_SERVER_HANDLERS_INVITATIONS_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> SendInvitations(AppState& app, const Request& request,
                                         const Params& params);
absl::StatusOr<Response> ListInvitations(AppState& app, const Request& request,
                                         const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_INVITATIONS_H_
