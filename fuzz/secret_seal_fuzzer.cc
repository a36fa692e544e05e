// Copyright 2026 GuestGuard authors.
//
// Fuzzes SecretSealer::Open (server/secret_seal.h) with the whole input as a
// sealed text, and Seal → Open with the input as the secret. Keys: two fixed
// keyring keys ("k1" active, "old" verify-only), so the seed corpus can hold
// texts sealed under either. Invariants:
//   - Open fails only with InvalidArgument, NotFound or DataLoss;
//   - what opens opens again to the same secret, and sealing that secret
//     again opens to it too;
//   - every sealed secret opens to itself under a sealer with the same keys
//     (whichever is active), and the same text with one character changed
//     either fails or opens to the very same secret (never to another).
#include <sodium.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "guestguard/token.h"
#include "server/secret_seal.h"

namespace {

using guestguard::Keyring;
using guestguard::SigningKey;
using guestguard::server::SecretSealer;

const SecretSealer& Sealer(bool old_active) {
  static const bool ready = sodium_init() >= 0;
  FUZZ_CHECK(ready);
  const SigningKey k1{"k1", std::string(32, 'A')};
  const SigningKey old{"old", std::string(32, 'B')};
  static const SecretSealer* const with_k1 = new SecretSealer(*Keyring::FromKeys({k1, old}));
  static const SecretSealer* const with_old = new SecretSealer(*Keyring::FromKeys({old, k1}));
  return old_active ? *with_old : *with_k1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<std::string> opened = Sealer(false).Open(input);
  if (opened.ok()) {
    FUZZ_CHECK(Sealer(true).Open(input).value() == *opened);
    FUZZ_CHECK(Sealer(false).Open(Sealer(false).Seal(*opened)).value() == *opened);
  } else {
    const absl::Status& s = opened.status();
    FUZZ_CHECK(absl::IsInvalidArgument(s) || absl::IsNotFound(s) || absl::IsDataLoss(s));
  }

  // Sealed texts over 64 KiB are refused by design; links are far shorter.
  if (size > 32 * 1024) return 0;
  const bool old_active = size > 0 && (data[0] & 1) != 0;
  std::string sealed = Sealer(old_active).Seal(input);
  FUZZ_CHECK(sealed.substr(0, 4) == "gs1.");
  absl::StatusOr<std::string> back = Sealer(!old_active).Open(sealed);
  FUZZ_CHECK(back.ok());
  FUZZ_CHECK(*back == input);
  if (size > 0) {
    const size_t at = data[size - 1] % sealed.size();
    sealed[at] = sealed[at] == 'A' ? 'B' : 'A';
    absl::StatusOr<std::string> tampered = Sealer(false).Open(sealed);
    FUZZ_CHECK(!tampered.ok() || *tampered == std::string(input));
  }
  return 0;
}
