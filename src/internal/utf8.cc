// Copyright 2026 GuestGuard authors.
#include "internal/utf8.h"

#include <cstdint>
#include <utility>

namespace guestguard::internal {

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<uint8_t>(s[i]);
  size_t len;
  uint32_t min;
  if (b0 < 0x80) return 1;
  if ((b0 & 0xe0) == 0xc0) {
    len = 2;
    min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    len = 3;
    min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  uint32_t cp = b0 & (0x7f >> len);
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

void MakeStorableUtf8(std::string& s) {
  // The first byte to replace; none: nothing to do.
  size_t i = 0;
  for (size_t len; i < s.size() && s[i] != '\0' && (len = Utf8SequenceLength(s, i)) != 0;) {
    i += len;
  }
  if (i == s.size()) return;
  std::string out = s.substr(0, i);
  while (i < s.size()) {
    const size_t len = s[i] == '\0' ? 0 : Utf8SequenceLength(s, i);
    if (len == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD
      ++i;
    } else {
      out.append(s, i, len);
      i += len;
    }
  }
  s = std::move(out);
}

}  // namespace guestguard::internal
