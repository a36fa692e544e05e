// Copyright 2026 GuestGuard authors.
//
// The Store on top of the portable SQL layer: one implementation, every query
// written once, for both SQLite and PostgreSQL. Private; the public factories
// are NewSqliteStore (sqlite_store.h) and NewPostgresStore (postgres_store.h).
#ifndef GUESTGUARD_STORAGE_SQL_STORE_H_
#define GUESTGUARD_STORAGE_SQL_STORE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "guestguard/store.h"
#include "sql/sql.h"

namespace guestguard::internal {

// The library's migrations per dialect (generated from storage/migrations/).
const std::vector<sql::Migration>& SqliteStoreMigrations();
const std::vector<sql::Migration>& PostgresStoreMigrations();

// Applies the library's migrations (component "guard") to `db` and returns a
// Store using it. `db` may be shared with other users (the server's tables).
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewSqlStore(std::shared_ptr<sql::Database> db);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_STORAGE_SQL_STORE_H_
