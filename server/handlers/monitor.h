// Copyright 2026 GuestGuard authors.
//
// The live monitor (DESIGN §3 Activity & live monitor):
//   POST /events/{id}/ws-ticket (viewer+) → 201 {ticket, expires_at}: a
//     single-use ticket for this user and event (ws_tickets.h), kept in the
//     database so that any node opens the monitor with it; 429 beyond the
//     account's rate, 503 (Retry-After: 1) when too many are outstanding,
//     503/500 (ErrorResponse) when the database fails.
//   GET /events/{id}/monitor?ticket=... with a WebSocket upgrade → 101, then
//     every new RSVP and scored access of the event as one activity item per
//     text message (the shape of GET /events/{id}/activity items). Checked
//     before the upgrade, in this order: an Origin header not in
//     config.allowed_origins → 403 (no Origin, i.e. not a browser, is fine);
//     not a WebSocket upgrade → 426; a missing, unknown, reused, expired or
//     other event's ticket → 401 (503/500 when the database fails);
//     the ticket's user no longer viewer+ → 404/403.
//     Incoming messages are read and ignored (at most 64 KiB each, 1009 above).
#ifndef GUESTGUARD_SERVER_HANDLERS_MONITOR_H_
#define GUESTGUARD_SERVER_HANDLERS_MONITOR_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> IssueWsTicket(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> OpenMonitor(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_MONITOR_H_
