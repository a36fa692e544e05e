// Copyright 2026 GuestGuard authors.
//
// Roles on an event (owner > editor > viewer, and door staff below them all)
// and the one check every
// event-scoped handler starts with:
//
//   EventScope scope;
//   if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;  //
//   401/404/403
//
// (EnterEvent is Authenticate, then RequireRole on params "id".)
//
// Existence is not leaked: a missing event, a non-numeric id and an event the
// user has no role on all give the same NotFound("event not found").
//
// Thread-safe: every function may be called concurrently.
#ifndef GUESTGUARD_SERVER_ROLES_H_
#define GUESTGUARD_SERVER_ROLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/auth.h"
#include "server/router.h"

namespace guestguard::server {

// Ordered: a larger role may do everything a smaller one may. Door staff
// (kDoor) sit below viewers: every minimum from kViewer up refuses them (403);
// the door view's routes admit them with EnterDoor.
enum class Role { kDoor = -1, kViewer = 0, kEditor = 1, kOwner = 2 };

// "door", "viewer", "editor", "owner" (the wire and database names).
std::string_view RoleName(Role role);
// The role named `name` exactly; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);

// The event id of a path segment: decimal digits only (no sign, no spaces),
// positive, at most 18 digits (so always within int64); nullopt otherwise.
std::optional<int64_t> ParseEventId(std::string_view event_id);

// The user's role on the event. NotFound("event not found") when the id is
// malformed, the event does not exist or the user has no role on it;
// PermissionDenied when the role is below `minimum`; Unavailable/Internal when
// the database fails.
[[nodiscard]] absl::StatusOr<Role> RequireRole(AppState& app, const User& user,
                                               std::string_view event_id, Role minimum);

// The signed-in user and the event of the path, once RequireRole passed.
struct EventScope {
  User user;
  int64_t user_id = 0;
  int64_t event_id = 0;
  std::string event_key;  // event_id in canonical decimal, as the guard's store keys events.
};

// What every event-scoped handler starts with: Authenticate, then RequireRole
// on params "id". The error response to send (401, 404, 403, 5xx), or nullopt
// with `scope` filled.
std::optional<Response> EnterEvent(AppState& app, const Request& request, const Params& params,
                                   Role minimum, EventScope* scope);

// The door view's check: like EnterEvent, but door staff pass too; any other
// role must be at least `others_minimum` (kViewer for the door view's reads,
// kEditor for check-ins). Non-members still get 404.
std::optional<Response> EnterDoor(AppState& app, const Request& request, const Params& params,
                                  Role others_minimum, EventScope* scope);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_ROLES_H_
