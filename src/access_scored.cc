// Copyright 2026 GuestGuard authors.
#include "guestguard/access_scored.h"

#include "absl/time/time.h"
#include "internal/access_json.h"

namespace guestguard {

std::string EncodeAccessScored(const AccessRecord& record) {
  return internal::AccessJson(
      record, "access_log_id",
      // The access log keeps microseconds.
      absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ",
                       absl::FromUnixMicros(absl::ToUnixMicros(record.at)), absl::UTCTimeZone()));
}

}  // namespace guestguard
