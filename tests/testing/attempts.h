// Copyright 2026 GuestGuard authors.
//
// Access attempts that tests reuse: a guest's usual browser and variations.
#ifndef GUESTGUARD_TESTS_TESTING_ATTEMPTS_H_
#define GUESTGUARD_TESTS_TESTING_ATTEMPTS_H_

#include <string>

#include "guestguard/access.h"

namespace guestguard::testing {

// A desktop browser sending every signal, from 203.0.113.42.
inline AccessAttempt UsualBrowser(absl::Time at = absl::FromUnixSeconds(1795000000)) {
  AccessAttempt a;
  a.kind = AccessKind::kOpen;
  a.at = at;
  a.client_ip = "203.0.113.42";
  a.signals = {.user_agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15",
               .fingerprint = "fp-usual",
               .timezone = "Europe/Paris",
               .language = "fr-FR",
               .screen = "1440x900",
               .platform = "MacIntel"};
  return a;
}

// A different device on a different network, sending every signal.
inline AccessAttempt OtherDevice(absl::Time at) {
  AccessAttempt a = UsualBrowser(at);
  a.client_ip = "198.51.100.9";
  a.signals = {.user_agent = "Mozilla/5.0 (Linux; Android 14) Chrome/126.0",
               .fingerprint = "fp-other",
               .timezone = "America/New_York",
               .language = "en-US",
               .screen = "412x915",
               .platform = "Linux armv8l"};
  return a;
}

}  // namespace guestguard::testing

#endif  // GUESTGUARD_TESTS_TESTING_ATTEMPTS_H_
