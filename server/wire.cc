// Copyright 2026 GuestGuard authors.
#include "server/wire.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"

namespace guestguard::server {

std::string FormatRfc3339(absl::Time t) {
  // Written by hand for the times the server keeps (years 1000-9999, whole
  // nanoseconds): absl::FormatTime interprets its format on every call, and
  // answers format several times each. Anything else takes absl's path; the
  // output is the same either way.
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond cs = absl::ToCivilSecond(t, utc);
  const absl::Duration fraction = t - absl::FromCivil(cs, utc);
  const int64_t nanos = absl::ToInt64Nanoseconds(fraction);
  if (cs.year() < 1000 || cs.year() > 9999 || fraction != absl::Nanoseconds(nanos)) {
    return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, utc);
  }
  char out[32];  // "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" is 30 bytes.
  auto put = [&out](int at, int64_t value, int digits) {
    for (int i = at + digits - 1; i >= at; --i, value /= 10) {
      out[i] = static_cast<char>('0' + value % 10);
    }
  };
  put(0, cs.year(), 4);
  out[4] = '-';
  put(5, cs.month(), 2);
  out[7] = '-';
  put(8, cs.day(), 2);
  out[10] = 'T';
  put(11, cs.hour(), 2);
  out[13] = ':';
  put(14, cs.minute(), 2);
  out[16] = ':';
  put(17, cs.second(), 2);
  int end = 19;
  if (nanos > 0) {  // Fractional digits without trailing zeros.
    out[end++] = '.';
    put(end, nanos, 9);
    end += 9;
    while (out[end - 1] == '0') --end;
  }
  out[end++] = 'Z';
  return std::string(out, static_cast<size_t>(end));
}

absl::Time NowMicros(const Clock& clock) {
  return absl::FromUnixMicros(absl::ToUnixMicros(clock.Now()));
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0) != 0x80) ++n;
  }
  return n;
}

size_t InvalidUtf8Offset(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // Allowed range of the second byte.
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // No overlong forms.
      if (c == 0xED) hi = 0x9F;  // No surrogates.
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // Nothing above U+10FFFF.
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    const unsigned char second = static_cast<unsigned char>(s[i + 1]);
    if (second < lo || second > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

bool HasControlCharacter(std::string_view s) {
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return true;
  }
  return false;
}

std::string_view TrimSpaces(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return std::string_view();
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::optional<int64_t> ParseDecimal(std::string_view text, size_t max_digits) {
  int64_t n = 0;
  if (text.empty() || text.size() > max_digits || !absl::c_all_of(text, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(AbslView(text), &n)) {
    return std::nullopt;
  }
  return n;
}

}  // namespace guestguard::server
