// Copyright 2026 GuestGuard authors.
//
// Accounts and sessions: password hashing (Argon2id via libsodium
// crypto_pwhash_str, interactive limits), session tokens (32 random bytes,
// base64url; only their SHA-256 hex is stored; a session ends 30 days after
// sign-in, or after 7 days without use, whichever comes first — both set by
// Config) and the Authenticate() every signed-in handler starts with.
//
//   absl::StatusOr<User> user = Authenticate(request, app);
//   if (!user.ok()) return ErrorResponse(user.status(), request, *app.logger);  // 401
//
// Thread-safe: every function may be called concurrently.
#ifndef GUESTGUARD_SERVER_AUTH_H_
#define GUESTGUARD_SERVER_AUTH_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

// A signed-in user, as the wire shows it (ids are decimal strings).
struct User {
  std::string id;
  std::string email;
  std::string name;
  // Whether the account proved it owns `email` (email_verification.h).
  bool email_verified = false;
  // The SHA-256 hex of the session token the request carried (Authenticate
  // sets it; never the token itself).
  std::string session_hash;
};

// The user's id as the number the tables hold; InternalError when `user.id`
// is not one (it always is for a User that Authenticate returned).
absl::StatusOr<int64_t> UserId(const User& user);

// Session limits (Config::session_lifetime, session_idle_timeout).
inline constexpr absl::Duration kSessionLifetime = absl::Hours(24 * 30);
inline constexpr absl::Duration kSessionIdleTimeout = absl::Hours(24 * 7);
// A session's last_seen_at is written at most this often (not on every
// request): the idle timeout is exact to within this interval.
inline constexpr absl::Duration kSessionTouchInterval = absl::Minutes(1);

// How often Authenticate writes last_seen_at for an idle timeout of `idle`:
// kSessionTouchInterval, or a tenth of `idle` when that is shorter (tests).
absl::Duration SessionTouchInterval(absl::Duration idle);

// True when a session created with `expires_at` and last used at `last_seen`
// is still valid at `now`.
bool SessionLive(absl::Time expires_at, absl::Time last_seen, absl::Time now, absl::Duration idle);

// Initialises libsodium (once; later calls are cheap). Internal when it fails.
[[nodiscard]] absl::Status InitCrypto();

// Trimmed (ASCII whitespace) and ASCII-lower-cased.
std::string NormalizeEmail(std::string_view email);
// "c•••@example.com": the first character (a whole UTF-8 code point) of the
// local part, three bullets, then "@" and the whole domain. "•••" for text
// without '@' or with an empty local part.
std::string MaskEmail(std::string_view email);
// InvalidArgument naming the field unless: email (normalised) has exactly one
// '@', a non-empty local part, a domain with an inner dot, no whitespace or
// control characters, and at most 254 bytes; password is 12-128 characters;
// name (trimmed) is 1-100 characters. Characters are UTF-8 code points.
[[nodiscard]] absl::Status ValidateEmail(std::string_view normalized_email);
[[nodiscard]] absl::Status ValidatePassword(std::string_view password);
[[nodiscard]] absl::Status ValidateName(std::string_view trimmed_name);

// Argon2id calls (hash or verify) run on a pool of one thread per CPU core
// (std::thread::hardware_concurrency), never more at once; as many more may
// wait for a thread, and a call beyond that fails at once with Unavailable
// (503 "busy, try again") rather than holding a serving thread.
int PasswordHashThreads();

// "$argon2id$..." (libsodium's self-describing format). Unavailable ("busy, try
// again") when the Argon2 pool is full; Internal when it ran out of memory.
[[nodiscard]] absl::StatusOr<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash`. False for a malformed hash. Unavailable
// when the Argon2 pool is full.
[[nodiscard]] absl::StatusOr<bool> VerifyPassword(std::string_view hash, std::string_view password);
// Runs the same Argon2id work as VerifyPassword against a fixed dummy hash, so
// an unknown email costs what a wrong password costs. False, or Unavailable.
[[nodiscard]] absl::StatusOr<bool> VerifyPasswordAgainstDummy(std::string_view password);

// 32 random bytes, unpadded base64url (43 characters).
std::string NewSessionToken();
// Lower-case hex SHA-256 of the token text: what the sessions table stores.
std::string HashSessionToken(std::string_view token);

// Sessions one user may hold at once; signing in again ends the oldest.
inline constexpr int kMaxSessionsPerUser = 20;

// Stores a new session for `user_id` expiring `lifetime` after `now` (last
// seen `now`); returns the token (shown once to the client, never stored).
// First deletes the user's expired sessions and, beyond kMaxSessionsPerUser -
// 1, the oldest, so the sessions table stays bounded per user.
[[nodiscard]] absl::StatusOr<std::string> CreateSession(sql::Connection& c, int64_t user_id,
                                                        absl::Time now,
                                                        absl::Duration lifetime = kSessionLifetime);

// The token of an "Authorization: Bearer <token>" header; Unauthenticated when
// missing or malformed.
[[nodiscard]] absl::StatusOr<std::string> BearerToken(const Request& request);

// The user whose live session (SessionLive with app.config's idle timeout)
// the request's bearer token names; Unauthenticated when missing, unknown,
// expired or idle too long (an idle session is deleted). Refreshes the
// session's last_seen_at when SessionTouchInterval has passed since the last
// write. Unavailable/Internal when the database fails; ResourceExhausted (429
// with Retry-After) when the request is a write (POST, PUT, PATCH, DELETE) and
// ChargeAccountWrite refuses.
[[nodiscard]] absl::StatusOr<User> Authenticate(const Request& request, AppState& app);

// Spends a token of `user`'s write bucket (app.account_writes) when the
// request is a write; RateLimitedError when it is empty. Logged with the user id.
[[nodiscard]] absl::Status ChargeAccountWrite(const Request& request, AppState& app,
                                              const User& user);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_AUTH_H_
