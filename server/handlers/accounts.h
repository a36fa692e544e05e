// Copyright 2026 GuestGuard authors.
//
// Account endpoints (JSON in and out, ids as strings):
//   POST /auth/signup {email, password, name} → 201 {token, user: {id, email, name}}
//   POST /auth/login  {email, password}       → 200 {token, user: {id, email, name}}
//   POST /auth/logout (Bearer)                → 204, the session is deleted
//   GET  /me          (Bearer)                → 200 {id, email, name}
// Errors: 400 invalid_json / invalid_argument (the message names the field),
// 409 already_exists (email taken), 401 unauthenticated (wrong email or
// password — one answer for both — or a missing/unknown/expired token).
#ifndef GUESTGUARD_SERVER_HANDLERS_ACCOUNTS_H_
#define GUESTGUARD_SERVER_HANDLERS_ACCOUNTS_H_

#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

Response Signup(AppState& app, const Request& request, const Params& params);
Response Login(AppState& app, const Request& request, const Params& params);
Response Logout(AppState& app, const Request& request, const Params& params);
Response Me(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_ACCOUNTS_H_
