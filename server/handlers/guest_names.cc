// Copyright 2026 GuestGuard authors.
#include "server/handlers/guest_names.h"

#include <algorithm>
#include <set>

#include "guestguard/status_macros.h"
#include "server/roles.h"

namespace guestguard::server {
namespace {

// One statement shape for every call (the last id repeats to fill a short
// chunk), so the drivers prepare it once.
constexpr size_t kChunk = 50;

}  // namespace

absl::StatusOr<std::map<std::string, std::string>> LoadGuestNames(
    sql::Connection& c, int64_t event_id, const std::vector<std::string>& guest_ids) {
  std::set<int64_t> unique;
  for (const std::string& id : guest_ids) {
    if (std::optional<int64_t> n = ParseEventId(id)) unique.insert(*n);  // Same shape as guest ids.
  }
  const std::vector<int64_t> ids(unique.begin(), unique.end());
  std::map<std::string, std::string> names;
  if (ids.empty()) return names;
  std::string query = "SELECT id, name FROM guests WHERE event_id = ? AND id IN (";
  for (size_t i = 0; i < kChunk; ++i) query += i == 0 ? "?" : ", ?";
  query += ")";
  for (size_t start = 0; start < ids.size(); start += kChunk) {
    std::vector<sql::Value> args = {sql::Int(event_id)};
    for (size_t i = 0; i < kChunk; ++i) {
      args.push_back(sql::Int(ids[std::min(start + i, ids.size() - 1)]));
    }
    GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query(query, args));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(names[std::to_string(id)], rows.Text(i, 1));
    }
  }
  return names;
}

}  // namespace guestguard::server
