// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/wire.h: the small wire-format helpers.
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

TEST(Wire, FormatRfc3339DropsTrailingZerosOfTheFraction) {
  const absl::Time t = absl::FromUnixSeconds(1798743600);  // 2026-12-31T19:00:00Z
  EXPECT_EQ(FormatRfc3339(t), "2026-12-31T19:00:00Z");
  EXPECT_EQ(FormatRfc3339(t + absl::Milliseconds(500)), "2026-12-31T19:00:00.5Z");
  EXPECT_EQ(FormatRfc3339(t + absl::Microseconds(123400)), "2026-12-31T19:00:00.1234Z");
  EXPECT_EQ(FormatRfc3339(t + absl::Nanoseconds(1)), "2026-12-31T19:00:00.000000001Z");
  EXPECT_EQ(FormatRfc3339(absl::UnixEpoch() - absl::Microseconds(1)),
            "1969-12-31T23:59:59.999999Z");
}

TEST(Wire, FormatRfc3339WritesWhatAbslFormatTimeWrites) {
  // The hand-written path and absl's agree everywhere, its edges included.
  auto absl_says = [](absl::Time t) {
    return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
  };
  std::vector<absl::Time> times = {
      absl::UnixEpoch(),
      absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59), absl::UTCTimeZone()) +
          absl::Nanoseconds(999999999),
      absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone()),
      absl::FromCivil(absl::CivilSecond(0, 6, 1, 0, 0, 0), absl::UTCTimeZone()),
      absl::FromUnixSeconds(1798743600) + absl::Nanoseconds(1) / 4,  // Below a nanosecond.
      absl::InfiniteFuture(),
      absl::InfinitePast()};
  uint64_t x = 88172645463325252u;  // xorshift: reproducible times across 1900-2100.
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const int64_t micros = static_cast<int64_t>(x % 6311433600000000u) - 2208988800000000;
    times.push_back(absl::FromUnixMicros(micros));
    times.push_back(absl::FromUnixNanos(micros * 1000 + static_cast<int64_t>(x % 1000)));
  }
  for (const absl::Time t : times) EXPECT_EQ(FormatRfc3339(t), absl_says(t));
}

TEST(Wire, TrimSpacesStripsSpacesAndTabsOnly) {
  EXPECT_EQ(TrimSpaces(" \t a b \t "), "a b");
  EXPECT_EQ(TrimSpaces(" \t "), "");
  EXPECT_EQ(TrimSpaces(""), "");
  EXPECT_EQ(TrimSpaces("\na\r\n"), "\na\r\n");  // Line breaks are not optional whitespace.
}

TEST(Wire, ParseDecimalTakesDigitsOnlyWithinInt64AndTheDigitLimit) {
  EXPECT_EQ(ParseDecimal("0"), 0);
  EXPECT_EQ(ParseDecimal("042"), 42);
  EXPECT_EQ(ParseDecimal("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(ParseDecimal("999", 3), 999);
  for (const char* bad : {"", "+1", "-1", " 1", "1 ", "1e3", "0x10", "1.0", "١",
                          "9223372036854775808", "00000000000000000001"}) {
    EXPECT_EQ(ParseDecimal(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseDecimal("1000", 3), std::nullopt);
}

TEST(Wire, Utf8ValidationFollowsRfc3629) {
  EXPECT_TRUE(IsUtf8("plain"));
  EXPECT_TRUE(IsUtf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x8E\x89"));
  EXPECT_EQ(InvalidUtf8Offset("ab\xEB"), 2u);            // Windows-1252 "ë".
  EXPECT_EQ(InvalidUtf8Offset("\xC0\xAF"), 0u);          // Overlong "/".
  EXPECT_EQ(InvalidUtf8Offset("\xED\xA0\x80"), 0u);      // Surrogate.
  EXPECT_EQ(InvalidUtf8Offset("\xF4\x90\x80\x80"), 0u);  // Above U+10FFFF.
  EXPECT_EQ(InvalidUtf8Offset("x\xE2\x82"), 1u);         // Truncated.
  EXPECT_TRUE(HasControlCharacter("a\r\nBcc: x"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_FALSE(HasControlCharacter("Zo\xC3\xAB's party"));
}

}  // namespace
}  // namespace guestguard::server
