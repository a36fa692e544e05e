// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/invite_tokens.h and the log notification sender.
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
std::string SentLine(bool redact_links, const Notification& n) {
  std::FILE* out = std::tmpfile();
  if (out == nullptr) return "";
  auto logger = std::make_shared<Logger>(LogLevel::kInfo, out);
  LogNotificationSender sender(logger, redact_links);
  EXPECT_TRUE(sender.Send(n).ok());
  std::rewind(out);
  char buffer[4096] = {};
  const size_t read = std::fread(buffer, 1, sizeof(buffer) - 1, out);
  std::fclose(out);
  return std::string(buffer, read);
}

TEST(LogNotificationSender, WritesOneInfoLineWithTheTextUnredactedInDevelopment) {
  Notification n{"collaborator_invite", "bob@example.com", "Join",
                 "open https://gg.example.com/invites/SECRETLINK", ""};
  const std::string line = SentLine(/*redact_links=*/false, n);
  EXPECT_NE(line.find("\"level\":\"info\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"msg\":\"notification\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"type\":\"collaborator_invite\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"recipient\":\"bob@example.com\""), std::string::npos) << line;
  EXPECT_NE(line.find("https://gg.example.com/invites/SECRETLINK"), std::string::npos) << line;
  EXPECT_EQ(line.find("[redacted]"), std::string::npos) << line;
}

TEST(LogNotificationSender, RedactsEveryLinkTokenInProduction) {
  const std::string guest = "gg1.eyJlIjoiNyIsImciOiIxMiJ9.c2lnbmF0dXJlc2lnbmF0dXJl";
  const std::string invite = "Qm9iSW52aXRlVG9rZW5Gb3JUZXN0aW5nT25seTEyMzQ1";
  Notification n{"guest_invitation", "bob@example.com", "Party " + guest,
                 "Your link: https://gg.example.com/rsvp/" + guest +
                     "\nTeam: " + "https://gg.example.com/invites/" + invite + " and " + guest +
                     "\nVerify: https://gg.example.com/verify-email?token=" + invite +
                     "\nActivity: https://gg.example.com/events/7/activity\n",
                 ""};
  const std::string line = SentLine(/*redact_links=*/true, n);
  EXPECT_EQ(line.find(guest), std::string::npos) << line;
  EXPECT_EQ(line.find(invite), std::string::npos) << line;
  EXPECT_NE(line.find("https://gg.example.com/rsvp/[redacted]"), std::string::npos) << line;
  EXPECT_NE(line.find("https://gg.example.com/invites/[redacted]"), std::string::npos) << line;
  EXPECT_NE(line.find("https://gg.example.com/events/7/activity"), std::string::npos) << line;
  EXPECT_NE(line.find("Party [redacted]"), std::string::npos) << line;
}

TEST(Log, RedactLinkTokensKeepsHostsAndShortSegments) {
  EXPECT_EQ(RedactLinkTokens("see https://a.example/rsvp/abc."),
            "see https://a.example/rsvp/[redacted]");
  EXPECT_EQ(RedactLinkTokens("https://a.example/checkin/x?y=1"),
            "https://a.example/checkin/[redacted]?y=1");
  EXPECT_EQ(RedactLinkTokens("https://a.example/verify/abc"),
            "https://a.example/verify/[redacted]");
  EXPECT_EQ(RedactLinkTokens("https://a.example/x?t=AAAAAAAAAAAAAAAAAAAA&b=2"),
            "https://a.example/x?t=[redacted]&b=2");
  EXPECT_EQ(RedactLinkTokens("no links, gg1 is fine"), "no links, gg1 is fine");
  EXPECT_EQ(RedactLinkTokens("https://averyveryverylonghostname.example.com/events/1"),
            "https://averyveryverylonghostname.example.com/events/1");
}

}  // namespace
}  // namespace guestguard::server
