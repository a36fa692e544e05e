// Copyright 2026 GuestGuard authors.
#include "server/wire.h"

#include "absl/time/clock.h"

namespace guestguard::server {

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

absl::Time NowMicros() { return absl::FromUnixMicros(absl::ToUnixMicros(absl::Now())); }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace guestguard::server
