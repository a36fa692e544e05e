// Copyright 2026 GuestGuard authors.
#include "server/handlers/notifications.h"

#include <cstdint>
#include <limits>
#include <string>

#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/status_macros.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 100;

// A positive decimal below 10^18 (nothing else: no sign, no spaces).
bool ParseCount(const std::string& text, int64_t* out) {
  const std::optional<int64_t> n = ParseDecimal(text, 18);
  if (n) *out = *n;
  return n && *n > 0;
}

boost::json::value NullableText(const sql::Rows& rows, size_t i, size_t column) {
  if (rows.IsNull(i, column)) return nullptr;
  absl::StatusOr<std::string> text = rows.Text(i, column);
  return text.ok() ? boost::json::value(*text) : boost::json::value(nullptr);
}

}  // namespace

absl::StatusOr<Response> ListNotifications(AppState& app, const Request& request,
                                           const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  const int64_t event_id = scope.event_id;

  int64_t limit = kDefaultLimit;
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    if (!ParseCount(it->second, &limit) || limit > kMaxLimit) {
      return absl::InvalidArgumentError("limit must be an integer from 1 to 100");
    }
  }
  int64_t before = std::numeric_limits<int64_t>::max();
  if (auto it = request.query.find("before"); it != request.query.end()) {
    if (!ParseCount(it->second, &before)) {
      return absl::InvalidArgumentError("before must be a notification id");
    }
  }
  sql::Rows rows;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        rows, c.Query("SELECT id, type, recipient, channel, status, attempts, provider_id,"
                      " last_error, next_attempt_at, created_at, updated_at FROM notifications"
                      " WHERE event_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                      {sql::Int(event_id), sql::Int(before), sql::Int(limit + 1)}));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  boost::json::array out;
  boost::json::value next_before = nullptr;
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StatusOr<int64_t> id = rows.Int(i, 0);
    absl::StatusOr<int64_t> attempts = rows.Int(i, 5);
    absl::StatusOr<absl::Time> next = rows.Time(i, 8);
    absl::StatusOr<absl::Time> created = rows.Time(i, 9);
    absl::StatusOr<absl::Time> updated = rows.Time(i, 10);
    if (!id.ok() || !attempts.ok() || !next.ok() || !created.ok() || !updated.ok()) {
      return absl::InternalError("unreadable notifications row");
    }
    if (i == static_cast<size_t>(limit)) {  // Another page follows this one's last row.
      next_before = std::to_string(rows.Int(i - 1, 0).value_or(0));
      break;
    }
    const std::string row_status = rows.Text(i, 4).value_or("");
    out.emplace_back(boost::json::object{
        {"id", std::to_string(*id)},
        {"type", NullableText(rows, i, 1)},
        {"recipient", NullableText(rows, i, 2)},
        {"channel", NullableText(rows, i, 3)},
        {"status", row_status},
        {"attempts", *attempts},
        {"provider_id", NullableText(rows, i, 6)},
        {"last_error", NullableText(rows, i, 7)},
        {"next_attempt_at",
         row_status == "pending" ? boost::json::value(FormatRfc3339(*next)) : nullptr},
        {"created_at", FormatRfc3339(*created)},
        {"updated_at", FormatRfc3339(*updated)}});
  }
  return Response::Json(200, boost::json::object{{"notifications", std::move(out)},
                                                 {"next_before", std::move(next_before)}});
}

}  // namespace guestguard::server
