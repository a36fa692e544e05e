// A program outside the tree, built only against the installed package.
#include <iostream>

#include "guestguard/guard.h"
#include "guestguard/outbox_relay.h"
#include "guestguard/sql/sql.h"
#include "guestguard/sql/sqlite_driver.h"
#include "guestguard/sql_store.h"
#include "guestguard/sqlite_store.h"
#include "guestguard/status_macros.h"
#ifdef CONSUMER_HAS_NATS
#include "guestguard/nats_bus.h"
#endif

int main() {
  guestguard::GuardOptions options;
  options.store = *guestguard::NewSqliteStore("sqlite::memory:");
  options.keyring = *guestguard::Keyring::Generate("k1");
  auto guard = guestguard::Guard::Open(std::move(options));
  if (!guard.ok()) return 1;
  auto token = (*guard)->IssueToken("ev1", "g1");
  if (!token.ok()) return 2;
  guestguard::AccessAttempt attempt;
  attempt.client_ip = "198.51.100.7";
  attempt.signals.user_agent = "Mozilla/5.0";
  attempt.signals.fingerprint = "fp";
  attempt.signals.language = "en";
  auto decision = (*guard)->Check(*token, attempt);
  if (!decision.ok() || !decision->allowed()) return 3;
#ifdef CONSUMER_HAS_NATS
  // No server needed: bad options are refused before connecting.
  auto bus = guestguard::NewNatsBus({.url = ""});
  if (bus.status().code() != absl::StatusCode::kInvalidArgument) return 4;
#endif
  // An application's own table beside the store's, and its own outbox event
  // in its own transaction (guestguard::sql, installed headers only).
  std::shared_ptr<guestguard::sql::Database> db = *guestguard::sql::OpenSqlite(":memory:", {});
  auto shared = guestguard::NewSqlStore(db, {});
  if (!shared.ok()) return 5;
  absl::Status own = db->Transact([](guestguard::sql::Connection& c) -> absl::Status {
    GG_RETURN_IF_ERROR(c.Exec("CREATE TABLE app_orders (id INTEGER PRIMARY KEY)", {}).status());
    return guestguard::EnqueueOutbox(c, "app.order.paid", "{}", absl::Now()).status();
  });
  if (!own.ok()) return 6;
  auto backlog = guestguard::ReadOutboxBacklog(**shared, absl::Now());
  if (!backlog.ok() || backlog->pending != 1) return 7;
  std::cout << "consumer ok: " << decision->label() << "\n";
  return 0;
}
