// Copyright 2026 GuestGuard authors.
//
// The HTTP/1.1 front end (with websocket_session.cc, the only Beast
// translation units): a listener, one session per connection on its own
// strand, request size limits (header: 431, body: 413), header and
// whole-request deadlines (408), keep-alive with a bounded pipeline, an
// X-Request-Id and one log line per request, WebSocket upgrades a handler
// accepted (101 with Response::websocket: the connection becomes a
// websocket_session), connection caps (config.max_connections in total and
// config.max_connections_per_address: a connection over either is closed on
// arrival), a backoff of 50 ms doubling to 1 s when accept runs out of
// descriptors (EMFILE/ENFILE: no busy loop), and graceful shutdown on SIGINT/SIGTERM (stop
// accepting, let in-flight requests finish and close WebSockets with 1001 within
// config.shutdown_timeout, then return).
//
//   absl::Status s = RunHttpServer(app->config, *app->logger, router);
#ifndef GUESTGUARD_SERVER_HTTP_SERVER_H_
#define GUESTGUARD_SERVER_HTTP_SERVER_H_

#include "absl/status/status.h"
#include "server/config.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/router.h"

namespace guestguard::server {

// Serves `router` on config.listen_host:listen_port until SIGINT or SIGTERM,
// then drains and returns OK; with config.metrics_listen, also
// `metrics_router` on config.metrics_host:metrics_port (same threads, same
// drain). config.io_threads threads parse, route and write, and run the
// inline routes (Router::AddInline); every other handler runs on a pool of
// config.threads threads whose queue holds up to config.max_connections
// requests (beyond: 503 with Retry-After: 1). `metrics` (may be null) counts
// every answer by the template of the route that gave it and the open
// connections. Errors: Unavailable when an address cannot be bound. Every
// argument must outlive the call.
[[nodiscard]] absl::Status RunHttpServer(const Config& config, Logger& logger, const Router& router,
                                         ServerMetrics* metrics = nullptr,
                                         const Router* metrics_router = nullptr);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HTTP_SERVER_H_
