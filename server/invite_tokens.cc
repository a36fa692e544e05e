// Copyright 2026 GuestGuard authors.
#include "server/invite_tokens.h"

#include <sodium.h>

#include <cstdlib>

#include "server/auth.h"

namespace guestguard::server {

std::string NewInviteToken() {
  if (!InitCrypto().ok()) std::abort();  // No safe randomness: do not go on.
  unsigned char bytes[kInviteTokenBytes];
  randombytes_buf(bytes, sizeof(bytes));
  char out[sodium_base64_ENCODED_LEN(kInviteTokenBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof(out), bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes, sizeof(bytes));
  return std::string(out);
}

bool IsWellFormedInviteToken(std::string_view token) {
  if (token.size() != kInviteTokenLength) return false;
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string HashInviteToken(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex);
}

std::string InviteLink(std::string_view public_url, std::string_view token) {
  std::string link(public_url);
  link += "/invites/";
  link += token;
  return link;
}

}  // namespace guestguard::server
