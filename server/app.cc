// Copyright 2026 GuestGuard authors.
#include "server/app.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/nats_bus.h"
#include "guestguard/sql/postgres_driver.h"
#include "guestguard/sql/sqlite_driver.h"
#include "guestguard/sql_store.h"
#include "server/auth.h"
#include "server/keys.h"
#include "server/mail_dir_sender.h"
#include "server/migrations.h"
#include "server/remote_scorer.h"

namespace guestguard::server {
namespace {

// PostgreSQL connections beyond one per serving thread: the outbox relay, the
// notification worker's delivery loop and bus consumers, the monitor hub.
constexpr int kBackgroundConnections = 4;

// Monitor tickets outstanding at once in the deployment (every node on the
// database together; ws_tickets.h).
constexpr size_t kMaxOutstandingWsTickets = 100000;

// "inprocess", or NATS JetStream on a stream named after the subject prefix
// ("guestguard" → GUESTGUARD), so deployments with different prefixes can
// share a NATS server.
absl::StatusOr<std::unique_ptr<Bus>> OpenBus(const Config& config) {
  if (config.bus_url == "inprocess") return NewInProcessBus({});
  NatsBusOptions options;
  options.url = config.bus_url;
  options.subject_prefix = config.subject_prefix;
  options.stream_name = absl::AsciiStrToUpper(config.subject_prefix);
  absl::c_replace(options.stream_name, '.', '_');
  return NewNatsBus(std::move(options));
}

// Development without a keyring: the keyring file next to the SQLite database
// (created once, reused after), or a throw-away key for a database with no
// file. The path is logged, the keys never.
absl::Status UseDevelopmentKeyring(Config& config, Logger& logger) {
  std::optional<std::string> path = DevKeyringPath(config.database_url);
  if (!path) {
    absl::StatusOr<Keyring> generated = Keyring::Generate(DefaultKeyId(absl::Now()));
    if (!generated.ok()) return generated.status();
    config.keyring = *std::move(generated);
    logger.Warn(
        "NO KEYRING CONFIGURED: generated a throw-away development key (the database has no "
        "file to keep one next to); every guest link issued now stops working at restart. Set "
        "--keyring / GUESTGUARD_KEYRING.");
    return absl::OkStatus();
  }
  absl::StatusOr<KeyringFile> file = LoadOrCreateKeyringFile(*path);
  if (!file.ok()) return file.status();
  config.keyring = file->keyring;
  // Field names avoid "key": the logger would redact them.
  logger.Warn(file->created ? "DEVELOPMENT KEYRING created: guest links are signed with a key "
                              "kept next to the database; production needs --keyring"
                            : "DEVELOPMENT KEYRING reused: guest links are signed with the key "
                              "kept next to the database; production needs --keyring",
              {{"file", *path}, {"active_kid", std::string(file->keyring.active_key_id())}});
  if (file->too_open) {
    logger.Warn("the development keyring file is readable by other users; chmod 600 it",
                {{"file", *path}});
  }
  return absl::OkStatus();
}

}  // namespace

int DatabaseMaxConnections(const Config& config) {
  return std::min(config.threads + kBackgroundConnections, 256);
}

absl::StatusOr<std::unique_ptr<sql::Database>> OpenDatabase(std::string_view url,
                                                            int max_connections) {
  sql::DatabaseOptions options;
  options.max_connections = max_connections;
  options.sqlite_readers = std::min(max_connections, 64);  // Reads never queue behind handlers.
  if (url.substr(0, 7) == "sqlite:") {
    absl::StatusOr<std::string_view> path = sql::SqlitePathFromUrl(url);
    if (!path.ok()) return path.status();
    return sql::OpenSqlite(*path, options);
  }
  if (url.substr(0, 13) == "postgresql://" || url.substr(0, 11) == "postgres://") {
    return sql::OpenPostgres(url, options);
  }
  return absl::InvalidArgumentError(
      "the database URL must start with sqlite:, postgresql:// or postgres://");
}

absl::StatusOr<std::unique_ptr<AppState>> AppState::Open(Config config,
                                                         std::shared_ptr<Logger> logger,
                                                         std::shared_ptr<Clock> clock) {
  auto app = std::make_unique<AppState>();
  app->logger = std::move(logger);
  app->clock = std::move(clock);
  app->metrics = std::make_shared<ServerMetrics>();
  if (config.keyring.size() == 0) {
    if (config.env == Environment::kProduction) {
      return absl::FailedPreconditionError("production needs a keyring (--keyring)");
    }
    absl::Status keyring = UseDevelopmentKeyring(config, *app->logger);
    if (!keyring.ok()) return keyring;
  }
  absl::StatusOr<std::unique_ptr<sql::Database>> db =
      OpenDatabase(config.database_url, DatabaseMaxConnections(config));
  if (!db.ok()) return db.status();
  app->db = std::shared_ptr<sql::Database>(*std::move(db));
  absl::StatusOr<std::unique_ptr<Store>> store =
      NewSqlStore(app->db, {.outbox_subject_prefix = config.subject_prefix});
  if (!store.ok()) return store.status();
  app->store = std::shared_ptr<Store>(*std::move(store));
  // The server's own tables (accounts, sessions, ...), after the library's.
  absl::Status migrated = sql::Migrate(*app->db, "server",
                                       app->db->dialect() == sql::Dialect::kSqlite
                                           ? internal::ServerSqliteMigrations()
                                           : internal::ServerPostgresMigrations());
  if (!migrated.ok()) return migrated;
  absl::Status crypto = InitCrypto();
  if (!crypto.ok()) return crypto;
  GuardOptions options;
  options.store = app->store;
  options.keyring = config.keyring;
  options.clock = app->clock;
  options.token_ttl = config.link_ttl;  // Zero: links end with their event (link_expiry.h).
  if (!config.scorer_url.empty()) {
    absl::StatusOr<ScorerUrl> url = ParseScorerUrl(config.scorer_url);  // Valid: ParseConfig.
    if (!url.ok()) return url.status();
    absl::StatusOr<std::shared_ptr<RemoteScorer>> scorer =
        RemoteScorer::Create({.url = *std::move(url),
                              .timeout = config.scorer_deadline,
                              .max_connections = config.scorer_connections},
                             app->logger);
    if (!scorer.ok()) return scorer.status();
    options.scorer = *std::move(scorer);
    options.scorer_deadline = config.scorer_deadline;
    options.scorer_threads = config.scorer_connections;
    app->logger->Info("remote scorer",
                      {{"url", config.scorer_url},
                       {"deadline_ms", absl::ToInt64Milliseconds(config.scorer_deadline)},
                       {"connections", config.scorer_connections}});
  }
  absl::StatusOr<std::unique_ptr<Guard>> guard = Guard::Open(std::move(options));
  if (!guard.ok()) return guard.status();
  app->guard = *std::move(guard);
  std::shared_ptr<NotificationSender> sender;
  if (!config.mail_dir.empty()) {
    sender = std::make_shared<MailDirNotificationSender>(config.mail_dir, config.smtp.from);
    app->logger->Info("email goes to the mail directory", {{"dir", config.mail_dir}});
  } else if (config.smtp.url.empty()) {
    const bool production = config.env == Environment::kProduction;
    if (production) {
      app->logger->Warn(
          "no SMTP server (--smtp-url): notifications go to the log, link tokens redacted, "
          "and reach nobody (--allow-log-sender is on)");
    }
    sender = std::make_shared<LogNotificationSender>(app->logger, /*redact_links=*/production);
  } else {
    InitCurl();
    sender = std::make_shared<SmtpNotificationSender>(config.smtp);
  }
  app->notifier = std::make_shared<MeteredNotificationSender>(std::move(sender), app->metrics);
  app->sealer = std::make_unique<SecretSealer>(config.keyring);

  absl::StatusOr<std::unique_ptr<Bus>> bus = OpenBus(config);
  if (!bus.ok()) return bus.status();
  app->bus = std::shared_ptr<Bus>(*std::move(bus));
  absl::StatusOr<std::unique_ptr<MonitorHub>> monitor =
      MonitorHub::Start(app->bus, app->db, config.subject_prefix, app->logger);
  if (!monitor.ok()) return monitor.status();
  app->monitor = *std::move(monitor);
  app->monitor_access = MonitorAccess::Start(app->db, config.monitor_recheck_interval,
                                             config.session_idle_timeout, app->logger);
  OutboxRelayOptions relay_options;
  relay_options.poll_interval = config.outbox_poll_interval;
  relay_options.on_event = [logger = app->logger](std::string_view what, const absl::Status& s) {
    const std::string message = "outbox relay " + std::string(what);
    if (s.ok()) return logger->Info(message);
    logger->Warn(message, {{"error", std::string(s.message())}});
  };
  absl::StatusOr<std::unique_ptr<OutboxRelay>> relay =
      OutboxRelay::Start(app->store, app->bus, std::move(relay_options));
  if (!relay.ok()) return relay.status();
  app->relay = *std::move(relay);
  app->ws_tickets =
      std::make_unique<WsTickets>(app->db, config.ws_ticket_ttl, kMaxOutstandingWsTickets);
  if (config.notifier) {
    NotificationWorkerOptions notify;
    notify.subject_prefix = config.subject_prefix;
    notify.public_url = config.public_url;
    notify.max_attempts = config.notify_max_attempts;
    notify.initial_backoff = config.notify_backoff;
    notify.max_backoff = std::max(config.notify_backoff, absl::Minutes(15));
    notify.poll_interval = config.notify_poll_interval;
    notify.alert_digest_window = config.alert_digest_window;
    absl::StatusOr<std::unique_ptr<NotificationWorker>> worker = NotificationWorker::Start(
        app->db, app->store, *app->bus, app->notifier, *app->sealer, app->logger, notify);
    if (!worker.ok()) return worker.status();
    app->notification_worker = *std::move(worker);
  }
  app->login_throttle = std::make_unique<LoginThrottle>(config.login_max_failures, app->clock);
  app->account_writes = std::make_unique<RateLimiter>(config.account_rate_limit_per_minute,
                                                      config.account_rate_limit_burst, app->clock);
  app->ws_tickets_per_account = std::make_unique<RateLimiter>(
      config.ws_ticket_rate_limit_per_minute, config.ws_ticket_rate_limit_per_minute, app->clock);
  app->invites_per_address = std::make_unique<WindowLimiter>(config.invites_per_address_per_hour,
                                                             absl::Hours(1), app->clock);
  if (config.access_log_retention > absl::ZeroDuration()) {
    app->retention = RetentionJob::Start(app->store, app->logger,
                                         {.retention = config.access_log_retention,
                                          .interval = config.retention_interval,
                                          .clock = app->clock});
  }
  app->config = std::move(config);
  return app;
}

void AppState::Close() {
  retention.reset();
  if (relay) {
    absl::Status drained = relay->Drain(config.shutdown_timeout);
    if (drained.ok()) {
      logger->Info("outbox drained", {{"published", relay->published()}});
    } else {
      logger->Warn("outbox not drained; pending rows are published at the next start",
                   {{"error", std::string(drained.message())}});
    }
    relay.reset();
  }
  // After the drain: the events it published are in the worker's tables.
  notification_worker.reset();
  notifier.reset();
  monitor_access.reset();
  monitor.reset();
  guard.reset();
  store.reset();
  bus.reset();
  db.reset();
}

}  // namespace guestguard::server
