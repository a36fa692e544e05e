// Copyright 2026 GuestGuard authors.
//
// The server's route table in one place: each resource adds its lines to
// RegisterRoutes. Handlers capture `app`, which must outlive the router.
#ifndef GUESTGUARD_SERVER_ROUTES_H_
#define GUESTGUARD_SERVER_ROUTES_H_

#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

void RegisterRoutes(Router& router, AppState& app);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_ROUTES_H_
