// Copyright 2026 GuestGuard authors.
#include "guestguard/postgres_store.h"

#include "guestguard/sql/postgres_driver.h"
#include "guestguard/status_macros.h"
#include "storage/sql_store.h"

namespace guestguard {

absl::StatusOr<std::unique_ptr<Store>> NewPostgresStore(std::string_view url,
                                                        PostgresStoreOptions options) {
  if (options.max_connections < 1 || options.max_connections > 256) {
    return absl::InvalidArgumentError("postgres store: max_connections must be 1-256");
  }
  if (options.connect_timeout < absl::Seconds(1)) {
    return absl::InvalidArgumentError("postgres store: connect_timeout must be at least 1 s");
  }
  if (options.statement_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("postgres store: statement_timeout must be positive");
  }
  sql::DatabaseOptions db_options;
  db_options.max_connections = options.max_connections;
  db_options.connect_timeout = options.connect_timeout;
  db_options.statement_timeout = options.statement_timeout;
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::OpenPostgres(url, db_options));
  return NewSqlStore(std::move(db),
                     {.outbox_subject_prefix = std::move(options.outbox_subject_prefix)});
}

}  // namespace guestguard
