// Copyright 2026 GuestGuard authors.
//
// The paged guest and RSVP lists of an event (Bearer session, viewer+; 401,
// 404 for non-members, 403 for door staff as every other guest route).
//
// GET /events/{id}/guests → 200 {guests: [item...], total, next_cursor?}
//   item: a guest (guests.h) plus
//     rsvp: null | {response, plus_ones, updated_at}
//     latest_band: null | "low" | "medium" | "high" | "block" — the band of the
//       guest's latest scored access as a host reads it now (its effective
//       re-label when one applies, guestguard/rebanding.h); null before any access
//     checked_in: whether any check-in of the guest was let in (not blocked)
//   total: every guest of the event, whatever the filters.
//   Filters (all optional, combined with AND; a bad value is 400 naming it):
//     q        text in the name or email (ASCII case-insensitive), 1-100 characters
//     rsvp     yes | no | maybe | none (no reply)
//     band     low | medium | high | block (latest_band)
//     checked  yes | no
//   Oldest first (by guest id). ?limit= 1-500 (default 100); ?cursor= the
//   previous page's next_cursor (opaque; malformed → 400 "invalid cursor").
//   next_cursor is absent on the last page. With ?band= or ?checked= the server reads at
//   most 5000 guests per request, so a page may hold fewer than `limit` items
//   (even none) and still carry a next_cursor: follow it until it is absent.
//
// GET /events/{id}/rsvps → 200 {rsvps: [{guest_id, guest_name, response,
//   plus_ones, updated_at}], counts, next_cursor?}
//   ?response=yes|no|maybe filters the list (any other value → 400); counts
//   always cover the whole event: {yes, no, maybe, none, heads, maybe_heads}
//   (heads: 1 + plus-ones of every yes; none: guests with no reply).
//   Newest first by (updated_at, guest_id). ?limit= 1-500 (default 100);
//   ?cursor= as above. A reply changed while a host pages moves to the front
//   and is not shown again on later pages.
//
// Keyset paging: a page starts strictly after the cursor's position, so rows
// added or deleted meanwhile never shift or repeat the rows already walked.
#ifndef GUESTGUARD_SERVER_HANDLERS_GUEST_LISTS_H_
#define GUESTGUARD_SERVER_HANDLERS_GUEST_LISTS_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> ListGuests(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> ListRsvps(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_GUEST_LISTS_H_
