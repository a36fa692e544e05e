// Copyright 2026 GuestGuard authors.
//
// The shared parts of a paged list request (GET /events/{id}/guests, .../rsvps,
// the door's name search): a bounded ?limit=, an opaque keyset ?cursor=, and a
// case-insensitive "contains" pattern for SQL LIKE.
//
//   absl::StatusOr<int64_t> limit = ParseLimit(request, 100, 500);
//   std::string next = EncodeCursor("g", {last_id});
//   std::optional<std::vector<int64_t>> keys = DecodeCursor(text, "g", 1);
//
// Thread-safe: pure functions.
#ifndef GUESTGUARD_SERVER_HANDLERS_LIST_QUERY_H_
#define GUESTGUARD_SERVER_HANDLERS_LIST_QUERY_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/router.h"

namespace guestguard::server {

// ?limit= of `request`: `default_limit` when absent; else decimal digits
// from 1 to `max_limit`. InvalidArgument("limit must be an integer from 1 to
// <max_limit>") otherwise.
absl::StatusOr<int64_t> ParseLimit(const Request& request, int64_t default_limit,
                                   int64_t max_limit);

// base64url (unpadded) of "<tag>:<k1>:<k2>...". `keys` must be >= 0.
std::string EncodeCursor(std::string_view tag, std::initializer_list<int64_t> keys);

// The `n` keys of a cursor EncodeCursor(tag, ...) made; nullopt for anything
// else (another tag, another count, a sign, more than 18 digits, over 128 bytes).
std::optional<std::vector<int64_t>> DecodeCursor(std::string_view text, std::string_view tag,
                                                 size_t n);

// "%<text>%" for `lower(column) LIKE ? ESCAPE '!'`: ASCII letters lower-cased,
// '%', '_' and '!' escaped with '!'.
std::string LikePattern(std::string_view text);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_LIST_QUERY_H_
