// Copyright 2026 GuestGuard authors.
//
// Collaborator invite tokens: 32 random bytes (libsodium randombytes_buf) as
// unpadded base64url, 43 characters. Only their SHA-256 (lower-case hex) is
// stored; a token is looked up by that hash, never compared as text. A token
// lives kInviteLifetime and is used at most once.
//
//   std::string token = NewInviteToken();           // Goes into the link only.
//   std::string hash = HashInviteToken(token);      // Goes into the database.
//   std::string link = InviteLink(config.public_url, token);
//
// Thread-safe: every function may be called concurrently.
#ifndef GUESTGUARD_SERVER_INVITE_TOKENS_H_
#define GUESTGUARD_SERVER_INVITE_TOKENS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace guestguard::server {

inline constexpr absl::Duration kInviteLifetime = absl::Hours(24 * 7);
inline constexpr size_t kInviteTokenBytes = 32;
inline constexpr size_t kInviteTokenLength = 43;  // Unpadded base64url of 32 bytes.

// A fresh token. Aborts when libsodium cannot initialise (no safe randomness).
std::string NewInviteToken();

// True when `token` has the exact shape NewInviteToken produces: 43
// characters of [A-Za-z0-9_-]. Checked before hashing, so nothing longer is
// ever hashed or sent to the database.
bool IsWellFormedInviteToken(std::string_view token);

// Lower-case hex SHA-256 of the token text (64 characters).
std::string HashInviteToken(std::string_view token);

// "<public_url>/invites/<token>".
std::string InviteLink(std::string_view public_url, std::string_view token);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_INVITE_TOKENS_H_
