// Copyright 2026 GuestGuard authors.
//
// Fuzzes the library's base64 decoders (src/internal/base64.h) with the whole
// input as text and as bytes. Invariants:
//   - base64url: decode(encode(x)) == x, the encoded length is
//     Base64UrlEncodedLength, and every text that decodes is canonical:
//     encode(decode(t)) == t; a too-small buffer is refused, never overrun;
//   - lenient (key specs): whatever decodes re-decodes equal from its
//     canonical base64url form, and a canonical text decodes the same in both.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "internal/base64.h"

namespace {

namespace gi = guestguard::internal;

std::optional<std::string> UrlDecode(std::string_view text, size_t capacity) {
  // Exactly `capacity` bytes on the heap, so ASan sees any write past it.
  std::vector<uint8_t> out(capacity);
  std::optional<size_t> n = gi::Base64UrlDecode(text, out.data(), capacity);
  if (!n) return std::nullopt;
  FUZZ_CHECK(*n <= capacity);
  return std::string(reinterpret_cast<const char*>(out.data()), *n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // Bytes → text → bytes.
  const std::string encoded = gi::Base64UrlEncode(input);
  FUZZ_CHECK(encoded.size() == gi::Base64UrlEncodedLength(input.size()));
  for (char c : encoded) FUZZ_CHECK(gi::IsBase64UrlChar(c));
  FUZZ_CHECK(UrlDecode(encoded, input.size()) == std::string(input));
  if (!input.empty()) FUZZ_CHECK(!UrlDecode(encoded, input.size() - 1).has_value());
  FUZZ_CHECK(gi::Base64DecodeLenient(encoded) == std::string(input));

  // Text → bytes → text, with a buffer of exactly the size it needs and one
  // byte less.
  const size_t needed = input.size() / 4 * 3 + (input.size() % 4 == 0 ? 0 : input.size() % 4 - 1);
  if (std::optional<std::string> decoded = UrlDecode(input, needed + 1)) {
    FUZZ_CHECK(decoded->size() == needed);
    FUZZ_CHECK(gi::Base64UrlEncode(*decoded) == input);
    FUZZ_CHECK(UrlDecode(input, needed) == decoded);
    if (needed > 0) FUZZ_CHECK(!UrlDecode(input, needed - 1).has_value());
    FUZZ_CHECK(gi::Base64DecodeLenient(input) == decoded);
  }
  if (std::optional<std::string> lenient = gi::Base64DecodeLenient(input)) {
    FUZZ_CHECK(gi::Base64DecodeLenient(gi::Base64UrlEncode(*lenient)) == lenient);
  }
  return 0;
}
