// Copyright 2026 GuestGuard authors.
#include "server/handlers/activity.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/access.h"
#include "guestguard/rebanding.h"
#include "guestguard/status_macros.h"
#include "guestguard/store.h"
#include "guestguard/thresholds.h"
#include "server/auth.h"
#include "server/handlers/guest_names.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr int kRsvpRank = 0;
constexpr int kAccessRank = 1;
constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 100;

// Up to 19 digits: every non-negative int64.
bool ParseDigits(std::string_view text, int64_t* out) {
  const std::optional<int64_t> n = ParseDecimal(text);
  if (n) *out = *n;
  return n.has_value();
}

struct Item {
  ActivityCursor key;
  boost::json::object json;
};

// The keyset condition "(time, rank, id) < cursor" for one source of rank
// `rank`, appended to `sql` with its parameters.
void AppendBefore(const std::optional<ActivityCursor>& cursor, int rank, std::string_view time_col,
                  std::string_view id_col, std::string* sql, std::vector<sql::Value>* args) {
  if (!cursor) return;
  const absl::Time at = absl::FromUnixMicros(cursor->at_micros);
  std::string t(time_col);
  if (rank < cursor->type_rank) {
    *sql += " AND " + t + " <= ?";
    args->push_back(at);
  } else if (rank > cursor->type_rank) {
    *sql += " AND " + t + " < ?";
    args->push_back(at);
  } else {
    *sql += " AND (" + t + " < ? OR (" + t + " = ? AND " + std::string(id_col) + " < ?))";
    args->push_back(at);
    args->push_back(at);
    args->push_back(sql::Int(cursor->id));
  }
}

absl::Status LoadRsvps(sql::Connection& c, int64_t event_id, std::optional<int64_t> guest_id,
                       const std::optional<ActivityCursor>& cursor, int64_t n,
                       std::vector<Item>* out) {
  std::string q =
      "SELECT r.guest_id, r.updated_at, r.response, r.plus_ones, g.name"
      " FROM rsvps r JOIN guests g ON g.id = r.guest_id WHERE r.event_id = ?";
  std::vector<sql::Value> args = {sql::Int(event_id)};
  if (guest_id) {
    q += " AND r.guest_id = ?";
    args.push_back(sql::Int(*guest_id));
  }
  AppendBefore(cursor, kRsvpRank, "r.updated_at", "r.guest_id", &q, &args);
  q += " ORDER BY r.updated_at DESC, r.guest_id DESC LIMIT ?";
  args.push_back(sql::Int(n));
  GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query(q, args));
  for (size_t i = 0; i < rows.size(); ++i) {
    GG_ASSIGN_OR_RETURN(int64_t guest_id, rows.Int(i, 0));
    GG_ASSIGN_OR_RETURN(absl::Time at, rows.Time(i, 1));
    GG_ASSIGN_OR_RETURN(std::string response, rows.Text(i, 2));
    GG_ASSIGN_OR_RETURN(int64_t plus_ones, rows.Int(i, 3));
    GG_ASSIGN_OR_RETURN(std::string name, rows.Text(i, 4));
    Item item;
    item.key = {absl::ToUnixMicros(at), kRsvpRank, guest_id};
    item.json = RsvpActivityItem(at, guest_id, name, response, plus_ones);
    out->push_back(std::move(item));
  }
  return absl::OkStatus();
}

// The store's page of accesses before the cursor (newest first by (at, id),
// the feed's order within the access rank).
absl::StatusOr<std::vector<AccessRecord>> LoadAccesses(Store& store, int64_t event_id,
                                                       std::optional<int64_t> guest_id,
                                                       const std::optional<ActivityCursor>& cursor,
                                                       int64_t n) {
  AccessPageQuery query;
  query.limit = static_cast<size_t>(n);
  if (guest_id) query.guest_id = std::to_string(*guest_id);
  if (cursor) {
    // After an RSVP at t every access at t came first (accesses rank above
    // RSVPs): the page starts strictly before t.
    query.after = AccessPosition{absl::FromUnixMicros(cursor->at_micros),
                                 cursor->type_rank == kAccessRank
                                     ? std::optional<std::string>(std::to_string(cursor->id))
                                     : std::nullopt};
  }
  return store.ListAccessPage(std::to_string(event_id), query);
}

// {band, label, because} of `label`, or null.
boost::json::value EffectiveJson(const std::optional<EffectiveLabel>& label) {
  if (!label) return nullptr;
  return boost::json::object{{"band", BandName(label->band)},
                             {"label", BandLabel(label->band)},
                             {"because", RelabelCauseName(label->because)}};
}

}  // namespace

boost::json::object RsvpActivityItem(absl::Time at, int64_t guest_id, std::string_view guest_name,
                                     std::string_view response, int64_t plus_ones) {
  return boost::json::object{
      {"type", "rsvp"},           {"at", FormatRfc3339(at)}, {"guest_id", std::to_string(guest_id)},
      {"guest_name", guest_name}, {"response", response},    {"plus_ones", plus_ones},
      {"decision", nullptr}};
}

boost::json::object AccessActivityItem(const AccessRecord& r, const boost::json::value& guest_name,
                                       const std::optional<EffectiveLabel>& effective) {
  boost::json::array reasons;
  for (const Reason& reason : r.reasons) {
    reasons.emplace_back(boost::json::object{
        {"code", reason.code}, {"score", reason.score}, {"message", reason.message}});
  }
  return boost::json::object{{"type", "access"},
                             {"at", FormatRfc3339(r.at)},
                             {"guest_id", r.guest_id},
                             {"guest_name", guest_name},
                             {"kind", AccessKindName(r.kind)},
                             {"client_ip", r.client_ip},
                             {"signals", boost::json::object{{"fingerprint", r.signals.fingerprint},
                                                             {"user_agent", r.signals.user_agent},
                                                             {"language", r.signals.language},
                                                             {"timezone", r.signals.timezone},
                                                             {"screen", r.signals.screen},
                                                             {"platform", r.signals.platform}}},
                             {"decision", boost::json::object{{"score", r.score},
                                                              {"band", BandName(r.band)},
                                                              {"label", BandLabel(r.band)},
                                                              {"allowlisted", r.allowlisted},
                                                              {"reasons", std::move(reasons)},
                                                              {"access_log_id", r.id}}},
                             {"effective", EffectiveJson(effective)}};
}

std::string EncodeActivityCursor(const ActivityCursor& cursor) {
  const std::string raw = std::to_string(cursor.at_micros) + ":" +
                          (cursor.type_rank == kRsvpRank ? "rsvp" : "access") + ":" +
                          std::to_string(cursor.id);
  return absl::WebSafeBase64Escape(raw);
}

std::optional<ActivityCursor> DecodeActivityCursor(std::string_view text) {
  if (text.empty() || text.size() > 128) return std::nullopt;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(text), &raw)) return std::nullopt;
  const size_t first = raw.find(':');
  if (first == std::string::npos) return std::nullopt;
  const size_t second = raw.find(':', first + 1);
  if (second == std::string::npos) return std::nullopt;
  ActivityCursor cursor;
  const std::string_view view(raw);
  const std::string_view type = view.substr(first + 1, second - first - 1);
  if (type == "rsvp") {
    cursor.type_rank = kRsvpRank;
  } else if (type == "access") {
    cursor.type_rank = kAccessRank;
  } else {
    return std::nullopt;
  }
  if (!ParseDigits(view.substr(0, first), &cursor.at_micros) ||
      !ParseDigits(view.substr(second + 1), &cursor.id)) {
    return std::nullopt;
  }
  // One text per cursor: no leading zeros, padding or stray low bits.
  if (EncodeActivityCursor(cursor) != text) return std::nullopt;
  return cursor;
}

absl::StatusOr<Response> ListActivity(AppState& app, const Request& request, const Params& params) {
  GG_ASSIGN_OR_RETURN(const User user, Authenticate(request, app));
  GG_RETURN_IF_ERROR(RequireRole(app, user, params.at("id"), Role::kViewer).status());
  const int64_t event_id = *ParseEventId(params.at("id"));

  int64_t limit = kDefaultLimit;
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    if (!ParseDigits(it->second, &limit) || limit < 1 || limit > kMaxLimit) {
      return absl::InvalidArgumentError("limit must be an integer from 1 to 100");
    }
  }
  std::optional<ActivityCursor> cursor;
  if (auto it = request.query.find("cursor"); it != request.query.end()) {
    cursor = DecodeActivityCursor(it->second);
    if (!cursor) return absl::InvalidArgumentError("invalid cursor");
  }

  std::optional<int64_t> guest_id;
  if (auto it = request.query.find("guest_id"); it != request.query.end()) {
    guest_id = ParseEventId(it->second);  // Same shape as event ids.
    if (!guest_id) return absl::InvalidArgumentError("guest_id must be a guest id");
  }

  // Up to limit + 1 of each source before the cursor; merged, the first
  // limit + 1 tell whether another page follows.
  std::vector<Item> items;
  GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    items.clear();
    return LoadRsvps(c, event_id, guest_id, cursor, limit + 1, &items);
  }));
  const std::string event_key = std::to_string(event_id);
  // One query each: the accesses, their verdicts, the names of only the
  // guests they name (RSVP rows carry their own), and the allowlist as it is
  // now for re-labelling (see guestguard/rebanding.h).
  GG_ASSIGN_OR_RETURN(const std::vector<AccessRecord> records,
                      LoadAccesses(*app.store, event_id, guest_id, cursor, limit + 1));
  std::vector<std::string> access_ids;
  for (const AccessRecord& r : records) access_ids.push_back(r.id);
  std::map<std::string, FeedbackVerdict> verdicts;
  std::map<std::string, std::string> guest_names;
  std::shared_ptr<const CidrSet> allowlist = std::make_shared<const CidrSet>();
  if (!records.empty()) {
    GG_ASSIGN_OR_RETURN(verdicts, app.store->GetVerdicts(event_key, access_ids));
    std::vector<std::string> guests;
    for (const AccessRecord& r : records) guests.push_back(r.guest_id);
    GG_RETURN_IF_ERROR(app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(guest_names, LoadGuestNames(c, event_id, guests));
      return absl::OkStatus();
    }));
    GG_ASSIGN_OR_RETURN(const EventPolicy policy, app.store->GetPolicy(event_key));
    allowlist = policy.allowlist;
  }
  for (const AccessRecord& record : records) {
    const std::optional<int64_t> id = ParseDecimal(record.id);  // Listed above: decimal.
    if (!id) return absl::InternalError("a non-decimal access id");
    auto name = guest_names.find(record.guest_id);
    Item item;
    item.key = {absl::ToUnixMicros(record.at), kAccessRank, *id};
    auto verdict = verdicts.find(record.id);
    item.json = AccessActivityItem(
        record,
        name == guest_names.end() ? boost::json::value(nullptr) : boost::json::value(name->second),
        Relabel(record, *allowlist,
                verdict == verdicts.end() ? std::nullopt
                                          : std::optional<FeedbackVerdict>(verdict->second)));
    items.push_back(std::move(item));
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return std::tie(a.key.at_micros, a.key.type_rank, a.key.id) >
           std::tie(b.key.at_micros, b.key.type_rank, b.key.id);
  });
  boost::json::value next_cursor = nullptr;
  if (items.size() > static_cast<size_t>(limit)) {
    items.resize(static_cast<size_t>(limit));
    next_cursor = boost::json::value(EncodeActivityCursor(items.back().key));
  }
  boost::json::array out;
  for (Item& item : items) out.emplace_back(std::move(item.json));
  return Response::Json(
      200, boost::json::object{{"items", std::move(out)}, {"next_cursor", std::move(next_cursor)}});
}

}  // namespace guestguard::server
