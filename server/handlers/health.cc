// Copyright 2026 GuestGuard authors.
#include "server/handlers/health.h"

#include <string>

#include "boost/json/object.hpp"

namespace guestguard::server {

Response Healthz(const Request& /*request*/, const Params& /*params*/) {
  return Response::Json(200, boost::json::object{{"status", "ok"}});
}

Response Readyz(AppState& app, const Request& request, const Params& /*params*/) {
  absl::Status ping = app.db ? app.db->Ping() : absl::UnavailableError("no database");
  if (!ping.ok()) {
    app.logger->Warn("readiness check failed",
                     {{"request_id", request.request_id}, {"error", std::string(ping.message())}});
    return Response::Error(503, "unavailable", "the database is not reachable");
  }
  // The bus now (its connection) and as the relay last found it: a bus
  // refusing messages delays events.
  absl::Status bus = app.bus ? app.bus->Ping() : absl::UnavailableError("no bus");
  if (bus.ok()) bus = app.relay ? app.relay->health() : absl::UnavailableError("no outbox relay");
  if (!bus.ok()) {
    app.logger->Warn("readiness check failed",
                     {{"request_id", request.request_id}, {"error", std::string(bus.message())}});
    return Response::Error(503, "unavailable", "the event bus is not reachable");
  }
  // States only: a public endpoint names no host, URL or credential.
  return Response::Json(
      200, boost::json::object{{"status", "ready"}, {"database", "ok"}, {"bus", "ok"}});
}

}  // namespace guestguard::server
