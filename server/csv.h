// Copyright 2026 GuestGuard authors.
//
// A small RFC 4180 CSV reader: comma-separated fields, optionally in double
// quotes (a quoted field may hold commas, line breaks and "" for a quote);
// records end at CRLF, LF or a lone CR; a leading UTF-8 BOM is skipped; empty
// lines are skipped; a final line break is optional. Lenient on one point: a
// quote inside an unquoted field is kept as a literal character. Fields are
// returned as written (no trimming).
//
//   absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(body, 5001);
//
// Thread-safe (pure function).
#ifndef GUESTGUARD_SERVER_CSV_H_
#define GUESTGUARD_SERVER_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace guestguard::server {

struct CsvRecord {
  int line = 0;  // 1-based line of the text on which the record starts.
  std::vector<std::string> fields;
};

// The records of `text`. InvalidArgument("line N: ...") for text that is not
// UTF-8 (naming the likely encoding), an unterminated quoted field or a
// character other than a comma or line break after a closing quote;
// ResourceExhausted when there are more than `max_records`.
absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text, size_t max_records);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_CSV_H_
