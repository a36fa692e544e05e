// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/invite_tokens.h.
#include <cstdio>
#include <memory>
#include <set>
#include <string>

#include "gtest/gtest.h"
#include "server/invite_tokens.h"
#include "server/log.h"
#include "server/notifier.h"

namespace guestguard::server {
namespace {

TEST(InviteTokens, NewTokensAre43UrlSafeCharactersAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = NewInviteToken();
    EXPECT_EQ(token.size(), kInviteTokenLength);
    EXPECT_TRUE(IsWellFormedInviteToken(token)) << token;
    seen.insert(std::move(token));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(InviteTokens, WellFormedMeansExactly43Base64UrlCharacters) {
  const std::string good(43, 'A');
  EXPECT_TRUE(IsWellFormedInviteToken(good));
  EXPECT_TRUE(IsWellFormedInviteToken("abcdefghijklmnopqrstuvwxyz-_0123456789ABCDE"));
  EXPECT_FALSE(IsWellFormedInviteToken(""));
  EXPECT_FALSE(IsWellFormedInviteToken(std::string(42, 'A')));
  EXPECT_FALSE(IsWellFormedInviteToken(std::string(44, 'A')));
  EXPECT_FALSE(IsWellFormedInviteToken(std::string(100000, 'A')));
  for (char bad : {'=', '+', '/', '.', ' ', '%', '\0'}) {
    std::string token = good;
    token[20] = bad;
    EXPECT_FALSE(IsWellFormedInviteToken(token)) << static_cast<int>(bad);
  }
}

TEST(InviteTokens, HashIsLowerHexSha256) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(HashInviteToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(InviteTokens, LinkIsPublicUrlSlashInvitesSlashToken) {
  EXPECT_EQ(InviteLink("https://gg.example.com", "tok"), "https://gg.example.com/invites/tok");
}

// The one line `sender` writes for `n`.

}  // namespace
}  // namespace guestguard::server
