// Copyright 2026 GuestGuard authors.
//
// Uses OpenSSL's low-level SHA256_* functions (deprecated in OpenSSL 3, still
// shipped): they are the only OpenSSL API that lets a hash state be copied
// without an allocation.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include "internal/hmac.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace guestguard::internal {

struct HmacSha256Key::Midstates {
  SHA256_CTX inner;  // After hashing key ^ ipad.
  SHA256_CTX outer;  // After hashing key ^ opad.
};

HmacSha256Key::HmacSha256Key(std::string secret)
    : secret_(std::move(secret)), midstates_(std::make_unique<Midstates>()) {
  uint8_t block[SHA256_CBLOCK] = {};
  if (secret_.size() > SHA256_CBLOCK) {
    SHA256(reinterpret_cast<const uint8_t*>(secret_.data()), secret_.size(), block);
  } else {
    std::memcpy(block, secret_.data(), secret_.size());
  }
  uint8_t pad[SHA256_CBLOCK];
  for (size_t i = 0; i < SHA256_CBLOCK; ++i) pad[i] = block[i] ^ 0x36;
  SHA256_Init(&midstates_->inner);
  SHA256_Update(&midstates_->inner, pad, sizeof(pad));
  for (size_t i = 0; i < SHA256_CBLOCK; ++i) pad[i] = block[i] ^ 0x5c;
  SHA256_Init(&midstates_->outer);
  SHA256_Update(&midstates_->outer, pad, sizeof(pad));
  OPENSSL_cleanse(block, sizeof(block));
  OPENSSL_cleanse(pad, sizeof(pad));
}

HmacSha256Key::~HmacSha256Key() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
  OPENSSL_cleanse(midstates_.get(), sizeof(Midstates));
}

HmacTag HmacSha256Key::Sign(std::string_view message) const {
  HmacTag tag;
  SHA256_CTX ctx = midstates_->inner;
  SHA256_Update(&ctx, message.data(), message.size());
  SHA256_Final(tag.data(), &ctx);
  ctx = midstates_->outer;
  SHA256_Update(&ctx, tag.data(), tag.size());
  SHA256_Final(tag.data(), &ctx);
  OPENSSL_cleanse(&ctx, sizeof(ctx));
  return tag;
}

bool TagsEqual(const uint8_t* a, const uint8_t* b, size_t n) { return CRYPTO_memcmp(a, b, n) == 0; }

}  // namespace guestguard::internal
