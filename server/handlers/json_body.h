// Copyright 2026 GuestGuard authors.
//
// Request-body helpers shared by the resource handlers.
#ifndef GUESTGUARD_SERVER_HANDLERS_JSON_BODY_H_
#define GUESTGUARD_SERVER_HANDLERS_JSON_BODY_H_

#include <boost/json.hpp>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/router.h"

namespace guestguard::server {

// The body as a JSON object. Otherwise an error status, with `*error` set to
// the 400 to send: invalid_json (unparsable, which includes invalid UTF-8) or
// invalid_argument (not an object, a NUL character in any string or key, or
// a number too large for a double, such as 1e999).
absl::StatusOr<boost::json::object> ParseObject(const Request& request, Response* error);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_JSON_BODY_H_
