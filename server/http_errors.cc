// Copyright 2026 GuestGuard authors.
#include "server/http_errors.h"

#include <string>

namespace guestguard::server {

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::string_view ErrorCodeFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
      return "invalid_argument";
    case absl::StatusCode::kUnauthenticated:
      return "unauthenticated";
    case absl::StatusCode::kPermissionDenied:
      return "permission_denied";
    case absl::StatusCode::kNotFound:
      return "not_found";
    case absl::StatusCode::kAlreadyExists:
      return "already_exists";
    case absl::StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    default:
      return "internal";
  }
}

Response ErrorResponse(const absl::Status& status, const Request& request, Logger& logger) {
  const int http_status = HttpStatusFor(status.code());
  if (http_status >= 500) {
    logger.Error("request failed", {{"request_id", request.request_id},
                                    {"method", request.method},
                                    {"path", PathForLog(request.path)},
                                    {"error", std::string(status.ToString())}});
    return Response::Error(
        http_status, ErrorCodeFor(status.code()),
        http_status == 503 ? "the service is temporarily unavailable" : "internal server error");
  }
  Response response =
      Response::Error(http_status, ErrorCodeFor(status.code()), std::string(status.message()));
  if (http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace guestguard::server
