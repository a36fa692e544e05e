// Copyright 2026 GuestGuard authors.
#include "server/handlers/accounts.h"

#include <optional>
#include <string>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "internal/status_macros.h"
#include "server/auth.h"
#include "server/handlers/json_body.h"
#include "server/http_errors.h"
#include "server/rate_limiter.h"

namespace guestguard::server {
namespace {

constexpr std::string_view kWrongCredentials = "wrong email or password";

boost::json::object UserJson(const User& user) {
  return {{"id", user.id}, {"email", user.email}, {"name", user.name}};
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

// 429 while `email`'s failed logins make it wait (see LoginThrottle); no
// Argon2 work is spent on it.
std::optional<Response> LoginThrottled(AppState& app, const Request& request,
                                       const std::string& email) {
  std::optional<absl::Duration> wait = app.login_throttle->Check(email);
  if (!wait) return std::nullopt;
  app.logger->Warn("login throttled", {{"request_id", request.request_id},
                                       {"email", email},
                                       {"client_ip", request.client_ip},
                                       {"retry_after", RetryAfterSeconds(*wait)}});
  return ErrorResponse(
      RateLimitedError("too many failed sign-ins for this account; wait and try again", *wait),
      request, *app.logger);
}

// 401 for a wrong email or password, counted against the account and logged
// with it (never with the password).
Response LoginFailed(AppState& app, const Request& request, const std::string& email) {
  const int failures = app.login_throttle->RecordFailure(email);
  app.logger->Warn("login failed", {{"request_id", request.request_id},
                                    {"email", email},
                                    {"client_ip", request.client_ip},
                                    {"failures", failures}});
  return ErrorResponse(absl::UnauthenticatedError(std::string(kWrongCredentials)), request,
                       *app.logger);
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

Response Signup(AppState& app, const Request& request, const Params& /*params*/) {
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<SignupInput> in = ValidateSignup(*body);
  if (!in.ok()) return ErrorResponse(in.status(), request, *app.logger);
  absl::StatusOr<std::string> hash = HashPassword(in->password);
  if (absl::IsUnavailable(hash.status())) return Busy(app, request);
  if (!hash.ok()) return ErrorResponse(hash.status(), request, *app.logger);

  const absl::Time now = absl::Now();
  int64_t id = 0;
  std::string token;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        sql::Rows rows,
        c.Query("INSERT INTO users (email, name, password_hash, created_at)"
                " VALUES (?, ?, ?, ?) RETURNING id",
                {sql::Text(in->email), sql::Text(in->name), sql::Text(*hash), now}));
    if (rows.size() != 1) return absl::InternalError("insert returned no id");
    GG_ASSIGN_OR_RETURN(id, rows.Int(0, 0));
    GG_ASSIGN_OR_RETURN(token, CreateSession(c, id, now));
    return absl::OkStatus();
  });
  if (absl::IsAlreadyExists(status)) {
    return ErrorResponse(absl::AlreadyExistsError("an account with this email already exists"),
                         request, *app.logger);
  }
  if (!status.ok()) return ErrorResponse(status, request, *app.logger);
  User user{std::to_string(id), in->email, in->name};
  app.logger->Info("account created", {{"request_id", request.request_id}, {"user_id", user.id}});
  return SessionResponse(201, token, user);
}

Response Login(AppState& app, const Request& request, const Params& /*params*/) {
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<std::string> email = StringField(*body, "email");
  if (!email.ok()) return ErrorResponse(email.status(), request, *app.logger);
  absl::StatusOr<std::string> password = StringField(*body, "password");
  if (!password.ok()) return ErrorResponse(password.status(), request, *app.logger);
  const std::string normalized = NormalizeEmail(*email);
  if (std::optional<Response> throttled = LoginThrottled(app, request, normalized)) {
    return *std::move(throttled);
  }

  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT id, name, password_hash FROM users WHERE email = ?",
                                      {sql::Text(normalized)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return ErrorResponse(status, request, *app.logger);
  if (rows.empty()) {
    if (absl::IsUnavailable(VerifyPasswordAgainstDummy(*password).status())) {
      return Busy(app, request);
    }
    return LoginFailed(app, request, normalized);
  }
  absl::StatusOr<int64_t> id = rows.Int(0, 0);
  absl::StatusOr<std::string> name = rows.Text(0, 1);
  absl::StatusOr<std::string> hash = rows.Text(0, 2);
  if (!id.ok() || !name.ok() || !hash.ok()) {
    return ErrorResponse(absl::InternalError("unreadable users row"), request, *app.logger);
  }
  absl::StatusOr<bool> matched = VerifyPassword(*hash, *password);
  if (absl::IsUnavailable(matched.status())) return Busy(app, request);
  if (!matched.ok() || !*matched) return LoginFailed(app, request, normalized);
  app.login_throttle->RecordSuccess(normalized);

  std::string token;
  status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(token, CreateSession(c, *id, absl::Now()));
    return absl::OkStatus();
  });
  if (!status.ok()) return ErrorResponse(status, request, *app.logger);
  User user{std::to_string(*id), normalized, *name};
  app.logger->Info("signed in", {{"request_id", request.request_id}, {"user_id", user.id}});
  return SessionResponse(200, token, user);
}

Response Logout(AppState& app, const Request& request, const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return ErrorResponse(user.status(), request, *app.logger);
  absl::StatusOr<std::string> token = BearerToken(request);
  if (!token.ok()) return ErrorResponse(token.status(), request, *app.logger);
  const std::string token_hash = HashSessionToken(*token);
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c.Exec("DELETE FROM sessions WHERE token_hash = ?", {sql::Text(token_hash)}).status();
  });
  if (!status.ok()) return ErrorResponse(status, request, *app.logger);
  app.logger->Info("signed out", {{"request_id", request.request_id}, {"user_id", user->id}});
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

Response Me(AppState& app, const Request& request, const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return ErrorResponse(user.status(), request, *app.logger);
  return Response::Json(200, UserJson(*user));
}

}  // namespace guestguard::server
