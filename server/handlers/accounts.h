// Copyright 2026 GuestGuard authors.
//
// Account endpoints (JSON in and out, ids as strings; user = {id, email,
// name, email_verified}):
//   POST /auth/signup {email, password, name} → 202 {status: "verification_sent"}
//        whether or not the address has an account (the email says which:
//        a verification link, or "someone tried to sign up with your address")
//   POST /auth/verify {token}                 → 200 {token, user}: the link's
//        token verifies the address and signs in (404 unknown, 410 used/expired)
//   POST /auth/verify/resend {email}          → 202 {status: "verification_sent"}
//        always; a new link goes out only to an unverified account
//   POST /auth/login  {email, password}       → 200 {token, user}; an
//        unverified account gets the wrong-password 401 (and a new link)
//   POST /auth/logout (Bearer)                → 204, this session is deleted
//   POST /auth/logout-everywhere (Bearer)     → 204, every session of the account
//   POST /auth/password (Bearer) {current, new} → 204: new password (12-128
//        characters), every other session ended, this one kept; 403 when
//        `current` is wrong
//   GET  /me          (Bearer)                → 200 user
// Errors: 400 invalid_json / invalid_argument (the message names the field),
// 401 unauthenticated (wrong email or password — one answer for both — or a
// missing/unknown/expired/idle token), 503 when Argon2 is busy. Account
// emails are limited to one per account per minute (email_verification.h).
#ifndef GUESTGUARD_SERVER_HANDLERS_ACCOUNTS_H_
#define GUESTGUARD_SERVER_HANDLERS_ACCOUNTS_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> Signup(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> Login(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> Logout(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> LogoutEverywhere(AppState& app, const Request& request,
                                          const Params& params);
absl::StatusOr<Response> ChangePassword(AppState& app, const Request& request,
                                        const Params& params);
absl::StatusOr<Response> VerifyEmail(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> ResendVerification(AppState& app, const Request& request,
                                            const Params& params);
absl::StatusOr<Response> Me(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_ACCOUNTS_H_
