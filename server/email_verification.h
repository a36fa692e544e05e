// Copyright 2026 GuestGuard authors.
//
// Email ownership (issue 15 fault 2): an account proves it owns its address by
// following a link the notification worker mails to it. A link holds a token
// (32 random bytes, unpadded base64url — the shape of invite tokens, checked
// by IsWellFormedInviteToken) of which only the SHA-256 is stored; it expires
// after kVerificationLifetime and works once. Following it verifies the
// address and signs the account in. The link goes out like an invite link: in
// an "account.email" outbox event, sealed (secret_seal.h), and the worker
// stores the mail sealed.
//
// Account emails (the link, or the "someone tried to sign up with your
// address" notice) are limited to one per account per kAccountEmailInterval,
// whoever asks, so signup and resend cannot be used to flood a mailbox.
//
//   absl::Status s = app.db->Transact([&](sql::Connection& c) -> absl::Status {
//     ... INSERT INTO users ...
//     return EnqueueAccountEmail(c, app, user_id, AccountEmail::kVerify, now).status();
//   });
//   if (s.ok()) app.NotifyOutbox();
//
// Thread-safe (stateless).
#ifndef GUESTGUARD_SERVER_EMAIL_VERIFICATION_H_
#define GUESTGUARD_SERVER_EMAIL_VERIFICATION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/sql/sql.h"
#include "server/app.h"

namespace guestguard::server {

inline constexpr absl::Duration kVerificationLifetime = absl::Hours(24);
inline constexpr absl::Duration kAccountEmailInterval = absl::Minutes(1);

// "<public_url>/console/verify#<token>": the token rides in the fragment, so
// it never reaches a server's request log or a Referer header.
std::string VerificationLink(std::string_view public_url, std::string_view token);

enum class AccountEmail {
  kVerify,         // A fresh verification link.
  kSignupAttempt,  // Someone signed up with the address of this (existing) account.
};

// Inside the caller's transaction: unless an account email went to `user_id`
// less than kAccountEmailInterval before `now`, enqueues one (for kVerify,
// after storing a new token) and returns true; false when the limit held it
// back. NotFound when the account does not exist.
[[nodiscard]] absl::StatusOr<bool> EnqueueAccountEmail(sql::Connection& c, const AppState& app,
                                                       int64_t user_id, AccountEmail kind,
                                                       absl::Time now);

// Inside the caller's transaction: consumes the verification token whose hash
// is `token_hash`, marks the account verified (every other outstanding token
// of the account is used up with it) and returns the account's id. NotFound
// for an unknown token; FailedPrecondition (the message says which) for one
// already used or expired.
[[nodiscard]] absl::StatusOr<int64_t> ConsumeVerification(sql::Connection& c,
                                                          std::string_view token_hash,
                                                          absl::Time now);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_EMAIL_VERIFICATION_H_
