// Copyright 2026 GuestGuard authors.
#include "server/handlers/rsvp.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "guestguard/access.h"
#include "guestguard/bus.h"
#include "guestguard/guard.h"
#include "guestguard/sql_store.h"
#include "guestguard/status_macros.h"
#include "guestguard/thresholds.h"
#include "guestguard/token.h"
#include "server/handlers/door_pass.h"
#include "server/handlers/json_body.h"
#include "server/http_errors.h"
#include "server/outbox.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxSignal = 512;

std::string Bounded(std::string_view s) { return std::string(s.substr(0, kMaxSignal)); }

}  // namespace

Response GuestNotFound() { return Response::Error(404, "not_found", "invitation not found"); }

Response GuestRefused() {
  return Response::Error(403, "refused", "this invitation cannot be used right now");
}

absl::StatusOr<LoadedInvitation> LoadInvitation(AppState& app, const VerifiedToken& token) {
  LoadedInvitation out;
  if (token.status() != TokenStatus::kValid && token.status() != TokenStatus::kExpired) {
    return out;
  }
  std::optional<int64_t> event_id = ParseEventId(token.claims().event_id);
  std::optional<int64_t> guest_id = ParseEventId(token.claims().guest_id);
  if (!event_id || !guest_id) return out;
  GG_ASSIGN_OR_RETURN(
      CheckStateWithRow loaded,
      LoadCheckStateWith(*app.store, token.claims().event_id, token.claims().guest_id,
                         "SELECT e.name AS event_name, e.starts_at, e.venue, g.name AS guest_name,"
                         " g.plus_ones_allowed, r.response, r.plus_ones, r.updated_at,"
                         " e.description, COALESCE(u.name, '') AS host_name"
                         " FROM guests g JOIN events e ON e.id = g.event_id"
                         " LEFT JOIN rsvps r ON r.guest_id = g.id"
                         " LEFT JOIN users u ON u.id = e.created_by"
                         " WHERE g.id = ? AND g.event_id = ?",
                         {sql::Int(*guest_id), sql::Int(*event_id)}));
  out.state = std::move(loaded.state);
  const sql::Rows& rows = loaded.row;
  if (rows.empty()) return out;
  Invitation inv;
  inv.event_id = *event_id;
  inv.guest_id = *guest_id;
  GG_ASSIGN_OR_RETURN(inv.event_name, rows.Text(0, 0));
  GG_ASSIGN_OR_RETURN(inv.starts_at, rows.Time(0, 1));
  GG_ASSIGN_OR_RETURN(inv.venue, rows.Text(0, 2));
  GG_ASSIGN_OR_RETURN(inv.guest_name, rows.Text(0, 3));
  GG_ASSIGN_OR_RETURN(inv.plus_ones_allowed, rows.Int(0, 4));
  GG_ASSIGN_OR_RETURN(inv.description, rows.Text(0, 8));
  GG_ASSIGN_OR_RETURN(inv.host_name, rows.Text(0, 9));
  if (!rows.IsNull(0, 5)) {
    GG_ASSIGN_OR_RETURN(inv.response, rows.Text(0, 5));
    GG_ASSIGN_OR_RETURN(inv.plus_ones, rows.Int(0, 6));
    GG_ASSIGN_OR_RETURN(inv.updated_at, rows.Time(0, 7));
  }
  out.invitation = std::move(inv);
  return out;
}

ClientSignals SignalsFromHeaders(const Request& request) {
  ClientSignals signals;
  if (const std::string* h = request.Header("user-agent")) signals.user_agent = Bounded(*h);
  if (const std::string* h = request.Header("accept-language")) signals.language = Bounded(*h);
  // The guest page sends every signal on its GET too (a GET has no body):
  // X-Device-Language (navigator.languages, as in the POST body) wins over
  // Accept-Language so that both kinds of call agree.
  const std::pair<const char*, std::string*> extra[] = {
      {"x-device-fingerprint", &signals.fingerprint},
      {"x-device-language", &signals.language},
      {"x-device-timezone", &signals.timezone},
      {"x-device-screen", &signals.screen},
      {"x-device-platform", &signals.platform}};
  for (const auto& [name, field] : extra) {
    if (const std::string* h = request.Header(name)) *field = Bounded(*h);
  }
  return signals;
}

// Overrides `signals` with the fields of the body's "signals" object.
absl::Status ApplyBodySignals(const boost::json::object& body, ClientSignals* signals) {
  const boost::json::value* v = body.if_contains("signals");
  if (v == nullptr || v->is_null()) return absl::OkStatus();
  if (!v->is_object()) return absl::InvalidArgumentError("signals must be an object");
  const std::pair<const char*, std::string*> fields[] = {
      {"fingerprint", &signals->fingerprint}, {"user_agent", &signals->user_agent},
      {"language", &signals->language},       {"timezone", &signals->timezone},
      {"screen", &signals->screen},           {"platform", &signals->platform}};
  for (const auto& [name, field] : fields) {
    const boost::json::value* f = v->as_object().if_contains(name);
    if (f == nullptr || f->is_null()) continue;
    if (!f->is_string() || f->as_string().size() > kMaxSignal) {
      return absl::InvalidArgumentError(std::string("signals.") + name +
                                        " must be a string of at most 512 bytes");
    }
    *field = std::string(f->as_string());
  }
  return absl::OkStatus();
}

boost::json::value RsvpJson(const Invitation& inv) {
  if (!inv.response) return nullptr;
  return boost::json::object{{"response", *inv.response},
                             {"plus_ones", inv.plus_ones},
                             {"updated_at", FormatRfc3339(inv.updated_at)}};
}

absl::StatusOr<GuestCheck> CheckGuestAccess(AppState& app, std::string_view token, AccessKind kind,
                                            std::string_view client_ip, ClientSignals signals,
                                            Invitation* inv, Decision* decision) {
  // One verification and one read for both: the claims pick the rows, the
  // check trusts them and the state read beside the invitation.
  const VerifiedToken verified = app.guard->Verify(token);
  GG_ASSIGN_OR_RETURN(LoadedInvitation loaded, LoadInvitation(app, verified));
  if (!loaded.invitation.has_value()) {
    if (app.metrics) app.metrics->RecordCheck(kind, ServerMetrics::CheckOutcome::kInvalidLink);
    return GuestCheck::kInvalidLink;
  }
  *inv = *std::move(loaded.invitation);
  AccessAttempt attempt;
  attempt.kind = kind;
  attempt.client_ip = std::string(client_ip);
  attempt.signals = std::move(signals);
  // The people this link admits: the library refuses a check-in from more
  // distinct devices (checkin_limit) and allows for that many people's devices
  // before it counts the link as shared.
  attempt.max_checkins = static_cast<int>(std::min<int64_t>(1 + inv->plus_ones_allowed, 1000));
  absl::StatusOr<Decision> checked = app.guard->Check(verified, std::move(attempt), &loaded.state);
  app.NotifyOutbox();  // The store wrote access.scored to the outbox.
  if (!checked.ok()) {
    // The check could not be made (store down, unusable client IP): refuse.
    if (app.metrics) app.metrics->RecordCheck(kind, ServerMetrics::CheckOutcome::kError);
    return absl::UnavailableError(checked.status().ToString());
  }
  *decision = *std::move(checked);
  if (decision->token_status != TokenStatus::kValid) {
    if (app.metrics) app.metrics->RecordCheck(kind, ServerMetrics::CheckOutcome::kInvalidLink);
    return GuestCheck::kInvalidLink;
  }
  if (app.metrics) {
    app.metrics->RecordCheck(kind, ServerMetrics::CheckOutcome::kDecided, decision->band,
                             decision->preview);
  }
  if (!decision->allowed()) return GuestCheck::kRefused;
  return GuestCheck::kAllowed;
}

absl::StatusOr<std::optional<Response>> Guarded(AppState& app, const Request& request,
                                                std::string_view token, AccessKind kind,
                                                std::string_view client_ip, ClientSignals signals,
                                                Invitation* inv, Decision* decision) {
  GG_ASSIGN_OR_RETURN(
      const GuestCheck checked,
      CheckGuestAccess(app, token, kind, client_ip, std::move(signals), inv, decision));
  if (checked == GuestCheck::kInvalidLink) return GuestNotFound();
  if (checked == GuestCheck::kRefused) {
    app.logger->Info("guest access refused", {{"request_id", request.request_id},
                                              {"event_id", decision->event_id},
                                              {"guest_id", decision->guest_id},
                                              {"access_log_id", decision->access_log_id}});
    return GuestRefused();
  }
  return std::nullopt;
}

absl::StatusOr<std::optional<Response>> GuardedPost(AppState& app, const Request& request,
                                                    const Params& params, AccessKind kind,
                                                    bool empty_ok, Invitation* inv,
                                                    Decision* decision, boost::json::object* body,
                                                    ClientSignals* used_signals) {
  Response body_error;
  absl::StatusOr<boost::json::object> parsed = boost::json::object();
  if (!empty_ok || !TrimSpaces(request.body).empty()) parsed = ParseObject(request, &body_error);
  ClientSignals signals = SignalsFromHeaders(request);
  absl::Status signals_ok = absl::OkStatus();
  if (parsed.ok()) signals_ok = ApplyBodySignals(*parsed, &signals);

  if (used_signals != nullptr) *used_signals = signals;
  GG_ASSIGN_OR_RETURN(std::optional<Response> ended,
                      Guarded(app, request, params.at("token"), kind, request.client_ip,
                              std::move(signals), inv, decision));
  if (ended) return ended;
  if (!parsed.ok()) return std::optional<Response>(std::move(body_error));
  GG_RETURN_IF_ERROR(signals_ok);
  *body = *std::move(parsed);
  return std::nullopt;
}

absl::StatusOr<Response> OpenInvitation(AppState& app, const Request& request,
                                        const Params& params) {
  Invitation inv;
  Decision decision;
  const ClientSignals signals = SignalsFromHeaders(request);
  GG_ASSIGN_OR_RETURN(std::optional<Response> ended,
                      Guarded(app, request, params.at("token"), AccessKind::kOpen,
                              request.client_ip, signals, &inv, &decision));
  if (ended) return *std::move(ended);
  // On the event day, this device's door pass (door_pass.h). A recognised
  // link preview gets the ordinary answer, but never a pass.
  GG_ASSIGN_OR_RETURN(
      boost::json::value pass,
      decision.preview ? boost::json::value(nullptr)
                       : HandOutDoorPass(app, request, params.at("token"), inv, decision, signals));
  // What the guest may see: the invitation, never the decision (no oracle).
  // Built in an arena on the stack: the answer's dozen small allocations, and
  // their frees, cost more than writing it out.
  unsigned char scratch[4096];
  boost::json::monotonic_resource arena(scratch, sizeof scratch);
  boost::json::value answer({{"event",
                              {{"id", std::to_string(inv.event_id)},
                               {"name", inv.event_name},
                               {"starts_at", FormatRfc3339(inv.starts_at)},
                               {"venue", inv.venue},
                               {"description", inv.description},
                               {"host", inv.host_name}}},
                             {"guest",
                              {{"id", std::to_string(inv.guest_id)},
                               {"name", inv.guest_name},
                               {"plus_ones_allowed", inv.plus_ones_allowed}}},
                             {"rsvp", RsvpJson(inv)}},
                            &arena);
  if (!pass.is_null()) answer.as_object()["pass"] = std::move(pass);
  return Response::Json(200, answer);
}

absl::StatusOr<Response> SubmitRsvp(AppState& app, const Request& request, const Params& params) {
  Invitation inv;
  Decision decision;
  boost::json::object body_object;
  GG_ASSIGN_OR_RETURN(std::optional<Response> ended,
                      GuardedPost(app, request, params, AccessKind::kRsvp,
                                  /*empty_ok=*/false, &inv, &decision, &body_object, nullptr));
  if (ended) return *std::move(ended);
  const boost::json::object* body = &body_object;

  const boost::json::value* response = body->if_contains("response");
  if (response == nullptr || !response->is_string() ||
      (response->as_string() != "yes" && response->as_string() != "no" &&
       response->as_string() != "maybe")) {
    return absl::InvalidArgumentError("response must be \"yes\", \"no\" or \"maybe\"");
  }
  const std::string answer(response->as_string());
  int64_t plus_ones = 0;
  if (const boost::json::value* v = body->if_contains("plus_ones"); v && !v->is_null()) {
    plus_ones = v->is_int64() ? v->as_int64() : -1;
    if (plus_ones < 0 || plus_ones > inv.plus_ones_allowed) {
      return absl::InvalidArgumentError("plus_ones must be an integer from 0 to " +
                                        std::to_string(inv.plus_ones_allowed));
    }
  }
  if (answer == "no" && plus_ones != 0) {
    return absl::InvalidArgumentError("plus_ones must be 0 when the response is no");
  }

  const absl::Time now = NowMicros(*app.clock);
  // The RSVP and its rsvp.confirmed event commit together (outbox).
  const std::string event =
      boost::json::serialize(boost::json::object{{"event_id", std::to_string(inv.event_id)},
                                                 {"guest_id", std::to_string(inv.guest_id)},
                                                 {"guest_name", inv.guest_name},
                                                 {"response", answer},
                                                 {"plus_ones", plus_ones},
                                                 {"at", FormatRfc3339(now)}});
  // One statement on PostgreSQL (a round trip and a commit), one transaction on SQLite.
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    return ExecWithEvent(c,
                         "INSERT INTO rsvps (guest_id, event_id, response, plus_ones, updated_at)"
                         " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guest_id) DO UPDATE SET"
                         " response = excluded.response, plus_ones = excluded.plus_ones,"
                         " updated_at = excluded.updated_at",
                         {sql::Int(inv.guest_id), sql::Int(inv.event_id), sql::Text(answer),
                          sql::Int(plus_ones), now},
                         app.config.subject_prefix, kSubjectRsvpConfirmed, event)
        .status();
  });
  // A guest deleted between the check and now fails the foreign key.
  GG_RETURN_IF_ERROR(status);
  app.NotifyOutbox();
  inv.response = answer;
  inv.plus_ones = plus_ones;
  inv.updated_at = now;
  app.logger->Info("rsvp recorded", {{"request_id", request.request_id},
                                     {"event_id", std::to_string(inv.event_id)},
                                     {"guest_id", std::to_string(inv.guest_id)},
                                     {"response", answer}});
  return Response::Json(200, boost::json::object{{"rsvp", RsvpJson(inv)}});
}

absl::StatusOr<Response> CheckIn(AppState& app, const Request& request, const Params& params) {
  Invitation inv;
  Decision decision;
  boost::json::object body;
  GG_ASSIGN_OR_RETURN(std::optional<Response> ended,
                      GuardedPost(app, request, params, AccessKind::kCheckin,
                                  /*empty_ok=*/true, &inv, &decision, &body, nullptr));
  if (ended) return *std::move(ended);
  app.logger->Info("guest checked in", {{"request_id", request.request_id},
                                        {"event_id", std::to_string(inv.event_id)},
                                        {"guest_id", std::to_string(inv.guest_id)},
                                        {"access_log_id", decision.access_log_id}});
  return Response::Json(200, boost::json::object{{"checked_in", true}});
}

}  // namespace guestguard::server
