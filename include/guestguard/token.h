// Copyright 2026 GuestGuard authors.
//
// Personal guest tokens: HMAC-SHA256 signed, URL-safe, at most 128 chars.
//
//   gg1.<base64url(payload)>.<base64url(tag)>
//
// The payload binds key id, event id, guest id, generation, issue time and an
// optional expiry; the tag is the full 32-byte HMAC-SHA256 of everything before
// the last '.', under the key named in the payload. Verification checks the
// format (length, charset, parts, version, canonical base64) before touching a
// key, compares tags in constant time, and says why a token failed.
//
//   auto keyring = guestguard::Keyring::Parse(getenv("GUESTGUARD_KEYRING"));
//   auto token = guestguard::SignToken(*keyring, {.event_id = "ev1", .guest_id = "g7",
//                                                 .issued_at = absl::Now()});
//   guestguard::TokenVerification v = guestguard::VerifyToken(*keyring, *token, absl::Now());
//   if (v.ok()) Use(v.claims.guest_id);
//
// Revocation is by generation: a guest's current generation lives in the
// Store; a token whose generation differs is revoked (Guard::Check does this).
#ifndef GUESTGUARD_TOKEN_H_
#define GUESTGUARD_TOKEN_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace guestguard {

inline constexpr std::string_view kTokenPrefix = "gg1.";
inline constexpr size_t kMaxTokenLength = 128;
// Secrets shorter than this are refused.
inline constexpr size_t kMinKeyBytes = 32;
// Key ids: 1-16 of [A-Za-z0-9_-]. Event and guest ids: 1-64 of [A-Za-z0-9._:-],
// and together short enough for the token to fit kMaxTokenLength (about 46
// bytes for both ids with a 2-char key id and an expiry).
inline constexpr size_t kMaxKeyIdLength = 16;
inline constexpr size_t kMaxIdLength = 64;

// True when `id` is a valid event or guest id (see above).
bool IsValidId(std::string_view id);

struct SigningKey {
  std::string id;      // 1-16 of [A-Za-z0-9_-].
  std::string secret;  // Raw bytes, at least kMinKeyBytes. Never logged.
};

namespace internal {
class KeyringState;
}  // namespace internal

struct TokenClaims;
struct TokenVerification;

// One active signing key plus older verify-only keys. Immutable after
// construction; copies share state; thread-safe.
class Keyring {
 public:
  // An empty keyring: verifies nothing, cannot sign.
  Keyring() = default;

  // Parses "kid1:BASE64,kid2:BASE64" (first is active; standard or URL-safe
  // base64, padding optional; spaces around entries ignored). Errors name the
  // entry and the problem, never the secret.
  [[nodiscard]] static absl::StatusOr<Keyring> Parse(std::string_view spec);
  // The first key is active. InvalidArgument on an empty list, a bad or
  // duplicate id, or a short secret.
  [[nodiscard]] static absl::StatusOr<Keyring> FromKeys(std::vector<SigningKey> keys);
  // A fresh random 32-byte key (for development and tests).
  [[nodiscard]] static absl::StatusOr<Keyring> Generate(std::string_view key_id = "k1");

  // The spec string Parse() accepts (URL-safe base64). Contains the secrets.
  std::string ToSpec() const;

  std::string_view active_key_id() const;
  bool HasKey(std::string_view key_id) const;
  size_t size() const;

  friend absl::StatusOr<std::string> SignToken(const Keyring&, const TokenClaims&);
  friend TokenVerification VerifyToken(const Keyring&, std::string_view, absl::Time);

 private:
  explicit Keyring(std::shared_ptr<const internal::KeyringState> state);
  std::shared_ptr<const internal::KeyringState> state_;
};

struct TokenClaims {
  std::string event_id;
  std::string guest_id;
  uint32_t generation = 0;               // Must equal the guest's current generation.
  absl::Time issued_at;                  // Stored with one-second resolution.
  std::optional<absl::Time> expires_at;  // nullopt: never expires. Seconds resolution.
  std::string key_id;                    // Set by SignToken (the active key) and VerifyToken.
};

enum class TokenStatus {
  kValid,
  kMalformed,     // Length, charset, parts, version or payload wrong.
  kUnknownKey,    // Well formed, but the key id is not in the keyring.
  kBadSignature,  // The tag does not match.
  kExpired,       // Authentic, past expires_at.
  kRevoked,       // Authentic, but an older generation than the guest's current one.
};

// Wire name: "valid", "malformed", "unknown_key", "bad_signature", "expired", "revoked".
std::string_view TokenStatusName(TokenStatus status);

struct TokenVerification {
  TokenStatus status = TokenStatus::kMalformed;
  // Filled (and authentic) when status is kValid, kExpired or kRevoked.
  TokenClaims claims;

  bool ok() const { return status == TokenStatus::kValid; }
};

// Signs `claims` with the keyring's active key (claims.key_id is ignored).
// InvalidArgument for bad ids, an expiry before issue time, or a token that
// would exceed kMaxTokenLength.
[[nodiscard]] absl::StatusOr<std::string> SignToken(const Keyring& keyring,
                                                    const TokenClaims& claims);

// Verifies format, key, tag and expiry (at `now`). Generation is not checked
// here. Never fails with an error: a bad token is a verdict. Allocates only
// for the returned claims.
TokenVerification VerifyToken(const Keyring& keyring, std::string_view token, absl::Time now);

// The format check VerifyToken runs first, with no crypto and no allocation.
bool IsWellFormedToken(std::string_view token);

}  // namespace guestguard

#endif  // GUESTGUARD_TOKEN_H_
