// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/auth.h helpers.
#include <atomic>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/auth.h"
#include "server/http_errors.h"

namespace guestguard::server {
namespace {

TEST(Auth, NormalizeEmailTrimsAndLowercases) {
  EXPECT_EQ(NormalizeEmail(" \tAlice@Example.COM \n"), "alice@example.com");
}

TEST(Auth, ValidateEmail) {
  EXPECT_TRUE(ValidateEmail("a@example.com").ok());
  for (const char* bad : {"", "a", "@x.io", "a@", "a@b", "a@@x.io", "a@b@x.io", "a b@x.io", "a@.io",
                          "a@x.", "a@x.io\x01"}) {
    absl::Status s = ValidateEmail(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad;
    EXPECT_NE(s.message().find("email"), std::string::npos);
  }
  EXPECT_FALSE(ValidateEmail(std::string(250, 'a') + "@x.io").ok());
  EXPECT_TRUE(ValidateEmail(std::string(249, 'a') + "@x.io").ok());  // 254.
}

TEST(Auth, ValidatePasswordAndNameCountCharacters) {
  EXPECT_FALSE(ValidatePassword("12345678901").ok());  // ASVS 2.1.1: 12 at least.
  EXPECT_TRUE(ValidatePassword("123456789012").ok());
  EXPECT_TRUE(ValidatePassword(std::string(128, 'x')).ok());
  EXPECT_FALSE(ValidatePassword(std::string(129, 'x')).ok());
  EXPECT_TRUE(ValidatePassword("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                               "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")
                  .ok());  // 12 × "é" (24 bytes).
  EXPECT_FALSE(ValidatePassword("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9")
                   .ok());  // 6 × "é" is 12 bytes but 6 characters.
  EXPECT_FALSE(ValidateName("").ok());
  EXPECT_TRUE(ValidateName("A").ok());
  EXPECT_FALSE(ValidateName(std::string(101, 'n')).ok());
  EXPECT_FALSE(ValidateName("a\nb").ok());
}

TEST(Auth, MaskEmailKeepsTheFirstCharacterAndTheWholeDomain) {
  EXPECT_EQ(MaskEmail("carol@example.com"), "c\u2022\u2022\u2022@example.com");
  EXPECT_EQ(MaskEmail("c@example.com"), "c\u2022\u2022\u2022@example.com");
  EXPECT_EQ(MaskEmail("bob.smith@mail.example.org"), "b\u2022\u2022\u2022@mail.example.org");
  // A multi-byte first character stays whole.
  EXPECT_EQ(MaskEmail("\u00e9lise@example.com"), "\u00e9\u2022\u2022\u2022@example.com");
  EXPECT_EQ(MaskEmail("@example.com"), "\u2022\u2022\u2022");
  EXPECT_EQ(MaskEmail("no-at-sign"), "\u2022\u2022\u2022");
  EXPECT_EQ(MaskEmail(""), "\u2022\u2022\u2022");
}

TEST(Auth, SessionLivesUntilItsLifetimeOrItsIdleTimeout) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  const absl::Duration idle = absl::Hours(24 * 7);
  const absl::Time expires = t0 + absl::Hours(24 * 30);
  EXPECT_TRUE(SessionLive(expires, t0, t0 + absl::Hours(24 * 6), idle));
  EXPECT_FALSE(SessionLive(expires, t0, t0 + idle, idle));  // Idle for exactly the timeout.
  // Used every day: alive until the absolute end, not a moment after.
  EXPECT_TRUE(SessionLive(expires, expires - absl::Hours(1), expires - absl::Seconds(1), idle));
  EXPECT_FALSE(SessionLive(expires, expires - absl::Hours(1), expires, idle));
  EXPECT_EQ(SessionTouchInterval(idle), absl::Minutes(1));
  EXPECT_EQ(SessionTouchInterval(absl::Seconds(2)), absl::Milliseconds(200));
}

TEST(Auth, PasswordHashIsArgon2idAndVerifies) {
  ASSERT_TRUE(InitCrypto().ok());
  absl::StatusOr<std::string> hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.status();
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_EQ(VerifyPassword(*hash, "correct horse").value_or(false), true);
  EXPECT_EQ(VerifyPassword(*hash, "correct horsf").value_or(true), false);
  EXPECT_EQ(VerifyPassword("garbage", "correct horse").value_or(true), false);
  EXPECT_EQ(VerifyPasswordAgainstDummy("correct horse").value_or(true), false);
}

TEST(Auth, SessionTokensAreRandomBase64UrlAndHashedToSha256Hex) {
  std::string a = NewSessionToken(), b = NewSessionToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  // SHA-256("abc").
  EXPECT_EQ(HashSessionToken("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Auth, BearerToken) {
  Request r;
  EXPECT_TRUE(absl::IsUnauthenticated(BearerToken(r).status()));
  r.headers = {{"authorization", "Basic Zm9v"}};
  EXPECT_TRUE(absl::IsUnauthenticated(BearerToken(r).status()));
  r.headers = {{"authorization", "bearer abc_DEF-1"}};
  ASSERT_TRUE(BearerToken(r).ok());
  EXPECT_EQ(*BearerToken(r), "abc_DEF-1");
  r.headers = {{"authorization", "Bearer a.b"}};
  EXPECT_TRUE(absl::IsUnauthenticated(BearerToken(r).status()));
}

}  // namespace
}  // namespace guestguard::server
