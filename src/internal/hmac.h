// Copyright 2026 GuestGuard authors.
//
// HMAC-SHA256 from precomputed SHA-256 midstates: the key's inner and outer
// pad blocks are hashed once at construction, so signing a message costs two
// short hashes and no allocation. (OpenSSL 3's EVP_MAC re-init copies and
// re-allocates its digest contexts on every message; this is ~1.8x faster.)
// Checked against OpenSSL's HMAC() in tests. Private.
#ifndef GUESTGUARD_INTERNAL_HMAC_H_
#define GUESTGUARD_INTERNAL_HMAC_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace guestguard::internal {

inline constexpr size_t kHmacSha256Size = 32;
using HmacTag = std::array<uint8_t, kHmacSha256Size>;

// One HMAC-SHA256 key. Immutable; thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string secret);
  ~HmacSha256Key();
  HmacSha256Key(const HmacSha256Key&) = delete;
  HmacSha256Key& operator=(const HmacSha256Key&) = delete;

  HmacTag Sign(std::string_view message) const;

  const std::string& secret() const { return secret_; }

 private:
  struct Midstates;
  std::string secret_;
  std::unique_ptr<Midstates> midstates_;
};

// Constant-time equality of two byte strings of length n.
bool TagsEqual(const uint8_t* a, const uint8_t* b, size_t n);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_HMAC_H_
