// Copyright 2026 GuestGuard authors.
#include "internal/base64.h"

#include <array>

namespace guestguard::internal {
namespace {

constexpr char kUrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0-63 for alphabet characters, 0xff otherwise; `standard` also maps '+' '/'.
constexpr std::array<uint8_t, 256> MakeDecodeTable(bool standard_too) {
  std::array<uint8_t, 256> table{};
  for (auto& v : table) v = 0xff;
  for (int i = 0; i < 64; ++i)
    table[static_cast<uint8_t>(kUrlAlphabet[i])] = static_cast<uint8_t>(i);
  if (standard_too) {
    table['+'] = 62;
    table['/'] = 63;
  }
  return table;
}

constexpr std::array<uint8_t, 256> kUrlDecode = MakeDecodeTable(false);
constexpr std::array<uint8_t, 256> kLenientDecode = MakeDecodeTable(true);

// Shared decoder: `table` picks the alphabet; `canonical` requires zero unused
// bits. Decodes whole 4-character groups at a time, then the tail.
std::optional<size_t> Decode(std::string_view text, const std::array<uint8_t, 256>& table,
                             bool canonical, uint8_t* out, size_t out_capacity) {
  const size_t rem = text.size() % 4;
  if (rem == 1) return std::nullopt;
  const size_t needed = text.size() / 4 * 3 + (rem == 0 ? 0 : rem - 1);
  if (needed > out_capacity) return std::nullopt;
  const auto* in = reinterpret_cast<const uint8_t*>(text.data());
  const size_t full = text.size() - rem;
  uint8_t* o = out;
  for (size_t i = 0; i < full; i += 4) {
    const uint32_t a = table[in[i]], b = table[in[i + 1]], c = table[in[i + 2]],
                   d = table[in[i + 3]];
    if ((a | b | c | d) & 0x80) return std::nullopt;  // 0xff marks a bad character.
    const uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    o[0] = static_cast<uint8_t>(v >> 16);
    o[1] = static_cast<uint8_t>(v >> 8);
    o[2] = static_cast<uint8_t>(v);
    o += 3;
  }
  if (rem != 0) {
    const uint32_t a = table[in[full]], b = table[in[full + 1]];
    const uint32_t c = rem == 3 ? table[in[full + 2]] : 0;
    if ((a | b | c) & 0x80) return std::nullopt;
    const uint32_t v = (a << 18) | (b << 12) | (c << 6);
    *o++ = static_cast<uint8_t>(v >> 16);
    if (rem == 3) *o++ = static_cast<uint8_t>(v >> 8);
    // The bits below the last whole byte must be zero in canonical text.
    const uint32_t unused = rem == 2 ? (v & 0xffff) : (v & 0xff);
    if (canonical && unused != 0) return std::nullopt;
  }
  return static_cast<size_t>(o - out);
}

}  // namespace

size_t Base64UrlEncodedLength(size_t n) { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve(Base64UrlEncodedLength(bytes.size()));
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kUrlAlphabet[(acc >> bits) & 63]);
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0) out.push_back(kUrlAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

bool IsBase64UrlChar(char c) { return kUrlDecode[static_cast<uint8_t>(c)] != 0xff; }

std::optional<size_t> Base64UrlDecode(std::string_view text, uint8_t* out, size_t out_capacity) {
  return Decode(text, kUrlDecode, /*canonical=*/true, out, out_capacity);
}

std::optional<std::string> Base64DecodeLenient(std::string_view text) {
  for (int i = 0; i < 2 && !text.empty() && text.back() == '='; ++i) text.remove_suffix(1);
  std::string out(text.size() / 4 * 3 + 3, '\0');
  auto n = Decode(text, kLenientDecode, /*canonical=*/false, reinterpret_cast<uint8_t*>(out.data()),
                  out.size());
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

}  // namespace guestguard::internal
