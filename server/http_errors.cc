// Copyright 2026 GuestGuard authors.
#include "server/http_errors.h"

#include <optional>
#include <string>

#include "absl/strings/cord.h"
#include "server/rate_limiter.h"

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
    case absl::StatusCode::kResourceExhausted:
      return 429;
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
    case absl::StatusCode::kResourceExhausted:
      return "rate_limited";
    case absl::StatusCode::kUnavailable:
      return "unavailable";
    default:
      return "internal";
  }
}

namespace {

// The payload RateLimitedError puts the wait in (whole seconds, as text).
constexpr char kRetryAfterPayload[] = "type.guestguard.dev/retry-after";

// True for a message written by the database layer (the SQL drivers and the
// library's SQL stores): it may quote SQL, table and constraint names, so it
// is logged, never sent.
bool IsDatabaseLayerMessage(std::string_view message) {
  for (std::string_view prefix : {"sqlite", "postgres", "sql:", "sql store:", "outbox:"}) {
    if (message.substr(0, prefix.size()) == prefix) return true;
  }
  return message.find("SQLSTATE") != std::string_view::npos;
}

// The client-facing text of a 4xx whose own message is not safe to show.
std::string_view GenericMessageFor(int http_status) {
  switch (http_status) {
    case 400:
      return "the request is not valid";
    case 401:
      return "sign in first";
    case 403:
      return "not allowed";
    case 404:
      return "no such resource";
    case 409:
      return "the request conflicts with the current state; reload and try again";
    default:
      return "the request cannot be completed";
  }
}

}  // namespace

absl::Status RateLimitedError(std::string_view message, absl::Duration wait) {
  absl::Status status = absl::ResourceExhaustedError(std::string(message));
  status.SetPayload(kRetryAfterPayload, absl::Cord(std::to_string(RetryAfterSeconds(wait))));
  return status;
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
  std::string message(status.message());
  if (IsDatabaseLayerMessage(message)) {
    logger.Warn("request refused by the database", {{"request_id", request.request_id},
                                                    {"method", request.method},
                                                    {"path", PathForLog(request.path)},
                                                    {"status", http_status},
                                                    {"error", std::string(status.ToString())}});
    message = GenericMessageFor(http_status);
  }
  Response response = Response::Error(http_status, ErrorCodeFor(status.code()), message);
  if (http_status == 401) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (absl::optional<absl::Cord> wait = status.GetPayload(kRetryAfterPayload)) {
    response.headers.emplace_back("Retry-After", std::string(*wait));
  }
  return response;
}

Response ToResponse(absl::StatusOr<Response> result, const Request& request, Logger& logger) {
  if (!result.ok()) return ErrorResponse(result.status(), request, logger);
  return *std::move(result);
}

}  // namespace guestguard::server
