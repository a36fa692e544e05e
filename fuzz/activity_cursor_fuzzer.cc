// Copyright 2026 GuestGuard authors.
//
// Fuzzes the activity page cursor (server/handlers/activity.h) both ways.
// Invariants:
//   - a text that decodes is a cursor EncodeActivityCursor could have made:
//     it re-encodes to exactly the same text;
//   - every cursor with non-negative fields (the only ones a page can end on:
//     times after 1970, ids from 1) encodes to a text that decodes to it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/handlers/activity.h"

using guestguard::server::ActivityCursor;
using guestguard::server::DecodeActivityCursor;
using guestguard::server::EncodeActivityCursor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (std::optional<ActivityCursor> cursor = DecodeActivityCursor(text)) {
    FUZZ_CHECK(cursor->type_rank == 0 || cursor->type_rank == 1);
    FUZZ_CHECK(EncodeActivityCursor(*cursor) == text);
  }

  guestguard::fuzz::Input in(data, size);
  ActivityCursor made;
  made.at_micros = static_cast<int64_t>(in.Fixed(8) >> 1);
  made.id = static_cast<int64_t>(in.Fixed(8) >> 1);
  made.type_rank = in.Byte() & 1;
  const std::string encoded = EncodeActivityCursor(made);
  std::optional<ActivityCursor> decoded = DecodeActivityCursor(encoded);
  FUZZ_CHECK(decoded.has_value());
  FUZZ_CHECK(*decoded == made);
  return 0;
}
