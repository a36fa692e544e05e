// Copyright 2026 GuestGuard authors.
//
// Health endpoints:
//   GET /healthz → 200 {"status":"ok"} while the process serves requests.
//   GET /readyz  → 200 {"status":"ready"} when the database answers a ping,
//                  503 {"error":{"code":"unavailable","message":...}} otherwise.
#ifndef GUESTGUARD_SERVER_HANDLERS_HEALTH_H_
#define GUESTGUARD_SERVER_HANDLERS_HEALTH_H_

#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

Response Healthz(const Request& request, const Params& params);
Response Readyz(AppState& app, const Request& request, const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_HEALTH_H_
