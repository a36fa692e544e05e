// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/notifier.h: the log notification sender.
#include <cstdio>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "server/log.h"
#include "server/notifier.h"

namespace guestguard::server {
namespace {

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

}  // namespace
}  // namespace guestguard::server
