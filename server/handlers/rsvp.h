// Copyright 2026 GuestGuard authors.
//
// The guest side (public: no session; the personal token is the credential):
//   GET  /rsvp/{token}  → 200 {event: {id, name, starts_at, venue},
//                              guest: {id, name, plus_ones_allowed},
//                              rsvp: {response, plus_ones, updated_at} | null, decision}
//                         scored as kind "open" with signals from the User-Agent,
//                         Accept-Language and X-Device-Fingerprint headers
//   POST /rsvp/{token}  {response: "yes"|"no"|"maybe", plus_ones?, signals?}
//                       → 200 {rsvp, decision}; scored as kind "rsvp" (body
//                         signals override the headers field by field); the
//                         rsvp is upserted unless the access was refused
//   POST /checkin/{token}  {signals?} (an empty body is {}) → 200 {decision};
//                          scored as kind "checkin" through the same path as
//                          POST /rsvp (same 404 / 403 / 400 rules)
// A decision: {score, band, label, allowlisted, reasons: [{code, score, message}],
// access_log_id}. The client IP is the socket's.
// Every token failure (malformed, unknown key, bad signature, expired,
// revoked, a guest or event that no longer exists) is one uniform 404
// {"error":{"code":"not_found","message":"invitation not found"}}; the guard
// records the authentic ones (expired, revoked). An access in the block band
// is 403 refused (recorded by the guard). An invalid body, response or
// plus_ones (0 .. the guest's allowance; 0 with "no") is 400.
#ifndef GUESTGUARD_SERVER_HANDLERS_RSVP_H_
#define GUESTGUARD_SERVER_HANDLERS_RSVP_H_

#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

Response OpenInvitation(AppState& app, const Request& request, const Params& params);
Response SubmitRsvp(AppState& app, const Request& request, const Params& params);
Response CheckIn(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_RSVP_H_
