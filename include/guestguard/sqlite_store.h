// Copyright 2026 GuestGuard authors.
//
// The SQLite Store (target guestguard::sqlite): the embedded default — one
// file, zero set-up. WAL mode; one writer at a time; schema migrations are
// applied at open.
//
//   auto store = guestguard::NewSqliteStore("sqlite:/var/lib/guestguard/guard.db");
#ifndef GUESTGUARD_SQLITE_STORE_H_
#define GUESTGUARD_SQLITE_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/store.h"

namespace guestguard {

struct SqliteStoreOptions {
  // How long a write waits for another process's lock. Default: 5 s. Must be > 0.
  absl::Duration busy_timeout = absl::Seconds(5);
  // true: every commit is fsynced (synchronous=FULL). false: synchronous=NORMAL,
  // durable across process crashes but not power loss. Default: true.
  bool full_sync = true;
  // Non-empty: every recorded access is also a "<prefix>.access.scored"
  // event, which an OutboxRelay publishes from the access log itself (the
  // access feed: message id "access:<id>", in commit order, from the accesses
  // recorded after a store with this prefix first opened the database).
  // Default: empty (nothing is fed).
  std::string outbox_subject_prefix = {};
};

// `url`: "sqlite:/abs/path.db", "sqlite:relative.db", "sqlite:///abs/path.db" or
// "sqlite::memory:" (private, gone on close). The file is created if missing.
// Errors: InvalidArgument for another scheme or an empty path, PermissionDenied
// for a file or directory that cannot be written, DataLoss for a file that is
// not a SQLite database (or is corrupt).
[[nodiscard]] absl::StatusOr<std::unique_ptr<Store>> NewSqliteStore(
    std::string_view url, SqliteStoreOptions options = {});

}  // namespace guestguard

#endif  // GUESTGUARD_SQLITE_STORE_H_
