// Copyright 2026 GuestGuard authors.
#include "server/handlers/accounts.h"

#include <optional>
#include <string>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/email_verification.h"
#include "server/handlers/json_body.h"
#include "server/http_errors.h"
#include "server/invite_tokens.h"
#include "server/rate_limiter.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr std::string_view kWrongCredentials =
    "wrong email or password (a new account signs in once its email address is verified)";

boost::json::object UserJson(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"name", user.name},
          {"email_verified", user.email_verified}};
}

// Signup's and resend's one answer, whatever the address's account state.
Response VerificationSent() {
  Response response = Response::Json(202, boost::json::object{{"status", "verification_sent"}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Response SessionResponse(int status, const std::string& token, const User& user) {
  Response response =
      Response::Json(status, boost::json::object{{"token", token}, {"user", UserJson(user)}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The string field `name`; InvalidArgument naming it when absent or not a string.
absl::StatusOr<std::string> StringField(const boost::json::object& body, std::string_view name) {
  const boost::json::value* v = body.if_contains(name);
  if (v == nullptr || !v->is_string()) {
    return absl::InvalidArgumentError(std::string(name) + " is required and must be a string");
  }
  return std::string(v->as_string());
}

// 503 when the Argon2 slots stayed full (see auth.h).
Response Busy(AppState& app, const Request& request) {
  app.logger->Warn("password hashing busy", {{"request_id", request.request_id}});
  return Response::Error(503, "unavailable", "busy, try again");
}

// ResourceExhausted (429 with Retry-After) while `email`'s failed logins make
// it wait (see LoginThrottle), OK otherwise; no Argon2 work is spent on it.
absl::Status LoginThrottled(AppState& app, const Request& request, const std::string& email) {
  std::optional<absl::Duration> wait = app.login_throttle->Check(email);
  if (!wait) return absl::OkStatus();
  app.logger->Warn("login throttled", {{"request_id", request.request_id},
                                       {"email", email},
                                       {"client_ip", request.client_ip},
                                       {"retry_after", RetryAfterSeconds(*wait)}});
  return RateLimitedError("too many failed sign-ins for this account; wait and try again", *wait);
}

// Unauthenticated (401) for a wrong email or password, counted against the
// account and logged with it (never with the password).
absl::Status LoginFailed(AppState& app, const Request& request, const std::string& email) {
  const int failures = app.login_throttle->RecordFailure(email);
  app.logger->Warn("login failed", {{"request_id", request.request_id},
                                    {"email", email},
                                    {"client_ip", request.client_ip},
                                    {"failures", failures}});
  return absl::UnauthenticatedError(std::string(kWrongCredentials));
}

struct SignupInput {
  std::string email, password, name;
};

absl::StatusOr<SignupInput> ValidateSignup(const boost::json::object& body) {
  SignupInput in;
  GG_ASSIGN_OR_RETURN(std::string email, StringField(body, "email"));
  in.email = NormalizeEmail(email);
  GG_RETURN_IF_ERROR(ValidateEmail(in.email));
  GG_ASSIGN_OR_RETURN(in.password, StringField(body, "password"));
  GG_RETURN_IF_ERROR(ValidatePassword(in.password));
  GG_ASSIGN_OR_RETURN(std::string name, StringField(body, "name"));
  in.name = std::string(TrimSpaces(name));
  GG_RETURN_IF_ERROR(ValidateName(in.name));
  return in;
}

}  // namespace

absl::StatusOr<Response> Signup(AppState& app, const Request& request, const Params& /*params*/) {
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<SignupInput> in = ValidateSignup(*body);
  if (!in.ok()) return in.status();
  // Hashed whether or not the account exists: both answers cost the same.
  absl::StatusOr<std::string> hash = HashPassword(in->password);
  if (absl::IsUnavailable(hash.status())) return Busy(app, request);
  if (!hash.ok()) return hash.status();

  const absl::Time now = NowMicros(*app.clock);
  int64_t id = 0;
  bool created = false;
  bool mailed = false;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    created = mailed = false;  // Reset for every (re)run of the transaction.
    GG_ASSIGN_OR_RETURN(sql::Rows existing,
                        c.Query("SELECT id, email_verified_at IS NOT NULL FROM users"
                                " WHERE email = ?",
                                {sql::Text(in->email)}));
    AccountEmail kind = AccountEmail::kVerify;
    if (!existing.empty()) {
      // The account stays as it is (its password and name too); its owner
      // hears of the attempt, or gets a new link while still unverified.
      GG_ASSIGN_OR_RETURN(id, existing.Int(0, 0));
      GG_ASSIGN_OR_RETURN(bool verified, existing.Bool(0, 1));
      if (verified) kind = AccountEmail::kSignupAttempt;
    } else {
      GG_ASSIGN_OR_RETURN(
          sql::Rows rows,
          c.Query("INSERT INTO users (email, name, password_hash, created_at)"
                  " VALUES (?, ?, ?, ?) RETURNING id",
                  {sql::Text(in->email), sql::Text(in->name), sql::Text(*hash), now}));
      if (rows.size() != 1) return absl::InternalError("insert returned no id");
      GG_ASSIGN_OR_RETURN(id, rows.Int(0, 0));
      created = true;
    }
    GG_ASSIGN_OR_RETURN(mailed, EnqueueAccountEmail(c, app, id, kind, now));
    return absl::OkStatus();
  });
  // A concurrent signup with the same address created it first: that one mailed.
  if (!status.ok() && !absl::IsAlreadyExists(status)) {
    return status;
  }
  if (mailed) app.NotifyOutbox();
  app.logger->Info(created ? "account created" : "signup for an existing account",
                   {{"request_id", request.request_id},
                    {"user_id", std::to_string(id)},
                    {"email_queued", mailed}});
  return VerificationSent();
}

absl::StatusOr<Response> Login(AppState& app, const Request& request, const Params& /*params*/) {
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<std::string> email = StringField(*body, "email");
  if (!email.ok()) return email.status();
  absl::StatusOr<std::string> password = StringField(*body, "password");
  if (!password.ok()) return password.status();
  const std::string normalized = NormalizeEmail(*email);
  GG_RETURN_IF_ERROR(LoginThrottled(app, request, normalized));

  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT id, name, password_hash,"
                                      " email_verified_at IS NOT NULL FROM users WHERE email = ?",
                                      {sql::Text(normalized)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (rows.empty()) {
    if (absl::IsUnavailable(VerifyPasswordAgainstDummy(*password).status())) {
      return Busy(app, request);
    }
    return LoginFailed(app, request, normalized);
  }
  absl::StatusOr<int64_t> id = rows.Int(0, 0);
  absl::StatusOr<std::string> name = rows.Text(0, 1);
  absl::StatusOr<std::string> hash = rows.Text(0, 2);
  absl::StatusOr<bool> verified = rows.Bool(0, 3);
  if (!id.ok() || !name.ok() || !hash.ok() || !verified.ok()) {
    return absl::InternalError("unreadable users row");
  }
  absl::StatusOr<bool> matched = VerifyPassword(*hash, *password);
  if (absl::IsUnavailable(matched.status())) return Busy(app, request);
  if (!matched.ok() || !*matched) return LoginFailed(app, request, normalized);
  app.login_throttle->RecordSuccess(normalized);
  if (!*verified) {
    // The right password, but the address is unproven: no session, and the
    // same answer as a wrong password (so signup's uniform answer is not
    // undone here); the owner gets a fresh link (at most one a minute).
    bool mailed = false;
    status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(
          mailed, EnqueueAccountEmail(c, app, *id, AccountEmail::kVerify, NowMicros(*app.clock)));
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    if (mailed) app.NotifyOutbox();
    app.logger->Info("sign-in refused: email not verified", {{"request_id", request.request_id},
                                                             {"user_id", std::to_string(*id)},
                                                             {"email_queued", mailed}});
    return absl::UnauthenticatedError(std::string(kWrongCredentials));
  }

  std::string token;
  status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(token,
                        CreateSession(c, *id, NowMicros(*app.clock), app.config.session_lifetime));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  User user{std::to_string(*id), normalized, *name, true, ""};
  app.logger->Info("signed in", {{"request_id", request.request_id}, {"user_id", user.id}});
  return SessionResponse(200, token, user);
}

absl::StatusOr<Response> Logout(AppState& app, const Request& request, const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c.Exec("DELETE FROM sessions WHERE token_hash = ?", {sql::Text(user->session_hash)})
        .status();
  });
  if (!status.ok()) return status;
  app.logger->Info("signed out", {{"request_id", request.request_id}, {"user_id", user->id}});
  return NoContent();
}

absl::StatusOr<Response> LogoutEverywhere(AppState& app, const Request& request,
                                          const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  absl::StatusOr<int64_t> user_id = UserId(*user);
  if (!user_id.ok()) return user_id.status();
  int64_t ended = 0;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(ended,
                        c.Exec("DELETE FROM sessions WHERE user_id = ?", {sql::Int(*user_id)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  app.logger->Info(
      "signed out everywhere",
      {{"request_id", request.request_id}, {"user_id", user->id}, {"sessions_ended", ended}});
  return NoContent();
}

absl::StatusOr<Response> ChangePassword(AppState& app, const Request& request,
                                        const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<std::string> current = StringField(*body, "current");
  if (!current.ok()) return current.status();
  absl::StatusOr<std::string> next = StringField(*body, "new");
  if (!next.ok()) return next.status();
  if (absl::Status valid = ValidatePassword(*next); !valid.ok()) {
    return absl::InvalidArgumentError("new " + std::string(valid.message()));
  }
  absl::StatusOr<int64_t> parsed_id = UserId(*user);
  if (!parsed_id.ok()) return parsed_id.status();
  const int64_t user_id = *parsed_id;
  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        rows, c.Query("SELECT password_hash FROM users WHERE id = ?", {sql::Int(user_id)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (rows.empty()) {
    return absl::UnauthenticatedError("invalid or expired session");
  }
  absl::StatusOr<std::string> hash = rows.Text(0, 0);
  if (!hash.ok()) return hash.status();
  absl::StatusOr<bool> matched = VerifyPassword(*hash, *current);
  if (absl::IsUnavailable(matched.status())) return Busy(app, request);
  if (!matched.ok() || !*matched) {
    app.logger->Info("password change refused: wrong current password",
                     {{"request_id", request.request_id}, {"user_id", user->id}});
    return absl::PermissionDeniedError("the current password is wrong");
  }
  absl::StatusOr<std::string> new_hash = HashPassword(*next);
  if (absl::IsUnavailable(new_hash.status())) return Busy(app, request);
  if (!new_hash.ok()) return new_hash.status();
  int64_t ended = 0;
  status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("UPDATE users SET password_hash = ? WHERE id = ?",
                              {sql::Text(*new_hash), sql::Int(user_id)})
                           .status());
    // Every other session ends; this one stays.
    GG_ASSIGN_OR_RETURN(ended, c.Exec("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                                      {sql::Int(user_id), sql::Text(user->session_hash)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  app.logger->Info(
      "password changed",
      {{"request_id", request.request_id}, {"user_id", user->id}, {"other_sessions_ended", ended}});
  return NoContent();
}

absl::StatusOr<Response> VerifyEmail(AppState& app, const Request& request,
                                     const Params& /*params*/) {
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<std::string> token = StringField(*body, "token");
  if (!token.ok()) return token.status();
  const absl::Status unknown = absl::NotFoundError("verification link not found");
  if (!IsWellFormedInviteToken(*token)) return unknown;
  const std::string token_hash = HashInviteToken(*token);
  User user;
  std::string session;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    const absl::Time now = NowMicros(*app.clock);
    GG_ASSIGN_OR_RETURN(const int64_t id, ConsumeVerification(c, token_hash, now));
    GG_ASSIGN_OR_RETURN(sql::Rows rows,
                        c.Query("SELECT email, name FROM users WHERE id = ?", {sql::Int(id)}));
    if (rows.empty()) return absl::NotFoundError("verification link not found");
    user.id = std::to_string(id);
    GG_ASSIGN_OR_RETURN(user.email, rows.Text(0, 0));
    GG_ASSIGN_OR_RETURN(user.name, rows.Text(0, 1));
    user.email_verified = true;
    GG_ASSIGN_OR_RETURN(session, CreateSession(c, id, now, app.config.session_lifetime));
    return absl::OkStatus();
  });
  if (absl::IsFailedPrecondition(status)) {
    return Response::Error(410, "gone", std::string(status.message()));
  }
  if (!status.ok()) return status;
  app.logger->Info("email verified; signed in",
                   {{"request_id", request.request_id}, {"user_id", user.id}});
  return SessionResponse(200, session, user);
}

absl::StatusOr<Response> ResendVerification(AppState& app, const Request& request,
                                            const Params& /*params*/) {
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<std::string> email = StringField(*body, "email");
  if (!email.ok()) return email.status();
  if (email->size() > 1024) {
    return absl::InvalidArgumentError(
        "email must be a valid email address (at most 254 characters)");
  }
  const std::string normalized = NormalizeEmail(*email);
  if (absl::Status valid = ValidateEmail(normalized); !valid.ok()) {
    return valid;
  }
  bool mailed = false;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    mailed = false;
    GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query("SELECT id FROM users WHERE email = ?"
                                                " AND email_verified_at IS NULL",
                                                {sql::Text(normalized)}));
    if (rows.empty()) return absl::OkStatus();  // Unknown or verified: nothing to send.
    GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(0, 0));
    GG_ASSIGN_OR_RETURN(
        mailed, EnqueueAccountEmail(c, app, id, AccountEmail::kVerify, NowMicros(*app.clock)));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (mailed) app.NotifyOutbox();
  app.logger->Info("verification resend asked",
                   {{"request_id", request.request_id}, {"email_queued", mailed}});
  return VerificationSent();
}

absl::StatusOr<Response> Me(AppState& app, const Request& request, const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  return Response::Json(200, UserJson(*user));
}

}  // namespace guestguard::server
