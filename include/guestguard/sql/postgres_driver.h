// Copyright 2026 GuestGuard authors.
//
// The PostgreSQL driver of the SQL layer (guestguard/sql/sql.h; libpqxx 6.4,
// which no public header includes); built into target guestguard::postgres.
#ifndef GUESTGUARD_SQL_POSTGRES_DRIVER_H_
#define GUESTGUARD_SQL_POSTGRES_DRIVER_H_

#include <memory>
#include <string_view>

#include "guestguard/sql/sql.h"

namespace guestguard::sql {

// Connects to a "postgresql://" or "postgres://" URL (libpq syntax) and keeps a
// bounded pool of up to options.max_connections connections, created lazily
// and replaced when broken (so the Database recovers by itself after a server
// restart). Each connection: connect_timeout, statement_timeout, TimeZone UTC,
// statements prepared once per connection. Errors at open: InvalidArgument for
// a bad URL, Unavailable when the server cannot be reached, PermissionDenied
// for failed authentication — never a hang beyond connect_timeout.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Database>> OpenPostgres(
    std::string_view url, const DatabaseOptions& options);

}  // namespace guestguard::sql

#endif  // GUESTGUARD_SQL_POSTGRES_DRIVER_H_
