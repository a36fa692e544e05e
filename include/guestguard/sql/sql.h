// Copyright 2026 GuestGuard authors.
//
// The portable SQL layer shared by the SQLite and PostgreSQL stores and an
// application's own tables in the same database (the reference server's).
// Target guestguard::sql; the drivers are in guestguard::sqlite
// (sqlite_driver.h) and guestguard::postgres (postgres_driver.h). A Store on
// a Database: NewSqlStore (guestguard/sql_store.h).
//
// Queries are written once, with `?` placeholders; a driver rewrites them for
// its dialect (PostgreSQL: $1, $2, ...). Values bind by type: NULL, bool,
// int64, text, bytes, time. Times are absl::Time with microsecond precision.
// Dialect differences live in the drivers and in per-dialect migrations.
//
// Column types per dialect (what migrations declare and results hold):
//   value   SQLite                        PostgreSQL
//   bool    INTEGER 0/1 → int64           BOOLEAN → bool
//   int64   INTEGER → int64               SMALLINT/INTEGER/BIGINT → int64
//   text    TEXT → std::string            TEXT → std::string (any other type: its text)
//   bytes   BLOB → Bytes                  BYTEA → Bytes
//   time    INTEGER unix micros → int64   TIMESTAMPTZ → absl::Time
//   real    REAL → its text               (any other type) → its text
// Rows::Bool and Rows::Time read both forms, so callers never branch on dialect.
// Portable text holds no NUL bytes (PostgreSQL TEXT rejects them).
//
//   GG_ASSIGN_OR_RETURN(auto db, sql::OpenSqlite("/var/lib/gg.db", {}));  // sqlite_driver.h
//   absl::Status s = db->Transact([&](sql::Connection& c) -> absl::Status {
//     GG_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT generation FROM t WHERE id = ?", {id}));
//     ...
//   });
#ifndef GUESTGUARD_SQL_SQL_H_
#define GUESTGUARD_SQL_SQL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace guestguard::sql {

enum class Dialect { kSqlite, kPostgres };

// Raw bytes (BLOB / BYTEA), distinct from text.
struct Bytes {
  std::string data;
  friend bool operator==(const Bytes&, const Bytes&) = default;
};

// One bound parameter or one result cell.
using Value = std::variant<std::monostate, bool, int64_t, std::string, Bytes, absl::Time>;

// Convenience constructors for parameters.
inline Value Null() { return std::monostate{}; }
inline Value Text(std::string_view s) { return std::string(s); }
inline Value Int(int64_t v) { return v; }
inline Value Blob(std::string_view s) { return Bytes{std::string(s)}; }

// A fully read result. Cells are typed by what the column holds; the getters
// convert where it is lossless and fail (Internal) where it is not.
class Rows {
 public:
  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<std::vector<Value>> rows)
      : columns_(std::move(columns)), rows_(std::move(rows)) {}

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  const std::vector<std::string>& columns() const { return columns_; }
  const Value& at(size_t row, size_t column) const { return rows_[row][column]; }

  bool IsNull(size_t row, size_t column) const;
  [[nodiscard]] absl::StatusOr<int64_t> Int(size_t row, size_t column) const;
  [[nodiscard]] absl::StatusOr<bool> Bool(size_t row, size_t column) const;
  // Text or bytes content; NULL reads as "".
  [[nodiscard]] absl::StatusOr<std::string> Text(size_t row, size_t column) const;
  [[nodiscard]] absl::StatusOr<absl::Time> Time(size_t row, size_t column) const;

 private:
  std::vector<std::string> columns_;
  std::vector<std::vector<Value>> rows_;
};

// A connection inside a transaction. Not thread-safe; valid only during Transact.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs exactly one statement (more is Internal) and returns its rows (empty
  // for statements without any).
  [[nodiscard]] virtual absl::StatusOr<Rows> Query(std::string_view sql,
                                                   const std::vector<Value>& params = {}) = 0;
  // Runs one statement and returns the number of rows it changed.
  [[nodiscard]] virtual absl::StatusOr<int64_t> Exec(std::string_view sql,
                                                     const std::vector<Value>& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  [[nodiscard]] virtual absl::Status ExecScript(std::string_view sql) = 0;
};

// Status codes the drivers map errors to:
//   Unavailable       — connection refused/lost, database locked past the busy
//                       timeout, pool exhausted past its wait: retry later.
//   AlreadyExists     — unique or primary-key violation.
//   FailedPrecondition— other constraint violations (foreign key, check, not null).
//   Aborted           — serialization failure or deadlock (Transact retries these).
//   DeadlineExceeded  — statement timeout.
//   InvalidArgument   — bad URL or options.
//   PermissionDenied  — authentication failure, read-only database file.
//   DataLoss          — a corrupt database file.
//   Internal          — anything else (a bug, usually in the SQL).

// A database: a pool of connections (PostgreSQL) or one writer (SQLite).
// Thread-safe.
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs `body` in one transaction on one connection: commits if it returns OK,
  // rolls back otherwise. Runs the whole body again (3-4 runs in all) while it
  // returns Aborted, and PostgreSQL once more on a fresh connection when a
  // pooled one turns out dead before COMMIT; `body` must therefore be safe to
  // run again. A failed statement fails the transaction (PostgreSQL refuses
  // everything after it): treat statement errors as final for the body.
  // `body` must not call Transact or Ping on the same Database (may deadlock).
  [[nodiscard]] virtual absl::Status Transact(
      const std::function<absl::Status(Connection&)>& body) = 0;

  // Runs `body` without a transaction: each statement commits (and sees the
  // latest committed data) on its own. PostgreSQL: no BEGIN/COMMIT round
  // trips; SQLite: as Transact (one writer anyway). Use for single-statement
  // reads and writes, or where statements need no common snapshot or
  // atomicity (e.g. compare-and-swap loops). Retries as Transact.
  [[nodiscard]] virtual absl::Status Autocommit(
      const std::function<absl::Status(Connection&)>& body) = 0;

  // Runs `body`, whose statements only read, on one snapshot of the latest
  // committed data. SQLite: on one of `sqlite_readers` reader connections
  // (WAL: readers neither wait for the writer nor hold it up; a write there
  // fails PermissionDenied); an in-memory database has none and reads on its
  // writer. PostgreSQL: as Autocommit. Retries as Transact. The default (for
  // test doubles) is Autocommit.
  [[nodiscard]] virtual absl::Status Read(const std::function<absl::Status(Connection&)>& body) {
    return Autocommit(body);
  }

  // A cheap round trip (SELECT 1): OK when the database answers.
  [[nodiscard]] virtual absl::Status Ping() = 0;

  // A snapshot of the connection pool, for metrics: connections open and in
  // use right now. SQLite has one connection, in use while a transaction
  // group runs. The default (for test doubles) reports nothing.
  struct PoolStats {
    int open = 0;
    int in_use = 0;
  };
  virtual PoolStats pool_stats() { return {}; }

  // What the single writer has done since the database was opened, for
  // metrics and load tests. SQLite: the write groups it ran (one transaction
  // and one commit each), the Transact/Autocommit calls they carried, the
  // wall time the groups held the writer and, within it, the time spent in
  // COMMIT (the WAL write and, with sqlite_full_sync, its fsync). `busy` over
  // elapsed time is the writer's utilisation: near 1, writes queue behind it.
  // PostgreSQL has no single writer and, like test doubles, reports zeros.
  struct WriterStats {
    uint64_t groups = 0;
    uint64_t transactions = 0;
    absl::Duration busy;
    absl::Duration committing;
  };
  virtual WriterStats writer_stats() { return {}; }
};

struct DatabaseOptions {
  // PostgreSQL: connections kept at most. Default: 8. Must be 1-256.
  int max_connections = 8;
  // How long to wait to connect (PostgreSQL) or for a lock (SQLite busy
  // timeout), and for a free pooled connection. Default: 5 s. Must be > 0.
  absl::Duration connect_timeout = absl::Seconds(5);
  // PostgreSQL statement_timeout. Default: 30 s. Must be > 0.
  absl::Duration statement_timeout = absl::Seconds(30);
  // SQLite: PRAGMA synchronous=FULL (every commit fsynced) when true, NORMAL
  // (WAL: durable across process crashes, not power loss) when false.
  // Default: true.
  bool sqlite_full_sync = true;
  // SQLite: connections kept for Read besides the writer. Default: 4. Must be 0-64.
  int sqlite_readers = 4;
};

// One numbered migration: `version` ascending from 1 within a component.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Applies, in order and each in its own transaction, the migrations of
// `component` not yet recorded in `schema_migrations` (created if missing).
// Safe when several processes run it at once: PostgreSQL takes an advisory
// lock, SQLite an immediate (write) transaction. Idempotent.
[[nodiscard]] absl::Status Migrate(Database& db, std::string_view component,
                                   const std::vector<Migration>& migrations);

// The migrations of `component` (in the given order) not yet recorded in
// `schema_migrations` (created if missing): what Migrate would apply now. For
// progress displays; Migrate re-checks each one under its lock.
[[nodiscard]] absl::StatusOr<std::vector<Migration>> PendingMigrations(
    Database& db, std::string_view component, const std::vector<Migration>& migrations);

}  // namespace guestguard::sql

#endif  // GUESTGUARD_SQL_SQL_H_
