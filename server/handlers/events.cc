// Copyright 2026 GuestGuard authors.
#include "server/handlers/events.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/handlers/json_body.h"
#include "server/quotas.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxName = 200;
constexpr size_t kMaxVenue = 200;
constexpr size_t kMaxDescription = 2000;
constexpr char kEventColumns[] = "e.id, e.name, e.starts_at, e.venue, e.description, e.created_at";

// The fields of an event a client may set; unset ones are nullopt.
struct EventInput {
  std::optional<std::string> name;
  std::optional<absl::Time> starts_at;
  std::optional<std::string> venue;
  std::optional<std::string> description;
};

absl::StatusOr<std::string> ValidName(const boost::json::value& v) {
  if (!v.is_string()) return absl::InvalidArgumentError("name must be a string");
  std::string name(TrimSpaces(std::string_view(v.as_string().data(), v.as_string().size())));
  if (HasControlCharacter(name)) {
    return absl::InvalidArgumentError("name must not hold line breaks or control characters");
  }
  const size_t n = CodePoints(name);
  if (n < 1 || n > kMaxName) {
    return absl::InvalidArgumentError("name must be 1-200 characters");
  }
  return name;
}

absl::StatusOr<absl::Time> ValidStartsAt(const boost::json::value& v) {
  const absl::Status bad = absl::InvalidArgumentError(
      "starts_at must be an RFC 3339 time with an offset, e.g. \"2026-12-31T19:00:00Z\"");
  if (!v.is_string()) return bad;
  absl::Time t;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", std::string(v.as_string()), &t, &err)) {
    return bad;
  }
  const absl::CivilSecond civil = absl::ToCivilSecond(t, absl::UTCTimeZone());
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast() || civil.year() < 1900 ||
      civil.year() > 9999) {
    return bad;
  }
  return absl::FromUnixMicros(absl::ToUnixMicros(t));
}

// An optional text field: null means "", otherwise a string of at most `max` characters.
absl::StatusOr<std::string> ValidOptionalText(const boost::json::value& v, std::string_view field,
                                              size_t max) {
  if (v.is_null()) return std::string();
  if (!v.is_string()) {
    return absl::InvalidArgumentError(std::string(field) + " must be a string or null");
  }
  std::string text(v.as_string());
  if (CodePoints(text) > max) {
    return absl::InvalidArgumentError(std::string(field) + " must be at most " +
                                      std::to_string(max) + " characters");
  }
  return text;
}

// Validates the fields present in `body`; `require_create` also requires name and starts_at.
absl::StatusOr<EventInput> ValidateEventInput(const boost::json::object& body,
                                              bool require_create) {
  EventInput in;
  if (const boost::json::value* v = body.if_contains("name")) {
    GG_ASSIGN_OR_RETURN(in.name, ValidName(*v));
  } else if (require_create) {
    return absl::InvalidArgumentError("name is required and must be a string");
  }
  if (const boost::json::value* v = body.if_contains("starts_at")) {
    GG_ASSIGN_OR_RETURN(in.starts_at, ValidStartsAt(*v));
  } else if (require_create) {
    return absl::InvalidArgumentError("starts_at is required");
  }
  if (const boost::json::value* v = body.if_contains("venue")) {
    GG_ASSIGN_OR_RETURN(in.venue, ValidOptionalText(*v, "venue", kMaxVenue));
  }
  if (const boost::json::value* v = body.if_contains("description")) {
    GG_ASSIGN_OR_RETURN(in.description, ValidOptionalText(*v, "description", kMaxDescription));
  }
  return in;
}

// Row `i` of a SELECT of kEventColumns as the wire event.
absl::StatusOr<boost::json::object> EventJson(const sql::Rows& rows, size_t i, Role role) {
  GG_ASSIGN_OR_RETURN(int64_t id, rows.Int(i, 0));
  GG_ASSIGN_OR_RETURN(std::string name, rows.Text(i, 1));
  GG_ASSIGN_OR_RETURN(absl::Time starts_at, rows.Time(i, 2));
  GG_ASSIGN_OR_RETURN(std::string venue, rows.Text(i, 3));
  GG_ASSIGN_OR_RETURN(std::string description, rows.Text(i, 4));
  GG_ASSIGN_OR_RETURN(absl::Time created_at, rows.Time(i, 5));
  return boost::json::object{{"id", std::to_string(id)},
                             {"name", name},
                             {"starts_at", FormatRfc3339(starts_at)},
                             {"venue", venue},
                             {"description", description},
                             {"your_role", RoleName(role)},
                             {"created_at", FormatRfc3339(created_at)}};
}

// Reads event `id` and answers 200 with it, or NotFound when it is gone.
absl::StatusOr<Response> EventResponse(AppState& app, int64_t id, Role role) {
  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        rows, c.Query(std::string("SELECT ") + kEventColumns + " FROM events e WHERE e.id = ?",
                      {sql::Int(id)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (rows.empty()) {
    return absl::NotFoundError("event not found");
  }
  absl::StatusOr<boost::json::object> event = EventJson(rows, 0, role);
  if (!event.ok()) return event.status();
  return Response::Json(200, *event);
}

Response NoContent() {
  Response response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace

absl::StatusOr<Response> CreateEvent(AppState& app, const Request& request,
                                     const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<EventInput> in = ValidateEventInput(*body, /*require_create=*/true);
  if (!in.ok()) return in.status();
  absl::StatusOr<int64_t> user_id = UserId(*user);
  if (!user_id.ok()) return user_id.status();

  const absl::Time now = NowMicros(*app.clock);
  const std::string venue = in->venue.value_or("");
  const std::string description = in->description.value_or("");
  int64_t id = 0;
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(CheckEventQuota(c, *user_id, app.config.max_events_per_account));
    GG_ASSIGN_OR_RETURN(
        sql::Rows rows,
        c.Query("INSERT INTO events (name, starts_at, venue, description, created_by,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {sql::Text(*in->name), *in->starts_at, sql::Text(venue), sql::Text(description),
                 sql::Int(*user_id), now, now}));
    if (rows.size() != 1) return absl::InternalError("insert returned no id");
    GG_ASSIGN_OR_RETURN(id, rows.Int(0, 0));
    return c
        .Exec("INSERT INTO event_members (event_id, user_id, role) VALUES (?, ?, 'owner')",
              {sql::Int(id), sql::Int(*user_id)})
        .status();
  });
  if (IsQuotaRefusal(status)) return QuotaResponse(status, 0);
  if (!status.ok()) return status;
  app.logger->Info("event created", {{"request_id", request.request_id},
                                     {"user_id", user->id},
                                     {"event_id", std::to_string(id)}});
  return Response::Json(201, boost::json::object{{"id", std::to_string(id)},
                                                 {"name", *in->name},
                                                 {"starts_at", FormatRfc3339(*in->starts_at)},
                                                 {"venue", venue},
                                                 {"description", description},
                                                 {"your_role", RoleName(Role::kOwner)},
                                                 {"created_at", FormatRfc3339(now)}});
}

absl::StatusOr<Response> ListEvents(AppState& app, const Request& request,
                                    const Params& /*params*/) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  absl::StatusOr<int64_t> user_id = UserId(*user);
  if (!user_id.ok()) return user_id.status();
  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query(std::string("SELECT ") + kEventColumns +
                                          ", m.role FROM events e"
                                          " JOIN event_members m ON m.event_id = e.id"
                                          " WHERE m.user_id = ?"
                                          " ORDER BY e.starts_at DESC, e.id DESC",
                                      {sql::Int(*user_id)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  boost::json::array events;
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StatusOr<std::string> role_name = rows.Text(i, 6);
    std::optional<Role> role =
        role_name.ok() ? ParseRole(*role_name) : std::optional<Role>(std::nullopt);
    if (!role.has_value()) {
      return absl::InternalError("unknown role in event_members");
    }
    absl::StatusOr<boost::json::object> event = EventJson(rows, i, *role);
    if (!event.ok()) return event.status();
    events.emplace_back(std::move(*event));
  }
  return Response::Json(200, boost::json::object{{"events", std::move(events)}});
}

absl::StatusOr<Response> GetEvent(AppState& app, const Request& request, const Params& params) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  const std::string& event_id = params.at("id");
  absl::StatusOr<Role> role = RequireRole(app, *user, event_id, Role::kViewer);
  if (!role.ok()) return role.status();
  return EventResponse(app, *ParseEventId(event_id), *role);
}

absl::StatusOr<Response> PatchEvent(AppState& app, const Request& request, const Params& params) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  const std::string& event_id = params.at("id");
  absl::StatusOr<Role> role = RequireRole(app, *user, event_id, Role::kEditor);
  if (!role.ok()) return role.status();
  const int64_t id = *ParseEventId(event_id);

  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<EventInput> in = ValidateEventInput(*body, /*require_create=*/false);
  if (!in.ok()) return in.status();

  std::string sets;
  std::vector<sql::Value> values;
  auto set = [&](std::string_view column, sql::Value value) {
    sets += std::string(column) + " = ?, ";
    values.push_back(std::move(value));
  };
  if (in->name) set("name", sql::Text(*in->name));
  if (in->starts_at) set("starts_at", *in->starts_at);
  if (in->venue) set("venue", sql::Text(*in->venue));
  if (in->description) set("description", sql::Text(*in->description));
  if (values.empty()) {
    return absl::InvalidArgumentError(
        "nothing to update: give name, starts_at, venue or description");
  }
  set("updated_at", NowMicros(*app.clock));
  sets.resize(sets.size() - 2);  // The last ", ".
  values.push_back(sql::Int(id));

  int64_t changed = 0;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(changed, c.Exec("UPDATE events SET " + sets + " WHERE id = ?", values));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (changed == 0) {
    return absl::NotFoundError("event not found");
  }
  app.logger->Info(
      "event updated",
      {{"request_id", request.request_id}, {"user_id", user->id}, {"event_id", event_id}});
  return EventResponse(app, id, *role);
}

absl::StatusOr<Response> DeleteEvent(AppState& app, const Request& request, const Params& params) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  const std::string& event_id = params.at("id");
  absl::StatusOr<Role> role = RequireRole(app, *user, event_id, Role::kOwner);
  if (!role.ok()) return role.status();
  const int64_t id = *ParseEventId(event_id);
  // The library's data first (access log, feedback, baselines, allowlist,
  // thresholds): if deleting the event then fails, the owner's retry finishes
  // the job, where the other order could orphan that data for good.
  absl::Status status = app.store->DeleteEventData(std::to_string(id));
  if (status.ok()) {
    status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
      return c.Exec("DELETE FROM events WHERE id = ?", {sql::Int(id)}).status();
    });
  }
  if (!status.ok()) return status;
  app.logger->Info(
      "event deleted",
      {{"request_id", request.request_id}, {"user_id", user->id}, {"event_id", event_id}});
  return NoContent();
}

}  // namespace guestguard::server
