// Copyright 2026 GuestGuard authors.
//
// `guestguard-server migrate [flags]`: opens the configured database (the same
// flags and GUESTGUARD_* variables as the server; only --database and
// --log-level matter), applies the pending migrations of the library's store
// (component "guard") and of the server (component "server"), in the order
// the server applies them at start, and exits. For deployments that migrate
// before the new version starts; the server still migrates at start, so the
// command is optional.
//
// Output (progress.h): on a terminal "applying 3 of 11: server/0004_guest_tokens"
// redrawn per migration, then "applied 11 migrations"; otherwise one JSON log
// line per migration and one at the end. Nothing pending: "nothing to
// migrate: ..." and exit 0.
//
// Exit codes: 0 done (or nothing to do), 1 the database cannot be opened or a
// migration failed (that migration's transaction is rolled back; the ones
// before it stay applied), 2 invalid flags.
#ifndef GUESTGUARD_SERVER_MIGRATE_COMMAND_H_
#define GUESTGUARD_SERVER_MIGRATE_COMMAND_H_

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "guestguard/sql/sql.h"
#include "server/config.h"

namespace guestguard::server {

// One component's migrations, in the order AppState::Open applies them.
struct ComponentMigrations {
  std::string_view component;
  const std::vector<sql::Migration>* migrations;
};
std::vector<ComponentMigrations> AllMigrations(sql::Dialect dialect);

// Runs the subcommand with the configuration ParseConfig made of its flags.
// Progress and messages go to `err`. Returns the exit code.
int RunMigrate(const Config& config, std::FILE* err);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_MIGRATE_COMMAND_H_
