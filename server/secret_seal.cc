// Copyright 2026 GuestGuard authors.
#include "server/secret_seal.h"

#include <sodium.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"

namespace guestguard::server {
namespace {

constexpr char kPrefix[] = "gs1";
constexpr std::string_view kPurpose = "guestguard secret seal v1";
constexpr size_t kMaxSealed = 64 * 1024;

}  // namespace

SecretSealer::SecretSealer(const Keyring& keyring) : active_(keyring.active_key_id()) {
  // The spec is "kid:base64url,...": the one place the key bytes are exposed.
  for (absl::string_view entry : absl::StrSplit(keyring.ToSpec(), ',', absl::SkipEmpty())) {
    const size_t colon = entry.find(':');
    if (colon == absl::string_view::npos) continue;
    std::string raw;
    if (!absl::WebSafeBase64Unescape(entry.substr(colon + 1), &raw) || raw.empty()) continue;
    Key key;
    crypto_generichash(key.data(), key.size(),
                       reinterpret_cast<const unsigned char*>(kPurpose.data()), kPurpose.size(),
                       reinterpret_cast<const unsigned char*>(raw.data()),
                       std::min(raw.size(), size_t{crypto_generichash_KEYBYTES_MAX}));
    sodium_memzero(raw.data(), raw.size());
    keys_.emplace(std::string(entry.substr(0, colon)), key);
  }
}

std::string SecretSealer::Seal(std::string_view secret) const {
  const Key& key = keys_.at(active_);
  std::vector<unsigned char> box(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 secret.size());
  randombytes_buf(box.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(box.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                        box.data(), key.data());
  std::string encoded;
  absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(box.data()), box.size()), &encoded);
  return std::string(kPrefix) + "." + active_ + "." + encoded;
}

absl::StatusOr<std::string> SecretSealer::Open(std::string_view sealed) const {
  if (sealed.size() > kMaxSealed) return absl::InvalidArgumentError("sealed secret too long");
  std::vector<absl::string_view> parts =
      absl::StrSplit(absl::string_view(sealed.data(), sealed.size()), '.');
  if (parts.size() != 3 || parts[0] != kPrefix) {
    return absl::InvalidArgumentError("not a sealed secret");
  }
  auto key = keys_.find(std::string_view(parts[1].data(), parts[1].size()));
  if (key == keys_.end()) return absl::NotFoundError("the secret was sealed with a retired key");
  std::string box;
  if (!absl::WebSafeBase64Unescape(parts[2], &box) ||
      box.size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return absl::InvalidArgumentError("not a sealed secret");
  }
  const auto* bytes = reinterpret_cast<const unsigned char*>(box.data());
  std::string secret(box.size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(
          reinterpret_cast<unsigned char*>(secret.data()), bytes + crypto_secretbox_NONCEBYTES,
          box.size() - crypto_secretbox_NONCEBYTES, bytes, key->second.data()) != 0) {
    return absl::DataLossError("sealed secret failed authentication");
  }
  return secret;
}

}  // namespace guestguard::server
