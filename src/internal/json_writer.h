// Copyright 2026 GuestGuard authors.
//
// Just enough JSON output for event payloads and exports. Private.
#ifndef GUESTGUARD_INTERNAL_JSON_WRITER_H_
#define GUESTGUARD_INTERNAL_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace guestguard::internal {

// Appends `s` as a JSON string literal (quotes included). Control characters
// and invalid UTF-8 bytes are escaped (\u00XX / U+FFFD) so the output is valid.
void AppendJsonString(std::string& out, std::string_view s);

// RFC 3339 UTC with milliseconds: "2026-11-22T15:04:05.123Z".
std::string FormatRfc3339(absl::Time t);

// Builds one JSON object; keys are written as given (must be plain ASCII).
class JsonObject {
 public:
  JsonObject& String(std::string_view key, std::string_view value);
  JsonObject& Int(std::string_view key, int64_t value);
  JsonObject& Bool(std::string_view key, bool value);
  // `json` must already be valid JSON (an object or array).
  JsonObject& Raw(std::string_view key, std::string_view json);
  std::string Finish();

 private:
  void Key(std::string_view key);
  std::string out_ = "{";
};

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_JSON_WRITER_H_
