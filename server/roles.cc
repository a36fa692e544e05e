// Copyright 2026 GuestGuard authors.
#include "server/roles.h"

#include <string>

#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/http_errors.h"
#include "server/wire.h"

namespace guestguard::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kEditor:
      return "editor";
    case Role::kViewer:
      return "viewer";
    case Role::kDoor:
      return "door";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "owner") return Role::kOwner;
  if (name == "editor") return Role::kEditor;
  if (name == "viewer") return Role::kViewer;
  if (name == "door") return Role::kDoor;
  return std::nullopt;
}

std::optional<int64_t> ParseEventId(std::string_view event_id) {
  std::optional<int64_t> id = ParseDecimal(event_id, 18);
  if (!id || *id <= 0) return std::nullopt;
  return id;
}

absl::StatusOr<Role> RequireRole(AppState& app, const User& user, std::string_view event_id,
                                 Role minimum) {
  const absl::Status not_found = absl::NotFoundError("event not found");
  std::optional<int64_t> id = ParseEventId(event_id);
  if (!id.has_value()) return not_found;
  GG_ASSIGN_OR_RETURN(const int64_t user_id, UserId(user));
  sql::Rows rows;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT role FROM event_members"
                                      " WHERE event_id = ? AND user_id = ?",
                                      {sql::Int(*id), sql::Int(user_id)}));
    return absl::OkStatus();
  }));
  if (rows.empty()) return not_found;
  GG_ASSIGN_OR_RETURN(std::string name, rows.Text(0, 0));
  std::optional<Role> role = ParseRole(name);
  if (!role.has_value()) return absl::InternalError("unknown role in event_members");
  if (*role < minimum) {
    return absl::PermissionDeniedError(std::string("this action requires the ") +
                                       std::string(RoleName(minimum)) + " role or higher");
  }
  return *role;
}

namespace {

std::optional<Response> Enter(AppState& app, const Request& request, const Params& params,
                              Role minimum, bool door_too, EventScope* scope) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return ErrorResponse(user.status(), request, *app.logger);
  // Door staff pass a door route whatever its minimum for the other roles.
  absl::StatusOr<Role> role = RequireRole(app, *user, params.at("id"), Role::kDoor);
  if (role.ok() && *role < minimum && !(door_too && *role == Role::kDoor)) {
    role = absl::PermissionDeniedError(std::string("this action requires the ") +
                                       std::string(RoleName(minimum)) + " role or higher");
  }
  if (!role.ok()) return ErrorResponse(role.status(), request, *app.logger);
  absl::StatusOr<int64_t> user_id = UserId(*user);
  if (!user_id.ok()) return ErrorResponse(user_id.status(), request, *app.logger);
  scope->user_id = *user_id;
  scope->event_id = *ParseEventId(params.at("id"));
  scope->event_key = std::to_string(scope->event_id);
  scope->user = *std::move(user);
  return std::nullopt;
}

}  // namespace

std::optional<Response> EnterEvent(AppState& app, const Request& request, const Params& params,
                                   Role minimum, EventScope* scope) {
  return Enter(app, request, params, minimum, /*door_too=*/false, scope);
}

std::optional<Response> EnterDoor(AppState& app, const Request& request, const Params& params,
                                  Role others_minimum, EventScope* scope) {
  return Enter(app, request, params, others_minimum, /*door_too=*/true, scope);
}

}  // namespace guestguard::server
