// Copyright 2026 GuestGuard authors.
//
// The smallest embedding: one guard on the memory store, one guest token, two
// uses of it — the guest's own phone, then the link forwarded to a script on
// another network. Prints both decisions.
#include <iostream>

#include "guestguard/guard.h"
#include "guestguard/memory_store.h"

namespace gg = guestguard;

void Print(const char* title, const gg::Decision& d) {
  std::cout << title << ": score=" << d.score << " band=" << gg::BandName(d.band) << " ("
            << d.label() << ")" << (d.allowed() ? " allowed" : " refused") << "\n";
  for (const gg::Reason& r : d.reasons) {
    std::cout << "  - " << r.code << " (" << r.score << "): " << r.message << "\n";
  }
}

int main() {
  // In production the keyring comes from configuration, e.g. GUESTGUARD_KEYRING.
  auto keyring = gg::Keyring::Generate("k1");
  auto store = gg::NewMemoryStore({});
  if (!keyring.ok() || !store.ok()) return 1;

  gg::GuardOptions options;
  options.store = std::move(*store);
  options.keyring = *keyring;
  auto guard = gg::Guard::Open(std::move(options));
  if (!guard.ok()) {
    std::cerr << guard.status() << "\n";
    return 1;
  }

  auto token = (*guard)->IssueToken("gala-2026", "guest-42");
  if (!token.ok()) return 1;
  std::cout << "link: https://example.test/rsvp/" << *token << "\n";

  gg::AccessAttempt phone;
  phone.kind = gg::AccessKind::kOpen;
  phone.client_ip = "203.0.113.42";
  phone.signals = {.user_agent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)",
                   .fingerprint = "fp-7f3a9c",
                   .timezone = "Europe/Berlin",
                   .language = "de-DE",
                   .screen = "390x844",
                   .platform = "iPhone"};
  auto first = (*guard)->Check(*token, phone);
  if (!first.ok()) return 1;
  Print("first access", *first);

  gg::AccessAttempt script;
  script.kind = gg::AccessKind::kRsvp;
  script.client_ip = "198.51.100.7";
  script.signals.user_agent = "python-requests/2.31";
  auto second = (*guard)->Check(*token, script);
  if (!second.ok()) return 1;
  Print("second access", *second);
  return 0;
}
