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

// The access feed: every access row is its own access.scored event, which an
// OutboxRelay reads from the access log in commit order after a cursor
// (table guard_relay_cursor, one row per subject; migration 0004).

// The subject a store NewSqlStore made feeds accesses under
// ("<prefix>.access.scored", also the cursor's name); empty when it was made
// without an outbox_subject_prefix, or for any other store.
std::string AccessFeedSubjectOf(const Store& store);

// Creates the cursor of `subject` if missing, positioned after every access
// already recorded (NewSqlStore, when it has a prefix).
absl::Status StartAccessFeed(sql::Database& db, std::string_view subject);

// A place in the feed's order: (xact, id) on PostgreSQL (xact: the writing
// transaction's id), (0, id) on SQLite.
struct FeedPosition {
  int64_t xact = 0;
  int64_t id = 0;
};

struct FedAccess {
  FeedPosition position;
  AccessRecord record;
};

struct AccessFeedBatch {
  std::vector<FedAccess> ready;  // In feed order.
  // PostgreSQL: a committed access follows `ready` but waits for an older
  // transaction still running (which may yet add accesses before it).
  bool held_back = false;
};

// Up to `limit` accesses after `after`, in feed order, on a reader
// connection: never one that an access of a transaction still running could
// precede.
absl::StatusOr<AccessFeedBatch> ReadAccessFeed(sql::Database& db, FeedPosition after, size_t limit);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_STORAGE_SQL_STORE_H_
