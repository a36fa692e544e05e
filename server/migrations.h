// Copyright 2026 GuestGuard authors.
//
// The reference server's own tables (component "server"), one list per
// dialect, generated at build time from server/migrations/<dialect>/*.sql by
// cmake/EmbedMigrations.cmake. AppState::Open applies them with sql::Migrate.
#ifndef GUESTGUARD_SERVER_MIGRATIONS_H_
#define GUESTGUARD_SERVER_MIGRATIONS_H_

#include <vector>

#include "guestguard/sql/sql.h"

namespace guestguard::internal {

const std::vector<sql::Migration>& ServerSqliteMigrations();
const std::vector<sql::Migration>& ServerPostgresMigrations();

}  // namespace guestguard::internal

#endif  // GUESTGUARD_SERVER_MIGRATIONS_H_
