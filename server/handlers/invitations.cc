// Copyright 2026 GuestGuard authors.
#include "server/handlers/invitations.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "guestguard/bus.h"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/handlers/json_body.h"
#include "server/http_errors.h"
#include "server/link_expiry.h"
#include "server/outbox.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxGuestIds = 5000;

struct GuestRow {
  std::string email;
  bool answered = false;
};

// The guest ids of the body (strings or integers), or InvalidArgument.
absl::StatusOr<std::optional<std::vector<int64_t>>> GuestIds(const boost::json::object& body) {
  const boost::json::value* v = body.if_contains("guest_ids");
  if (v == nullptr || v->is_null()) return std::optional<std::vector<int64_t>>();
  const absl::Status bad =
      absl::InvalidArgumentError("guest_ids must be a list of at most 5000 guest ids");
  if (!v->is_array() || v->as_array().size() > kMaxGuestIds) return bad;
  std::vector<int64_t> ids;
  for (const boost::json::value& id : v->as_array()) {
    int64_t n = 0;
    if (id.is_int64()) {
      n = id.as_int64();
    } else if (id.is_string()) {
      std::optional<int64_t> parsed = ParseEventId(std::string_view(id.as_string()));
      n = parsed.value_or(0);
    }
    if (n <= 0) return bad;
    ids.push_back(n);
  }
  return std::optional<std::vector<int64_t>>(std::move(ids));
}

// Row `i` of ListInvitations' query as the wire delivery state.
absl::StatusOr<boost::json::object> InvitationJson(const sql::Rows& rows, size_t i) {
  GG_ASSIGN_OR_RETURN(int64_t guest_id, rows.Int(i, 0));
  GG_ASSIGN_OR_RETURN(std::string type, rows.Text(i, 1));
  GG_ASSIGN_OR_RETURN(std::string state, rows.Text(i, 2));
  GG_ASSIGN_OR_RETURN(int64_t attempts, rows.Int(i, 3));
  GG_ASSIGN_OR_RETURN(absl::Time created_at, rows.Time(i, 4));
  GG_ASSIGN_OR_RETURN(absl::Time updated_at, rows.Time(i, 5));
  return boost::json::object{{"guest_id", std::to_string(guest_id)},
                             {"type", type},
                             {"status", state},
                             {"attempts", attempts},
                             {"created_at", FormatRfc3339(created_at)},
                             {"updated_at", FormatRfc3339(updated_at)}};
}

}  // namespace

absl::StatusOr<Response> SendInvitations(AppState& app, const Request& request,
                                         const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  Response body_error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &body_error);
  if (!body.ok()) return body_error;
  std::string kind = "invitation";
  if (const boost::json::value* v = body->if_contains("kind"); v != nullptr && !v->is_null()) {
    if (!v->is_string() || (v->as_string() != "invitation" && v->as_string() != "reminder")) {
      return absl::InvalidArgumentError("kind must be \"invitation\" or \"reminder\"");
    }
    kind = std::string(v->as_string());
  }
  GG_ASSIGN_OR_RETURN(const std::optional<std::vector<int64_t>> selected, GuestIds(*body));

  std::map<int64_t, GuestRow> guests;
  std::string event_name;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query("SELECT g.id, g.email, r.guest_id FROM guests g"
                                                " LEFT JOIN rsvps r ON r.guest_id = g.id"
                                                " WHERE g.event_id = ? ORDER BY g.id",
                                                {sql::Int(scope.event_id)}));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(int64_t id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(std::string email, rows.Text(i, 1));
      guests[id] = GuestRow{std::move(email), !rows.IsNull(i, 2)};
    }
    GG_ASSIGN_OR_RETURN(sql::Rows event, c.Query("SELECT name FROM events WHERE id = ?",
                                                 {sql::Int(scope.event_id)}));
    if (event.empty()) return absl::NotFoundError("event not found");
    GG_ASSIGN_OR_RETURN(event_name, event.Text(0, 0));
    return absl::OkStatus();
  }));

  GG_ASSIGN_OR_RETURN(const absl::Time not_after,
                      LinkNotAfter(*app.db, scope.event_id, app.clock->Now()));

  std::vector<int64_t> wanted;
  if (selected.has_value()) {
    std::set<int64_t> seen;
    for (int64_t id : *selected) {
      if (seen.insert(id).second) wanted.push_back(id);
    }
  } else {
    for (const auto& [id, row] : guests) wanted.push_back(id);
  }
  boost::json::array queued, skipped;
  std::vector<std::pair<int64_t, std::string>> links;  // guest id, link
  std::optional<absl::Duration> soonest;  // The shortest wait of a rate-limited address.
  for (int64_t id : wanted) {
    auto it = guests.find(id);
    const char* reason = nullptr;
    if (it == guests.end()) {
      reason = "not_found";
    } else if (it->second.email.empty()) {
      reason = "no_email";
    } else if (kind == "reminder" && it->second.answered) {
      reason = "answered";
    } else if (std::optional<absl::Duration> wait =
                   app.invites_per_address->Acquire(NormalizeEmail(it->second.email))) {
      reason = "rate_limited";
      soonest = std::min(soonest.value_or(*wait), *wait);
    }
    if (reason != nullptr) {
      skipped.emplace_back(
          boost::json::object{{"guest_id", std::to_string(id)}, {"reason", reason}});
      continue;
    }
    absl::StatusOr<std::string> token =
        app.guard->IssueToken(scope.event_key, std::to_string(id), not_after);
    if (!token.ok()) return absl::InternalError(token.status().ToString());
    links.emplace_back(id, app.config.public_url + "/rsvp/" + *token);
    queued.emplace_back(std::to_string(id));
  }

  if (links.empty() && soonest) {
    app.logger->Info("guest invitations rate limited",
                     {{"request_id", request.request_id}, {"event_id", scope.event_key}});
    return RateLimitedError(
        absl::StrCat("these addresses were already sent ", app.config.invites_per_address_per_hour,
                     " invitations in the last hour; try again later"),
        *soonest);
  }

  const absl::Time now = NowMicros(*app.clock);
  GG_RETURN_IF_ERROR(app.db->Transact([&](sql::Connection& c) -> absl::Status {
    for (const auto& [guest_id, link] : links) {
      GG_RETURN_IF_ERROR(c.Exec("UPDATE guests SET token_issued_at = ?"
                                " WHERE id = ? AND event_id = ? AND token_issued_at IS NULL",
                                {now, sql::Int(guest_id), sql::Int(scope.event_id)})
                             .status());
      // The link is the guest's credential: it travels sealed.
      const std::string event =
          boost::json::serialize(boost::json::object{{"event_id", scope.event_key},
                                                     {"guest_id", std::to_string(guest_id)},
                                                     {"kind", kind},
                                                     {"event_name", event_name},
                                                     {"host_name", scope.user.name},
                                                     {"link_sealed", app.sealer->Seal(link)}});
      GG_RETURN_IF_ERROR(
          EnqueueEvent(c, app.config.subject_prefix, kSubjectGuestInvited, event).status());
    }
    return absl::OkStatus();
  }));
  app.logger->Info("guest invitations queued", {{"request_id", request.request_id},
                                                {"user_id", scope.user.id},
                                                {"event_id", scope.event_key},
                                                {"kind", kind},
                                                {"queued", static_cast<int64_t>(links.size())},
                                                {"skipped", static_cast<int64_t>(skipped.size())}});
  if (!links.empty()) app.NotifyOutbox();
  return Response::Json(
      202, boost::json::object{{"queued", std::move(queued)}, {"skipped", std::move(skipped)}});
}

absl::StatusOr<Response> ListInvitations(AppState& app, const Request& request,
                                         const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  sql::Rows rows;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        rows, c.Query("SELECT n.guest_id, n.type, n.status, n.attempts, n.created_at, n.updated_at"
                      " FROM notifications n"
                      " WHERE n.event_id = ? AND n.guest_id IS NOT NULL"
                      " AND n.type IN ('guest_invitation', 'guest_reminder')"
                      " AND n.id = (SELECT MAX(m.id) FROM notifications m WHERE m.guest_id ="
                      " n.guest_id AND m.type IN ('guest_invitation', 'guest_reminder'))"
                      " ORDER BY n.guest_id",
                      {sql::Int(scope.event_id)}));
    return absl::OkStatus();
  }));
  boost::json::array out;
  for (size_t i = 0; i < rows.size(); ++i) {
    GG_ASSIGN_OR_RETURN(boost::json::object item, InvitationJson(rows, i));
    out.emplace_back(std::move(item));
  }
  return Response::Json(200, boost::json::object{{"invitations", std::move(out)}});
}

}  // namespace guestguard::server
