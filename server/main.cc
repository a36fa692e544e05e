// Copyright 2026 GuestGuard authors.
//
// guestguard-server: parses the configuration (flags, GUESTGUARD_* variables),
// opens the database and the Guard, serves HTTP until SIGINT/SIGTERM, then
// closes the database. The hidden flag --print-routes prints every route as
// "METHOD /path/{param}" and exits 0 (tests compare it with docs/openapi.yaml).
//
// `guestguard-server notifier [flags]` runs the notification worker (and the
// outbox relay) without HTTP, for deployments that split it from the web
// nodes (give those --notifier off); it shares their database and a NATS bus.
// With --metrics-listen it serves GET /metrics there (and nothing else).
//
// `guestguard-server keygen [--kid ID]` prints a new keyring entry and
// `guestguard-server keygen --rotate SPEC|- [--kid ID]` the keyring with a new
// active key first (see keys.h); neither opens anything.
//
// `guestguard-server migrate [flags]` applies pending migrations and exits
// (migrate_command.h); the server also applies them at every start.
//
// `guestguard-server --version` prints "guestguard-server <version>" (the
// project version of CMakeLists.txt) and exits 0.
//
// Exit codes: 0 after a clean shutdown, 1 when the server cannot start
// (database, bus, address in use), 2 for an invalid configuration.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "server/app.h"
#include "server/config.h"
#include "server/fd_limit.h"
#include "server/handlers/metrics.h"
#include "server/http_server.h"
#include "server/keys.h"
#include "server/log.h"
#include "server/migrate_command.h"
#include "server/router.h"
#include "server/routes.h"

int main(int argc, char** argv) {
  namespace gs = guestguard::server;
  // Debian's Abseil is built without NDEBUG, so by default every Mutex lock
  // also records lock order in one process-wide graph under one global lock:
  // a serialisation point for every handler thread. Lock order is checked by
  // the unit tests (their binaries keep the default), not in production.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 1 && args[0] == "--print-routes") {
    // The handlers are never called: an unopened AppState is enough.
    gs::AppState unopened;
    gs::Router router;
    gs::RegisterRoutes(router, unopened);
    for (const gs::Router::RouteInfo& route : router.routes()) {
      std::printf("%s %s\n", route.method.c_str(), route.pattern.c_str());
    }
    return 0;
  }
  if (args.size() == 1 && args[0] == "--version") {
    std::printf("guestguard-server %s\n", GUESTGUARD_VERSION);
    return 0;
  }
  if (!args.empty() && args[0] == "keygen") {
    return gs::RunKeygen(std::vector<std::string>(args.begin() + 1, args.end()), stdin, stdout,
                         stderr);
  }
  gs::ConfigParse parsed = gs::ParseConfig(args);
  if (!parsed.config) {
    std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  gs::Config config = *std::move(parsed.config);
  if (parsed.command == gs::Command::kMigrate) return gs::RunMigrate(config, stderr);
  const bool notifier_only = parsed.command == gs::Command::kNotifier;
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  if (notifier_only) {
    config.notifier = true;
    // Blocked before any thread starts, so that only sigwait below sees them
    // (with --metrics-listen the HTTP server's signal handling does instead).
    if (!config.metrics_listen) pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  }
  auto logger = std::make_shared<gs::Logger>(config.log_level);
  logger->Info("starting",
               {{"env", config.env == gs::Environment::kProduction ? "production" : "development"},
                {"threads", config.threads},
                {"max_body", config.max_body}});

  // Every connection holds a descriptor: the soft limit goes up to the hard
  // one (systemd's LimitNOFILE) before anything opens.
  const gs::FileLimit files = gs::RaiseFileLimit();
  if (files.error.empty()) {
    logger->Info("file descriptor limit",
                 {{"soft", files.soft}, {"hard", files.hard}, {"was", files.before}});
  } else {
    logger->Warn("cannot raise the file descriptor limit",
                 {{"error", files.error}, {"soft", files.soft}, {"hard", files.hard}});
  }

  absl::StatusOr<std::unique_ptr<gs::AppState>> app =
      gs::AppState::Open(config, logger, guestguard::SystemClock());
  if (!app.ok()) {
    // Status messages from the SQL layer name the problem, not the password.
    logger->Error("cannot start", {{"error", std::string(app.status().ToString())}});
    return 1;
  }
  // GET /metrics on its own address (routes.cc puts it on the public listener
  // in development when no address is given).
  gs::Router metrics_router;
  if (config.metrics_listen) gs::RegisterMetricsRoute(metrics_router, **app);
  if (notifier_only && config.metrics_listen) {
    logger->Info("notifier running", {{"bus", (*app)->config.bus_url}});
    // Only the metrics address: the public listener is not opened.
    gs::Config metrics_only = (*app)->config;
    metrics_only.listen_host = metrics_only.metrics_host;
    metrics_only.listen_port = metrics_only.metrics_port;
    metrics_only.metrics_listen = false;
    absl::Status served =
        gs::RunHttpServer(metrics_only, *logger, metrics_router, (*app)->metrics.get());
    (*app)->Close();
    if (!served.ok()) {
      logger->Error("cannot serve", {{"error", std::string(served.message())}});
      return 1;
    }
    logger->Info("stopped");
    return 0;
  }
  if (notifier_only) {
    logger->Info("notifier running", {{"bus", gs::StripUrlCredentials((*app)->config.bus_url)}});
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    logger->Info("stopping", {{"signal", signal_number}});
    (*app)->Close();
    logger->Info("stopped");
    return 0;
  }
  gs::Router router;
  gs::RegisterRoutes(router, **app);

  absl::Status served =
      gs::RunHttpServer((*app)->config, *logger, router, (*app)->metrics.get(), &metrics_router);
  (*app)->Close();
  if (!served.ok()) {
    logger->Error("cannot serve", {{"error", std::string(served.message())}});
    return 1;
  }
  logger->Info("stopped");
  return 0;
}
