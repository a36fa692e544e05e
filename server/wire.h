// Copyright 2026 GuestGuard authors.
//
// Small wire-format helpers shared by the server's handlers.
#ifndef GUESTGUARD_SERVER_WIRE_H_
#define GUESTGUARD_SERVER_WIRE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "guestguard/clock.h"

namespace guestguard::server {

// RFC 3339 in UTC, fractional seconds only when there are some:
// "2026-12-31T19:00:00Z", "2026-12-31T19:00:00.5Z".
std::string FormatRfc3339(absl::Time t);

// `clock`'s now, at the microsecond precision the databases keep (so a value
// written and read back compares equal).
absl::Time NowMicros(const Clock& clock);

// Code points of valid UTF-8 (continuation bytes are not counted).
size_t CodePoints(std::string_view s);

// The offset of the first byte of `s` that is not part of well-formed UTF-8
// (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF);
// std::string_view::npos when all of `s` is UTF-8.
size_t InvalidUtf8Offset(std::string_view s);
inline bool IsUtf8(std::string_view s) { return InvalidUtf8Offset(s) == std::string_view::npos; }

// True when `s` holds a C0 control character (CR, LF, NUL, ...) or DEL: not
// allowed in names, which end up in mail headers, logs and single-line UI.
bool HasControlCharacter(std::string_view s);

// `s` as Abseil's string_view, which in Debian's Abseil is its own type (so
// absl::StrSplit, StripAsciiWhitespace etc. do not take a std::string_view).
inline absl::string_view AbslView(std::string_view s) { return {s.data(), s.size()}; }

// `s` without leading and trailing spaces and tabs (HTTP's optional
// whitespace; names, notes and CSV fields are trimmed of the same). Other
// whitespace, line breaks included, stays.
std::string_view TrimSpaces(std::string_view s);

// `text` as a number when it is 1 to `max_digits` ASCII decimal digits and
// fits an int64; nullopt for anything else (a sign, a space, a base prefix,
// an exponent, overflow). `max_digits` is at most 19.
//
//   ParseDecimal("042") == 42; ParseDecimal("+1") == nullopt;
//   ParseDecimal("1000", 3) == nullopt
std::optional<int64_t> ParseDecimal(std::string_view text, size_t max_digits = 19);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WIRE_H_
