// Copyright 2026 GuestGuard authors.
#include "guestguard/sql/sqlite_driver.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "guestguard/status_macros.h"

namespace guestguard::sql {
namespace {

constexpr size_t kStatementCacheSize = 64;  // Prepared statements kept per connection.
constexpr int kMaxAttempts = 3;             // Runs of a Transact body that returns Aborted.
constexpr size_t kSqlInMessage = 200;       // Characters of SQL quoted in error messages.

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct FinalizeStatement {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DbPtr = std::unique_ptr<sqlite3, CloseDb>;
using StatementPtr = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

// The first kSqlInMessage bytes of `sql`, cut at a UTF-8 character boundary.
std::string Excerpt(std::string_view sql) {
  if (sql.size() <= kSqlInMessage) return std::string(sql);
  size_t n = kSqlInMessage;
  while (n > 0 && (static_cast<unsigned char>(sql[n]) & 0xC0) == 0x80) --n;
  return absl::StrCat(std::string(sql.substr(0, n)), "...");
}

// The status code of sql.h for an (extended) SQLite result code.
absl::StatusCode CodeFor(int rc) {
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return absl::StatusCode::kAlreadyExists;
  }
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
      return absl::StatusCode::kUnavailable;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kInternal;
  }
}

// The status for result code `rc` of the last call on `db` running `sql`. The
// message holds sqlite3_errmsg and the SQL, never parameter values.
absl::Status StatusFor(int rc, sqlite3* db, std::string_view sql) {
  return absl::Status(CodeFor(rc),
                      absl::StrCat("sqlite: ", sqlite3_errmsg(db), " (in: ", Excerpt(sql), ")"));
}

// Resets a statement and clears its bindings on scope exit, so that it can be
// reused and holds no read lock or pointer to the caller's parameters.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

 private:
  sqlite3_stmt* stmt_;
};

// Binds `value` to parameter `index` (1-based). Text and blobs are bound
// without copying: they must outlive the statement's next reset.
int Bind(sqlite3_stmt* stmt, int index, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return sqlite3_bind_null(stmt, index);
  if (const auto* b = std::get_if<bool>(&value)) return sqlite3_bind_int64(stmt, index, *b ? 1 : 0);
  if (const auto* i = std::get_if<int64_t>(&value)) return sqlite3_bind_int64(stmt, index, *i);
  if (const auto* s = std::get_if<std::string>(&value)) {
    return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  if (const auto* b = std::get_if<Bytes>(&value)) {
    return sqlite3_bind_blob64(stmt, index, b->data.data(), b->data.size(), SQLITE_STATIC);
  }
  return sqlite3_bind_int64(stmt, index, absl::ToUnixMicros(std::get<absl::Time>(value)));
}

// The current row of `stmt`, typed per the table in sql.h (REAL reads as its text).
std::vector<Value> ReadRow(sqlite3_stmt* stmt) {
  const int n = sqlite3_column_count(stmt);
  std::vector<Value> row;
  row.reserve(n);
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
        break;
      case SQLITE_FLOAT:
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row.emplace_back(std::string(text, sqlite3_column_bytes(stmt, i)));
        break;
      }
      case SQLITE_BLOB: {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        const int size = sqlite3_column_bytes(stmt, i);
        row.emplace_back(Bytes{size == 0 ? std::string() : std::string(data, size)});
        break;
      }
      default:
        row.emplace_back(std::monostate{});
    }
  }
  return row;
}

// The one connection of a SqliteDatabase. Not thread-safe: its owner
// serialises all use.
class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(DbPtr db) : db_(std::move(db)) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  absl::StatusOr<Rows> Query(std::string_view sql, const std::vector<Value>& params) override {
    Rows rows;
    GG_RETURN_IF_ERROR(Run(sql, params, &rows).status());
    return rows;
  }

  absl::StatusOr<int64_t> Exec(std::string_view sql, const std::vector<Value>& params) override {
    return Run(sql, params, nullptr);
  }

  absl::Status ExecScript(std::string_view script) override {
    while (true) {
      std::string_view statement_sql = script;
      GG_ASSIGN_OR_RETURN(StatementPtr stmt, Prepare(statement_sql, 0, &script));
      if (stmt == nullptr) return absl::OkStatus();  // Only whitespace or comments left.
      statement_sql.remove_suffix(script.size());
      int rc;
      while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      }
      if (rc != SQLITE_DONE) return StatusFor(rc, db_.get(), statement_sql);
    }
  }

  // True while a transaction is open on the connection.
  bool InTransaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

 private:
  // Prepares the first statement of `sql` (nullptr when it holds none) and
  // sets `*rest` to the text after it.
  absl::StatusOr<StatementPtr> Prepare(std::string_view sql, unsigned flags,
                                       std::string_view* rest) {
    if (sql.empty()) {
      *rest = {};
      return nullptr;
    }
    if (sql.size() > INT_MAX || sql.find('\0') != std::string_view::npos) {
      return absl::InternalError(
          absl::StrCat("sqlite: SQL is too long or holds a NUL byte (in: ", Excerpt(sql), ")"));
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), flags, &raw, &tail);
    StatementPtr stmt(raw);
    if (rc != SQLITE_OK) return StatusFor(rc, db_.get(), sql);
    *rest = sql.substr(tail - sql.data());
    return stmt;
  }

  // The cached prepared statement for `sql`, which must hold exactly one statement.
  absl::StatusOr<sqlite3_stmt*> Cached(std::string_view sql) {
    if (auto it = cache_.find(absl::string_view(sql.data(), sql.size())); it != cache_.end()) {
      return it->second.get();
    }
    std::string_view rest;
    GG_ASSIGN_OR_RETURN(StatementPtr stmt, Prepare(sql, SQLITE_PREPARE_PERSISTENT, &rest));
    if (stmt == nullptr) {
      return absl::InternalError(absl::StrCat("sqlite: no statement in: ", Excerpt(sql)));
    }
    GG_ASSIGN_OR_RETURN(StatementPtr extra, Prepare(rest, 0, &rest));
    if (extra != nullptr) {
      return absl::InternalError(
          absl::StrCat("sqlite: more than one statement (use ExecScript) in: ", Excerpt(sql)));
    }
    // Only statements not in use are evicted: each use resets before returning.
    if (cache_.size() >= kStatementCacheSize) cache_.erase(cache_.begin());
    return cache_.emplace(std::string(sql), std::move(stmt)).first->second.get();
  }

  // Runs one statement; stores its rows in `*rows` unless null. Returns the
  // number of rows changed.
  absl::StatusOr<int64_t> Run(std::string_view sql, const std::vector<Value>& params, Rows* rows) {
    GG_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Cached(sql));
    ResetOnExit reset(stmt);
    const int wanted = sqlite3_bind_parameter_count(stmt);
    if (static_cast<size_t>(wanted) != params.size()) {
      return absl::InvalidArgumentError(absl::StrCat("sqlite: statement takes ", wanted,
                                                     " parameters, got ", params.size(),
                                                     " (in: ", Excerpt(sql), ")"));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (int rc = Bind(stmt, static_cast<int>(i) + 1, params[i]); rc != SQLITE_OK) {
        return StatusFor(rc, db_.get(), sql);
      }
    }
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> cells;
    if (rows != nullptr) {
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const char* name = sqlite3_column_name(stmt, i);  // Null only when out of memory.
        columns.emplace_back(name == nullptr ? "" : name);
      }
    }
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (rows != nullptr) cells.push_back(ReadRow(stmt));
    }
    if (rc != SQLITE_DONE) return StatusFor(rc, db_.get(), sql);
    if (rows != nullptr) *rows = Rows(std::move(columns), std::move(cells));
    return sqlite3_changes64(db_.get());
  }

  DbPtr db_;  // Declared first: closed after the statements are finalized.
  absl::flat_hash_map<std::string, StatementPtr> cache_;  // Looked up by string_view: no copy.
};

int64_t NanosecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                              start)
      .count();
}

// One connection, one writer, with group commit: Transact calls that arrive
// while a transaction is running wait, and the next transaction runs all of
// them (up to kMaxGroup) back to back, then commits once — one fsync for the
// group instead of one per call.
//
// Per body the contract of Database::Transact holds: a body that fails rolls
// back its own statements only and its caller gets its status (the group's
// transaction is rolled back and run again with each body inside its own
// SAVEPOINT, undone with ROLLBACK TO when its body fails; the others' bodies
// thus run twice, which Transact allows); a body that succeeds is durable when
// its caller returns. A failed COMMIT fails every member that had succeeded.
// Should SQLite roll the whole transaction back by itself (I/O error, disk
// full), the members whose writes were lost get Aborted, which runs their
// bodies again (kMaxAttempts).
// Bodies run on whichever caller's thread leads the group; an exception a body
// throws is carried back to its own caller.
class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::unique_ptr<SqliteConnection> connection,
                 std::vector<std::unique_ptr<SqliteConnection>> readers, absl::Duration wait)
      : reader_wait_(wait), connection_(std::move(connection)) {
    for (auto& r : readers) idle_readers_.push_back(r.get());
    readers_ = std::move(readers);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  // `body` must not call Transact or Ping on this database (it would deadlock).
  // One connection, one writer: statements run in a (short) transaction anyway.
  absl::Status Autocommit(const std::function<absl::Status(Connection&)>& body) override {
    return Transact(body);
  }

  absl::Status Transact(const std::function<absl::Status(Connection&)>& body) override {
    absl::Status status;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      status = RunInGroup(body);
      if (!absl::IsAborted(status)) break;
    }
    return status;
  }

  absl::Status Read(const std::function<absl::Status(Connection&)>& body) override {
    if (readers_.empty()) return Autocommit(body);
    SqliteConnection* reader = nullptr;
    {
      absl::MutexLock lock(&readers_mu_);
      auto idle = [this]()
                      ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) { return !idle_readers_.empty(); };
      if (!readers_mu_.AwaitWithTimeout(absl::Condition(&idle), reader_wait_)) {
        return absl::UnavailableError("sqlite: no reader connection became free in time");
      }
      reader = idle_readers_.back();
      idle_readers_.pop_back();
    }
    absl::Cleanup release = [&] {
      absl::MutexLock lock(&readers_mu_);
      idle_readers_.push_back(reader);
    };
    absl::Status status;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      status = ReadOnce(*reader, body);
      if (!absl::IsAborted(status)) break;
    }
    return status;
  }

  absl::Status Ping() override {
    absl::MutexLock lock(&mu_);
    return connection_->Query("SELECT 1", {}).status();
  }

  WriterStats writer_stats() override {
    return {groups_.load(std::memory_order_relaxed), transactions_.load(std::memory_order_relaxed),
            absl::Nanoseconds(busy_ns_.load(std::memory_order_relaxed)),
            absl::Nanoseconds(commit_ns_.load(std::memory_order_relaxed))};
  }

  PoolStats pool_stats() override {
    int readers_in_use = 0;
    {
      absl::MutexLock lock(&readers_mu_);
      readers_in_use = static_cast<int>(readers_.size() - idle_readers_.size());
    }
    absl::MutexLock lock(&queue_mu_);
    return {1 + static_cast<int>(readers_.size()), (leading_ ? 1 : 0) + readers_in_use};
  }

 private:
  static constexpr size_t kMaxGroup = 64;

  struct Member {
    const std::function<absl::Status(Connection&)>* body = nullptr;
    absl::Status status;
    std::exception_ptr exception;
    // Guarded by queue_mu_; `woken` is signalled when either is set.
    bool done = false;
    bool lead = false;
    absl::CondVar woken;
  };

  // Queues `body`, then either waits for a leader to run it or, when there is
  // no leader or leadership is handed to it, leads one group (the oldest
  // queued members, its own among them) and hands leadership to the oldest
  // member still queued. Each waiter is woken only for its own outcome or
  // turn, so the next group starts without waking the others.
  absl::Status RunInGroup(const std::function<absl::Status(Connection&)>& body) {
    Member me;
    me.body = &body;
    std::vector<Member*> group;
    {
      absl::MutexLock lock(&queue_mu_);
      queue_.push_back(&me);
      if (!leading_) {
        leading_ = true;  // The queue was empty: `me` is its front.
        me.lead = true;
      }
      while (!me.done && !me.lead) me.woken.Wait(&queue_mu_);
      if (me.done) return Outcome(me);
      const auto n = static_cast<std::ptrdiff_t>(std::min(queue_.size(), kMaxGroup));
      group.assign(queue_.begin(), queue_.begin() + n);
      queue_.erase(queue_.begin(), queue_.begin() + n);
    }
    {
      absl::MutexLock lock(&mu_);
      const auto start = std::chrono::steady_clock::now();
      RunGroup(group);
      busy_ns_.fetch_add(NanosecondsSince(start), std::memory_order_relaxed);
    }
    groups_.fetch_add(1, std::memory_order_relaxed);
    transactions_.fetch_add(group.size(), std::memory_order_relaxed);
    absl::MutexLock lock(&queue_mu_);
    if (queue_.empty()) {
      leading_ = false;
    } else {
      queue_.front()->lead = true;  // First, so that the next group starts soonest.
      queue_.front()->woken.Signal();
    }
    for (Member* m : group) {
      m->done = true;
      if (m != &me) m->woken.Signal();
    }
    return Outcome(me);
  }

  static absl::Status Outcome(const Member& m) {
    if (m.exception) std::rethrow_exception(m.exception);
    return m.status;
  }

  // Runs `group` in one transaction; sets every member's status. The bodies
  // first run back to back without savepoints (the usual case: every body
  // succeeds). When one fails, that transaction is rolled back and, unless the
  // body was alone, the group runs again with each body inside its own
  // savepoint, so that a failed body rolls back its own statements only.
  void RunGroup(const std::vector<Member*>& group) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (RunGroupOnce(group, /*savepoints=*/false)) RunGroupOnce(group, /*savepoints=*/true);
  }

  // One run of RunGroup's transaction. Returns true only when, without
  // savepoints, a body of a group of several failed: the transaction was
  // rolled back and the group must run again with savepoints.
  bool RunGroupOnce(const std::vector<Member*>& group, bool savepoints)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto set_all = [&](const absl::Status& status) {
      for (Member* m : group) m->status = status;
      return false;
    };
    for (Member* m : group) m->exception = nullptr;
    // A transaction left open by an earlier failure is discarded.
    if (connection_->InTransaction()) {
      if (absl::Status s = connection_->Exec("ROLLBACK", {}).status(); !s.ok()) return set_all(s);
    }
    if (absl::Status s = connection_->Exec("BEGIN IMMEDIATE", {}).status(); !s.ok()) {
      return set_all(s);
    }
    set_all(absl::AbortedError("sqlite: not run: the group's transaction failed first"));
    bool intact = true;
    for (Member* m : group) {
      if (savepoints && !connection_->Exec("SAVEPOINT member", {}).ok()) {
        intact = false;
        break;
      }
      try {
        m->status = (*m->body)(*connection_);
      } catch (...) {
        m->exception = std::current_exception();
        m->status = absl::InternalError("sqlite: transaction body threw");
      }
      if (!connection_->InTransaction()) {  // SQLite rolled everything back.
        intact = false;
        break;
      }
      if (!savepoints) {
        if (m->status.ok()) continue;
        // A lone body's failure is its outcome; in a group, the others run again.
        (void)connection_->Exec("ROLLBACK", {}).status();
        return group.size() > 1;
      }
      absl::Status end = absl::OkStatus();
      if (!m->status.ok()) end = connection_->Exec("ROLLBACK TO member", {}).status();
      if (end.ok()) end = connection_->Exec("RELEASE member", {}).status();
      if (!end.ok()) {
        intact = false;
        break;
      }
    }
    if (!intact) {
      // The group's writes are gone (or cannot be trusted): whoever succeeded
      // or never ran runs again (Aborted).
      if (connection_->InTransaction()) (void)connection_->Exec("ROLLBACK", {}).status();
      for (Member* m : group) {
        if (m->status.ok()) {
          m->status = absl::AbortedError("sqlite: the group's transaction was rolled back");
        }
      }
      return false;
    }
    const auto commit_start = std::chrono::steady_clock::now();
    absl::Status commit = connection_->Exec("COMMIT", {}).status();
    commit_ns_.fetch_add(NanosecondsSince(commit_start), std::memory_order_relaxed);
    if (commit.ok()) return false;
    for (Member* m : group) {
      if (m->status.ok()) m->status = commit;
    }
    if (connection_->InTransaction()) (void)connection_->Exec("ROLLBACK", {}).status();
    return false;
  }

  // One read transaction (one snapshot) around `body` on `reader`.
  static absl::Status ReadOnce(SqliteConnection& reader,
                               const std::function<absl::Status(Connection&)>& body) {
    if (reader.InTransaction()) GG_RETURN_IF_ERROR(reader.Exec("ROLLBACK", {}).status());
    GG_RETURN_IF_ERROR(reader.Exec("BEGIN", {}).status());
    absl::Status status = body(reader);
    absl::Status end = reader.Exec(status.ok() ? "COMMIT" : "ROLLBACK", {}).status();
    return status.ok() ? end : status;
  }

  const absl::Duration reader_wait_;
  std::vector<std::unique_ptr<SqliteConnection>> readers_;  // Fixed after construction.
  absl::Mutex readers_mu_;
  std::vector<SqliteConnection*> idle_readers_ ABSL_GUARDED_BY(readers_mu_);

  absl::Mutex queue_mu_;
  std::vector<Member*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leading_ ABSL_GUARDED_BY(queue_mu_) = false;

  // writer_stats(): added to by each leader, read by anyone.
  std::atomic<uint64_t> groups_{0};
  std::atomic<uint64_t> transactions_{0};
  std::atomic<int64_t> busy_ns_{0};
  std::atomic<int64_t> commit_ns_{0};

  absl::Mutex mu_;  // The connection: held by the leader while it runs a group, and by Ping.
  std::unique_ptr<SqliteConnection> connection_ ABSL_GUARDED_BY(mu_);
};

// Rewrites an error met while opening `path` so that it names the file.
absl::Status OpenError(const absl::Status& status, std::string_view path) {
  const std::string file(path);
  const absl::string_view cause = absl::StripPrefix(status.message(), "sqlite: ");
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
      return absl::DataLossError(absl::StrCat("sqlite: ", file,
                                              " is not a valid SQLite database (corrupt or not "
                                              "a database file): ",
                                              cause));
    case absl::StatusCode::kPermissionDenied:
      return absl::PermissionDeniedError(
          absl::StrCat("sqlite: ", file, " cannot be opened for writing: ", cause));
    default:
      return absl::Status(status.code(), absl::StrCat("sqlite: cannot open ", file, ": ", cause));
  }
}

// Configures a freshly opened connection and proves the file is readable and
// writable, so that errors show at open rather than at the first write.
absl::Status Configure(SqliteConnection& c, bool in_memory, bool full_sync) {
  GG_RETURN_IF_ERROR(c.Query("SELECT count(*) FROM sqlite_master", {}).status());  // NOTADB.
  if (!in_memory) {
    GG_ASSIGN_OR_RETURN(Rows mode, c.Query("PRAGMA journal_mode=WAL", {}));
    GG_ASSIGN_OR_RETURN(std::string name, mode.Text(0, 0));
    if (name != "wal") {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot switch to WAL journal mode (mode is ", name, ")"));
    }
  }
  GG_RETURN_IF_ERROR(
      c.Exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", {}).status());
  GG_RETURN_IF_ERROR(c.Exec("PRAGMA foreign_keys=ON", {}).status());
  GG_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE", {}).status());
  return c.Exec("ROLLBACK", {}).status();
}

// Turns SQLite's memory statistics off, once per process, before its first
// connection: they take one process-wide mutex on every allocation, which the
// reader connections of busy handler threads contend for. Nothing reads them.
// Where the process had already initialised SQLite (an embedder's own use),
// the call is refused and the statistics stay on: slower, not wrong.
void DisableMemoryStatistics() {
  [[maybe_unused]] static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

// Opens one connection to `file` (busy timeout, extended codes); not yet
// configured. No connection mutex (SQLITE_OPEN_NOMUTEX): a SqliteDatabase
// never uses one connection on two threads at once (the writer under mu_, a
// reader while it is off the idle list).
absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenConnection(const std::string& file,
                                                                 std::string_view path,
                                                                 const DatabaseOptions& options) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      file.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
      nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    const int error_number = db == nullptr ? 0 : sqlite3_system_errno(db.get());
    std::string message = sqlite3_errstr(rc);
    if (error_number != 0) absl::StrAppend(&message, " (", std::strerror(error_number), ")");
    return OpenError(absl::Status(CodeFor(rc), message), path);
  }
  if (sqlite3_db_readonly(db.get(), "main") == 1) {
    return absl::PermissionDeniedError(absl::StrCat("sqlite: ", std::string(path),
                                                    " is read-only (it cannot be opened for "
                                                    "writing)"));
  }
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(),
                       static_cast<int>(std::clamp<int64_t>(
                           absl::ToInt64Milliseconds(options.connect_timeout), 1, INT_MAX)));
  return std::make_unique<SqliteConnection>(std::move(db));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(std::string_view path,
                                                     const DatabaseOptions& options) {
  if (path.empty()) return absl::InvalidArgumentError("sqlite: the database path is empty");
  if (path.find('\0') != std::string_view::npos) {
    return absl::InvalidArgumentError("sqlite: the database path holds a NUL byte");
  }
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("sqlite: connect_timeout (the busy timeout) must be > 0");
  }
  if (options.sqlite_readers < 0 || options.sqlite_readers > 64) {
    return absl::InvalidArgumentError("sqlite: sqlite_readers must be 0-64");
  }
  const bool in_memory = path == ":memory:";
  DisableMemoryStatistics();
  // Debian's SQLite interprets "file:" names as URIs; "./" keeps them plain paths.
  const std::string file = absl::StrCat(path.starts_with("file:") ? "./" : "", std::string(path));
  GG_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                      OpenConnection(file, path, options));
  if (absl::Status s = Configure(*connection, in_memory, options.sqlite_full_sync); !s.ok()) {
    return OpenError(s, path);
  }
  // Readers of the same file (WAL, set up by the writer above); they refuse writes.
  std::vector<std::unique_ptr<SqliteConnection>> readers;
  for (int i = 0; !in_memory && i < options.sqlite_readers; ++i) {
    GG_ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> reader,
                        OpenConnection(file, path, options));
    if (absl::Status s = reader->Exec("PRAGMA query_only=1", {}).status(); !s.ok()) {
      return OpenError(s, path);
    }
    readers.push_back(std::move(reader));
  }
  return std::make_unique<SqliteDatabase>(std::move(connection), std::move(readers),
                                          options.connect_timeout);
}

absl::StatusOr<std::string_view> SqlitePathFromUrl(std::string_view url) {
  constexpr std::string_view kScheme = "sqlite:";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return absl::InvalidArgumentError(
        "sqlite: the URL must start with \"sqlite:\" (e.g. sqlite:/var/lib/gg.db or "
        "sqlite::memory:)");
  }
  std::string_view path = url.substr(kScheme.size());
  if (path.substr(0, 3) == "///") path.remove_prefix(2);  // sqlite:///abs → /abs
  if (path.empty()) return absl::InvalidArgumentError("sqlite: the URL has no file path");
  return path;
}

}  // namespace guestguard::sql
