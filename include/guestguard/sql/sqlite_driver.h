// Copyright 2026 GuestGuard authors.
//
// The SQLite driver of the SQL layer (guestguard/sql/sql.h); built into
// target guestguard::sqlite.
#ifndef GUESTGUARD_SQL_SQLITE_DRIVER_H_
#define GUESTGUARD_SQL_SQLITE_DRIVER_H_

#include <memory>
#include <string_view>

#include "guestguard/sql/sql.h"

namespace guestguard::sql {

// Opens (creating if missing) the SQLite file at `path`, or a private
// in-memory database for ":memory:". WAL mode (files), foreign keys on,
// busy timeout = options.connect_timeout, one connection (one writer) with
// group commit: concurrent Transact calls share one transaction and one fsync,
// each body in its own savepoint (see SqliteDatabase in the .cc). Errors: PermissionDenied for a
// file that cannot be opened for writing (read-only file or directory, a directory, a missing
// parent directory), DataLoss for a corrupt file (checked at open), InvalidArgument for an empty
// path or connect_timeout <= 0.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Database>> OpenSqlite(std::string_view path,
                                                                   const DatabaseOptions& options);

// The file path of a "sqlite:" URL: "sqlite:/abs.db", "sqlite:rel.db",
// "sqlite:///abs.db" or "sqlite::memory:" (→ ":memory:"). InvalidArgument for
// another scheme or an empty path.
[[nodiscard]] absl::StatusOr<std::string_view> SqlitePathFromUrl(std::string_view url);

}  // namespace guestguard::sql

#endif  // GUESTGUARD_SQL_SQLITE_DRIVER_H_
