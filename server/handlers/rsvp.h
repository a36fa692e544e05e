// Copyright 2026 GuestGuard authors.
//
// The guest side (public: no session; the personal token is the credential):
//   GET  /rsvp/{token}  (Accept: application/json; any other GET gets the
//                         guest page, see routes.cc and web_assets.h)
//                       → 200 {event: {id, name, starts_at, venue, description, host},
//                              guest: {id, name, plus_ones_allowed},
//                              rsvp: {response, plus_ones, updated_at} | null,
//                              pass?: the device's door pass on the event day
//                                     (door_pass.h)}
//                         scored as kind "open" with signals from the User-Agent,
//                         Accept-Language and X-Device-* headers (SignalsFromHeaders)
//   POST /rsvp/{token}  {response: "yes"|"no"|"maybe", plus_ones?, signals?}
//                       → 200 {rsvp}; scored as kind "rsvp" (body signals
//                         override the headers field by field); the rsvp is
//                         upserted unless the access was refused
//   POST /checkin/{token}  {signals?} (an empty body is {}) → 200
//                          {checked_in: true}; scored as kind "checkin" through
//                          the same path as POST /rsvp (same 404 / 403 / 400
//                          rules)
// No oracle: a guest's answer never carries the score, band, reasons or access
// id of the decision (hosts see them in activity and the monitor); it is ok or
// refused. The client IP is the socket's.
// Every token failure (malformed, unknown key, bad signature, expired,
// revoked, a guest or event that no longer exists) is one uniform 404
// {"error":{"code":"not_found","message":"invitation not found"}}; the guard
// records the authentic ones (expired, revoked). An access in the block band
// is 403 refused (recorded by the guard). An invalid body, response or
// plus_ones (0 .. the guest's allowance; 0 with "no") is 400.
#ifndef GUESTGUARD_SERVER_HANDLERS_RSVP_H_
#define GUESTGUARD_SERVER_HANDLERS_RSVP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "guestguard/access.h"
#include "guestguard/guard.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

// Shared by the guest endpoints here and the door pass (door_pass.h).

// The uniform answer to every invalid link: 404 not_found.
Response GuestNotFound();
// The calm answer to a refused access: 403 refused, no detail.
Response GuestRefused();

// What a guest token names, loaded from the server's tables.
struct Invitation {
  int64_t event_id = 0;
  int64_t guest_id = 0;
  std::string event_name;
  absl::Time starts_at;
  std::string venue;
  std::string description;
  std::string host_name;  // The name of the event's creator.
  std::string guest_name;
  int64_t plus_ones_allowed = 0;
  // The current rsvp, if any.
  std::optional<std::string> response;
  int64_t plus_ones = 0;
  absl::Time updated_at;
};

// The invitation an authentic token names, and the guard's state for checking
// it, read in one round trip (LoadCheckStateWith). `invitation` is nullopt
// when the token is not authentic or its guest or event no longer exists
// (then `state` is not read). Generation and expiry are left to Guard::Check,
// which records those uses.
struct LoadedInvitation {
  std::optional<Invitation> invitation;
  CheckState state;
};
absl::StatusOr<LoadedInvitation> LoadInvitation(AppState& app, const VerifiedToken& token);

// The signals of a GET: User-Agent, Accept-Language, X-Device-Fingerprint,
// and the optional components X-Device-Language (wins over Accept-Language),
// X-Device-Timezone, X-Device-Screen, X-Device-Platform (each cut to 512
// bytes).
ClientSignals SignalsFromHeaders(const Request& request);
// Overrides `signals` with the fields of the body's "signals" object;
// InvalidArgument when it is not an object of strings of at most 512 bytes.
absl::Status ApplyBodySignals(const boost::json::object& body, ClientSignals* signals);

// {response, plus_ones, updated_at}, or null without an rsvp.
boost::json::value RsvpJson(const Invitation& inv);

// The outcome of one scored guest access.
enum class GuestCheck {
  kAllowed,
  kInvalidLink,  // Unknown, forged, expired or revoked; or its guest/event is gone.
  kRefused,      // Scored and refused (block band, or beyond the check-in limit).
};

// Loads the invitation of `token` and runs the guard on one access of `kind`
// from `client_ip` with `signals` (max_checkins = 1 + the guest's plus-ones:
// a check-in from more distinct devices is refused with reason
// checkin_limit). Fills `inv` (unless kInvalidLink) and
// `decision` (when the guard ran). An error status when the check could not
// be made (Unavailable: the caller must refuse).
absl::StatusOr<GuestCheck> CheckGuestAccess(AppState& app, std::string_view token, AccessKind kind,
                                            std::string_view client_ip, ClientSignals signals,
                                            Invitation* inv, Decision* decision);

// CheckGuestAccess as a guest endpoint answers it. Returns the response to
// send when the request ends here (404 for any invalid link, 403 refused) or
// the error that ends it (ToResponse maps it); otherwise nullopt, with `inv`
// and `decision` filled.
absl::StatusOr<std::optional<Response>> Guarded(AppState& app, const Request& request,
                                                std::string_view token, AccessKind kind,
                                                std::string_view client_ip, ClientSignals signals,
                                                Invitation* inv, Decision* decision);

// The shared path of the POST guest endpoints (token in params "token"):
// parses the body (an empty body is {} when `empty_ok`), lets its signals
// override the headers, runs Guarded and only then judges the body, so that a
// bad token is 404 whatever the body. Returns the response or error that ends
// the request, as Guarded; otherwise nullopt, with `inv`, `decision`, `body`
// and (when not null) `used_signals` filled.
absl::StatusOr<std::optional<Response>> GuardedPost(AppState& app, const Request& request,
                                                    const Params& params, AccessKind kind,
                                                    bool empty_ok, Invitation* inv,
                                                    Decision* decision, boost::json::object* body,
                                                    ClientSignals* used_signals);

absl::StatusOr<Response> OpenInvitation(AppState& app, const Request& request,
                                        const Params& params);
absl::StatusOr<Response> SubmitRsvp(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> CheckIn(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_RSVP_H_
