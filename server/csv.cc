// Copyright 2026 GuestGuard authors.
#include "server/csv.h"

#include <utility>

#include "absl/status/status.h"

namespace guestguard::server {
namespace {

std::string LinePrefix(int line) { return "line " + std::to_string(line) + ": "; }

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text, size_t max_records) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());

  std::vector<CsvRecord> records;
  const size_t n = text.size();
  size_t i = 0;
  int line = 1;
  // Consumes a line break at i (CRLF, LF or CR); false when there is none.
  auto line_break = [&]() {
    if (i < n && text[i] == '\r') {
      ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      return true;
    }
    if (i < n && text[i] == '\n') {
      ++i;
      ++line;
      return true;
    }
    return false;
  };
  while (i < n) {
    if (line_break()) continue;  // An empty line.
    CsvRecord record;
    record.line = line;
    while (true) {
      std::string field;
      if (text[i] == '"') {
        const int opened_on = line;
        ++i;
        while (true) {
          if (i >= n)
            return absl::InvalidArgumentError(LinePrefix(opened_on) + "unterminated quoted field");
          const char ch = text[i];
          if (ch == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (ch == '\n' || (ch == '\r' && !(i + 1 < n && text[i + 1] == '\n'))) ++line;
          field += ch;
          ++i;
        }
        if (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          return absl::InvalidArgumentError(LinePrefix(line) +
                                            "unexpected character after a closing quote");
        }
      } else {
        const size_t start = i;
        while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') ++i;
        field.assign(text.substr(start, i - start));
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        if (i >= n || text[i] == '\r' || text[i] == '\n') {
          record.fields.emplace_back();  // A trailing empty field.
          break;
        }
        continue;
      }
      break;
    }
    if (records.size() >= max_records) {
      return absl::ResourceExhaustedError("more than " + std::to_string(max_records) + " records");
    }
    records.push_back(std::move(record));
    line_break();
  }
  return records;
}

}  // namespace guestguard::server
