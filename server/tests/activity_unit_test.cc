// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/handlers/activity.h: the activity cursor.
#include <optional>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "server/handlers/activity.h"

namespace guestguard::server {
namespace {

TEST(ActivityCursor, RoundTripsAndRejectsGarbage) {
  for (const ActivityCursor c :
       {ActivityCursor{1700000000123456, 0, 42}, ActivityCursor{1, 1, 9007199254740993}}) {
    EXPECT_EQ(DecodeActivityCursor(EncodeActivityCursor(c)), c);
  }
  EXPECT_EQ(DecodeActivityCursor(""), std::nullopt);
  EXPECT_EQ(DecodeActivityCursor("!!!"), std::nullopt);
  EXPECT_EQ(DecodeActivityCursor("bm9wZQ"), std::nullopt);  // "nope"
  for (const char* raw : {"1:other:2", "x:rsvp:2", "1:rsvp:-2", "1:rsvp:", ":access:1"}) {
    EXPECT_EQ(DecodeActivityCursor(absl::WebSafeBase64Escape(raw)), std::nullopt) << raw;
  }
}

}  // namespace
}  // namespace guestguard::server
