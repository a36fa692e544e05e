// Copyright 2026 GuestGuard authors.
#include "server/csv.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

std::string LinePrefix(int line) { return "line " + std::to_string(line) + ": "; }

// InvalidArgument("line N: ...") naming the first line that is not UTF-8 and
// the encoding the file most likely has, so that the host knows how to save it.
absl::Status CheckUtf8(std::string_view text) {
  const bool utf16 = text.substr(0, 2) == "\xFF\xFE" || text.substr(0, 2) == "\xFE\xFF" ||
                     text.find('\0') != std::string_view::npos;
  const size_t bad = utf16 ? 0 : InvalidUtf8Offset(text);
  if (!utf16 && bad == std::string_view::npos) return absl::OkStatus();
  int line = 1;
  for (size_t k = 0; k < bad; ++k) {
    if (text[k] == '\n' || (text[k] == '\r' && !(k + 1 < text.size() && text[k + 1] == '\n'))) {
      ++line;
    }
  }
  const char* likely =
      utf16 ? "it looks like UTF-16 (Excel's \"Unicode text\")"
            : "it looks like Windows-1252 or ISO-8859-1 (Excel's plain \"CSV\" on Windows)";
  return absl::InvalidArgumentError(absl::StrCat(LinePrefix(line), "the file is not UTF-8; ",
                                                 likely,
                                                 ". Save it as \"CSV UTF-8\" and upload it again"));
}

}  // namespace

absl::StatusOr<std::vector<CsvRecord>> ParseCsv(std::string_view text, size_t max_records) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (text.substr(0, kBom.size()) == kBom) text.remove_prefix(kBom.size());
  if (absl::Status encoding = CheckUtf8(text); !encoding.ok()) return encoding;

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
