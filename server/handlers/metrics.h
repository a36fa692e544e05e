// Copyright 2026 GuestGuard authors.
//
// GET /metrics: the Prometheus text exposition format 0.0.4
// (Content-Type: text/plain; version=0.0.4). The counters of app.metrics
// (requests, checks, previews, notification sends; see metrics.h), then gauges
// read at scrape time: the outbox backlog and the age of its oldest pending
// row, the relay's published count and health, the notification queue by
// state, whether the bus answers, open monitor sockets and the database pool's
// size. No label names a host, URL or credential.
//
// Where it is served is the caller's choice (routes.cc: on the public listener
// in development; main.cc: on --metrics-listen).
#ifndef GUESTGUARD_SERVER_HANDLERS_METRICS_H_
#define GUESTGUARD_SERVER_HANDLERS_METRICS_H_

#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

Response ScrapeMetrics(AppState& app, const Request& request, const Params& params);

// Adds GET /metrics (ScrapeMetrics on `app`) to `router`.
void RegisterMetricsRoute(Router& router, AppState& app);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_METRICS_H_
