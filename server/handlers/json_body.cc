// Copyright 2026 GuestGuard authors.
#include "server/handlers/json_body.h"

#include <cmath>
#include <utility>

namespace guestguard::server {

namespace {

// What the handlers must never see in a parsed body, anywhere in it.
enum class Forbidden { kNone, kNul, kNonFinite };

// kNul for a NUL character in a string or key (PostgreSQL cannot store it in
// text and no field has a use for it); kNonFinite for a number too large for
// a double ("1e999" parses as infinity, which Boost.JSON would print back as
// the non-JSON "Infinity").
Forbidden FindForbidden(const boost::json::value& value, int depth = 0) {
  if (depth > 64) return Forbidden::kNone;  // Boost.JSON's own depth limit is lower.
  if (value.is_string()) {
    return value.get_string().find('\0') != boost::json::string::npos ? Forbidden::kNul
                                                                      : Forbidden::kNone;
  }
  if (value.is_double()) {
    return std::isfinite(value.get_double()) ? Forbidden::kNone : Forbidden::kNonFinite;
  }
  if (value.is_array()) {
    for (const boost::json::value& v : value.get_array()) {
      if (Forbidden f = FindForbidden(v, depth + 1); f != Forbidden::kNone) return f;
    }
  }
  if (value.is_object()) {
    for (const auto& [key, v] : value.get_object()) {
      if (key.find('\0') != std::string_view::npos) return Forbidden::kNul;
      if (Forbidden f = FindForbidden(v, depth + 1); f != Forbidden::kNone) return f;
    }
  }
  return Forbidden::kNone;
}

}  // namespace

absl::StatusOr<boost::json::object> ParseObject(const Request& request, Response* error) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(request.body, ec);
  if (ec) {
    *error = Response::Error(400, "invalid_json", "the request body is not valid JSON");
    return absl::InvalidArgumentError("invalid json");
  }
  switch (FindForbidden(value)) {
    case Forbidden::kNul:
      *error =
          Response::Error(400, "invalid_argument",
                          "text in the request body must not contain NUL characters (\\u0000)");
      return absl::InvalidArgumentError("NUL in a string");
    case Forbidden::kNonFinite:
      *error =
          Response::Error(400, "invalid_argument", "a number in the request body is out of range");
      return absl::InvalidArgumentError("number out of range");
    case Forbidden::kNone:
      break;
  }
  if (!value.is_object()) {
    *error = Response::Error(400, "invalid_argument", "the request body must be a JSON object");
    return absl::InvalidArgumentError("not an object");
  }
  return std::move(value.as_object());
}

}  // namespace guestguard::server
