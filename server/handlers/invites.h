// Copyright 2026 GuestGuard authors.
//
// The invitee's side of a collaborator invite, addressed by the token of the
// link "<public_url>/invites/<token>" (see invite_tokens.h):
//   GET  /invites/{token}         (public, rate limited per client IP) → 200
//        {event_name, inviter_name, email, role, expires_at}; the email is
//        masked (MaskEmail: "c•••@example.com"), so a leaked link does not say
//        which address to sign up with
//   POST /invites/{token}/accept  (Bearer session) → 200 {event_id, role}: the
//        membership is granted in the same transaction that consumes the
//        invite, by one conditional UPDATE, so of any number of concurrent
//        accepts exactly one succeeds
// Token outcomes (both routes): malformed or unknown → 404 not_found; used,
// cancelled, replaced by a newer invite to the same email, or expired → 410
// gone (the message says which). Accepting also needs: a session (401), the
// account's email equal to the invited one (403 permission_denied; the invite
// stays usable), and not already being a member (409 already_exists; the
// invite stays usable).
#ifndef GUESTGUARD_SERVER_HANDLERS_INVITES_H_
#define GUESTGUARD_SERVER_HANDLERS_INVITES_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> PreviewInvite(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> AcceptInvite(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_INVITES_H_
