// Copyright 2026 GuestGuard authors.
//
// Event endpoints (Bearer session required: 401 otherwise; JSON in and out):
//   POST   /events      {name, starts_at, venue?, description?} → 201 event; the
//                       creator becomes owner in the same transaction
//   GET    /events      → 200 {events: [event...]}: every event the user has a
//                       role on, newest starts_at first
//   GET    /events/{id} (viewer+) → 200 event
//   PATCH  /events/{id} (editor+) any non-empty subset of the create fields → 200 event
//   DELETE /events/{id} (owner)   → 204
// An event: {id, name, starts_at, venue, description, your_role, created_at};
// times RFC 3339 UTC ("2026-12-31T19:00:00Z"), id a decimal string, venue and
// description "" when unset.
// Validation (400 invalid_argument naming the field, 400 invalid_json): name
// trimmed 1-200 characters; starts_at RFC 3339 with an offset or Z, years
// 1900-9999; venue at most 200 characters; description at most 2000 (venue and
// description may be null, meaning ""). Characters are UTF-8 code points.
// A non-member, a missing event and a non-numeric id are 404 not_found; a role
// below the one required is 403 permission_denied.
#ifndef GUESTGUARD_SERVER_HANDLERS_EVENTS_H_
#define GUESTGUARD_SERVER_HANDLERS_EVENTS_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> CreateEvent(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> ListEvents(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> GetEvent(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> PatchEvent(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> DeleteEvent(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_EVENTS_H_
