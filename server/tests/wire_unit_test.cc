// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/wire.h: the small wire-format helpers.
#include "server/wire.h"

#include <optional>

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace guestguard::server
