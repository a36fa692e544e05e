// Copyright 2026 GuestGuard authors.
//
// AppState: what every handler shares — the configuration, the logger, the
// database (kept for /readyz and, later, the server's own tables), the
// library's Store on that database, the Guard, the notification sender, the
// bus with the outbox relay that feeds it, the live monitor's hub and its
// tickets.
//
//   auto app = AppState::Open(config, logger);   // opens the DB, migrates
//   if (!app.ok()) ...                            // the status says why
//
// Thread-safe after Open: members are set once; the objects they point to are
// thread-safe themselves.
#ifndef GUESTGUARD_SERVER_APP_H_
#define GUESTGUARD_SERVER_APP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "guestguard/bus.h"
#include "guestguard/clock.h"
#include "guestguard/guard.h"
#include "guestguard/outbox_relay.h"
#include "guestguard/sql/sql.h"
#include "guestguard/store.h"
#include "server/config.h"
#include "server/log.h"
#include "server/login_throttle.h"
#include "server/metrics.h"
#include "server/monitor_access.h"
#include "server/monitor_hub.h"
#include "server/notification_worker.h"
#include "server/notifier.h"
#include "server/rate_limiter.h"
#include "server/retention_job.h"
#include "server/secret_seal.h"
#include "server/window_limiter.h"
#include "server/ws_tickets.h"

namespace guestguard::server {

struct AppState {
  Config config;
  std::shared_ptr<Logger> logger;
  // Where sessions, links, tickets, limits and retention read the time (the
  // Guard too). Open sets the one it is given; never null.
  std::shared_ptr<Clock> clock = SystemClock();
  std::shared_ptr<sql::Database> db;
  std::shared_ptr<Store> store;
  std::unique_ptr<Guard> guard;
  // Where notifications go: SMTP when config.smtp.url is set, else the log.
  std::shared_ptr<NotificationSender> notifier;
  // Seals invite links for the outbox and the notifications table.
  std::unique_ptr<SecretSealer> sealer;
  // Bus → notifications → sender; null when config.notifier is off.
  std::unique_ptr<NotificationWorker> notification_worker;
  std::shared_ptr<Bus> bus;             // config.bus_url.
  std::unique_ptr<OutboxRelay> relay;   // guard_outbox → bus.
  std::unique_ptr<MonitorHub> monitor;  // bus → monitor WebSockets.
  // Closes monitor WebSockets whose session or role went away.
  std::unique_ptr<MonitorAccess> monitor_access;
  std::unique_ptr<WsTickets> ws_tickets;  // In the database: any node redeems.
  // Counters for GET /metrics; set by Open (and never null after it).
  std::shared_ptr<ServerMetrics> metrics;
  // Abuse limits (config: login_max_failures, account_rate_limit_*,
  // ws_ticket_rate_limit_per_minute, invites_per_address_per_hour); set by
  // Open. Keyed by normalised email, user id, user id, and normalised email.
  std::unique_ptr<LoginThrottle> login_throttle;
  std::unique_ptr<RateLimiter> account_writes;
  std::unique_ptr<RateLimiter> ws_tickets_per_account;
  std::unique_ptr<WindowLimiter> invites_per_address;
  // Prunes the access log (config.access_log_retention); null when kept forever.
  std::unique_ptr<RetentionJob> retention;

  // Wakes the relay after a transaction that enqueued an outbox row.
  void NotifyOutbox() {
    if (relay) relay->Notify();
  }

  // Opens the database named by config.database_url, applies the library's
  // migrations and the server's own (component "server", server/migrations/),
  // initialises libsodium, opens the Guard with config.keyring, the bus, the
  // notification sender and (config.notifier) the worker. An empty keyring is
  // replaced (development only; Open refuses it in production with
  // FailedPrecondition) by the development keyring file next to the SQLite
  // database (keys.h; created once, then reused), or by a throw-away key when
  // the database has no file; either is logged as a warning. The store
  // writes access.scored to the outbox; the relay and the monitor start here.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AppState>> Open(
      Config config, std::shared_ptr<Logger> logger, std::shared_ptr<Clock> clock = SystemClock());

  // Stops the retention job, drains the relay (publishes pending outbox rows,
  // up to config.shutdown_timeout), then stops the notification worker and releases
  // the monitor, the guard, the store, the bus and the database, in that order.
  void Close();
};

// Database connections a process with `config` opens at most: one per serving
// thread plus the background workers', at most 256.
int DatabaseMaxConnections(const Config& config);

// Opens a sql::Database from a "sqlite:" or "postgres(ql)://" URL, with at
// most `max_connections` PostgreSQL connections (AppState::Open: one per
// serving thread plus the background workers').
[[nodiscard]] absl::StatusOr<std::unique_ptr<sql::Database>> OpenDatabase(std::string_view url,
                                                                          int max_connections);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_APP_H_
