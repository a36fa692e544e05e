// Copyright 2026 GuestGuard authors.
#include "server/routes.h"

#include "server/handlers/accounts.h"
#include "server/handlers/events.h"
#include "server/handlers/health.h"

namespace guestguard::server {

void RegisterRoutes(Router& router, AppState& app) {
  // Health.
  router.Add("GET", "/healthz", Healthz);
  router.Add("GET", "/readyz",
             [&app](const Request& req, const Params& params) { return Readyz(app, req, params); });

  // Accounts.
  router.Add("POST", "/auth/signup",
             [&app](const Request& req, const Params& params) { return Signup(app, req, params); });
  router.Add("POST", "/auth/login",
             [&app](const Request& req, const Params& params) { return Login(app, req, params); });
  router.Add("POST", "/auth/logout",
             [&app](const Request& req, const Params& params) { return Logout(app, req, params); });
  router.Add("GET", "/me",
             [&app](const Request& req, const Params& params) { return Me(app, req, params); });

  // Events.
  router.Add("POST", "/events", [&app](const Request& req, const Params& params) {
    return CreateEvent(app, req, params);
  });
  router.Add("GET", "/events", [&app](const Request& req, const Params& params) {
    return ListEvents(app, req, params);
  });
  router.Add("GET", "/events/{id}", [&app](const Request& req, const Params& params) {
    return GetEvent(app, req, params);
  });
  router.Add("PATCH", "/events/{id}", [&app](const Request& req, const Params& params) {
    return PatchEvent(app, req, params);
  });
  router.Add("DELETE", "/events/{id}", [&app](const Request& req, const Params& params) {
    return DeleteEvent(app, req, params);
  });
}

}  // namespace guestguard::server
