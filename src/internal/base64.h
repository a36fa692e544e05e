// Copyright 2026 GuestGuard authors.
//
// Base64 for tokens (URL-safe, unpadded, canonical) and for key specs
// (standard or URL-safe, padding optional). Private to the library.
#ifndef GUESTGUARD_INTERNAL_BASE64_H_
#define GUESTGUARD_INTERNAL_BASE64_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace guestguard::internal {

// Unpadded base64url of `bytes`.
std::string Base64UrlEncode(std::string_view bytes);
size_t Base64UrlEncodedLength(size_t byte_count);

// True for [A-Za-z0-9_-].
bool IsBase64UrlChar(char c);

// Decodes unpadded base64url into `out` (capacity `out_capacity`), returning the
// byte count, or nullopt when the text has a bad length or character, when
// unused trailing bits are not zero (so every text has one decoding), or when
// it would not fit. No allocation.
std::optional<size_t> Base64UrlDecode(std::string_view text, uint8_t* out, size_t out_capacity);

// Lenient decode for configuration: standard or URL alphabet, optional '='
// padding. nullopt on anything else.
std::optional<std::string> Base64DecodeLenient(std::string_view text);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_BASE64_H_
