// A program outside the tree, built only against the installed package.
#include <iostream>

#include "guestguard/guard.h"
#include "guestguard/sqlite_store.h"
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
  std::cout << "consumer ok: " << decision->label() << "\n";
  return 0;
}
