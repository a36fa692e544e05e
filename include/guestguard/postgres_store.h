// Copyright 2026 GuestGuard authors.
//
// The PostgreSQL Store (target guestguard::postgres): for production and for
// several server nodes sharing one database. A bounded connection pool that
// heals itself after a server restart; migrations applied at open (safe when
// several processes open at once).
//
//   auto store = guestguard::NewPostgresStore("postgresql://gg:secret@db:5432/guestguard");
#ifndef GUESTGUARD_POSTGRES_STORE_H_
#define GUESTGUARD_POSTGRES_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/store.h"

namespace guestguard {

struct PostgresStoreOptions {
  // Connections kept at most. Default: 8. Must be 1-256.
  int max_connections = 8;
  // Connecting, and waiting for a free pooled connection. Default: 5 s. Must be >= 1 s.
  absl::Duration connect_timeout = absl::Seconds(5);
  // Server-side statement_timeout. Default: 30 s. Must be > 0.
  absl::Duration statement_timeout = absl::Seconds(30);
  // Non-empty: every recorded access is also a "<prefix>.access.scored"
  // event, which an OutboxRelay publishes from the access log itself (the
  // access feed: message id "access:<id>", in commit order, from the accesses
  // recorded after a store with this prefix first opened the database).
  // Default: empty (nothing is fed).
  std::string outbox_subject_prefix = {};
};

// `url`: "postgresql://user:password@host:port/database?..." (libpq syntax;
// "postgres://" also accepted). Errors: InvalidArgument for a bad URL or
// options, Unavailable when the server cannot be reached within the connect
// timeout, PermissionDenied when authentication fails, NotFound for a missing
// database. The password never appears in an error.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewPostgresStore(
    std::string_view url, PostgresStoreOptions options = {});

}  // namespace guestguard

#endif  // GUESTGUARD_POSTGRES_STORE_H_
