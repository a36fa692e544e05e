// Copyright 2026 GuestGuard authors.
#include "guestguard/sqlite_store.h"

#include "guestguard/sql/sqlite_driver.h"
#include "guestguard/status_macros.h"
#include "storage/sql_store.h"

namespace guestguard {

absl::StatusOr<std::unique_ptr<Store>> NewSqliteStore(std::string_view url,
                                                      SqliteStoreOptions options) {
  GG_ASSIGN_OR_RETURN(const std::string_view path, sql::SqlitePathFromUrl(url));
  if (options.busy_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("sqlite store: busy_timeout must be positive");
  }
  sql::DatabaseOptions db_options;
  db_options.connect_timeout = options.busy_timeout;
  db_options.sqlite_full_sync = options.full_sync;
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::OpenSqlite(path, db_options));
  return NewSqlStore(std::move(db),
                     {.outbox_subject_prefix = std::move(options.outbox_subject_prefix)});
}

}  // namespace guestguard
