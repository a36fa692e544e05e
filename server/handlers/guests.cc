// Copyright 2026 GuestGuard authors.
#include "server/handlers/guests.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/handlers/json_body.h"
#include "server/link_expiry.h"
#include "server/quotas.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxName = 200;
constexpr size_t kMaxPhone = 40;
constexpr int64_t kMaxPlusOnes = 20;

}  // namespace

absl::StatusOr<GuestInput> ValidateGuestInput(const boost::json::object& body,
                                              bool require_create) {
  GuestInput in;
  if (const boost::json::value* v = body.if_contains("name")) {
    if (!v->is_string()) return absl::InvalidArgumentError("name must be a string");
    std::string name(TrimSpaces(std::string_view(v->as_string().data(), v->as_string().size())));
    if (HasControlCharacter(name)) {
      return absl::InvalidArgumentError("name must not hold line breaks or control characters");
    }
    const size_t n = CodePoints(name);
    if (n < 1 || n > kMaxName) return absl::InvalidArgumentError("name must be 1-200 characters");
    in.name = std::move(name);
  } else if (require_create) {
    return absl::InvalidArgumentError("name is required and must be a string");
  }
  if (const boost::json::value* v = body.if_contains("email")) {
    if (v->is_null()) {
      in.email = "";
    } else if (!v->is_string()) {
      return absl::InvalidArgumentError("email must be a string or null");
    } else {
      std::string email = NormalizeEmail(std::string(v->as_string()));
      if (!email.empty() && !ValidateEmail(email).ok()) {
        return absl::InvalidArgumentError("email must be a valid email address");
      }
      in.email = std::move(email);
    }
  }
  if (const boost::json::value* v = body.if_contains("phone")) {
    if (v->is_null()) {
      in.phone = "";
    } else if (!v->is_string()) {
      return absl::InvalidArgumentError("phone must be a string or null");
    } else {
      std::string phone(TrimSpaces(std::string_view(v->as_string().data(), v->as_string().size())));
      if (CodePoints(phone) > kMaxPhone) {
        return absl::InvalidArgumentError("phone must be at most 40 characters");
      }
      in.phone = std::move(phone);
    }
  }
  if (const boost::json::value* v = body.if_contains("plus_ones_allowed")) {
    if (!v->is_int64() && !v->is_uint64()) {
      return absl::InvalidArgumentError("plus_ones_allowed must be an integer from 0 to 20");
    }
    const int64_t n = v->is_int64() ? v->as_int64() : -1;
    if (n < 0 || n > kMaxPlusOnes) {
      return absl::InvalidArgumentError("plus_ones_allowed must be an integer from 0 to 20");
    }
    in.plus_ones_allowed = n;
  }
  return in;
}

absl::StatusOr<int64_t> InsertGuest(sql::Connection& c, int64_t event_id, const GuestInput& in,
                                    absl::Time created_at) {
  GG_ASSIGN_OR_RETURN(
      sql::Rows rows,
      c.Query("INSERT INTO guests (event_id, name, email, phone, plus_ones_allowed, created_at)"
              " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
              {sql::Int(event_id), sql::Text(in.name.value_or("")),
               sql::Text(in.email.value_or("")), sql::Text(in.phone.value_or("")),
               sql::Int(in.plus_ones_allowed.value_or(0)), created_at}));
  if (rows.size() != 1) return absl::InternalError("insert returned no id");
  return rows.Int(0, 0);
}

absl::StatusOr<boost::json::object> GuestJson(const sql::Rows& rows, size_t i) {
  GG_ASSIGN_OR_RETURN(int64_t id, rows.Int(i, 0));
  GG_ASSIGN_OR_RETURN(int64_t event_id, rows.Int(i, 1));
  GG_ASSIGN_OR_RETURN(std::string name, rows.Text(i, 2));
  GG_ASSIGN_OR_RETURN(std::string email, rows.Text(i, 3));
  GG_ASSIGN_OR_RETURN(std::string phone, rows.Text(i, 4));
  GG_ASSIGN_OR_RETURN(int64_t plus_ones_allowed, rows.Int(i, 5));
  GG_ASSIGN_OR_RETURN(absl::Time created_at, rows.Time(i, 6));
  boost::json::value link_issued_at = nullptr;
  if (!rows.IsNull(i, 7)) {
    GG_ASSIGN_OR_RETURN(absl::Time issued, rows.Time(i, 7));
    link_issued_at = boost::json::value(FormatRfc3339(issued));
  }
  return boost::json::object{{"id", std::to_string(id)},
                             {"event_id", std::to_string(event_id)},
                             {"name", name},
                             {"email", email},
                             {"phone", phone},
                             {"plus_ones_allowed", plus_ones_allowed},
                             {"created_at", FormatRfc3339(created_at)},
                             {"link_issued_at", std::move(link_issued_at)}};
}

absl::Status DuplicateEmailAware(absl::Status status) {
  if (!absl::IsAlreadyExists(status)) return status;
  return absl::AlreadyExistsError("email is already used by a guest of this event");
}

namespace {

// The authenticated user's event id (with at least `minimum`) and the guest id
// of the path.
struct Scope {
  std::string user_id;
  int64_t event_id = 0;
  int64_t guest_id = 0;  // 0 when the path has none.
};

// The error response to send when the user may not act on the event with
// `minimum` (EnterEvent's 401/404/403), or nullopt with the scope's user and
// event filled in.
std::optional<Response> Enter(AppState& app, const Request& request, const Params& params,
                              Role minimum, Scope* scope) {
  EventScope event;
  if (std::optional<Response> r = EnterEvent(app, request, params, minimum, &event)) return r;
  scope->user_id = event.user.id;
  scope->event_id = event.event_id;
  return std::nullopt;
}

// The guest id of the path, or NotFound when it is not a positive decimal.
absl::StatusOr<int64_t> PathGuestId(const Params& params) {
  std::optional<int64_t> guest_id = ParseEventId(params.at("guest_id"));
  if (!guest_id) return absl::NotFoundError("guest not found");
  return *guest_id;
}

// Reads the guest of the scope and answers `status` with it, or NotFound.
absl::StatusOr<Response> GuestResponse(AppState& app, const Scope& scope, int status) {
  sql::Rows rows;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query(std::string("SELECT ") + kGuestColumns +
                                          " FROM guests g WHERE g.id = ? AND g.event_id = ?",
                                      {sql::Int(scope.guest_id), sql::Int(scope.event_id)}));
    return absl::OkStatus();
  }));
  if (rows.empty()) return absl::NotFoundError("guest not found");
  GG_ASSIGN_OR_RETURN(const boost::json::object guest, GuestJson(rows, 0));
  return Response::Json(status, guest);
}

// NotFound unless the guest exists in the scope's event.
absl::Status GuestExists(AppState& app, const Scope& scope) {
  return app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(sql::Rows rows,
                        c.Query("SELECT id FROM guests WHERE id = ? AND event_id = ?",
                                {sql::Int(scope.guest_id), sql::Int(scope.event_id)}));
    if (rows.empty()) return absl::NotFoundError("guest not found");
    return absl::OkStatus();
  });
}

absl::StatusOr<Response> TokenResponse(AppState& app, const Request& request, const Params& params,
                                       bool rotate) {
  Scope scope;
  if (std::optional<Response> r = Enter(app, request, params, Role::kEditor, &scope)) return *r;
  GG_ASSIGN_OR_RETURN(scope.guest_id, PathGuestId(params));
  GG_RETURN_IF_ERROR(GuestExists(app, scope));
  GG_ASSIGN_OR_RETURN(const absl::Time not_after,
                      LinkNotAfter(*app.db, scope.event_id, app.clock->Now()));
  const std::string event_id = std::to_string(scope.event_id);
  const std::string guest_id = std::to_string(scope.guest_id);
  absl::StatusOr<std::string> token = rotate ? app.guard->RotateToken(event_id, guest_id, not_after)
                                             : app.guard->IssueToken(event_id, guest_id, not_after);
  if (!token.ok()) {
    // Not the caller's fault (ids are ours): never a 400.
    return absl::InternalError(token.status().ToString());
  }
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c
        .Exec("UPDATE guests SET token_issued_at = ? WHERE id = ? AND event_id = ?",
              {NowMicros(*app.clock), sql::Int(scope.guest_id), sql::Int(scope.event_id)})
        .status();
  }));
  app.logger->Info(rotate ? "guest token rotated" : "guest token issued",
                   {{"request_id", request.request_id},
                    {"user_id", scope.user_id},
                    {"event_id", event_id},
                    {"guest_id", guest_id}});
  return Response::Json(
      201,
      boost::json::object{{"token", *token}, {"link", app.config.public_url + "/rsvp/" + *token}});
}

}  // namespace

absl::StatusOr<Response> CreateGuest(AppState& app, const Request& request, const Params& params) {
  Scope scope;
  if (std::optional<Response> r = Enter(app, request, params, Role::kEditor, &scope)) return *r;
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  GG_ASSIGN_OR_RETURN(const GuestInput in, ValidateGuestInput(*body, /*require_create=*/true));
  const absl::Time now = NowMicros(*app.clock);
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(CheckGuestQuota(c, scope.event_id, 1, app.config.max_guests_per_event));
    GG_ASSIGN_OR_RETURN(scope.guest_id, InsertGuest(c, scope.event_id, in, now));
    return absl::OkStatus();
  });
  if (IsQuotaRefusal(status)) return QuotaResponse(status, 0);
  GG_RETURN_IF_ERROR(DuplicateEmailAware(status));
  app.logger->Info("guest created", {{"request_id", request.request_id},
                                     {"user_id", scope.user_id},
                                     {"event_id", std::to_string(scope.event_id)},
                                     {"guest_id", std::to_string(scope.guest_id)}});
  return GuestResponse(app, scope, 201);
}

absl::StatusOr<Response> GetGuest(AppState& app, const Request& request, const Params& params) {
  Scope scope;
  if (std::optional<Response> r = Enter(app, request, params, Role::kViewer, &scope)) return *r;
  GG_ASSIGN_OR_RETURN(scope.guest_id, PathGuestId(params));
  return GuestResponse(app, scope, 200);
}

absl::StatusOr<Response> PatchGuest(AppState& app, const Request& request, const Params& params) {
  Scope scope;
  if (std::optional<Response> r = Enter(app, request, params, Role::kEditor, &scope)) return *r;
  GG_ASSIGN_OR_RETURN(scope.guest_id, PathGuestId(params));
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  GG_ASSIGN_OR_RETURN(const GuestInput in, ValidateGuestInput(*body, /*require_create=*/false));
  std::string sets;
  std::vector<sql::Value> values;
  auto set = [&](std::string_view column, sql::Value value) {
    if (!sets.empty()) sets += ", ";
    sets += std::string(column) + " = ?";
    values.push_back(std::move(value));
  };
  if (in.name) set("name", sql::Text(*in.name));
  if (in.email) set("email", sql::Text(*in.email));
  if (in.phone) set("phone", sql::Text(*in.phone));
  if (in.plus_ones_allowed) set("plus_ones_allowed", sql::Int(*in.plus_ones_allowed));
  if (values.empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give name, email, phone or plus_ones_allowed");
  }
  values.push_back(sql::Int(scope.guest_id));
  values.push_back(sql::Int(scope.event_id));
  int64_t changed = 0;
  // One transaction: a lower allowance trims the guest's RSVP with it, so no
  // RSVP ever holds more plus-ones than the guest is allowed.
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        changed, c.Exec("UPDATE guests SET " + sets + " WHERE id = ? AND event_id = ?", values));
    if (changed == 0 || !in.plus_ones_allowed) return absl::OkStatus();
    return c
        .Exec("UPDATE rsvps SET plus_ones = ? WHERE guest_id = ? AND plus_ones > ?",
              {sql::Int(*in.plus_ones_allowed), sql::Int(scope.guest_id),
               sql::Int(*in.plus_ones_allowed)})
        .status();
  });
  GG_RETURN_IF_ERROR(DuplicateEmailAware(status));
  if (changed == 0) return absl::NotFoundError("guest not found");
  app.logger->Info("guest updated", {{"request_id", request.request_id},
                                     {"user_id", scope.user_id},
                                     {"event_id", std::to_string(scope.event_id)},
                                     {"guest_id", std::to_string(scope.guest_id)}});
  return GuestResponse(app, scope, 200);
}

absl::StatusOr<Response> DeleteGuest(AppState& app, const Request& request, const Params& params) {
  Scope scope;
  if (std::optional<Response> r = Enter(app, request, params, Role::kEditor, &scope)) return *r;
  GG_ASSIGN_OR_RETURN(scope.guest_id, PathGuestId(params));
  int64_t changed = 0;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(changed, c.Exec("DELETE FROM guests WHERE id = ? AND event_id = ?",
                                        {sql::Int(scope.guest_id), sql::Int(scope.event_id)}));
    return absl::OkStatus();
  }));
  if (changed == 0) return absl::NotFoundError("guest not found");
  app.logger->Info("guest deleted", {{"request_id", request.request_id},
                                     {"user_id", scope.user_id},
                                     {"event_id", std::to_string(scope.event_id)},
                                     {"guest_id", std::to_string(scope.guest_id)}});
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

absl::StatusOr<Response> IssueGuestToken(AppState& app, const Request& request,
                                         const Params& params) {
  return TokenResponse(app, request, params, /*rotate=*/false);
}

absl::StatusOr<Response> RotateGuestToken(AppState& app, const Request& request,
                                          const Params& params) {
  return TokenResponse(app, request, params, /*rotate=*/true);
}

absl::StatusOr<Response> BulkIssueTokens(AppState& app, const Request& request,
                                         const Params& params) {
  Scope scope;
  if (std::optional<Response> r = Enter(app, request, params, Role::kEditor, &scope)) return *r;
  GG_ASSIGN_OR_RETURN(const absl::Time not_after,
                      LinkNotAfter(*app.db, scope.event_id, app.clock->Now()));
  // Claims the guests never given a link in one statement, so that two bulk
  // calls at once never issue to the same guest twice.
  std::vector<int64_t> guest_ids;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(sql::Rows rows,
                        c.Query("UPDATE guests SET token_issued_at = ?"
                                " WHERE event_id = ? AND token_issued_at IS NULL RETURNING id",
                                {NowMicros(*app.clock), sql::Int(scope.event_id)}));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(int64_t id, rows.Int(i, 0));
      guest_ids.push_back(id);
    }
    return absl::OkStatus();
  }));
  std::sort(guest_ids.begin(), guest_ids.end());

  const std::string event_id = std::to_string(scope.event_id);
  boost::json::array issued;
  for (size_t i = 0; i < guest_ids.size(); ++i) {
    const std::string guest_id = std::to_string(guest_ids[i]);
    absl::StatusOr<std::string> token = app.guard->IssueToken(event_id, guest_id, not_after);
    if (!token.ok()) {
      // Releases the claim on the guests not served so that a retry issues to them.
      for (size_t j = i; j < guest_ids.size(); ++j) {
        (void)app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
          return c
              .Exec("UPDATE guests SET token_issued_at = NULL WHERE id = ?",
                    {sql::Int(guest_ids[j])})
              .status();
        });
      }
      return absl::InternalError(token.status().ToString());
    }
    issued.emplace_back(boost::json::object{{"guest_id", guest_id},
                                            {"token", *token},
                                            {"link", app.config.public_url + "/rsvp/" + *token}});
  }
  app.logger->Info("guest tokens issued in bulk", {{"request_id", request.request_id},
                                                   {"user_id", scope.user_id},
                                                   {"event_id", event_id},
                                                   {"count", static_cast<int64_t>(issued.size())}});
  return Response::Json(200, boost::json::object{{"issued", std::move(issued)}});
}

}  // namespace guestguard::server
