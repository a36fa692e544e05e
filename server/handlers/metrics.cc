// Copyright 2026 GuestGuard authors.
#include "server/handlers/metrics.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "guestguard/outbox_relay.h"

namespace guestguard::server {
namespace {

struct Queues {
  int64_t outbox_backlog = 0;
  double outbox_lag_seconds = 0;
  int64_t pending = 0;   // Notifications not attempted yet.
  int64_t retrying = 0;  // Pending after a failed attempt.
  int64_t failed = 0;    // Failed for good.
};

// The outbox backlog (through the library) and the notification queue.
absl::StatusOr<Queues> ReadQueues(const Store& store, sql::Database& db) {
  Queues q;
  const absl::Time now = absl::Now();
  absl::StatusOr<OutboxBacklog> backlog = ReadOutboxBacklog(store, now);
  if (!backlog.ok()) return backlog.status();
  absl::Status read = db.Autocommit([&](sql::Connection& c) -> absl::Status {
    q = Queues();
    q.outbox_backlog = backlog->pending;
    q.outbox_lag_seconds = absl::ToDoubleSeconds(backlog->oldest_age);
    absl::StatusOr<sql::Rows> states = c.Query(
        "SELECT status, CASE WHEN attempts > 0 THEN 1 ELSE 0 END AS retried, count(*) "
        "FROM notifications WHERE status IN ('pending', 'failed') GROUP BY 1, 2");
    if (!states.ok()) return states.status();
    for (size_t i = 0; i < states->size(); ++i) {
      absl::StatusOr<std::string> status = states->Text(i, 0);
      absl::StatusOr<int64_t> retried = states->Int(i, 1);
      absl::StatusOr<int64_t> n = states->Int(i, 2);
      if (!status.ok() || !retried.ok() || !n.ok()) {
        return absl::InternalError("unexpected notification state row");
      }
      if (*status == "failed") {
        q.failed += *n;
      } else if (*retried != 0) {
        q.retrying += *n;
      } else {
        q.pending += *n;
      }
    }
    return absl::OkStatus();
  });
  if (!read.ok()) return read;
  return q;
}

void Gauge(std::string* out, std::string_view name, std::string_view type, std::string_view help,
           double value) {
  AppendMetricFamily(out, name, type, help);
  AppendSample(out, name, "", value);
}

}  // namespace

Response ScrapeMetrics(AppState& app, const Request& request, const Params& /*params*/) {
  std::string out;
  out.reserve(64 * 1024);
  if (app.metrics) app.metrics->Render(&out);

  absl::StatusOr<Queues> queues =
      app.db && app.store ? ReadQueues(*app.store, *app.db) : absl::UnavailableError("no database");
  if (!queues.ok()) {
    app.logger->Warn(
        "metrics: cannot read the queues",
        {{"request_id", request.request_id}, {"error", std::string(queues.status().message())}});
  }
  Gauge(&out, "guestguard_database_up", "gauge",
        "1 when this scrape could read the database, 0 otherwise (queue gauges are then absent).",
        queues.ok() ? 1 : 0);
  Gauge(&out, "guestguard_database_pool_max_connections", "gauge",
        "Database connections this process may open (PostgreSQL pool size; SQLite: the same "
        "setting, one writer).",
        app.db ? DatabaseMaxConnections(app.config) : 0);
  const sql::Database::PoolStats pool = app.db ? app.db->pool_stats() : sql::Database::PoolStats{};
  Gauge(&out, "guestguard_database_pool_open_connections", "gauge",
        "Database connections open now, idle or in use (SQLite: its one connection).", pool.open);
  Gauge(&out, "guestguard_database_pool_in_use", "gauge",
        "Database connections running a transaction or statement now (SQLite: 1 while a "
        "transaction group runs).",
        pool.in_use);
  if (app.db && app.db->dialect() == sql::Dialect::kSqlite) {
    const sql::Database::WriterStats writer = app.db->writer_stats();
    Gauge(&out, "guestguard_database_write_groups_total", "counter",
          "SQLite: write groups the one writer ran (one transaction and one commit each).",
          static_cast<double>(writer.groups));
    Gauge(&out, "guestguard_database_group_transactions_total", "counter",
          "SQLite: transactions those groups carried (per group: the mean group size).",
          static_cast<double>(writer.transactions));
    Gauge(&out, "guestguard_database_writer_busy_seconds_total", "counter",
          "SQLite: wall time the writer spent running groups (its rate is the writer's "
          "utilisation; near 1, writes queue behind it).",
          absl::ToDoubleSeconds(writer.busy));
    Gauge(&out, "guestguard_database_writer_commit_seconds_total", "counter",
          "SQLite: of that, time spent in COMMIT (the WAL write and its fsync).",
          absl::ToDoubleSeconds(writer.committing));
  }
  if (queues.ok()) {
    Gauge(&out, "guestguard_outbox_backlog", "gauge",
          "Outbox rows not yet published to the bus (counted up to 1000000).",
          static_cast<double>(queues->outbox_backlog));
    Gauge(&out, "guestguard_outbox_lag_seconds", "gauge",
          "Age of the oldest unpublished outbox row; 0 when none is pending.",
          queues->outbox_lag_seconds);
    AppendMetricFamily(&out, "guestguard_notifications", "gauge",
                       "Notifications waiting or given up, by state (pending: not attempted yet; "
                       "retrying: waiting after a failed attempt; failed: given up).");
    AppendSample(&out, "guestguard_notifications", "state=\"pending\"",
                 static_cast<double>(queues->pending));
    AppendSample(&out, "guestguard_notifications", "state=\"retrying\"",
                 static_cast<double>(queues->retrying));
    AppendSample(&out, "guestguard_notifications", "state=\"failed\"",
                 static_cast<double>(queues->failed));
  }
  if (app.relay) {
    Gauge(&out, "guestguard_outbox_published_total", "counter",
          "Outbox rows this process's relay published since it started.",
          static_cast<double>(app.relay->published()));
    Gauge(&out, "guestguard_outbox_relay_healthy", "gauge",
          "1 while the relay's last publish succeeded, 0 while the bus refuses messages.",
          app.relay->health().ok() ? 1 : 0);
  }
  Gauge(&out, "guestguard_bus_connected", "gauge", "1 when the event bus answers a ping.",
        app.bus && app.bus->Ping().ok() ? 1 : 0);
  Gauge(&out, "guestguard_monitor_sockets", "gauge", "Live monitor WebSockets open now.",
        app.monitor ? static_cast<double>(app.monitor->watchers()) : 0);

  Response response;
  response.status = 200;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = std::move(out);
  return response;
}

void RegisterMetricsRoute(Router& router, AppState& app) {
  router.Add("GET", "/metrics", [&app](const Request& req, const Params& params) {
    return ScrapeMetrics(app, req, params);
  });
}

}  // namespace guestguard::server
