// Copyright 2026 GuestGuard authors.
//
// A SQLite or PostgreSQL Store on a guestguard::sql::Database the application
// already holds (guestguard/sql/sql.h; targets guestguard::sql plus
// guestguard::sqlite or guestguard::postgres for the driver), so that the
// application's own tables and the library's live in one database and its own
// transactions can write the outbox (EnqueueOutbox, guestguard/outbox_relay.h).
// NewSqliteStore / NewPostgresStore are the same store on a database they open
// themselves.
//
//   GG_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
//                       sql::OpenSqlite("/var/lib/app/app.db", {}));
//   std::shared_ptr<sql::Database> shared = std::move(db);
//   GG_ASSIGN_OR_RETURN(auto store, NewSqlStore(shared, {.outbox_subject_prefix = "gg"}));
//   GG_RETURN_IF_ERROR(sql::Migrate(*shared, "app", AppMigrations()));  // its own tables
#ifndef GUESTGUARD_SQL_STORE_H_
#define GUESTGUARD_SQL_STORE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "guestguard/sql/sql.h"
#include "guestguard/store.h"

namespace guestguard {

struct SqlStoreOptions {
  // Non-empty: every recorded access is also a "<prefix>.access.scored"
  // event, which an OutboxRelay publishes from the access log itself (the
  // access feed; guestguard/access_scored.h). Default: empty (nothing is fed).
  std::string outbox_subject_prefix = {};
};

// The library's schema migrations for `dialect`, applied as component "guard"
// (sql::Migrate). NewSqlStore applies them; a migration tool that plans or
// reports migrations before opening a store lists them from here.
const std::vector<sql::Migration>& SqlStoreMigrations(sql::Dialect dialect);

// Applies SqlStoreMigrations (component "guard") to `db` and returns a Store
// on it. `db` may be shared with the application's own tables (other
// components in schema_migrations; table names starting "guard_" are the
// library's). Errors: InvalidArgument for a null `db`; the migration's error.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewSqlStore(std::shared_ptr<sql::Database> db,
                                                                 SqlStoreOptions options = {});

// What LoadCheckStateWith read: the guard's state for a check and the
// application's own row.
struct CheckStateWithRow {
  CheckState state;
  sql::Rows row;  // The companion's columns; no rows when it found none.
};

// Store::LoadCheckState and one row of the application's own tables in one
// snapshot, for an application that needs both before a check (then
// Guard::Check with the state preloaded). `companion` is a SELECT (at most one
// row; its column names unique) with `?` placeholders bound from `params`. On
// PostgreSQL it is joined on (one round trip), so it must not refer to the
// state's tables; on SQLite it runs as a second statement. Errors:
// InvalidArgument for a store that is not a SQLite or PostgreSQL one, or a
// companion that returned more than one row; the store's errors.
[[nodiscard]] absl::StatusOr<CheckStateWithRow> LoadCheckStateWith(
    Store& store, std::string_view event_id, std::string_view guest_id, std::string_view companion,
    const std::vector<sql::Value>& params);

}  // namespace guestguard

#endif  // GUESTGUARD_SQL_STORE_H_
