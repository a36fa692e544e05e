// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/wire.h: the small wire-format helpers.
#include <optional>

#include "gtest/gtest.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

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
