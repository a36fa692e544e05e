// Copyright 2026 GuestGuard authors.
//
// The door pass: on the event day the guest page shows a code that changes
// every 30 seconds (QR + 8 typed characters), computed in the browser from a
// pass secret that only a scored, allowed access of that device obtains.
//
//   GET /rsvp/{token} (JSON, rsvp.h) carries `pass: {secret, period: 30,
//        server_time}` when its scored open was allowed, the device sent a
//        fingerprint and it is the door window (from 24 h before the start
//        until 24 h after): no extra scored call per page load. One pass per
//        device (guest + fingerprint): opening again returns the same secret,
//        re-bound to this access (its token, signals and client IP).
//   POST /events/{id}/door/verify  {code} (door staff or editor+: the door view)
//        → 200 {admitted, reason?, message, guest?, rsvp?, already_checked_in?,
//               decision?, arrivals?: {admitted, places}}
//        arrivals: this guest's passes checked in so far, of 1 + plus-ones.
//        `code` is the 8-character code (dashes, spaces and case ignored; the
//        Crockford look-alikes O, I, L read as 0, 1, 1). The code of the
//        current 30-second step or of the previous one is accepted; older
//        codes are refused (reason code_not_valid), so a screenshot is
//        useless within 60 s. An accepted code records a scored "checkin"
//        access with the signals and client IP of the device that holds the
//        pass, under the token the pass was issued with: a link rotated since
//        is refused (link_not_valid), an access the guard refuses is refused
//        (refused), and check-ins beyond 1 + the guest's plus-ones distinct
//        devices are refused (checkin_limit). Door staff are hosts: the answer
//        carries the decision and a sentence saying why.
//
//   GET /events/{id}/door (door staff or viewer+) → 200 {event: {id, name,
//        starts_at, venue}, your_role, arrivals: {admitted, guests_arrived,
//        expected, guests}}: passes checked in, guests with at least one, the
//        heads of "yes" answers (1 + plus-ones each) and the guest count.
//   GET /events/{id}/door/guests?q= (door staff or viewer+) → 200 {guests:
//        [{id, name, plus_ones_allowed, admitted, rsvp}]}: at most 20 guests
//        whose name contains q (1-100 characters, case-insensitive for ASCII),
//        by name; no email or phone (door staff see names only).
//
//   code(step) = first 40 bits of HMAC-SHA256(secret, "ggpass1:" + step) in
//                Crockford base32; step = floor(unix seconds / 30)
//   (web/guest/doorpass.js computes the same in the browser.)
#ifndef GUESTGUARD_SERVER_HANDLERS_DOOR_PASS_H_
#define GUESTGUARD_SERVER_HANDLERS_DOOR_PASS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "guestguard/access.h"
#include "guestguard/guard.h"
#include "server/app.h"
#include "server/handlers/rsvp.h"
#include "server/router.h"

namespace guestguard::server {

inline constexpr int64_t kDoorPassPeriodSeconds = 30;

// The 8-character code of `step` under `secret`.
std::string DoorPassCode(std::string_view secret, int64_t step);

// `text` upper-cased without dashes and spaces, O read as 0 and I, L as 1;
// empty unless that leaves 8 Crockford base32 characters.
std::string NormalizeDoorPassCode(std::string_view text);

// The `pass` of GET /rsvp/{token} after an allowed open of `token` by the
// device with `signals` (the access `decision`): a pass object, or null
// outside the door window or without a fingerprint.
absl::StatusOr<boost::json::value> HandOutDoorPass(AppState& app, const Request& request,
                                                   std::string_view token, const Invitation& inv,
                                                   const Decision& decision,
                                                   const ClientSignals& signals);
absl::StatusOr<Response> VerifyDoorPass(AppState& app, const Request& request,
                                        const Params& params);
absl::StatusOr<Response> DoorOverview(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> SearchDoorGuests(AppState& app, const Request& request,
                                          const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_DOOR_PASS_H_
