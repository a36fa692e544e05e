// Copyright 2026 GuestGuard authors.
#include "server/auth.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "guestguard/status_macros.h"
#include "server/http_errors.h"
#include "server/rate_limiter.h"
#include "server/wire.h"
#include "server/work_pool.h"

namespace guestguard::server {
namespace {

constexpr size_t kTokenBytes = 32;

const std::string& DummyHash() {
  static const std::string* const hash = [] {
    unsigned char random[16];
    randombytes_buf(random, sizeof(random));
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, reinterpret_cast<const char*>(random), sizeof(random),
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
      return new std::string();  // Out of memory: VerifyPassword fails fast.
    }
    return new std::string(out);
  }();
  return *hash;
}

// Runs `work` (an Argon2id call) on the process-wide pool.
absl::StatusOr<int> OnPasswordHashPool(const std::function<int()>& work) {
  static WorkPool* const pool =
      new WorkPool(PasswordHashThreads(), static_cast<size_t>(PasswordHashThreads()));
  return pool->Run(work);
}

}  // namespace

int PasswordHashThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u));
}

absl::Status InitCrypto() {
  // The dummy hash is made here too, so the first unknown-email login costs
  // what any other does.
  static const bool ok = sodium_init() >= 0 && !DummyHash().empty();
  if (!ok) return absl::InternalError("libsodium failed to initialise");
  return absl::OkStatus();
}

std::string NormalizeEmail(std::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(AbslView(email)));
}

std::string MaskEmail(std::string_view email) {
  static constexpr char kBullets[] = "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";  // "•••"
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return kBullets;
  size_t first = 1;  // The first code point: its lead byte and continuation bytes.
  while (first < at && (static_cast<unsigned char>(email[first]) & 0xC0) == 0x80) ++first;
  return std::string(email.substr(0, first)) + kBullets + std::string(email.substr(at));
}

absl::Status ValidateEmail(std::string_view email) {
  const absl::Status invalid =
      absl::InvalidArgumentError("email must be a valid email address (at most 254 characters)");
  if (email.empty() || email.size() > 254) return invalid;
  for (char c : email) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return invalid;
  }
  const size_t at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) {
    return invalid;
  }
  std::string_view local = email.substr(0, at);
  std::string_view domain = email.substr(at + 1);
  if (local.empty() || domain.empty()) return invalid;
  const size_t dot = domain.find('.');
  if (dot == std::string_view::npos || domain.front() == '.' || domain.back() == '.') {
    return invalid;
  }
  return absl::OkStatus();
}

absl::Status ValidatePassword(std::string_view password) {
  const size_t n = CodePoints(password);
  // ASVS 2.1.1: at least 12 characters.
  if (n < 12 || n > 128) {
    return absl::InvalidArgumentError("password must be 12 to 128 characters long");
  }
  return absl::OkStatus();
}

absl::Status ValidateName(std::string_view name) {
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      return absl::InvalidArgumentError("name must not hold control characters");
  }
  const size_t n = CodePoints(name);
  if (n < 1 || n > 100) return absl::InvalidArgumentError("name must be 1 to 100 characters long");
  return absl::OkStatus();
}

absl::StatusOr<std::string> HashPassword(std::string_view password) {
  GG_RETURN_IF_ERROR(InitCrypto());
  char out[crypto_pwhash_STRBYTES];
  GG_ASSIGN_OR_RETURN(const int rc, OnPasswordHashPool([&] {
                        return crypto_pwhash_str(out, password.data(), password.size(),
                                                 crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                                 crypto_pwhash_MEMLIMIT_INTERACTIVE);
                      }));
  if (rc != 0) return absl::InternalError("password hashing ran out of memory");
  return std::string(out);
}

absl::StatusOr<bool> VerifyPassword(std::string_view hash, std::string_view password) {
  if (!InitCrypto().ok() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);  // crypto_pwhash_str_verify wants a C string.
  GG_ASSIGN_OR_RETURN(const int rc, OnPasswordHashPool([&] {
                        return crypto_pwhash_str_verify(terminated.c_str(), password.data(),
                                                        password.size());
                      }));
  return rc == 0;
}

absl::StatusOr<bool> VerifyPasswordAgainstDummy(std::string_view password) {
  if (!InitCrypto().ok()) return false;
  GG_ASSIGN_OR_RETURN(bool matched, VerifyPassword(DummyHash(), password));
  (void)matched;
  return false;
}

std::string NewSessionToken() {
  if (!InitCrypto().ok()) std::abort();  // No safe randomness: do not go on.
  unsigned char bytes[kTokenBytes];
  randombytes_buf(bytes, sizeof(bytes));
  char out[sodium_base64_ENCODED_LEN(kTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof(out), bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof(bytes));
  return std::string(out);
}

std::string HashSessionToken(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex);
}

absl::Duration SessionTouchInterval(absl::Duration idle) {
  return std::min(kSessionTouchInterval, idle / 10);
}

bool SessionLive(absl::Time expires_at, absl::Time last_seen, absl::Time now, absl::Duration idle) {
  return now < expires_at && now - last_seen < idle;
}

absl::StatusOr<std::string> CreateSession(sql::Connection& c, int64_t user_id, absl::Time now,
                                          absl::Duration lifetime) {
  std::string token = NewSessionToken();
  // "LIMIT <large> OFFSET n": the one spelling of "all but the first n" that
  // both SQLite and PostgreSQL accept.
  GG_RETURN_IF_ERROR(
      c.Exec("DELETE FROM sessions WHERE user_id = ? AND (expires_at <= ? OR token_hash IN"
             " (SELECT token_hash FROM sessions WHERE user_id = ?"
             " ORDER BY created_at DESC, token_hash LIMIT 1000000 OFFSET ?))",
             {sql::Int(user_id), now, sql::Int(user_id), sql::Int(kMaxSessionsPerUser - 1)})
          .status());
  GG_RETURN_IF_ERROR(
      c.Exec("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at)"
             " VALUES (?, ?, ?, ?, ?)",
             {sql::Text(HashSessionToken(token)), sql::Int(user_id), now, now + lifetime, now})
          .status());
  return token;
}

absl::StatusOr<std::string> BearerToken(const Request& request) {
  const std::string* header = request.Header("authorization");
  if (header == nullptr) return absl::UnauthenticatedError("missing bearer token");
  absl::string_view value = absl::StripAsciiWhitespace(*header);
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !absl::StartsWithIgnoreCase(value, kScheme)) {
    return absl::UnauthenticatedError("missing bearer token");
  }
  absl::string_view token = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  if (token.empty() || token.size() > 256) {
    return absl::UnauthenticatedError("invalid or expired session");
  }
  for (char c : token) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return absl::UnauthenticatedError("invalid or expired session");
    }
  }
  return std::string(token);
}

absl::StatusOr<int64_t> UserId(const User& user) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(user.id, &id)) return absl::InternalError("malformed user id");
  return id;
}

absl::StatusOr<User> Authenticate(const Request& request, AppState& app) {
  GG_ASSIGN_OR_RETURN(std::string token, BearerToken(request));
  const std::string token_hash = HashSessionToken(token);
  const absl::Duration idle = app.config.session_idle_timeout;
  const absl::Time now = NowMicros(*app.clock);
  sql::Rows rows;
  bool live = false;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT u.id, u.email, u.name, s.expires_at,"
                                      " COALESCE(s.last_seen_at, s.created_at),"
                                      " u.email_verified_at IS NOT NULL"
                                      " FROM sessions s JOIN users u ON u.id = s.user_id"
                                      " WHERE s.token_hash = ?",
                                      {sql::Text(token_hash)}));
    if (rows.empty()) return absl::OkStatus();
    GG_ASSIGN_OR_RETURN(absl::Time expires_at, rows.Time(0, 3));
    GG_ASSIGN_OR_RETURN(absl::Time last_seen, rows.Time(0, 4));
    live = SessionLive(expires_at, last_seen, now, idle);
    if (!live) {
      // Expired or idle too long: gone for good.
      return c.Exec("DELETE FROM sessions WHERE token_hash = ?", {sql::Text(token_hash)}).status();
    }
    if (now - last_seen >= SessionTouchInterval(idle)) {
      return c
          .Exec("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                {now, sql::Text(token_hash)})
          .status();
    }
    return absl::OkStatus();
  }));
  if (!live) return absl::UnauthenticatedError("invalid or expired session");
  User user;
  GG_ASSIGN_OR_RETURN(int64_t id, rows.Int(0, 0));
  user.id = std::to_string(id);
  GG_ASSIGN_OR_RETURN(user.email, rows.Text(0, 1));
  GG_ASSIGN_OR_RETURN(user.name, rows.Text(0, 2));
  GG_ASSIGN_OR_RETURN(user.email_verified, rows.Bool(0, 5));
  user.session_hash = token_hash;
  GG_RETURN_IF_ERROR(ChargeAccountWrite(request, app, user));
  return user;
}

absl::Status ChargeAccountWrite(const Request& request, AppState& app, const User& user) {
  const std::string& m = request.method;
  if (app.account_writes == nullptr ||
      (m != "POST" && m != "PUT" && m != "PATCH" && m != "DELETE")) {
    return absl::OkStatus();
  }
  std::optional<absl::Duration> wait = app.account_writes->Acquire(user.id);
  if (!wait) return absl::OkStatus();
  app.logger->Info("account write rate limited", {{"request_id", request.request_id},
                                                  {"user_id", user.id},
                                                  {"retry_after", RetryAfterSeconds(*wait)}});
  return RateLimitedError("too many changes from this account; wait and try again", *wait);
}

}  // namespace guestguard::server
