// Copyright 2026 GuestGuard authors.
#include "server/handlers/list_query.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

bool ParseDigits(std::string_view text, int64_t* out) {
  const std::optional<int64_t> n = ParseDecimal(text, 18);
  if (n) *out = *n;
  return n.has_value();
}

}  // namespace

absl::StatusOr<int64_t> ParseLimit(const Request& request, int64_t default_limit,
                                   int64_t max_limit) {
  auto it = request.query.find("limit");
  if (it == request.query.end()) return default_limit;
  int64_t limit = 0;
  if (!ParseDigits(it->second, &limit) || limit < 1 || limit > max_limit) {
    return absl::InvalidArgumentError(
        absl::StrCat("limit must be an integer from 1 to ", max_limit));
  }
  return limit;
}

std::string EncodeCursor(std::string_view tag, std::initializer_list<int64_t> keys) {
  std::string raw(tag);
  for (int64_t key : keys) absl::StrAppend(&raw, ":", key);
  return absl::WebSafeBase64Escape(raw);
}

std::optional<std::vector<int64_t>> DecodeCursor(std::string_view text, std::string_view tag,
                                                 size_t n) {
  if (text.empty() || text.size() > 128) return std::nullopt;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(text), &raw)) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(raw, ':');
  if (parts.size() != n + 1 || parts[0] != tag) return std::nullopt;
  std::vector<int64_t> keys(n);
  for (size_t i = 0; i < n; ++i) {
    if (!ParseDigits(parts[i + 1], &keys[i])) return std::nullopt;
  }
  return keys;
}

std::string LikePattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    c = absl::ascii_tolower(static_cast<unsigned char>(c));
    if (c == '%' || c == '_' || c == '!') out.push_back('!');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

}  // namespace guestguard::server
