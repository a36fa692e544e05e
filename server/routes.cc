// Copyright 2026 GuestGuard authors.
#include "server/routes.h"

#include "server/handlers/health.h"

namespace guestguard::server {

void RegisterRoutes(Router& router, AppState& app) {
  // Health.
  router.Add("GET", "/healthz", Healthz);
  router.Add("GET", "/readyz",
             [&app](const Request& req, const Params& params) { return Readyz(app, req, params); });
}

}  // namespace guestguard::server
