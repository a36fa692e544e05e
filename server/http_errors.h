// Copyright 2026 GuestGuard authors.
//
// The one place absl status codes become HTTP statuses and error codes:
//   InvalidArgument 400 invalid_argument    Unauthenticated    401 unauthenticated
//   PermissionDenied 403 permission_denied  NotFound           404 not_found
//   AlreadyExists   409 already_exists      FailedPrecondition 409 failed_precondition
//   ResourceExhausted 429 rate_limited (with Retry-After from RateLimitedError)
//   Unavailable     503 unavailable         anything else      500 internal
// 500 and 503 answers carry a generic message (the status text is logged, not
// sent); the others carry the status message, which must be safe to show —
// except a database-layer message ("sqlite: ...", "postgres: ...", anything
// quoting a SQLSTATE), which is logged and replaced by a generic text.
//
//   if (!user.ok()) return ErrorResponse(user.status(), request, *app.logger);
// or, for a handler returning absl::StatusOr<Response> (GG_ASSIGN_OR_RETURN
// inside), once in its route: return ToResponse(Handler(app, req, params), req, *app.logger);
#ifndef GUESTGUARD_SERVER_HTTP_ERRORS_H_
#define GUESTGUARD_SERVER_HTTP_ERRORS_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/log.h"
#include "server/router.h"

namespace guestguard::server {

int HttpStatusFor(absl::StatusCode code);

// ResourceExhausted with `message` (shown to the client) and the wait, which
// ErrorResponse sends as Retry-After (whole seconds, rounded up, at least 1).
absl::Status RateLimitedError(std::string_view message, absl::Duration wait);
// "invalid_argument", "unauthenticated", ..., "internal".
std::string_view ErrorCodeFor(absl::StatusCode code);

// {"error":{"code":...,"message":...}} with the mapped status; 401 answers
// also carry `WWW-Authenticate: Bearer`. Logs 5xx statuses (error level, with
// the request id and path). `status` must not be OK.
Response ErrorResponse(const absl::Status& status, const Request& request, Logger& logger);

// What a handler that returns absl::StatusOr<Response> answers: the response,
// or ErrorResponse of the error — the one place handler errors become HTTP.
Response ToResponse(absl::StatusOr<Response> result, const Request& request, Logger& logger);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HTTP_ERRORS_H_
