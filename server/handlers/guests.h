// Copyright 2026 GuestGuard authors.
//
// Guest endpoints under an event (Bearer session required: 401 otherwise;
// viewer+ to read, editor+ to write; JSON in and out):
//   POST   /events/{id}/guests  {name, email?, phone?, plus_ones_allowed?} → 201 guest
//   GET    /events/{id}/guests  → 200 {guests, total, next_cursor?}: paged and
//          filtered, oldest first (server/handlers/guest_lists.h)
//   GET    /events/{id}/guests/{guest_id}  → 200 guest
//   PATCH  /events/{id}/guests/{guest_id}  any non-empty subset of the create fields → 200 guest
//   DELETE /events/{id}/guests/{guest_id}  → 204
//   POST   /events/{id}/guests/{guest_id}/token         → 201 {token, link}
//   POST   /events/{id}/guests/{guest_id}/token/rotate  → 201 {token, link}; every
//          earlier token of the guest stops working
//   POST   /events/{id}/tokens/bulk  → 200 {issued: [{guest_id, token, link}]}, one
//          per guest of the event never given a link (guests.token_issued_at
//          NULL, also set by the two token endpoints above), by guest id
//   GET    /events/{id}/rsvps  → 200 {rsvps, counts, next_cursor?}: paged, newest
//          first (server/handlers/guest_lists.h)
// A guest: {id, event_id, name, email, phone, plus_ones_allowed, created_at,
// link_issued_at}; ids decimal strings, email and phone "" when unset, times
// RFC 3339 UTC; link_issued_at is when the guest was last given a link (issue,
// rotate, bulk, or an emailed invitation that made the first one), null while
// the guest has none (the server never stores the link itself).
// Validation (400 invalid_argument naming the field, 400 invalid_json): name
// trimmed 1-200 characters; email (may be null or "") a valid address,
// stored normalised; phone (may be null) at most 40 characters;
// plus_ones_allowed an integer 0-20 (default 0).
// A guest of another event, a non-numeric guest id and a missing guest are
// 404 not_found. Links are "<config.public_url>/rsvp/<token>"; tokens bind
// the event id and the guest id as decimal strings.
#ifndef GUESTGUARD_SERVER_HANDLERS_GUESTS_H_
#define GUESTGUARD_SERVER_HANDLERS_GUESTS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "guestguard/sql/sql.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

// The guest fields of a create or patch body, validated (the rules above);
// unset when absent from the body.
struct GuestInput {
  std::optional<std::string> name;
  std::optional<std::string> email;  // Normalised; "" when null or "".
  std::optional<std::string> phone;  // Trimmed; "" when null.
  std::optional<int64_t> plus_ones_allowed;
};

// Validates the fields present in `body` (name required when
// `require_create`). InvalidArgument naming the first bad field.
absl::StatusOr<GuestInput> ValidateGuestInput(const boost::json::object& body, bool require_create);

// Inserts a validated guest (name required) of the event; the new guest id.
absl::StatusOr<int64_t> InsertGuest(sql::Connection& c, int64_t event_id, const GuestInput& in,
                                    absl::Time created_at);

// What GuestJson reads, in order: "SELECT " + kGuestColumns + " FROM guests g ...".
inline constexpr char kGuestColumns[] =
    "g.id, g.event_id, g.name, g.email, g.phone, g.plus_ones_allowed, g.created_at,"
    " g.token_issued_at";

// The guest (the shape above) of row `i` of a kGuestColumns query.
absl::StatusOr<boost::json::object> GuestJson(const sql::Rows& rows, size_t i);

// `status`, except that AlreadyExists (the unique index on a guest's non-empty
// email within its event) says so in words a host understands.
absl::Status DuplicateEmailAware(absl::Status status);

absl::StatusOr<Response> CreateGuest(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> GetGuest(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> PatchGuest(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> DeleteGuest(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> IssueGuestToken(AppState& app, const Request& request,
                                         const Params& params);
absl::StatusOr<Response> RotateGuestToken(AppState& app, const Request& request,
                                          const Params& params);
absl::StatusOr<Response> BulkIssueTokens(AppState& app, const Request& request,
                                         const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_GUESTS_H_
