// Copyright 2026 GuestGuard authors.
//
// Seals short secrets (an invite link holds the invite token, which is stored
// only as its SHA-256) so they can travel through the outbox, the bus and the
// notifications table without being readable at rest. Authenticated
// encryption (libsodium secretbox: XSalsa20-Poly1305, random nonce) under a key
// derived from the token keyring's active key; the sealed text names the key
// id, so a sealed secret stays openable while its key stays in the keyring.
//
//   SecretSealer sealer(config.keyring);
//   std::string sealed = sealer.Seal(link);           // "gs1.<kid>.<base64url>"
//   absl::StatusOr<std::string> link = sealer.Open(sealed);
//
// Thread-safe (immutable after construction). Requires sodium_init().
#ifndef GUESTGUARD_SERVER_SECRET_SEAL_H_
#define GUESTGUARD_SERVER_SECRET_SEAL_H_

#include <array>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "guestguard/token.h"

namespace guestguard::server {

class SecretSealer {
 public:
  // Derives one sealing key per keyring key (BLAKE2b keyed by the signing key,
  // with a purpose string: the signing keys themselves are never reused).
  explicit SecretSealer(const Keyring& keyring);

  // "gs1.<key id>.<unpadded base64url(nonce | MAC | ciphertext)>".
  std::string Seal(std::string_view secret) const;
  // The secret; InvalidArgument when `sealed` is malformed, NotFound when its
  // key left the keyring, DataLoss when it fails authentication.
  [[nodiscard]] absl::StatusOr<std::string> Open(std::string_view sealed) const;

 private:
  using Key = std::array<unsigned char, 32>;
  std::map<std::string, Key, std::less<>> keys_;
  std::string active_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_SECRET_SEAL_H_
