// Copyright 2026 GuestGuard authors.
#include "guestguard/sql/sql.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "guestguard/status_macros.h"

namespace guestguard::sql {
namespace {

absl::Status TypeError(size_t row, size_t column, std::string_view wanted) {
  return absl::InternalError(
      absl::StrCat("sql: row ", row, " column ", column, " is not ", std::string(wanted)));
}

constexpr char kCreateSchemaMigrations[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL, PRIMARY KEY (component, version))";

}  // namespace

bool Rows::IsNull(size_t row, size_t column) const {
  return std::holds_alternative<std::monostate>(rows_[row][column]);
}

absl::StatusOr<int64_t> Rows::Int(size_t row, size_t column) const {
  const Value& v = rows_[row][column];
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b ? 1 : 0;
  return TypeError(row, column, "an integer");
}

absl::StatusOr<bool> Rows::Bool(size_t row, size_t column) const {
  const Value& v = rows_[row][column];
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<int64_t>(&v); i != nullptr && (*i == 0 || *i == 1)) {
    return *i == 1;
  }
  return TypeError(row, column, "a boolean");
}

absl::StatusOr<std::string> Rows::Text(size_t row, size_t column) const {
  const Value& v = rows_[row][column];
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* b = std::get_if<Bytes>(&v)) return b->data;
  if (std::holds_alternative<std::monostate>(v)) return std::string();
  return TypeError(row, column, "text");
}

absl::StatusOr<absl::Time> Rows::Time(size_t row, size_t column) const {
  const Value& v = rows_[row][column];
  if (const auto* t = std::get_if<absl::Time>(&v)) return *t;
  if (const auto* i = std::get_if<int64_t>(&v)) return absl::FromUnixMicros(*i);  // SQLite.
  return TypeError(row, column, "a time");
}

absl::Status Migrate(Database& db, std::string_view component,
                     const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::InternalError(absl::StrCat("migrations of ", std::string(component),
                                              " are not numbered in ascending order at ",
                                              m.version));
    }
    previous = m.version;
  }
  for (const Migration& m : migrations) {
    GG_RETURN_IF_ERROR(db.Transact([&](Connection& c) -> absl::Status {
      if (c.dialect() == Dialect::kPostgres) {
        // Serialises concurrent migrators (other processes) until this transaction ends.
        GG_RETURN_IF_ERROR(c.Query("SELECT pg_advisory_xact_lock(4747474747474747)").status());
      }
      GG_RETURN_IF_ERROR(c.ExecScript(kCreateSchemaMigrations));
      GG_ASSIGN_OR_RETURN(
          Rows applied,
          c.Query("SELECT 1 FROM schema_migrations WHERE component = ? AND version = ?",
                  {Text(component), Int(m.version)}));
      if (!applied.empty()) return absl::OkStatus();
      if (absl::Status s = c.ExecScript(m.sql); !s.ok()) {
        return absl::Status(s.code(),
                            absl::StrCat("migration ", std::string(component), "/", m.version, " (",
                                         std::string(m.name), ") failed: ", s.message()));
      }
      return c
          .Exec(
              "INSERT INTO schema_migrations (component, version, name, applied_at)"
              " VALUES (?, ?, ?, ?)",
              {Text(component), Int(m.version), Text(m.name),
               Text(absl::FormatTime(absl::RFC3339_sec, absl::Now(), absl::UTCTimeZone()))})
          .status();
    }));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Migration>> PendingMigrations(Database& db, std::string_view component,
                                                         const std::vector<Migration>& migrations) {
  std::set<int64_t> applied;
  GG_RETURN_IF_ERROR(db.Transact([&](Connection& c) -> absl::Status {
    applied.clear();  // Transact may retry the body.
    GG_RETURN_IF_ERROR(c.ExecScript(kCreateSchemaMigrations));
    GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT version FROM schema_migrations"
                                           " WHERE component = ?",
                                           {Text(component)}));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(const int64_t version, rows.Int(i, 0));
      applied.insert(version);
    }
    return absl::OkStatus();
  }));
  std::vector<Migration> pending;
  for (const Migration& m : migrations) {
    if (applied.count(m.version) == 0) pending.push_back(m);
  }
  return pending;
}

}  // namespace guestguard::sql
