// Copyright 2026 GuestGuard authors.
#include "server/handlers/invites.h"

#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/invite_tokens.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr char kNotFound[] = "invite not found";

// Why a known invite cannot be used; nullopt when it can.
std::optional<std::string> GoneReason(std::string_view state, absl::Time expires_at,
                                      absl::Time now) {
  if (state == "accepted") return "this invite has already been used";
  if (state == "cancelled") return "this invite was cancelled";
  if (state == "replaced") return "this invite was replaced by a newer one";
  if (state != "pending") return "this invite can no longer be used";
  if (expires_at <= now) return "this invite has expired";
  return std::nullopt;
}

// 410 has no absl status code (http_errors.h maps those): built here.
Response Gone(const std::string& reason) { return Response::Error(410, "gone", reason); }

absl::Status InviteNotFound() { return absl::NotFoundError(kNotFound); }

}  // namespace

absl::StatusOr<Response> PreviewInvite(AppState& app, const Request& /*request*/,
                                       const Params& params) {
  const std::string& token = params.at("token");
  if (!IsWellFormedInviteToken(token)) return InviteNotFound();
  const std::string token_hash = HashInviteToken(token);
  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT i.state, i.expires_at, i.email, i.role, e.name,"
                                      " u.name FROM event_invites i"
                                      " JOIN events e ON e.id = i.event_id"
                                      " JOIN users u ON u.id = i.invited_by"
                                      " WHERE i.token_hash = ?",
                                      {sql::Text(token_hash)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (rows.empty()) return InviteNotFound();
  absl::StatusOr<std::string> state = rows.Text(0, 0);
  absl::StatusOr<absl::Time> expires_at = rows.Time(0, 1);
  absl::StatusOr<std::string> email = rows.Text(0, 2);
  absl::StatusOr<std::string> role = rows.Text(0, 3);
  absl::StatusOr<std::string> event_name = rows.Text(0, 4);
  absl::StatusOr<std::string> inviter_name = rows.Text(0, 5);
  if (!state.ok() || !expires_at.ok() || !email.ok() || !role.ok() || !event_name.ok() ||
      !inviter_name.ok()) {
    return absl::InternalError("unreadable event_invites row");
  }
  if (std::optional<std::string> gone = GoneReason(*state, *expires_at, NowMicros(*app.clock))) {
    return Gone(*gone);
  }
  return Response::Json(200, boost::json::object{{"event_name", *event_name},
                                                 {"inviter_name", *inviter_name},
                                                 {"email", MaskEmail(*email)},
                                                 {"role", *role},
                                                 {"expires_at", FormatRfc3339(*expires_at)}});
}

absl::StatusOr<Response> AcceptInvite(AppState& app, const Request& request, const Params& params) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  absl::StatusOr<int64_t> parsed_id = UserId(*user);
  if (!parsed_id.ok()) return parsed_id.status();
  const int64_t user_id = *parsed_id;
  if (!user->email_verified) {
    // Fault 2 of issue 15: the address an invite is bound to must be proven.
    return Response::Error(403, "email_unverified",
                           "verify your email address before accepting an invite: follow the link"
                           " in the verification email we sent you, or ask for a new one");
  }
  const std::string& token = params.at("token");
  if (!IsWellFormedInviteToken(token)) return InviteNotFound();
  const std::string token_hash = HashInviteToken(token);

  // What the transaction found; reset at the start of every (re)run.
  bool accepted = false;
  bool known = false;
  std::optional<std::string> gone;
  int64_t event_id = 0;
  std::string role;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    accepted = known = false;
    gone.reset();
    const absl::Time now = NowMicros(*app.clock);
    // The one statement that decides: only a pending, unexpired invite to this
    // account's email changes. Concurrent accepts queue on the row (PostgreSQL
    // re-checks the WHERE after the winner commits; SQLite has one writer), so
    // exactly one of them gets a row back.
    GG_ASSIGN_OR_RETURN(
        sql::Rows won,
        c.Query("UPDATE event_invites SET state = 'accepted', closed_at = ?, accepted_by = ?"
                " WHERE token_hash = ? AND state = 'pending' AND expires_at > ? AND email = ?"
                " RETURNING event_id, role",
                {now, sql::Int(user_id), sql::Text(token_hash), now, sql::Text(user->email)}));
    if (won.size() == 1) {
      known = accepted = true;
      GG_ASSIGN_OR_RETURN(event_id, won.Int(0, 0));
      GG_ASSIGN_OR_RETURN(role, won.Text(0, 1));
      GG_ASSIGN_OR_RETURN(sql::Rows member,
                          c.Query("SELECT 1 FROM event_members WHERE event_id = ? AND user_id = ?",
                                  {sql::Int(event_id), sql::Int(user_id)}));
      if (!member.empty()) {
        // Rolls the UPDATE back: the invite stays usable.
        return absl::AlreadyExistsError("you are already a collaborator on this event");
      }
      return c
          .Exec("INSERT INTO event_members (event_id, user_id, role) VALUES (?, ?, ?)",
                {sql::Int(event_id), sql::Int(user_id), sql::Text(role)})
          .status();
    }
    // Nothing changed: say why.
    GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query("SELECT state, expires_at, email FROM event_invites"
                                                " WHERE token_hash = ?",
                                                {sql::Text(token_hash)}));
    if (rows.empty()) return absl::OkStatus();
    known = true;
    GG_ASSIGN_OR_RETURN(std::string state, rows.Text(0, 0));
    GG_ASSIGN_OR_RETURN(absl::Time expires_at, rows.Time(0, 1));
    gone = GoneReason(state, expires_at, now);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (!known) return InviteNotFound();
  if (gone.has_value()) return Gone(*gone);
  if (!accepted) {
    // Usable, but sent to another address.
    return absl::PermissionDeniedError(
        "this invite was sent to another email address; sign in with"
        " that address to accept it");
  }
  app.logger->Info("invite accepted", {{"request_id", request.request_id},
                                       {"user_id", user->id},
                                       {"event_id", std::to_string(event_id)},
                                       {"role", role}});
  return Response::Json(
      200, boost::json::object{{"event_id", std::to_string(event_id)}, {"role", role}});
}

}  // namespace guestguard::server
