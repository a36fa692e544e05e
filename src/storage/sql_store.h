// Copyright 2026 GuestGuard authors.
//
// The Store on top of the portable SQL layer: one implementation, every query
// written once, for both SQLite and PostgreSQL. Private helpers; the public
// factories are NewSqlStore (guestguard/sql_store.h), NewSqliteStore
// (sqlite_store.h) and NewPostgresStore (postgres_store.h).
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
#include "guestguard/sql_store.h"
#include "guestguard/store.h"

namespace guestguard::internal {

// The library's migrations per dialect (generated from storage/migrations/;
// public as SqlStoreMigrations).
const std::vector<sql::Migration>& SqliteStoreMigrations();
const std::vector<sql::Migration>& PostgresStoreMigrations();

// The database of a store NewSqlStore made (NewSqliteStore, NewPostgresStore);
// null for any other store. For the outbox relay.
std::shared_ptr<sql::Database> SqlDatabaseOf(const Store& store);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_STORAGE_SQL_STORE_H_
