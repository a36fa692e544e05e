// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/auth.h helpers and the status → HTTP mapping.
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

TEST(HttpErrors, MapsStatusCodes) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(ErrorCodeFor(absl::StatusCode::kAlreadyExists), "already_exists");

  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::kInfo, sink);
  Request r;
  Response res = ErrorResponse(absl::InternalError("secret detail"), r, logger);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("secret detail"), std::string::npos);
  res = ErrorResponse(absl::InvalidArgumentError("email is bad"), r, logger);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("email is bad"), std::string::npos);
  std::fclose(sink);
}

TEST(HttpErrors, ClientErrorsNeverCarryDatabaseLayerText) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::kInfo, sink);
  Request r;
  const absl::Status driver_errors[] = {
      absl::AlreadyExistsError(
          "sqlite: UNIQUE constraint failed: users.email (in: INSERT INTO users (email) ...)"),
      absl::FailedPreconditionError("postgres: insert or update on table \"guests\" violates "
                                    "foreign key constraint [SQLSTATE 23503] in: INSERT INTO"),
      absl::PermissionDeniedError("sqlite: attempt to write a readonly database (in: UPDATE)"),
      absl::InvalidArgumentError("sqlite: statement takes 3 parameters, got 2"),
      absl::NotFoundError("postgres: database \"gg\" does not exist"),
      absl::AlreadyExistsError("sql store: duplicate key in access_log"),
  };
  for (const absl::Status& status : driver_errors) {
    Response res = ErrorResponse(status, r, logger);
    EXPECT_GE(res.status, 400);
    EXPECT_LT(res.status, 500);
    for (std::string_view leak : {"sqlite", "postgres", "SQLSTATE", "INSERT", "UPDATE", "users",
                                  "guests", "constraint", "sql store"}) {
      EXPECT_EQ(res.body.find(leak), std::string::npos) << res.body;
    }
  }
  // Handler-written messages are still shown.
  Response res =
      ErrorResponse(absl::AlreadyExistsError("10.0.0.0/8 is already on the allowlist"), r, logger);
  EXPECT_NE(res.body.find("already on the allowlist"), std::string::npos);
  std::fclose(sink);
}

}  // namespace
}  // namespace guestguard::server
