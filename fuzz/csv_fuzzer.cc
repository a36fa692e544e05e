// Copyright 2026 GuestGuard authors.
//
// Fuzzes the server's CSV reader (server/csv.h). The first input byte is the
// record limit (0-255), the rest the text. Invariants:
//   - every record has at least one field, every field is UTF-8, record
//     lines start at 1 and increase, and there are at most `max_records`;
//   - a non-UTF-8 text is refused with a message that names a line;
//   - what parses, written back (every field quoted, "" for a quote, CRLF
//     between records), parses to the same fields.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "server/csv.h"
#include "server/wire.h"

namespace {

using guestguard::server::CsvRecord;
using guestguard::server::ParseCsv;

std::string Write(const std::vector<CsvRecord>& records) {
  std::string out;
  for (const CsvRecord& r : records) {
    for (size_t i = 0; i < r.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += '"';
      for (char c : r.fields[i]) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t max_records = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(text, max_records);
  if (!records.ok()) {
    const absl::string_view message = records.status().message();
    if (absl::IsInvalidArgument(records.status())) {
      FUZZ_CHECK(message.substr(0, 5) == "line ");
    } else {
      FUZZ_CHECK(absl::IsResourceExhausted(records.status()));
    }
    return 0;
  }
  FUZZ_CHECK(
      guestguard::server::IsUtf8(text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text));
  FUZZ_CHECK(records->size() <= max_records);
  int last_line = 0;
  for (const CsvRecord& r : *records) {
    FUZZ_CHECK(!r.fields.empty());
    FUZZ_CHECK(r.line > last_line);
    last_line = r.line;
    for (const std::string& f : r.fields) FUZZ_CHECK(guestguard::server::IsUtf8(f));
  }
  absl::StatusOr<std::vector<CsvRecord>> again = ParseCsv(Write(*records), max_records);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->size() == records->size());
  for (size_t i = 0; i < records->size(); ++i) {
    FUZZ_CHECK((*again)[i].fields == (*records)[i].fields);
  }
  return 0;
}
