// Copyright 2026 GuestGuard authors.
#include "server/handlers/json_body.h"

#include <utility>

namespace guestguard::server {

namespace {

// True when a string or key anywhere in `value` holds a NUL character, which
// PostgreSQL cannot store in text and no field has a use for.
bool HoldsNul(const boost::json::value& value, int depth = 0) {
  if (depth > 64) return false;  // Boost.JSON's own depth limit is lower.
  if (value.is_string()) return value.get_string().find('\0') != boost::json::string::npos;
  if (value.is_array()) {
    for (const boost::json::value& v : value.get_array()) {
      if (HoldsNul(v, depth + 1)) return true;
    }
  }
  if (value.is_object()) {
    for (const auto& [key, v] : value.get_object()) {
      if (key.find('\0') != std::string_view::npos || HoldsNul(v, depth + 1)) return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<boost::json::object> ParseObject(const Request& request, Response* error) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) {
    *error = Response::Error(400, "invalid_json", "the request body is not valid JSON");
    return absl::InvalidArgumentError("invalid json");
  }
  if (HoldsNul(value)) {
    *error = Response::Error(400, "invalid_argument",
                             "text in the request body must not contain NUL characters (\\u0000)");
    return absl::InvalidArgumentError("NUL in a string");
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
