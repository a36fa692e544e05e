// Copyright 2026 GuestGuard authors.
#include "server/handlers/json_body.h"

#include <utility>

namespace guestguard::server {

absl::StatusOr<boost::json::object> ParseObject(const Request& request, Response* error) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) {
    *error = Response::Error(400, "invalid_json", "the request body is not valid JSON");
    return absl::InvalidArgumentError("invalid json");
  }
  if (!value.is_object()) {
    *error = Response::Error(400, "invalid_argument", "the request body must be a JSON object");
    return absl::InvalidArgumentError("not an object");
  }
  return std::move(value.as_object());
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace guestguard::server
