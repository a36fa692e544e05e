// Copyright 2026 GuestGuard authors.
#include "gtest/gtest.h"
#include "server/roles.h"

namespace guestguard::server {
namespace {

TEST(Roles, AreOrderedOwnerEditorViewer) {
  EXPECT_LT(Role::kDoor, Role::kViewer);
  EXPECT_LT(Role::kViewer, Role::kEditor);
  EXPECT_LT(Role::kEditor, Role::kOwner);
}

TEST(Roles, NamesRoundTrip) {
  for (Role role : {Role::kDoor, Role::kViewer, Role::kEditor, Role::kOwner}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_EQ(RoleName(Role::kOwner), "owner");
  EXPECT_EQ(ParseRole("Owner"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseRole("admin"), std::nullopt);
}

TEST(Roles, EventIdsAreDecimalDigitsWithinInt64) {
  EXPECT_EQ(ParseEventId("1"), 1);
  EXPECT_EQ(ParseEventId("123456789012345678"), 123456789012345678);
  for (const char* bad : {"", "0", "-1", "+1", " 1", "1 ", "abc", "1e3", "0x10",
                          "1234567890123456789", "99999999999999999999"}) {
    EXPECT_EQ(ParseEventId(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace guestguard::server
