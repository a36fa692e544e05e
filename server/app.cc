// Copyright 2026 GuestGuard authors.
#include "server/app.h"

#include <string>
#include <utility>

#include "server/auth.h"
#include "server/migrations.h"
#include "sql/postgres_driver.h"
#include "sql/sqlite_driver.h"
#include "storage/sql_store.h"

namespace guestguard::server {

absl::StatusOr<std::unique_ptr<sql::Database>> OpenDatabase(std::string_view url) {
  sql::DatabaseOptions options;
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
                                                         std::shared_ptr<Logger> logger) {
  auto app = std::make_unique<AppState>();
  app->logger = std::move(logger);
  if (config.keyring.size() == 0) {
    if (config.env == Environment::kProduction) {
      return absl::FailedPreconditionError("production needs a keyring (--keyring)");
    }
    absl::StatusOr<Keyring> generated = Keyring::Generate("dev");
    if (!generated.ok()) return generated.status();
    config.keyring = *std::move(generated);
    app->logger->Warn(
        "NO KEYRING CONFIGURED: generated a throw-away development key; every guest link "
        "issued now stops working at restart. Set --keyring / GUESTGUARD_KEYRING.");
  }
  absl::StatusOr<std::unique_ptr<sql::Database>> db = OpenDatabase(config.database_url);
  if (!db.ok()) return db.status();
  app->db = std::shared_ptr<sql::Database>(*std::move(db));
  absl::StatusOr<std::unique_ptr<Store>> store = internal::NewSqlStore(app->db);
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
  absl::StatusOr<std::unique_ptr<Guard>> guard = Guard::Open(std::move(options));
  if (!guard.ok()) return guard.status();
  app->guard = *std::move(guard);
  app->notifier = std::make_shared<LogNotificationSender>(app->logger);
  app->config = std::move(config);
  return app;
}

void AppState::Close() {
  notifier.reset();
  guard.reset();
  store.reset();
  db.reset();
}

}  // namespace guestguard::server
