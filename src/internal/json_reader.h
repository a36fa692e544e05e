// Copyright 2026 GuestGuard authors.
//
// Just enough JSON input for the payloads the library documents
// (guestguard/access_scored.h): a strict RFC 8259 parser into a small tree,
// bounded in size and nesting. Private.
#ifndef GUESTGUARD_INTERNAL_JSON_READER_H_
#define GUESTGUARD_INTERNAL_JSON_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace guestguard::internal {

struct JsonMember;

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // kString: the decoded string (UTF-8); kNumber: the number as written.
  std::vector<JsonValue> items;     // kArray.
  std::vector<JsonMember> members;  // kObject, in document order.

  // kNumber written as an integer (no fraction or exponent) that fits int64.
  std::optional<int64_t> Int() const;
  // kObject: the member named `key`, or null.
  const JsonValue* Find(std::string_view key) const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // Default: 1 MiB.
  int max_depth = 16;          // Arrays and objects nested at most this deep. Default: 16.
};

// Parses one JSON value filling all of `text` (whitespace around it allowed).
// InvalidArgument naming the byte offset for malformed JSON, invalid UTF-8 in
// a string, a duplicate object key, or input beyond `limits`.
[[nodiscard]] absl::StatusOr<JsonValue> ParseJson(std::string_view text, JsonLimits limits = {});

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_JSON_READER_H_
