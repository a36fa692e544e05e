// Copyright 2026 GuestGuard authors.
//
// UTF-8 checks for text that leaves the library (the JSON writer, the
// stores: PostgreSQL refuses invalid UTF-8 and NUL in TEXT). Private.
#ifndef GUESTGUARD_INTERNAL_UTF8_H_
#define GUESTGUARD_INTERNAL_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace guestguard::internal {

// Length (1-4) of the valid UTF-8 sequence at s[i] (i < s.size()), or 0 when
// the bytes there are not one (overlong forms and surrogates included).
size_t Utf8SequenceLength(std::string_view s, size_t i);

// Replaces in `s` each byte that starts no valid UTF-8 sequence, and each
// NUL, by U+FFFD. Valid text is left as is, without a copy.
void MakeStorableUtf8(std::string& s);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_UTF8_H_
