// Copyright 2026 GuestGuard authors.
//
// The Store on top of the portable SQL layer: one implementation, every query
// written once, for both SQLite and PostgreSQL. Private; the public factories
// are NewSqliteStore (sqlite_store.h) and NewPostgresStore (postgres_store.h).
#ifndef GUESTGUARD_STORAGE_SQL_STORE_H_
#define GUESTGUARD_STORAGE_SQL_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/sql/sql.h"
#include "guestguard/store.h"

namespace guestguard::internal {

// The library's migrations per dialect (generated from storage/migrations/).
const std::vector<sql::Migration>& SqliteStoreMigrations();
const std::vector<sql::Migration>& PostgresStoreMigrations();

struct SqlStoreOptions {
  // Non-empty: AppendAccess also writes a "<prefix>.access.scored" row to the
  // outbox table (guard_outbox) in the access log row's transaction, for a
  // relay to publish (guestguard/access_scored.h). Default: empty (no outbox).
  std::string outbox_subject_prefix = {};
};

// Applies the library's migrations (component "guard") to `db` and returns a
// Store using it. `db` may be shared with other users (the server's tables).
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewSqlStore(std::shared_ptr<sql::Database> db,
                                                                 SqlStoreOptions options = {});

// The database of a store NewSqlStore made (NewSqliteStore, NewPostgresStore);
// null for any other store. For the outbox relay.
std::shared_ptr<sql::Database> SqlDatabaseOf(const Store& store);

// Inserts one pending row into guard_outbox on `c`, inside the caller's
// transaction (so it commits or rolls back with the change it announces).
// Returns the row id; the relay publishes it with message id "outbox:<id>".
// Errors: InvalidArgument for an empty subject; the statement's error otherwise.
[[nodiscard]] absl::StatusOr<int64_t> EnqueueOutbox(sql::Connection& c, std::string_view subject,
                                                    std::string_view payload, absl::Time now);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_STORAGE_SQL_STORE_H_
