// Copyright 2026 GuestGuard authors.
//
// GET /events/{id}/activity (viewer+) → 200 {items, next_cursor}: the event's
// RSVPs and scored guest accesses (blocked ones included), newest first.
//   rsvp item:   {type: "rsvp", at, guest_id, guest_name, response, plus_ones,
//                 decision: null}
//   access item: {type: "access", at, guest_id, guest_name (null once the guest
//                 is deleted), kind, client_ip, signals: {fingerprint,
//                 user_agent, language, timezone, screen, platform} (what the
//                 client sent; "" when not sent), decision: {score, band, label,
//                 allowlisted, reasons: [{code, score, message}], access_log_id},
//                 effective: null | {band: "low", label: "Verified",
//                 because: "allowlisted" | "marked_legitimate"}}
// `decision` is what was recorded when the access was scored and never
// changes; `effective` re-labels it from what hosts did since, computed at
// read time: a `legitimate` verdict on it, or an allowlist entry that now
// covers its client_ip (guestguard/rebanding.h has the exact rule).
// ?limit= 1-100 (default 50); ?cursor= the next_cursor of the previous page
// (opaque; malformed → 400). next_cursor is null on the last page.
// ?guest_id= only that guest's items (a guest's timeline; malformed → 400).
// Items are ordered by (at, type, id) descending: keyset pagination, so new
// activity never shifts or duplicates the pages already walked.
#ifndef GUESTGUARD_SERVER_HANDLERS_ACTIVITY_H_
#define GUESTGUARD_SERVER_HANDLERS_ACTIVITY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "guestguard/rebanding.h"
#include "guestguard/store.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

// A position in the activity order: the last item of a page.
struct ActivityCursor {
  int64_t at_micros = 0;
  int type_rank = 0;  // 0 rsvp, 1 access (an access sorts after an rsvp at equal times).
  int64_t id = 0;     // rsvp: the guest id; access: the access log id.

  friend bool operator==(const ActivityCursor&, const ActivityCursor&) = default;
};

// base64url (unpadded) of "<at_micros>:<rsvp|access>:<id>".
std::string EncodeActivityCursor(const ActivityCursor& cursor);
// nullopt when `text` is not a cursor EncodeActivityCursor could have made.
std::optional<ActivityCursor> DecodeActivityCursor(std::string_view text);

// Errors are returned, not answered: the router maps them (ToResponse,
// server/http_errors.h).
absl::StatusOr<Response> ListActivity(AppState& app, const Request& request, const Params& params);

// The activity items above, shared with the live monitor (monitor_hub.h).
// `guest_name` is a string, or null once the guest is deleted.
boost::json::object RsvpActivityItem(absl::Time at, int64_t guest_id, std::string_view guest_name,
                                     std::string_view response, int64_t plus_ones);
// `effective` is the re-label of rebanding.h (null when none applies).
boost::json::object AccessActivityItem(const AccessRecord& r, const boost::json::value& guest_name,
                                       const std::optional<EffectiveLabel>& effective);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_ACTIVITY_H_
