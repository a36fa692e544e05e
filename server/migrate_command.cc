// Copyright 2026 GuestGuard authors.
#include "server/migrate_command.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "guestguard/sql_store.h"
#include "server/app.h"
#include "server/log.h"
#include "server/migrations.h"
#include "server/progress.h"

namespace guestguard::server {

std::vector<ComponentMigrations> AllMigrations(sql::Dialect dialect) {
  const bool sqlite = dialect == sql::Dialect::kSqlite;
  // The library's store first (NewSqlStore applies it as "guard"), then the
  // server's own tables, as AppState::Open does.
  return {{"guard", &SqlStoreMigrations(dialect)},
          {"server",
           sqlite ? &internal::ServerSqliteMigrations() : &internal::ServerPostgresMigrations()}};
}

int RunMigrate(const Config& config, std::FILE* err) {
  auto logger = std::make_shared<Logger>(config.log_level, err);
  Progress progress(err, logger, "applying");

  // One connection is enough: migrations run one after another.
  absl::StatusOr<std::unique_ptr<sql::Database>> db = OpenDatabase(config.database_url, 1);
  if (!db.ok()) {
    progress.Fail(absl::StrCat("cannot open the database ",
                               StripUrlCredentials(config.database_url), ": ",
                               StripUrlCredentials(std::string(db.status().message()))));
    return 1;
  }
  struct Planned {
    std::string_view component;
    sql::Migration migration;
  };
  std::vector<Planned> plan;
  size_t known = 0;
  for (const ComponentMigrations& c : AllMigrations((*db)->dialect())) {
    known += c.migrations->size();
    absl::StatusOr<std::vector<sql::Migration>> pending =
        sql::PendingMigrations(**db, c.component, *c.migrations);
    if (!pending.ok()) {
      progress.Fail(absl::StrCat("cannot read the applied migrations: ",
                                 StripUrlCredentials(std::string(pending.status().message()))));
      return 1;
    }
    for (const sql::Migration& m : *pending) plan.push_back({c.component, m});
  }
  if (plan.empty()) {
    progress.Finish(absl::StrCat("nothing to migrate: the database is up to date (", known,
                                 " migrations applied)"));
    return 0;
  }
  const int total = static_cast<int>(plan.size());
  for (int i = 0; i < total; ++i) {
    const Planned& p = plan[i];
    progress.Step(
        i + 1, total,
        absl::StrFormat("%s/%04d_%s", p.component, p.migration.version, p.migration.name));
    // Migrate re-checks under its lock: a migration another process applied
    // meanwhile is skipped, not applied twice.
    absl::Status applied = sql::Migrate(**db, p.component, {p.migration});
    if (!applied.ok()) {
      progress.Fail(
          absl::StrCat("migration failed: ", StripUrlCredentials(std::string(applied.message()))));
      return 1;
    }
  }
  progress.Finish(absl::StrCat("applied ", total, total == 1 ? " migration" : " migrations",
                               "; the database is up to date"));
  return 0;
}

}  // namespace guestguard::server
