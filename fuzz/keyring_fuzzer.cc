// Copyright 2026 GuestGuard authors.
//
// Fuzzes Keyring::Parse (include/guestguard/token.h) with the whole input as
// a spec. Invariants:
//   - a keyring that parses prints (ToSpec) a spec that parses to the same
//     keyring: same size, same active key, same ToSpec, and the same secrets
//     (a token signed by one verifies under the other and re-signs equal);
//   - an error message never holds a secret's text.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "fuzz/fuzz_check.h"
#include "guestguard/token.h"

namespace {

using guestguard::Keyring;

bool IsBase64Text(std::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '-' &&
        c != '_' && c != '=') {
      return false;
    }
  }
  return true;
}

// The "id:secret" entries of `spec`, split as Parse splits them.
std::vector<std::pair<std::string_view, std::string_view>> Entries(std::string_view spec) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (true) {
    const size_t comma = spec.find(',');
    const std::string_view entry = spec.substr(0, comma);
    const size_t colon = entry.find(':');
    if (colon != std::string_view::npos) {
      std::string_view secret = entry.substr(colon + 1);
      while (!secret.empty() && (secret.back() == ' ' || secret.back() == '\t')) {
        secret.remove_suffix(1);
      }
      out.emplace_back(entry.substr(0, colon), secret);
    }
    if (comma == std::string_view::npos) return out;
    spec.remove_prefix(comma + 1);
  }
}

// No secret text long and distinctive enough to tell apart from the message's
// own words and from the key ids (which errors name, and which may hold the
// same characters) appears in `message`.
void CheckNoSecretIn(std::string_view spec, std::string_view message) {
  const auto entries = Entries(spec);
  for (const auto& [unused, secret] : entries) {
    if (secret.size() < 16 || !IsBase64Text(secret)) continue;
    bool in_an_id = false;
    for (const auto& [id, unused2] : entries) in_an_id = in_an_id || id.find(secret) != id.npos;
    if (!in_an_id) FUZZ_CHECK(message.find(secret) == message.npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<Keyring> keyring = Keyring::Parse(spec);
  if (!keyring.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(keyring.status()));
    const absl::string_view message = keyring.status().message();
    CheckNoSecretIn(spec, std::string_view(message.data(), message.size()));
    return 0;
  }
  FUZZ_CHECK(keyring->size() >= 1);
  FUZZ_CHECK(keyring->HasKey(keyring->active_key_id()));
  const std::string printed = keyring->ToSpec();
  absl::StatusOr<Keyring> again = Keyring::Parse(printed);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->ToSpec() == printed);
  FUZZ_CHECK(again->size() == keyring->size());
  FUZZ_CHECK(again->active_key_id() == keyring->active_key_id());

  static const guestguard::TokenClaims claims = [] {
    guestguard::TokenClaims c;
    c.event_id = std::string(2, 'e');
    c.guest_id = std::string(2, 'g');
    c.issued_at = absl::FromUnixSeconds(1767225600);
    return c;
  }();
  absl::StatusOr<std::string> a = guestguard::SignToken(*keyring, claims);
  absl::StatusOr<std::string> b = guestguard::SignToken(*again, claims);
  // Long key ids can make the token too long; then both refuse.
  FUZZ_CHECK(a.ok() == b.ok());
  if (a.ok()) {
    FUZZ_CHECK(*a == *b);
    FUZZ_CHECK(guestguard::VerifyToken(*again, *a, absl::FromUnixSeconds(1767225600)).ok());
  }
  return 0;
}
