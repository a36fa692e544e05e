// Copyright 2026 GuestGuard authors.
#include "server/handlers/door_pass.h"

#include <sodium.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/access.h"
#include "guestguard/guard.h"
#include "guestguard/status_macros.h"
#include "guestguard/thresholds.h"
#include "server/handlers/json_body.h"
#include "server/handlers/list_query.h"
#include "server/handlers/rsvp.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32.
constexpr size_t kSecretBytes = 32;
// Passes are handed out (and codes accepted) from this long before the start
// until this long after it.
constexpr absl::Duration kDoorWindow = absl::Hours(24);

std::string Base64Url(const unsigned char* bytes, size_t n) {
  std::string out(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

bool InDoorWindow(absl::Time starts_at, absl::Time now) {
  return now >= starts_at - kDoorWindow && now <= starts_at + kDoorWindow;
}

boost::json::object DecisionJson(const Decision& d) {
  boost::json::array reasons;
  for (const Reason& r : d.reasons) {
    reasons.emplace_back(
        boost::json::object{{"code", r.code}, {"score", r.score}, {"message", r.message}});
  }
  return boost::json::object{{"score", d.score},
                             {"band", BandName(d.band)},
                             {"label", BandLabel(d.band)},
                             {"allowlisted", d.allowlisted},
                             {"reasons", std::move(reasons)},
                             {"access_log_id", d.access_log_id}};
}

Response NotAdmitted(std::string_view reason, std::string_view message) {
  return Response::Json(
      200, boost::json::object{{"admitted", false}, {"reason", reason}, {"message", message}});
}

// One pass of the event, as stored.
struct StoredPass {
  int64_t id = 0;
  std::string secret;
  std::string token;
  ClientSignals signals;
  std::string client_ip;
  bool checked_in = false;
};

// The guest's passes checked in so far.
absl::StatusOr<int64_t> CountArrived(AppState& app, int64_t guest_id) {
  int64_t n = 0;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query("SELECT COUNT(*) FROM door_passes"
                                                " WHERE guest_id = ? AND checked_in_at IS NOT NULL",
                                                {sql::Int(guest_id)}));
    GG_ASSIGN_OR_RETURN(n, rows.Int(0, 0));
    return absl::OkStatus();
  }));
  return n;
}

constexpr size_t kMaxSearch = 100;
constexpr int64_t kSearchResults = 20;

}  // namespace

std::string DoorPassCode(std::string_view secret, int64_t step) {
  const std::string message = "ggpass1:" + std::to_string(step);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  crypto_auth_hmacsha256_final(&state, mac);
  uint64_t bits = 0;
  for (int i = 0; i < 5; ++i) bits = (bits << 8) | mac[i];
  std::string code(8, '0');
  for (int i = 7; i >= 0; --i) {
    code[i] = kAlphabet[bits & 31];
    bits >>= 5;
  }
  return code;
}

std::string NormalizeDoorPassCode(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (std::string_view(kAlphabet).find(c) == std::string_view::npos) return {};
    out.push_back(c);
    if (out.size() > 8) return {};
  }
  return out.size() == 8 ? out : std::string();
}

absl::StatusOr<boost::json::value> HandOutDoorPass(AppState& app, const Request& request,
                                                   std::string_view token, const Invitation& inv,
                                                   const Decision& decision,
                                                   const ClientSignals& signals) {
  const absl::Time now = NowMicros(*app.clock);
  if (!InDoorWindow(inv.starts_at, now) || signals.fingerprint.empty()) return nullptr;
  unsigned char fresh[kSecretBytes];
  randombytes_buf(fresh, sizeof(fresh));
  const std::string fresh_secret(reinterpret_cast<const char*>(fresh), sizeof(fresh));
  std::string secret;
  GG_RETURN_IF_ERROR(app.db->Transact([&](sql::Connection& c) -> absl::Status {
    // One pass per device: a new one, or the existing one re-bound to this access.
    GG_RETURN_IF_ERROR(
        c.Exec("INSERT INTO door_passes (event_id, guest_id, secret_sealed, token_sealed,"
               " fingerprint, user_agent, language, timezone, screen, platform, client_ip,"
               " access_log_id, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT (guest_id, fingerprint) DO UPDATE SET"
               " token_sealed = excluded.token_sealed, user_agent = excluded.user_agent,"
               " language = excluded.language, timezone = excluded.timezone,"
               " screen = excluded.screen, platform = excluded.platform,"
               " client_ip = excluded.client_ip, access_log_id = excluded.access_log_id,"
               " updated_at = excluded.updated_at",
               {sql::Int(inv.event_id), sql::Int(inv.guest_id),
                sql::Text(app.sealer->Seal(fresh_secret)), sql::Text(app.sealer->Seal(token)),
                sql::Text(signals.fingerprint), sql::Text(signals.user_agent),
                sql::Text(signals.language), sql::Text(signals.timezone), sql::Text(signals.screen),
                sql::Text(signals.platform), sql::Text(request.client_ip),
                sql::Text(decision.access_log_id), now, now})
            .status());
    GG_ASSIGN_OR_RETURN(
        sql::Rows rows,
        c.Query("SELECT secret_sealed FROM door_passes WHERE guest_id = ? AND fingerprint = ?",
                {sql::Int(inv.guest_id), sql::Text(signals.fingerprint)}));
    if (rows.empty()) return absl::InternalError("door pass vanished");
    GG_ASSIGN_OR_RETURN(std::string sealed, rows.Text(0, 0));
    GG_ASSIGN_OR_RETURN(secret, app.sealer->Open(sealed));
    return absl::OkStatus();
  }));
  app.logger->Info("door pass handed out", {{"request_id", request.request_id},
                                            {"event_id", std::to_string(inv.event_id)},
                                            {"guest_id", std::to_string(inv.guest_id)},
                                            {"access_log_id", decision.access_log_id}});
  return boost::json::object{
      {"secret", Base64Url(reinterpret_cast<const unsigned char*>(secret.data()), secret.size())},
      {"period", kDoorPassPeriodSeconds},
      {"server_time", FormatRfc3339(now)}};
}

absl::StatusOr<Response> VerifyDoorPass(AppState& app, const Request& request,
                                        const Params& params) {
  EventScope scope;
  if (auto r = EnterDoor(app, request, params, Role::kEditor, &scope)) return *r;
  Response body_error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &body_error);
  if (!body.ok()) return body_error;
  const boost::json::value* code_value = body->if_contains("code");
  if (code_value == nullptr || !code_value->is_string()) {
    return absl::InvalidArgumentError("code must be a string");
  }
  const std::string code = NormalizeDoorPassCode(code_value->as_string());
  if (code.empty()) {
    return NotAdmitted("code_not_valid",
                       "This code is not valid. Ask the guest to show the live code on their "
                       "invitation.");
  }

  // Every pass of the event is tried against the current and the previous step.
  std::vector<StoredPass> passes;
  absl::Status loaded = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        sql::Rows rows,
        c.Query("SELECT id, secret_sealed, token_sealed, fingerprint, user_agent, language,"
                " timezone, screen, platform, client_ip, checked_in_at"
                " FROM door_passes WHERE event_id = ? ORDER BY id",
                {sql::Int(scope.event_id)}));
    for (size_t i = 0; i < rows.size(); ++i) {
      StoredPass p;
      GG_ASSIGN_OR_RETURN(p.id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(std::string secret_sealed, rows.Text(i, 1));
      GG_ASSIGN_OR_RETURN(std::string token_sealed, rows.Text(i, 2));
      absl::StatusOr<std::string> secret = app.sealer->Open(secret_sealed);
      absl::StatusOr<std::string> token = app.sealer->Open(token_sealed);
      if (!secret.ok() || !token.ok()) continue;  // Its key left the keyring: unusable.
      p.secret = *std::move(secret);
      p.token = *std::move(token);
      GG_ASSIGN_OR_RETURN(p.signals.fingerprint, rows.Text(i, 3));
      GG_ASSIGN_OR_RETURN(p.signals.user_agent, rows.Text(i, 4));
      GG_ASSIGN_OR_RETURN(p.signals.language, rows.Text(i, 5));
      GG_ASSIGN_OR_RETURN(p.signals.timezone, rows.Text(i, 6));
      GG_ASSIGN_OR_RETURN(p.signals.screen, rows.Text(i, 7));
      GG_ASSIGN_OR_RETURN(p.signals.platform, rows.Text(i, 8));
      GG_ASSIGN_OR_RETURN(p.client_ip, rows.Text(i, 9));
      p.checked_in = !rows.IsNull(i, 10);
      passes.push_back(std::move(p));
    }
    return absl::OkStatus();
  });
  if (!loaded.ok()) return loaded;
  const int64_t step = absl::ToUnixSeconds(app.clock->Now()) / kDoorPassPeriodSeconds;
  const StoredPass* match = nullptr;
  for (const StoredPass& p : passes) {
    for (int64_t s : {step, step - 1}) {
      const std::string expected = DoorPassCode(p.secret, s);
      if (sodium_memcmp(expected.data(), code.data(), code.size()) == 0) match = &p;
    }
    if (match != nullptr) break;
  }
  if (match == nullptr) {
    return NotAdmitted("code_not_valid",
                       "This code is not valid or has expired. Ask the guest to show the live "
                       "code on their invitation.");
  }

  Invitation inv;
  Decision decision;
  absl::StatusOr<GuestCheck> checked = CheckGuestAccess(
      app, match->token, AccessKind::kCheckin, match->client_ip, match->signals, &inv, &decision);
  if (!checked.ok()) return checked.status();
  if (*checked == GuestCheck::kInvalidLink || inv.event_id != scope.event_id) {
    return NotAdmitted("link_not_valid",
                       "This pass belongs to a link that is no longer valid (rotated, expired or "
                       "removed). Ask the guest to open their newest invitation link.");
  }
  boost::json::object answer{
      {"guest", boost::json::object{{"id", std::to_string(inv.guest_id)},
                                    {"name", inv.guest_name},
                                    {"plus_ones_allowed", inv.plus_ones_allowed}}},
      {"rsvp", RsvpJson(inv)},
      {"decision", DecisionJson(decision)}};
  if (*checked == GuestCheck::kRefused) {
    bool limit = false;
    for (const Reason& r : decision.reasons) limit = limit || r.code == "checkin_limit";
    absl::StatusOr<int64_t> arrived = CountArrived(app, inv.guest_id);
    if (!arrived.ok()) return arrived.status();
    answer["arrivals"] =
        boost::json::object{{"admitted", *arrived}, {"places", 1 + inv.plus_ones_allowed}};
    answer["admitted"] = false;
    if (limit) {
      const int64_t places = 1 + inv.plus_ones_allowed;
      answer["reason"] = "checkin_limit";
      answer["message"] = "This invitation has already been used for all its guests (" +
                          std::to_string(places) + (places == 1 ? " person" : " people") +
                          "). Do not admit another device.";
    } else {
      answer["reason"] = "refused";
      answer["message"] =
          "This check-in was refused: the access looks fraudulent. See the reasons, and ask "
          "the host.";
    }
    app.logger->Info("door check-in refused", {{"request_id", request.request_id},
                                               {"event_id", std::to_string(inv.event_id)},
                                               {"guest_id", std::to_string(inv.guest_id)},
                                               {"access_log_id", decision.access_log_id}});
    return Response::Json(200, answer);
  }
  absl::Status marked = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c
        .Exec("UPDATE door_passes SET checked_in_at = ? WHERE id = ? AND checked_in_at IS NULL",
              {NowMicros(*app.clock), sql::Int(match->id)})
        .status();
  });
  if (!marked.ok()) return marked;
  absl::StatusOr<int64_t> arrived = CountArrived(app, inv.guest_id);
  if (!arrived.ok()) return arrived.status();
  answer["admitted"] = true;
  answer["already_checked_in"] = match->checked_in;
  answer["arrivals"] =
      boost::json::object{{"admitted", *arrived}, {"places", 1 + inv.plus_ones_allowed}};
  answer["message"] =
      match->checked_in ? "Admitted again: this pass was already checked in." : "Admitted.";
  app.logger->Info("door check-in", {{"request_id", request.request_id},
                                     {"event_id", std::to_string(inv.event_id)},
                                     {"guest_id", std::to_string(inv.guest_id)},
                                     {"access_log_id", decision.access_log_id}});
  return Response::Json(200, answer);
}

absl::StatusOr<Response> DoorOverview(AppState& app, const Request& request, const Params& params) {
  EventScope scope;
  if (auto r = EnterDoor(app, request, params, Role::kViewer, &scope)) return *r;
  boost::json::object answer;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(sql::Rows event,
                        c.Query("SELECT e.name, e.starts_at, e.venue, m.role FROM events e"
                                " JOIN event_members m ON m.event_id = e.id AND m.user_id = ?"
                                " WHERE e.id = ?",
                                {sql::Int(scope.user_id), sql::Int(scope.event_id)}));
    if (event.empty()) return absl::NotFoundError("event not found");
    GG_ASSIGN_OR_RETURN(std::string name, event.Text(0, 0));
    GG_ASSIGN_OR_RETURN(absl::Time starts_at, event.Time(0, 1));
    GG_ASSIGN_OR_RETURN(std::string venue, event.Text(0, 2));
    GG_ASSIGN_OR_RETURN(std::string role, event.Text(0, 3));
    GG_ASSIGN_OR_RETURN(
        sql::Rows counts,
        c.Query("SELECT"
                " (SELECT COUNT(*) FROM door_passes WHERE event_id = ? AND checked_in_at IS NOT "
                "NULL),"
                " (SELECT COUNT(DISTINCT guest_id) FROM door_passes WHERE event_id = ?"
                "  AND checked_in_at IS NOT NULL),"
                " (SELECT COALESCE(SUM(1 + plus_ones), 0) FROM rsvps WHERE event_id = ?"
                "  AND response = 'yes'),"
                " (SELECT COUNT(*) FROM guests WHERE event_id = ?)",
                {sql::Int(scope.event_id), sql::Int(scope.event_id), sql::Int(scope.event_id),
                 sql::Int(scope.event_id)}));
    GG_ASSIGN_OR_RETURN(int64_t admitted, counts.Int(0, 0));
    GG_ASSIGN_OR_RETURN(int64_t guests_arrived, counts.Int(0, 1));
    GG_ASSIGN_OR_RETURN(int64_t expected, counts.Int(0, 2));
    GG_ASSIGN_OR_RETURN(int64_t guests, counts.Int(0, 3));
    answer =
        boost::json::object{{"event", boost::json::object{{"id", scope.event_key},
                                                          {"name", name},
                                                          {"starts_at", FormatRfc3339(starts_at)},
                                                          {"venue", venue}}},
                            {"your_role", role},
                            {"arrivals", boost::json::object{{"admitted", admitted},
                                                             {"guests_arrived", guests_arrived},
                                                             {"expected", expected},
                                                             {"guests", guests}}}};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return Response::Json(200, answer);
}

absl::StatusOr<Response> SearchDoorGuests(AppState& app, const Request& request,
                                          const Params& params) {
  EventScope scope;
  if (auto r = EnterDoor(app, request, params, Role::kViewer, &scope)) return *r;
  auto it = request.query.find("q");
  const std::string q =
      it == request.query.end() ? std::string() : std::string(TrimSpaces(it->second));
  if (q.empty() || CodePoints(q) > kMaxSearch) {
    return absl::InvalidArgumentError("q must be 1-100 characters of a name");
  }
  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT g.id, g.name, g.plus_ones_allowed,"
                                      " (SELECT COUNT(*) FROM door_passes p WHERE p.guest_id = g.id"
                                      "  AND p.checked_in_at IS NOT NULL),"
                                      " r.response, r.plus_ones"
                                      " FROM guests g LEFT JOIN rsvps r ON r.guest_id = g.id"
                                      " WHERE g.event_id = ? AND lower(g.name) LIKE ? ESCAPE '!'"
                                      " ORDER BY lower(g.name), g.id LIMIT ?",
                                      {sql::Int(scope.event_id), sql::Text(LikePattern(q)),
                                       sql::Int(kSearchResults)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  boost::json::array guests;
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StatusOr<boost::json::object> guest = [&]() -> absl::StatusOr<boost::json::object> {
      GG_ASSIGN_OR_RETURN(int64_t id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(std::string name, rows.Text(i, 1));
      GG_ASSIGN_OR_RETURN(int64_t plus_ones_allowed, rows.Int(i, 2));
      GG_ASSIGN_OR_RETURN(int64_t admitted, rows.Int(i, 3));
      boost::json::value rsvp = nullptr;
      if (!rows.IsNull(i, 4)) {
        GG_ASSIGN_OR_RETURN(std::string response, rows.Text(i, 4));
        GG_ASSIGN_OR_RETURN(int64_t plus_ones, rows.Int(i, 5));
        rsvp = boost::json::object{{"response", response}, {"plus_ones", plus_ones}};
      }
      return boost::json::object{{"id", std::to_string(id)},
                                 {"name", name},
                                 {"plus_ones_allowed", plus_ones_allowed},
                                 {"admitted", admitted},
                                 {"rsvp", std::move(rsvp)}};
    }();
    if (!guest.ok()) return guest.status();
    guests.emplace_back(*std::move(guest));
  }
  return Response::Json(200, boost::json::object{{"guests", std::move(guests)}});
}

}  // namespace guestguard::server
