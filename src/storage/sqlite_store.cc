// Copyright 2026 GuestGuard authors.
#include "guestguard/sqlite_store.h"

#include "internal/status_macros.h"
#include "sql/sqlite_driver.h"
#include "storage/sql_store.h"

namespace guestguard {

absl::StatusOr<std::unique_ptr<Store>> NewSqliteStore(std::string_view url,
                                                      SqliteStoreOptions options) {
  constexpr std::string_view kScheme = "sqlite:";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError(
        "sqlite store: the URL must start with \"sqlite:\" (e.g. sqlite:/var/lib/gg.db or "
        "sqlite::memory:)");
  }
  std::string_view path = url.substr(kScheme.size());
  if (path.substr(0, 3) == "///") path.remove_prefix(2);  // sqlite:///abs → /abs
  if (path.empty()) return absl::InvalidArgumentError("sqlite store: the URL has no file path");
  if (options.busy_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("sqlite store: busy_timeout must be positive");
  }
  sql::DatabaseOptions db_options;
  db_options.connect_timeout = options.busy_timeout;
  db_options.sqlite_full_sync = options.full_sync;
  GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::OpenSqlite(path, db_options));
  return internal::NewSqlStore(std::move(db));
}

}  // namespace guestguard
