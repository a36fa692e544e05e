// Copyright 2026 GuestGuard authors.
//
// An event's team (Bearer session required: 401 otherwise; JSON in and out):
//   GET    /events/{id}/collaborators  (viewer+) → 200 {collaborators: [{user_id,
//          email, name, role}], pending: [{email, role, expires_at}]}; members
//          owners first, then editors, then viewers, each by email; pending
//          invites (unexpired, not yet accepted) oldest first
//   POST   /events/{id}/collaborators  (owner) {email, role} → 201 {email, role,
//          expires_at}: creates an invite valid kInviteLifetime (7 days) and
//          sends its link "<public_url>/invites/<token>" to `email` through
//          app.notifier; the token is never in the response. A pending invite
//          to the same email is replaced (its token then answers 410). An
//          email that already belongs to a member is 409 already_exists; a
//          team (members + pending invites) of kMaxTeamSize is 409
//          failed_precondition.
//   PATCH  /events/{id}/collaborators/{user_id}  (owner) {role} → 200 {user_id,
//          email, name, role}
//   DELETE /events/{id}/collaborators/{user_id}  (owner) → 204
//   DELETE /events/{id}/collaborators/pending?email=...  (owner) → 204; cancels
//          the pending invite (its token then answers 410); 404 when none
// The last owner can be neither demoted nor removed: 400 invalid_argument.
// Every change runs in one transaction that first locks the event row
// (PostgreSQL SELECT ... FOR UPDATE; SQLite has a single writer) and re-checks
// that the caller is still an owner, so concurrent changes are serialised per
// event and two concurrent demotions cannot leave the event without an owner.
// Roles are "owner" | "editor" | "viewer"; emails are normalised (trimmed,
// lower-cased) and validated like sign-up emails. A non-member, a missing
// event, a non-numeric id, and a user id that is no member are 404 not_found;
// a role below owner is 403 permission_denied.
#ifndef GUESTGUARD_SERVER_HANDLERS_COLLABORATORS_H_
#define GUESTGUARD_SERVER_HANDLERS_COLLABORATORS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

// Members plus unexpired pending invites an event may have; inviting beyond is 409.
inline constexpr int64_t kMaxTeamSize = 100;

absl::StatusOr<Response> ListCollaborators(AppState& app, const Request& request,
                                           const Params& params);
absl::StatusOr<Response> InviteCollaborator(AppState& app, const Request& request,
                                            const Params& params);
absl::StatusOr<Response> PatchCollaborator(AppState& app, const Request& request,
                                           const Params& params);
absl::StatusOr<Response> RemoveCollaborator(AppState& app, const Request& request,
                                            const Params& params);
absl::StatusOr<Response> CancelInvite(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_COLLABORATORS_H_
