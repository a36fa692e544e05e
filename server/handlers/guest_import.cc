// Copyright 2026 GuestGuard authors.
#include "server/handlers/guest_import.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/status_macros.h"
#include "server/auth.h"
#include "server/csv.h"
#include "server/handlers/guests.h"
#include "server/handlers/json_body.h"
#include "server/quotas.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxBody = 1 << 20;  // The server's body limit.
constexpr size_t kMaxRows = 5000;
constexpr std::string_view kColumns[] = {"name", "email", "phone", "plus_ones_allowed"};
constexpr char kTemplate[] = "name,email,phone,plus_ones_allowed\r\n";

// The authenticated user's id and event id, or the error response to send.
std::optional<Response> Enter(AppState& app, const Request& request, const Params& params,
                              Role minimum, std::string* user_id, int64_t* event_id) {
  EventScope event;
  if (std::optional<Response> r = EnterEvent(app, request, params, minimum, &event)) return r;
  *user_id = event.user.id;
  *event_id = event.event_id;
  return std::nullopt;
}

std::optional<Response> CheckCsvBody(const Request& request) {
  const std::string* type = request.Header("content-type");
  std::string_view media = type == nullptr ? std::string_view() : std::string_view(*type);
  media = TrimSpaces(media.substr(0, media.find(';')));
  if (!absl::EqualsIgnoreCase(AbslView(media), "text/csv")) {
    return Response::Error(415, "unsupported_media_type",
                           "the body must be CSV with Content-Type: text/csv");
  }
  if (request.body.size() > kMaxBody) {
    return Response::Error(413, "payload_too_large", "the CSV must be at most 1 MiB");
  }
  return std::nullopt;
}

struct ImportRow {
  int line = 0;
  GuestInput input;
  boost::json::object json;
  bool valid = false;
};

// The first error of ValidateGuestInput on a one-field body, else its result.
absl::StatusOr<GuestInput> ValidateField(std::string_view field, boost::json::value value) {
  boost::json::object body;
  body[field] = std::move(value);
  return ValidateGuestInput(body, /*require_create=*/false);
}

ImportRow CheckRow(const CsvRecord& record, std::map<std::string, int>& seen_emails,
                   const std::set<std::string>& existing_emails) {
  ImportRow row;
  row.line = record.line;
  boost::json::array errors;
  auto field = [&](size_t i) -> std::string_view {
    return i < record.fields.size() ? std::string_view(record.fields[i]) : std::string_view();
  };
  if (record.fields.size() != std::size(kColumns)) {
    errors.emplace_back("expected 4 fields, got " + std::to_string(record.fields.size()));
  }
  const std::string_view name_text = TrimSpaces(field(0));
  if (name_text.empty()) {
    errors.emplace_back("name is required");
    row.input.name = "";
  } else if (absl::StatusOr<GuestInput> in = ValidateField("name", boost::json::string(name_text));
             !in.ok()) {
    errors.emplace_back(std::string(in.status().message()));
    row.input.name = std::string(name_text);
  } else {
    row.input.name = std::move(in->name);
  }
  if (absl::StatusOr<GuestInput> in = ValidateField("email", boost::json::string(field(1)));
      !in.ok()) {
    errors.emplace_back(std::string(in.status().message()));
    row.input.email = std::string(TrimSpaces(field(1)));
  } else {
    row.input.email = std::move(in->email);
    const std::string& email = *row.input.email;
    if (!email.empty()) {
      auto [it, inserted] = seen_emails.emplace(email, record.line);
      if (!inserted) {
        errors.emplace_back("email duplicates line " + std::to_string(it->second));
      }
      if (existing_emails.count(email) != 0) {
        errors.emplace_back("email is already used by a guest of this event");
      }
    }
  }
  if (absl::StatusOr<GuestInput> in = ValidateField("phone", boost::json::string(field(2)));
      !in.ok()) {
    errors.emplace_back(std::string(in.status().message()));
    row.input.phone = std::string(TrimSpaces(field(2)));
  } else {
    row.input.phone = std::move(in->phone);
  }
  const std::string_view plus_text = TrimSpaces(field(3));
  boost::json::value plus_json = boost::json::string(plus_text);
  int64_t plus = 0;
  bool plus_ok = plus_text.empty();
  if (!plus_ok && !plus_text.empty() && absl::ascii_isdigit(plus_text[0]) &&
      absl::SimpleAtoi(absl::string_view(plus_text.data(), plus_text.size()), &plus)) {
    plus_ok = ValidateField("plus_ones_allowed", plus).ok();
  }
  if (plus_ok) {
    row.input.plus_ones_allowed = plus;
    plus_json = plus;
  } else {
    errors.emplace_back("plus_ones_allowed must be an integer from 0 to 20");
  }
  row.valid = errors.empty();
  row.json = boost::json::object{{"line", row.line},
                                 {"name", *row.input.name},
                                 {"email", *row.input.email},
                                 {"phone", *row.input.phone},
                                 {"plus_ones_allowed", std::move(plus_json)},
                                 {"errors", std::move(errors)}};
  return row;
}

// The data records of the body after its header row, or a 400 answer.
absl::StatusOr<std::vector<CsvRecord>> DataRecords(std::string_view body) {
  absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(body, kMaxRows + 1);
  if (absl::IsResourceExhausted(records.status())) {
    return absl::InvalidArgumentError("too many rows: at most 5000 guests per import");
  }
  if (!records.ok())
    return absl::InvalidArgumentError("malformed CSV: " + std::string(records.status().message()));
  if (records->empty()) {
    return absl::InvalidArgumentError(
        "the CSV is empty: the first line must be name,email,phone,plus_ones_allowed");
  }
  const std::vector<std::string>& header = records->front().fields;
  bool header_ok = header.size() == std::size(kColumns);
  for (size_t i = 0; header_ok && i < header.size(); ++i) {
    header_ok = absl::EqualsIgnoreCase(AbslView(TrimSpaces(header[i])), AbslView(kColumns[i]));
  }
  if (!header_ok) {
    return absl::InvalidArgumentError(
        "the first line must be the header name,email,phone,plus_ones_allowed");
  }
  records->erase(records->begin());
  return records;
}

// The emails (non-empty, normalised) of the event's guests.
absl::StatusOr<std::set<std::string>> ExistingEmails(sql::Connection& c, int64_t event_id) {
  GG_ASSIGN_OR_RETURN(
      sql::Rows rows,
      c.Query("SELECT email FROM guests WHERE event_id = ? AND email <> ''", {sql::Int(event_id)}));
  std::set<std::string> emails;
  for (size_t i = 0; i < rows.size(); ++i) {
    GG_ASSIGN_OR_RETURN(std::string email, rows.Text(i, 0));
    emails.insert(std::move(email));
  }
  return emails;
}

struct Checked {
  std::vector<ImportRow> rows;
  int64_t valid = 0;
  int64_t invalid = 0;
};

Checked CheckRows(const std::vector<CsvRecord>& records,
                  const std::set<std::string>& existing_emails) {
  Checked checked;
  std::map<std::string, int> seen_emails;
  for (const CsvRecord& record : records) {
    checked.rows.push_back(CheckRow(record, seen_emails, existing_emails));
    ++(checked.rows.back().valid ? checked.valid : checked.invalid);
  }
  return checked;
}

boost::json::object RowsJson(Checked& checked) {
  boost::json::array rows;
  for (ImportRow& row : checked.rows) rows.emplace_back(std::move(row.json));
  return boost::json::object{
      {"rows", std::move(rows)}, {"valid", checked.valid}, {"invalid", checked.invalid}};
}

}  // namespace

absl::StatusOr<Response> GuestImportTemplate(AppState& app, const Request& request,
                                             const Params& params) {
  std::string user_id;
  int64_t event_id = 0;
  if (std::optional<Response> r = Enter(app, request, params, Role::kViewer, &user_id, &event_id)) {
    return *r;
  }
  Response response;
  response.status = 200;
  response.content_type = "text/csv; charset=utf-8";
  response.body = kTemplate;
  response.headers.emplace_back("Content-Disposition",
                                "attachment; filename=\"guests-template.csv\"");
  return response;
}

// The shared first steps of preview and commit: an editor of the event and a
// text/csv body. The refusal to send when either fails, else nullopt (the
// caller then parses the data records: DataRecords).
std::optional<Response> ReadImport(AppState& app, const Request& request, const Params& params,
                                   std::string* user_id, int64_t* event_id) {
  if (std::optional<Response> r = Enter(app, request, params, Role::kEditor, user_id, event_id)) {
    return r;
  }
  return CheckCsvBody(request);
}

absl::StatusOr<Response> GuestImportPreview(AppState& app, const Request& request,
                                            const Params& params) {
  std::string user_id;
  int64_t event_id = 0;
  if (std::optional<Response> r = ReadImport(app, request, params, &user_id, &event_id)) {
    return *r;
  }
  GG_ASSIGN_OR_RETURN(const std::vector<CsvRecord> records, DataRecords(request.body));
  std::set<std::string> existing;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(existing, ExistingEmails(c, event_id));
    return absl::OkStatus();
  }));
  Checked checked = CheckRows(records, existing);
  return Response::Json(200, RowsJson(checked));
}

absl::StatusOr<Response> GuestImportCommit(AppState& app, const Request& request,
                                           const Params& params) {
  std::string user_id;
  int64_t event_id = 0;
  if (std::optional<Response> r = ReadImport(app, request, params, &user_id, &event_id)) {
    return *r;
  }
  GG_ASSIGN_OR_RETURN(const std::vector<CsvRecord> records, DataRecords(request.body));
  const absl::Time now = NowMicros(*app.clock);
  Checked checked;
  int64_t retry_after = 0;
  // One transaction: the duplicate check sees the guests it inserts beside,
  // and a refused quota writes nothing.
  absl::Status status = app.db->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(std::set<std::string> existing, ExistingEmails(c, event_id));
    checked = CheckRows(records, existing);
    if (checked.invalid > 0) return absl::OkStatus();  // Nothing written.
    retry_after = 0;
    GG_RETURN_IF_ERROR(ClaimImportSlot(c, event_id, checked.valid, now,
                                       app.config.max_imports_per_hour, &retry_after));
    GG_RETURN_IF_ERROR(
        CheckGuestQuota(c, event_id, checked.valid, app.config.max_guests_per_event));
    for (const ImportRow& row : checked.rows) {
      GG_ASSIGN_OR_RETURN(int64_t id, InsertGuest(c, event_id, row.input, now));
      (void)id;
    }
    return absl::OkStatus();
  });
  if (IsQuotaRefusal(status)) return QuotaResponse(status, retry_after);
  // AlreadyExists: a concurrent import or edit added one of these emails after
  // our duplicate check; the transaction rolled back.
  GG_RETURN_IF_ERROR(DuplicateEmailAware(status));
  if (checked.invalid > 0) {
    const int64_t invalid = checked.invalid;
    boost::json::object body = RowsJson(checked);
    body["error"] = boost::json::object{
        {"code", "invalid_argument"},
        {"message", std::to_string(invalid) + " invalid row(s): nothing was imported"}};
    return Response::Json(400, body);
  }
  app.logger->Info("guests imported", {{"request_id", request.request_id},
                                       {"user_id", user_id},
                                       {"event_id", std::to_string(event_id)},
                                       {"count", checked.valid}});
  return Response::Json(201, boost::json::object{{"created", checked.valid}});
}

}  // namespace guestguard::server
