// Copyright 2026 GuestGuard authors.
//
// Fuzzes DecodeAccessScored (include/guestguard/access_scored.h) with the
// whole input as a payload. Invariants:
//   - it never crashes, and a refusal is InvalidArgument with a message;
//   - what it accepts re-encodes (EncodeAccessScored) to a payload that
//     decodes again, and that second round trip is exact (byte for byte);
//   - accepted scores are 0-100 and at most kMaxAccessScoredReasons reasons.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "guestguard/access_scored.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<guestguard::AccessRecord> decoded = guestguard::DecodeAccessScored(payload);
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(!decoded.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(decoded->score >= 0 && decoded->score <= 100);
  FUZZ_CHECK(decoded->reasons.size() <= guestguard::kMaxAccessScoredReasons);
  const std::string once = guestguard::EncodeAccessScored(*decoded);
  absl::StatusOr<guestguard::AccessRecord> again = guestguard::DecodeAccessScored(once);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(guestguard::EncodeAccessScored(*again) == once);
  return 0;
}
