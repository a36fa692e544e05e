// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/log.h: what a log line may never hold.
#include <string>

#include "gtest/gtest.h"
#include "server/log.h"

namespace guestguard::server {
namespace {

TEST(Log, SecretFieldNamesAreRedacted) {
  EXPECT_TRUE(IsSecretFieldName("token"));
  EXPECT_TRUE(IsSecretFieldName("Authorization"));
  EXPECT_TRUE(IsSecretFieldName("session_token"));
  EXPECT_FALSE(IsSecretFieldName("request_id"));
  EXPECT_FALSE(IsSecretFieldName("path"));
}

TEST(Log, TokenPathSegmentsAreRedacted) {
  EXPECT_EQ(PathForLog("/rsvp/gg1.abc.def"), "/rsvp/[redacted]");
  EXPECT_EQ(PathForLog("/checkin/gg1.abc.def"), "/checkin/[redacted]");
  EXPECT_EQ(PathForLog("/invites/AbC_-123"), "/invites/[redacted]");
  EXPECT_EQ(PathForLog("/invites/AbC_-123/accept"), "/invites/[redacted]/accept");
  EXPECT_EQ(PathForLog("/events/7/guests"), "/events/7/guests");
  EXPECT_EQ(PathForLog("/rsvpx/abc"), "/rsvpx/abc");
  EXPECT_EQ(PathForLog("/"), "/");
}

TEST(Log, EncodedTokenRoutesAreRedactedToo) {
  EXPECT_EQ(PathForLog("/%72svp/gg1.abc.def"), "/rsvp/[redacted]");
  EXPECT_EQ(PathForLog("/%63heck%69n/gg1.abc"), "/checkin/[redacted]");
  EXPECT_EQ(PathForLog("/invite%73/AbC/accept"), "/invites/[redacted]/accept");
  EXPECT_EQ(PathForLog("/rsvp/gg1.a%2Fb/x"), "/rsvp/[redacted]/x");
  EXPECT_EQ(PathForLog("/%zzsvp/abc"), "/%zzsvp/abc");
}

TEST(Log, UrlCredentialsAreStripped) {
  EXPECT_EQ(StripUrlCredentials("nats://alice:s3cret@bus.internal:4222"),
            "nats://bus.internal:4222");
  EXPECT_EQ(StripUrlCredentials("postgresql://gg:pw@db/gg?sslmode=require"),
            "postgresql://db/gg?sslmode=require");
  EXPECT_EQ(StripUrlCredentials("cannot reach nats://u:p@h:1 nor https://x:y@z/q"),
            "cannot reach nats://h:1 nor https://z/q");
  EXPECT_EQ(StripUrlCredentials("https://example.com/a@b"), "https://example.com/a@b");
  EXPECT_EQ(StripUrlCredentials("inprocess"), "inprocess");
  EXPECT_EQ(StripUrlCredentials("://@"), "://");
}

TEST(Log, LoggedUrlsCarryNoCredentials) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  Logger logger(LogLevel::kInfo, out);
  logger.Info("notifier running", {{"bus", "nats://alice:s3cret@bus.internal:4222"}});
  std::rewind(out);
  char buffer[512] = {};
  const size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, out);
  std::fclose(out);
  const std::string line(buffer, n);
  EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
  EXPECT_NE(line.find("nats://bus.internal:4222"), std::string::npos) << line;
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
