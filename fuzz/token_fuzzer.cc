// Copyright 2026 GuestGuard authors.
//
// Fuzzes VerifyToken (include/guestguard/token.h) with the whole input as a
// token, and SignToken → VerifyToken with claims carved from the same bytes.
// Invariants:
//   - a token IsWellFormedToken rejects is kMalformed;
//   - an authentic token (valid, expired) re-signs to exactly itself under
//     its key, with the same claims;
//   - every token SignToken makes is well formed, at most kMaxTokenLength
//     characters, and verifies to the claims it was made from (expired
//     exactly when now >= expires_at).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "guestguard/token.h"

namespace {

using guestguard::Keyring;
using guestguard::SigningKey;
using guestguard::TokenClaims;
using guestguard::TokenStatus;
using guestguard::TokenVerification;

// Two keyrings over the same two fixed keys ("k1" and "old"), one with each
// active, so an authentic token can be re-signed under its own key. The seed
// corpus holds tokens signed with these secrets.
const Keyring& KeyringWithActive(std::string_view key_id) {
  static const Keyring* const k1 = [] {
    return new Keyring(*Keyring::FromKeys(
        {SigningKey{"k1", std::string(32, 'A')}, SigningKey{"old", std::string(32, 'B')}}));
  }();
  static const Keyring* const old = [] {
    return new Keyring(*Keyring::FromKeys(
        {SigningKey{"old", std::string(32, 'B')}, SigningKey{"k1", std::string(32, 'A')}}));
  }();
  return key_id == "old" ? *old : *k1;
}

bool SameClaims(const TokenClaims& a, const TokenClaims& b) {
  return a.event_id == b.event_id && a.guest_id == b.guest_id && a.generation == b.generation &&
         a.issued_at == b.issued_at && a.expires_at == b.expires_at;
}

// 2026-01-01T00:00:00Z: fixed, so an input always has the same verdict.
const absl::Time kNow = absl::FromUnixSeconds(1767225600);

void CheckVerify(std::string_view token) {
  const TokenVerification v = guestguard::VerifyToken(KeyringWithActive("k1"), token, kNow);
  if (!guestguard::IsWellFormedToken(token)) FUZZ_CHECK(v.status == TokenStatus::kMalformed);
  if (v.status != TokenStatus::kValid && v.status != TokenStatus::kExpired) return;
  FUZZ_CHECK((v.status == TokenStatus::kExpired) ==
             (v.claims.expires_at && kNow >= *v.claims.expires_at));
  absl::StatusOr<std::string> resigned =
      guestguard::SignToken(KeyringWithActive(v.claims.key_id), v.claims);
  FUZZ_CHECK(resigned.ok());
  FUZZ_CHECK(*resigned == token);
}

void CheckSign(guestguard::fuzz::Input& in) {
  TokenClaims claims;
  claims.event_id = in.String(70);
  claims.guest_id = in.String(70);
  claims.generation = static_cast<uint32_t>(in.Fixed(4));
  // Seconds around the token's range (2^40), negative ones included.
  claims.issued_at = absl::FromUnixSeconds(static_cast<int64_t>(in.Fixed(6)) - (int64_t{1} << 44));
  if (in.Bool()) {
    claims.expires_at =
        claims.issued_at + absl::Seconds(static_cast<int64_t>(in.Fixed(6)) - (int64_t{1} << 20));
  }
  const std::string_view key_id = in.Bool() ? "old" : "k1";
  absl::StatusOr<std::string> token = guestguard::SignToken(KeyringWithActive(key_id), claims);
  if (!token.ok()) return;
  FUZZ_CHECK(token->size() <= guestguard::kMaxTokenLength);
  FUZZ_CHECK(guestguard::IsWellFormedToken(*token));
  // Either keyring verifies it: both hold both keys.
  const TokenVerification v = guestguard::VerifyToken(KeyringWithActive("k1"), *token, kNow);
  const bool expired = claims.expires_at && kNow >= *claims.expires_at;
  FUZZ_CHECK(v.status == (expired ? TokenStatus::kExpired : TokenStatus::kValid));
  FUZZ_CHECK(v.claims.key_id == key_id);
  FUZZ_CHECK(SameClaims(v.claims, claims));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  guestguard::fuzz::Input in(data, size);
  CheckVerify(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckSign(in);
  return 0;
}
