// Copyright 2026 GuestGuard authors.
#include "server/handlers/collaborators.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "guestguard/bus.h"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/handlers/json_body.h"
#include "server/http_errors.h"
#include "server/invite_tokens.h"
#include "server/outbox.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

// The signed-in caller and the event of the path, once the role was checked.
using Scope = EventScope;

// Inside a transaction: locks the event row until the transaction ends, so
// that every team change of the event runs one at a time (PostgreSQL: FOR
// UPDATE; SQLite: the write transaction already excludes other writers), then
// checks that `user_id` is still an owner. Returns the event's name. NotFound
// when the event is gone or the user no longer a member; PermissionDenied when
// no longer an owner.
absl::StatusOr<std::string> LockTeamAsOwner(sql::Connection& c, int64_t event_id, int64_t user_id) {
  GG_ASSIGN_OR_RETURN(sql::Rows event,
                      c.Query(c.dialect() == sql::Dialect::kPostgres
                                  ? "SELECT name FROM events WHERE id = ? FOR UPDATE"
                                  : "SELECT name FROM events WHERE id = ?",
                              {sql::Int(event_id)}));
  if (event.empty()) return absl::NotFoundError("event not found");
  GG_ASSIGN_OR_RETURN(sql::Rows member,
                      c.Query("SELECT role FROM event_members WHERE event_id = ? AND user_id = ?",
                              {sql::Int(event_id), sql::Int(user_id)}));
  if (member.empty()) return absl::NotFoundError("event not found");
  GG_ASSIGN_OR_RETURN(std::string role, member.Text(0, 0));
  if (role != RoleName(Role::kOwner)) {
    return absl::PermissionDeniedError("this action requires the owner role or higher");
  }
  return event.Text(0, 0);
}

// Inside LockTeamAsOwner's transaction: InvalidArgument when moving a member
// from `current` to `next` (nullopt: removal) would leave the event no owner.
absl::Status KeepAnOwner(sql::Connection& c, int64_t event_id, Role current,
                         std::optional<Role> next) {
  if (current != Role::kOwner || next == Role::kOwner) return absl::OkStatus();
  GG_ASSIGN_OR_RETURN(
      sql::Rows rows,
      c.Query("SELECT COUNT(*) FROM event_members WHERE event_id = ? AND role = 'owner'",
              {sql::Int(event_id)}));
  GG_ASSIGN_OR_RETURN(int64_t owners, rows.Int(0, 0));
  if (owners <= 1) {
    return absl::InvalidArgumentError(
        "an event must keep at least one owner: make another collaborator owner first");
  }
  return absl::OkStatus();
}

// A member of the event inside a transaction: {email, name, role}.
struct Member {
  std::string email;
  std::string name;
  Role role = Role::kViewer;
};

// NotFound("collaborator not found") unless `user_id` is a member of the event.
absl::StatusOr<Member> FindMember(sql::Connection& c, int64_t event_id, int64_t user_id) {
  GG_ASSIGN_OR_RETURN(sql::Rows rows,
                      c.Query("SELECT u.email, u.name, m.role"
                              " FROM event_members m JOIN users u ON u.id = m.user_id"
                              " WHERE m.event_id = ? AND m.user_id = ?",
                              {sql::Int(event_id), sql::Int(user_id)}));
  if (rows.empty()) return absl::NotFoundError("collaborator not found");
  Member member;
  GG_ASSIGN_OR_RETURN(member.email, rows.Text(0, 0));
  GG_ASSIGN_OR_RETURN(member.name, rows.Text(0, 1));
  GG_ASSIGN_OR_RETURN(std::string role, rows.Text(0, 2));
  std::optional<Role> parsed = ParseRole(role);
  if (!parsed.has_value()) return absl::InternalError("unknown role in event_members");
  member.role = *parsed;
  return member;
}

boost::json::object CollaboratorJson(int64_t user_id, const Member& member) {
  return boost::json::object{{"user_id", std::to_string(user_id)},
                             {"email", member.email},
                             {"name", member.name},
                             {"role", RoleName(member.role)}};
}

absl::StatusOr<Role> ValidRole(const boost::json::object& body) {
  const absl::Status bad = absl::InvalidArgumentError(
      "role is required and must be \"owner\", \"editor\", \"viewer\" or \"door\"");
  const boost::json::value* v = body.if_contains("role");
  if (v == nullptr || !v->is_string()) return bad;
  std::optional<Role> role =
      ParseRole(std::string_view(v->as_string().data(), v->as_string().size()));
  if (!role.has_value()) return bad;
  return *role;
}

// A normalised, valid email; InvalidArgument otherwise (longer input is
// refused before it is normalised).
absl::StatusOr<std::string> ValidEmail(std::string_view text) {
  if (text.size() > 1024) {
    return absl::InvalidArgumentError(
        "email must be a valid email address (at most 254 characters)");
  }
  std::string email = NormalizeEmail(text);
  GG_RETURN_IF_ERROR(ValidateEmail(email));
  return email;
}

// The member id of the path; nullopt when it is no positive decimal.
std::optional<int64_t> PathUserId(const Params& params) {
  return ParseEventId(params.at("user_id"));  // Same shape as event ids.
}

Response NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace

absl::StatusOr<Response> ListCollaborators(AppState& app, const Request& request,
                                           const Params& params) {
  Scope scope;
  if (std::optional<Response> r = EnterEvent(app, request, params, Role::kViewer, &scope))
    return *r;
  sql::Rows members;
  sql::Rows pending;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(members, c.Query("SELECT m.user_id, u.email, u.name, m.role"
                                         " FROM event_members m JOIN users u ON u.id = m.user_id"
                                         " WHERE m.event_id = ?"
                                         " ORDER BY CASE m.role WHEN 'owner' THEN 0"
                                         " WHEN 'editor' THEN 1 ELSE 2 END, u.email",
                                         {sql::Int(scope.event_id)}));
    GG_ASSIGN_OR_RETURN(pending, c.Query("SELECT email, role, expires_at FROM event_invites"
                                         " WHERE event_id = ? AND state = 'pending'"
                                         " AND expires_at > ? ORDER BY created_at, id",
                                         {sql::Int(scope.event_id), NowMicros(*app.clock)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  boost::json::array collaborators;
  for (size_t i = 0; i < members.size(); ++i) {
    absl::StatusOr<int64_t> user_id = members.Int(i, 0);
    absl::StatusOr<std::string> email = members.Text(i, 1);
    absl::StatusOr<std::string> name = members.Text(i, 2);
    absl::StatusOr<std::string> role = members.Text(i, 3);
    if (!user_id.ok() || !email.ok() || !name.ok() || !role.ok()) {
      return absl::InternalError("unreadable event_members row");
    }
    collaborators.emplace_back(boost::json::object{{"user_id", std::to_string(*user_id)},
                                                   {"email", *email},
                                                   {"name", *name},
                                                   {"role", *role}});
  }
  boost::json::array invites;
  for (size_t i = 0; i < pending.size(); ++i) {
    absl::StatusOr<std::string> email = pending.Text(i, 0);
    absl::StatusOr<std::string> role = pending.Text(i, 1);
    absl::StatusOr<absl::Time> expires_at = pending.Time(i, 2);
    if (!email.ok() || !role.ok() || !expires_at.ok()) {
      return absl::InternalError("unreadable event_invites row");
    }
    invites.emplace_back(boost::json::object{
        {"email", *email}, {"role", *role}, {"expires_at", FormatRfc3339(*expires_at)}});
  }
  return Response::Json(200, boost::json::object{{"collaborators", std::move(collaborators)},
                                                 {"pending", std::move(invites)}});
}

absl::StatusOr<Response> InviteCollaborator(AppState& app, const Request& request,
                                            const Params& params) {
  Scope scope;
  if (std::optional<Response> r = EnterEvent(app, request, params, Role::kOwner, &scope)) return *r;
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  const boost::json::value* email_value = body->if_contains("email");
  if (email_value == nullptr || !email_value->is_string()) {
    return absl::InvalidArgumentError("email is required and must be a string");
  }
  absl::StatusOr<std::string> email = ValidEmail(
      std::string_view(email_value->as_string().data(), email_value->as_string().size()));
  if (!email.ok()) return email.status();
  absl::StatusOr<Role> role = ValidRole(*body);
  if (!role.ok()) return role.status();
  // Counted once the invite is made (below), so a refused one costs nothing.
  if (std::optional<absl::Duration> wait = app.invites_per_address->Peek(*email)) {
    app.logger->Info("collaborator invite rate limited",
                     {{"request_id", request.request_id}, {"user_id", scope.user.id}});
    return RateLimitedError("this address was already sent " +
                                std::to_string(app.config.invites_per_address_per_hour) +
                                " invitations in the last hour; try again later",
                            *wait);
  }

  const std::string token = NewInviteToken();
  const std::string token_hash = HashInviteToken(token);
  const absl::Time now = NowMicros(*app.clock);
  const absl::Time expires_at = now + kInviteLifetime;
  std::string event_name;
  int64_t replaced = 0;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(event_name, LockTeamAsOwner(c, scope.event_id, scope.user_id));
    GG_ASSIGN_OR_RETURN(sql::Rows member,
                        c.Query("SELECT 1 FROM event_members m JOIN users u ON u.id = m.user_id"
                                " WHERE m.event_id = ? AND u.email = ?",
                                {sql::Int(scope.event_id), sql::Text(*email)}));
    if (!member.empty()) {
      return absl::AlreadyExistsError(*email + " is already a collaborator on this event");
    }
    GG_ASSIGN_OR_RETURN(replaced, c.Exec("UPDATE event_invites SET state = 'replaced',"
                                         " closed_at = ? WHERE event_id = ? AND email = ?"
                                         " AND state = 'pending'",
                                         {now, sql::Int(scope.event_id), sql::Text(*email)}));
    GG_ASSIGN_OR_RETURN(
        sql::Rows team,
        c.Query("SELECT (SELECT COUNT(*) FROM event_members WHERE event_id = ?) +"
                " (SELECT COUNT(*) FROM event_invites WHERE event_id = ? AND state = 'pending'"
                " AND expires_at > ?)",
                {sql::Int(scope.event_id), sql::Int(scope.event_id), now}));
    GG_ASSIGN_OR_RETURN(int64_t size, team.Int(0, 0));
    if (size >= kMaxTeamSize) {
      return absl::FailedPreconditionError(
          "an event's team is limited to " + std::to_string(kMaxTeamSize) +
          " collaborators and pending invites; remove someone or cancel an invite first");
    }
    GG_RETURN_IF_ERROR(
        c.Exec("INSERT INTO event_invites (token_hash, event_id, email, role, invited_by,"
               " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {sql::Text(token_hash), sql::Int(scope.event_id), sql::Text(*email),
                sql::Text(RoleName(*role)), sql::Int(scope.user_id), now, expires_at})
            .status());
    // The invite and its collaborator.invited event commit together; the
    // link (a credential) travels sealed, the notification worker sends it.
    const std::string event = boost::json::serialize(boost::json::object{
        {"event_id", std::to_string(scope.event_id)},
        {"event_name", event_name},
        {"email", *email},
        {"role", RoleName(*role)},
        {"inviter_name", scope.user.name},
        {"expires_at", FormatRfc3339(expires_at)},
        {"link_sealed", app.sealer->Seal(InviteLink(app.config.public_url, token))}});
    return EnqueueEvent(c, app.config.subject_prefix, kSubjectCollaboratorInvited, event).status();
  });
  if (!status.ok()) return status;
  (void)app.invites_per_address->Acquire(*email);
  app.logger->Info("collaborator invited", {{"request_id", request.request_id},
                                            {"user_id", scope.user.id},
                                            {"event_id", std::to_string(scope.event_id)},
                                            {"role", RoleName(*role)},
                                            {"replaced_pending", replaced > 0}});
  app.NotifyOutbox();
  return Response::Json(201, boost::json::object{{"email", *email},
                                                 {"role", RoleName(*role)},
                                                 {"expires_at", FormatRfc3339(expires_at)}});
}

absl::StatusOr<Response> PatchCollaborator(AppState& app, const Request& request,
                                           const Params& params) {
  Scope scope;
  if (std::optional<Response> r = EnterEvent(app, request, params, Role::kOwner, &scope)) return *r;
  std::optional<int64_t> target = PathUserId(params);
  if (!target.has_value()) {
    return absl::NotFoundError("collaborator not found");
  }
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<Role> role = ValidRole(*body);
  if (!role.ok()) return role.status();

  Member member;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(LockTeamAsOwner(c, scope.event_id, scope.user_id).status());
    GG_ASSIGN_OR_RETURN(member, FindMember(c, scope.event_id, *target));
    GG_RETURN_IF_ERROR(KeepAnOwner(c, scope.event_id, member.role, *role));
    member.role = *role;
    return c
        .Exec("UPDATE event_members SET role = ? WHERE event_id = ? AND user_id = ?",
              {sql::Text(RoleName(*role)), sql::Int(scope.event_id), sql::Int(*target)})
        .status();
  });
  if (!status.ok()) return status;
  app.logger->Info("collaborator role changed", {{"request_id", request.request_id},
                                                 {"user_id", scope.user.id},
                                                 {"event_id", std::to_string(scope.event_id)},
                                                 {"member_id", std::to_string(*target)},
                                                 {"role", RoleName(*role)}});
  return Response::Json(200, CollaboratorJson(*target, member));
}

absl::StatusOr<Response> RemoveCollaborator(AppState& app, const Request& request,
                                            const Params& params) {
  Scope scope;
  if (std::optional<Response> r = EnterEvent(app, request, params, Role::kOwner, &scope)) return *r;
  std::optional<int64_t> target = PathUserId(params);
  if (!target.has_value()) {
    return absl::NotFoundError("collaborator not found");
  }
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(LockTeamAsOwner(c, scope.event_id, scope.user_id).status());
    GG_ASSIGN_OR_RETURN(Member member, FindMember(c, scope.event_id, *target));
    GG_RETURN_IF_ERROR(KeepAnOwner(c, scope.event_id, member.role, std::nullopt));
    return c
        .Exec("DELETE FROM event_members WHERE event_id = ? AND user_id = ?",
              {sql::Int(scope.event_id), sql::Int(*target)})
        .status();
  });
  if (!status.ok()) return status;
  app.logger->Info("collaborator removed", {{"request_id", request.request_id},
                                            {"user_id", scope.user.id},
                                            {"event_id", std::to_string(scope.event_id)},
                                            {"member_id", std::to_string(*target)}});
  return NoContent();
}

absl::StatusOr<Response> CancelInvite(AppState& app, const Request& request, const Params& params) {
  Scope scope;
  if (std::optional<Response> r = EnterEvent(app, request, params, Role::kOwner, &scope)) return *r;
  auto it = request.query.find("email");
  if (it == request.query.end()) {
    return absl::InvalidArgumentError("the email query parameter is required");
  }
  absl::StatusOr<std::string> email = ValidEmail(it->second);
  if (!email.ok()) return email.status();
  const absl::Time now = NowMicros(*app.clock);
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(LockTeamAsOwner(c, scope.event_id, scope.user_id).status());
    GG_ASSIGN_OR_RETURN(int64_t cancelled,
                        c.Exec("UPDATE event_invites SET state = 'cancelled', closed_at = ?"
                               " WHERE event_id = ? AND email = ? AND state = 'pending'"
                               " AND expires_at > ?",
                               {now, sql::Int(scope.event_id), sql::Text(*email), now}));
    if (cancelled == 0) return absl::NotFoundError("no pending invite for this email");
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  app.logger->Info("collaborator invite cancelled", {{"request_id", request.request_id},
                                                     {"user_id", scope.user.id},
                                                     {"event_id", std::to_string(scope.event_id)}});
  return NoContent();
}

}  // namespace guestguard::server
