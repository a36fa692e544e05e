// Copyright 2026 GuestGuard authors.
#include "server/handlers/monitor.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "boost/json/object.hpp"
#include "server/auth.h"
#include "server/http_errors.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// True when the comma-separated header value holds `token` (case-insensitive).
bool HeaderHasToken(const Request& request, std::string_view name, std::string_view token) {
  const std::string* value = request.Header(name);
  if (value == nullptr) return false;
  std::string_view rest = *value;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (Lower(part) == token) return true;
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return false;
}

}  // namespace

absl::StatusOr<Response> IssueWsTicket(AppState& app, const Request& request,
                                       const Params& params) {
  absl::StatusOr<User> user = Authenticate(request, app);
  if (!user.ok()) return user.status();
  absl::StatusOr<Role> role = RequireRole(app, *user, params.at("id"), Role::kViewer);
  if (!role.ok()) return role.status();
  if (std::optional<absl::Duration> wait = app.ws_tickets_per_account->Acquire(user->id)) {
    app.logger->Info("monitor ticket rate limited",
                     {{"request_id", request.request_id}, {"user_id", user->id}});
    return RateLimitedError("too many live monitor tickets for this account; wait and try again",
                            *wait);
  }
  absl::StatusOr<WsTickets::Issued> issued = app.ws_tickets->Issue(
      std::stoll(user->id), *ParseEventId(params.at("id")), user->session_hash);
  if (absl::IsResourceExhausted(issued.status())) {
    Response res = Response::Error(503, "unavailable", std::string(issued.status().message()));
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  if (!issued.ok()) return issued.status();
  return Response::Json(201,
                        boost::json::object{{"ticket", issued->ticket},
                                            {"expires_at", FormatRfc3339(issued->expires_at)}});
}

absl::StatusOr<Response> OpenMonitor(AppState& app, const Request& request, const Params& params) {
  if (const std::string* origin = request.Header("origin")) {
    const std::string wanted = Lower(*origin);
    const auto& allowed = app.config.allowed_origins;
    if (std::find(allowed.begin(), allowed.end(), wanted) == allowed.end()) {
      app.logger->Info("monitor origin refused",
                       {{"request_id", request.request_id}, {"origin", wanted.substr(0, 256)}});
      return Response::Error(403, "origin_not_allowed",
                             "this origin may not open the live monitor");
    }
  }
  const std::string* version = request.Header("sec-websocket-version");
  if (!HeaderHasToken(request, "upgrade", "websocket") ||
      !HeaderHasToken(request, "connection", "upgrade") ||
      request.Header("sec-websocket-key") == nullptr || version == nullptr || *version != "13") {
    Response res = Response::Error(426, "upgrade_required",
                                   "this endpoint needs a WebSocket (version 13) upgrade");
    res.headers.emplace_back("Upgrade", "websocket");
    res.headers.emplace_back("Sec-WebSocket-Version", "13");
    return res;
  }
  const std::optional<int64_t> event_id = ParseEventId(params.at("id"));
  auto ticket = request.query.find("ticket");
  std::optional<WsTickets::Redeemed> redeemed;
  if (event_id && ticket != request.query.end()) {
    absl::StatusOr<std::optional<WsTickets::Redeemed>> spent =
        app.ws_tickets->Redeem(ticket->second, *event_id);
    if (!spent.ok()) return spent.status();
    redeemed = *std::move(spent);
  }
  if (!redeemed) {
    return Response::Error(401, "unauthenticated",
                           "a valid, unused monitor ticket for this event is required");
  }
  User user;
  user.id = std::to_string(redeemed->user_id);
  absl::StatusOr<Role> role = RequireRole(app, user, params.at("id"), Role::kViewer);
  if (!role.ok()) return role.status();

  Response res;
  res.status = 101;
  res.content_type.clear();
  MonitorHub* hub = app.monitor.get();
  MonitorAccess* access = app.monitor_access.get();
  const int64_t event = *event_id;
  const int64_t uid = redeemed->user_id;
  // Streams while registered; closed by MonitorAccess when the session or the
  // role goes away.
  res.websocket = [hub, access, event, uid, session_hash = std::move(redeemed->session_hash)](
                      std::shared_ptr<WebSocketPeer> peer) {
    auto both = std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<void>>>(
        hub->Register(event, peer), access->Watch(peer, event, uid, session_hash));
    return std::shared_ptr<void>(std::move(both));
  };
  return res;
}

}  // namespace guestguard::server
