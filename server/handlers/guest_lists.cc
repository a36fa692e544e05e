// Copyright 2026 GuestGuard authors.
#include "server/handlers/guest_lists.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/rebanding.h"
#include "guestguard/status_macros.h"
#include "guestguard/store.h"
#include "guestguard/thresholds.h"
#include "server/handlers/guests.h"
#include "server/handlers/json_body.h"
#include "server/handlers/list_query.h"
#include "server/roles.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr int64_t kDefaultLimit = 100;
constexpr int64_t kMaxLimit = 500;
constexpr size_t kMaxSearch = 100;
// With a band or checked-in filter (computed from the store's summaries, not
// in SQL): guests read per query, and at most per request.
constexpr int64_t kScanChunk = 500;
constexpr int64_t kMaxScan = 5000;
constexpr char kGuestCursor[] = "g";
constexpr char kRsvpCursor[] = "r";

struct GuestFilters {
  std::string q;                    // "" for none.
  std::optional<std::string> rsvp;  // yes | no | maybe | none
  std::optional<Band> band;
  std::optional<bool> checked;
};

// The filters of the query string; InvalidArgument naming the first bad one.
absl::StatusOr<GuestFilters> ParseFilters(const Request& request) {
  GuestFilters f;
  if (auto it = request.query.find("q"); it != request.query.end()) {
    f.q = std::string(TrimSpaces(it->second));
    if (CodePoints(f.q) > kMaxSearch) {
      return absl::InvalidArgumentError("q must be at most 100 characters");
    }
  }
  if (auto it = request.query.find("rsvp"); it != request.query.end() && !it->second.empty()) {
    const std::string& v = it->second;
    if (v != "yes" && v != "no" && v != "maybe" && v != "none") {
      return absl::InvalidArgumentError("rsvp must be \"yes\", \"no\", \"maybe\" or \"none\"");
    }
    f.rsvp = v;
  }
  if (auto it = request.query.find("band"); it != request.query.end() && !it->second.empty()) {
    f.band = ParseBand(it->second);
    if (!f.band) {
      return absl::InvalidArgumentError("band must be \"low\", \"medium\", \"high\" or \"block\"");
    }
  }
  if (auto it = request.query.find("checked"); it != request.query.end() && !it->second.empty()) {
    if (it->second != "yes" && it->second != "no") {
      return absl::InvalidArgumentError("checked must be \"yes\" or \"no\"");
    }
    f.checked = it->second == "yes";
  }
  return f;
}

// One page's rows: kGuestColumns, then r.response, r.plus_ones, r.updated_at.
constexpr size_t kResponseColumn = 8;

absl::StatusOr<sql::Rows> QueryGuests(sql::Connection& c, int64_t event_id, int64_t after,
                                      const GuestFilters& f, int64_t n) {
  std::string q = std::string("SELECT ") + kGuestColumns +
                  ", r.response, r.plus_ones, r.updated_at"
                  " FROM guests g LEFT JOIN rsvps r ON r.guest_id = g.id"
                  " WHERE g.event_id = ? AND g.id > ?";
  std::vector<sql::Value> args = {sql::Int(event_id), sql::Int(after)};
  if (!f.q.empty()) {
    q += " AND (lower(g.name) LIKE ? ESCAPE '!' OR lower(g.email) LIKE ? ESCAPE '!')";
    args.push_back(sql::Text(LikePattern(f.q)));
    args.push_back(sql::Text(LikePattern(f.q)));
  }
  if (f.rsvp) {
    if (*f.rsvp == "none") {
      q += " AND r.guest_id IS NULL";
    } else {
      q += " AND r.response = ?";
      args.push_back(sql::Text(*f.rsvp));
    }
  }
  q += " ORDER BY g.id LIMIT ?";
  args.push_back(sql::Int(n));
  return c.Query(q, args);
}

}  // namespace

absl::StatusOr<Response> ListGuests(AppState& app, const Request& request, const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  absl::StatusOr<int64_t> limit = ParseLimit(request, kDefaultLimit, kMaxLimit);
  if (!limit.ok()) return limit.status();
  absl::StatusOr<GuestFilters> filters = ParseFilters(request);
  if (!filters.ok()) return filters.status();
  int64_t after = 0;
  if (auto it = request.query.find("cursor"); it != request.query.end()) {
    std::optional<std::vector<int64_t>> keys = DecodeCursor(it->second, kGuestCursor, 1);
    if (!keys) return absl::InvalidArgumentError("invalid cursor");
    after = (*keys)[0];
  }

  // Re-labels use the allowlist as it is now; read once, when first needed.
  std::shared_ptr<const CidrSet> allowlist;
  boost::json::array page;
  std::vector<int64_t> page_ids;
  int64_t total = 0;
  int64_t scanned = 0;
  int64_t last_scanned = after;
  bool exhausted = false;
  const bool scan = filters->band || filters->checked;
  const int64_t chunk = scan ? kScanChunk : *limit + 1;
  while (true) {
    sql::Rows rows;
    std::vector<std::string> ids;
    absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
      if (scanned == 0) {
        GG_ASSIGN_OR_RETURN(
            sql::Rows count,
            c.Query("SELECT COUNT(*) FROM guests WHERE event_id = ?", {sql::Int(scope.event_id)}));
        GG_ASSIGN_OR_RETURN(total, count.Int(0, 0));
      }
      GG_ASSIGN_OR_RETURN(rows, QueryGuests(c, scope.event_id, last_scanned, *filters, chunk));
      ids.clear();
      for (size_t i = 0; i < rows.size(); ++i) {
        GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(i, 0));
        ids.push_back(std::to_string(id));
      }
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    // The guests' newest accesses and check-ins (the library keys guests by
    // their decimal ids), then the verdicts on those that are not low.
    absl::StatusOr<std::map<std::string, GuestAccessSummary>> latest =
        app.store->SummarizeGuests(scope.event_key, ids);
    if (!latest.ok()) return latest.status();
    std::vector<std::string> access_ids;
    for (const auto& [guest, summary] : *latest) {
      if (summary.latest.band != Band::kLow) access_ids.push_back(summary.latest.id);
    }
    absl::StatusOr<std::map<std::string, FeedbackVerdict>> verdicts =
        app.store->GetVerdicts(scope.event_key, access_ids);
    if (!verdicts.ok()) return verdicts.status();
    for (size_t i = 0; i < rows.size(); ++i) {
      absl::StatusOr<boost::json::object> guest = GuestJson(rows, i);
      if (!guest.ok()) return guest.status();
      const int64_t id = rows.Int(i, 0).value_or(0);
      last_scanned = id;
      ++scanned;
      std::optional<Band> band;
      bool checked_in = false;
      if (auto l = latest->find(ids[i]); l != latest->end()) {
        const AccessRecord& newest = l->second.latest;
        checked_in = l->second.checked_in;
        band = newest.band;
        auto v = verdicts->find(newest.id);
        const std::optional<FeedbackVerdict> verdict =
            v == verdicts->end() ? std::nullopt : std::optional<FeedbackVerdict>(v->second);
        if (*band != Band::kLow && !allowlist) {
          absl::StatusOr<EventPolicy> policy = app.store->GetPolicy(scope.event_key);
          if (!policy.ok()) return policy.status();
          allowlist = policy->allowlist;
        }
        std::optional<EffectiveLabel> label =
            *band == Band::kLow ? std::nullopt : Relabel(newest, *allowlist, verdict);
        if (label) band = label->band;
      }
      if (filters->band && band != filters->band) continue;
      if (filters->checked && checked_in != *filters->checked) continue;
      boost::json::value rsvp = nullptr;
      if (!rows.IsNull(i, kResponseColumn)) {
        absl::StatusOr<boost::json::object> r = [&]() -> absl::StatusOr<boost::json::object> {
          GG_ASSIGN_OR_RETURN(std::string response, rows.Text(i, kResponseColumn));
          GG_ASSIGN_OR_RETURN(int64_t plus_ones, rows.Int(i, kResponseColumn + 1));
          GG_ASSIGN_OR_RETURN(absl::Time updated_at, rows.Time(i, kResponseColumn + 2));
          return boost::json::object{{"response", response},
                                     {"plus_ones", plus_ones},
                                     {"updated_at", FormatRfc3339(updated_at)}};
        }();
        if (!r.ok()) return r.status();
        rsvp = *std::move(r);
      }
      (*guest)["rsvp"] = std::move(rsvp);
      (*guest)["latest_band"] =
          band ? boost::json::value(BandName(*band)) : boost::json::value(nullptr);
      (*guest)["checked_in"] = checked_in;
      page.emplace_back(std::move(*guest));
      page_ids.push_back(id);
      if (static_cast<int64_t>(page.size()) > *limit) break;
    }
    if (static_cast<int64_t>(page.size()) > *limit) break;
    if (static_cast<int64_t>(rows.size()) < chunk) {
      exhausted = true;
      break;
    }
    if (!scan || scanned >= kMaxScan) break;
  }
  boost::json::object answer{{"guests", nullptr}, {"total", total}};
  if (static_cast<int64_t>(page.size()) > *limit) {
    page.resize(static_cast<size_t>(*limit));
    answer["next_cursor"] = EncodeCursor(kGuestCursor, {page_ids[static_cast<size_t>(*limit) - 1]});
  } else if (!exhausted) {
    answer["next_cursor"] = EncodeCursor(kGuestCursor, {last_scanned});  // Scan bound reached.
  }
  answer["guests"] = std::move(page);
  return Response::Json(200, answer);
}

absl::StatusOr<Response> ListRsvps(AppState& app, const Request& request, const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  absl::StatusOr<int64_t> limit = ParseLimit(request, kDefaultLimit, kMaxLimit);
  if (!limit.ok()) return limit.status();
  std::optional<std::string> filter;
  if (auto it = request.query.find("response"); it != request.query.end()) {
    if (it->second != "yes" && it->second != "no" && it->second != "maybe") {
      return absl::InvalidArgumentError("response must be \"yes\", \"no\" or \"maybe\"");
    }
    filter = it->second;
  }
  std::optional<std::vector<int64_t>> cursor;
  if (auto it = request.query.find("cursor"); it != request.query.end()) {
    cursor = DecodeCursor(it->second, kRsvpCursor, 2);
    if (!cursor) return absl::InvalidArgumentError("invalid cursor");
  }
  std::string query =
      "SELECT r.guest_id, g.name, r.response, r.plus_ones, r.updated_at"
      " FROM rsvps r JOIN guests g ON g.id = r.guest_id WHERE r.event_id = ?";
  std::vector<sql::Value> values = {sql::Int(scope.event_id)};
  if (filter) {
    query += " AND r.response = ?";
    values.push_back(sql::Text(*filter));
  }
  if (cursor) {
    const absl::Time at = absl::FromUnixMicros((*cursor)[0]);
    query += " AND (r.updated_at < ? OR (r.updated_at = ? AND r.guest_id < ?))";
    values.push_back(at);
    values.push_back(at);
    values.push_back(sql::Int((*cursor)[1]));
  }
  query += " ORDER BY r.updated_at DESC, r.guest_id DESC LIMIT ?";
  values.push_back(sql::Int(*limit + 1));
  sql::Rows rows;
  sql::Rows counts;
  int64_t guests = 0;
  absl::Status status = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query(query, values));
    GG_ASSIGN_OR_RETURN(counts, c.Query("SELECT response, COUNT(*), COALESCE(SUM(1 + plus_ones), 0)"
                                        " FROM rsvps WHERE event_id = ? GROUP BY response",
                                        {sql::Int(scope.event_id)}));
    GG_ASSIGN_OR_RETURN(sql::Rows n, c.Query("SELECT COUNT(*) FROM guests WHERE event_id = ?",
                                             {sql::Int(scope.event_id)}));
    GG_ASSIGN_OR_RETURN(guests, n.Int(0, 0));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  std::map<std::string, std::pair<int64_t, int64_t>> by_response;  // replies, heads
  for (size_t i = 0; i < counts.size(); ++i) {
    absl::Status read = [&]() -> absl::Status {
      GG_ASSIGN_OR_RETURN(std::string response, counts.Text(i, 0));
      GG_ASSIGN_OR_RETURN(by_response[response].first, counts.Int(i, 1));
      GG_ASSIGN_OR_RETURN(by_response[response].second, counts.Int(i, 2));
      return absl::OkStatus();
    }();
    if (!read.ok()) return read;
  }
  const int64_t yes = by_response["yes"].first;
  const int64_t no = by_response["no"].first;
  const int64_t maybe = by_response["maybe"].first;
  boost::json::object count_json{{"yes", yes},
                                 {"no", no},
                                 {"maybe", maybe},
                                 {"none", std::max<int64_t>(0, guests - yes - no - maybe)},
                                 {"heads", by_response["yes"].second},
                                 {"maybe_heads", by_response["maybe"].second}};
  boost::json::array rsvps;
  int64_t last_at = 0;
  int64_t last_guest = 0;
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < *limit; ++i) {
    absl::StatusOr<boost::json::object> item = [&]() -> absl::StatusOr<boost::json::object> {
      GG_ASSIGN_OR_RETURN(int64_t guest_id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(std::string guest_name, rows.Text(i, 1));
      GG_ASSIGN_OR_RETURN(std::string response, rows.Text(i, 2));
      GG_ASSIGN_OR_RETURN(int64_t plus_ones, rows.Int(i, 3));
      GG_ASSIGN_OR_RETURN(absl::Time updated_at, rows.Time(i, 4));
      last_at = absl::ToUnixMicros(updated_at);
      last_guest = guest_id;
      return boost::json::object{{"guest_id", std::to_string(guest_id)},
                                 {"guest_name", guest_name},
                                 {"response", response},
                                 {"plus_ones", plus_ones},
                                 {"updated_at", FormatRfc3339(updated_at)}};
    }();
    if (!item.ok()) return item.status();
    rsvps.emplace_back(std::move(*item));
  }
  boost::json::object answer{{"rsvps", std::move(rsvps)}, {"counts", std::move(count_json)}};
  if (static_cast<int64_t>(rows.size()) > *limit) {
    answer["next_cursor"] = EncodeCursor(kRsvpCursor, {last_at, last_guest});
  }
  return Response::Json(200, answer);
}

}  // namespace guestguard::server
