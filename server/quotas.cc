// Copyright 2026 GuestGuard authors.
#include "server/quotas.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "guestguard/status_macros.h"

namespace guestguard::server {
namespace {

// Locks `table`'s row `id` until the transaction ends (PostgreSQL; SQLite's
// writer is already alone).
absl::Status LockRow(sql::Connection& c, const char* table, int64_t id) {
  if (c.dialect() != sql::Dialect::kPostgres) return absl::OkStatus();
  return c.Query(absl::StrCat("SELECT id FROM ", table, " WHERE id = ? FOR UPDATE"), {sql::Int(id)})
      .status();
}

absl::StatusOr<int64_t> Count(sql::Connection& c, const char* sql, std::vector<sql::Value> args) {
  GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query(sql, args));
  return rows.Int(0, 0);
}

}  // namespace

absl::Status CheckEventQuota(sql::Connection& c, int64_t user_id, int64_t limit) {
  GG_RETURN_IF_ERROR(LockRow(c, "users", user_id));
  GG_ASSIGN_OR_RETURN(
      int64_t n, Count(c, "SELECT COUNT(*) FROM events WHERE created_by = ?", {sql::Int(user_id)}));
  if (n < limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("you have reached the limit of ", limit,
                   " events per account; delete an event you created to create another"));
}

absl::Status CheckGuestQuota(sql::Connection& c, int64_t event_id, int64_t adding, int64_t limit) {
  GG_RETURN_IF_ERROR(LockRow(c, "events", event_id));
  GG_ASSIGN_OR_RETURN(
      int64_t n, Count(c, "SELECT COUNT(*) FROM guests WHERE event_id = ?", {sql::Int(event_id)}));
  if (n + adding <= limit) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("this would make ", n + adding, " guests, over the limit of ", limit,
                   " guests per event (the event has ", n, "); nothing was added"));
}

absl::Status ClaimImportSlot(sql::Connection& c, int64_t event_id, int64_t guests_added,
                             absl::Time now, int64_t limit, int64_t* retry_after_seconds) {
  GG_RETURN_IF_ERROR(LockRow(c, "events", event_id));
  const absl::Time hour_ago = now - absl::Hours(1);
  GG_RETURN_IF_ERROR(c.Exec("DELETE FROM guest_imports WHERE event_id = ? AND imported_at <= ?",
                            {sql::Int(event_id), hour_ago})
                         .status());
  GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query("SELECT COUNT(*), MIN(imported_at) FROM guest_imports"
                                              " WHERE event_id = ?",
                                              {sql::Int(event_id)}));
  GG_ASSIGN_OR_RETURN(int64_t n, rows.Int(0, 0));
  if (n >= limit) {
    GG_ASSIGN_OR_RETURN(absl::Time oldest, rows.Time(0, 1));
    *retry_after_seconds = std::max<int64_t>(
        1, absl::ToInt64Seconds(absl::Ceil(oldest + absl::Hours(1) - now, absl::Seconds(1))));
    return absl::ResourceExhaustedError(absl::StrCat(
        "this event had ", n, " CSV imports in the last hour, the limit of ", limit,
        " imports per hour; try again in ", (*retry_after_seconds + 59) / 60, " minute(s)"));
  }
  return c
      .Exec("INSERT INTO guest_imports (event_id, imported_at, guests_added) VALUES (?, ?, ?)",
            {sql::Int(event_id), now, sql::Int(guests_added)})
      .status();
}

Response QuotaResponse(const absl::Status& refusal, int64_t retry_after_seconds) {
  const std::string message(refusal.message());
  if (retry_after_seconds <= 0) return Response::Error(409, "quota_exceeded", message);
  Response res = Response::Error(429, "rate_limited", message);
  res.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return res;
}

}  // namespace guestguard::server
