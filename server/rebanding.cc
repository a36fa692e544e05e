// Copyright 2026 GuestGuard authors.
#include "server/rebanding.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "boost/json/object.hpp"
#include "guestguard/access.h"
#include "internal/status_macros.h"

namespace guestguard::server {
namespace {

bool HasReason(const AccessRecord& record, std::string_view code) {
  return std::any_of(record.reasons.begin(), record.reasons.end(),
                     [&](const Reason& r) { return r.code == code; });
}

bool RefusedForToken(const AccessRecord& record) {
  return HasReason(record, reason::kTokenRevoked) || HasReason(record, reason::kTokenExpired);
}

// Ids per verdict query. Every query has exactly this many placeholders (the
// last id repeats), so PostgreSQL prepares one statement, not one per count.
constexpr size_t kVerdictChunk = 100;
constexpr size_t kMaxVerdictIds = 1000;

}  // namespace

Band RebandRecorded(const AccessRecord& record, const Thresholds& thresholds,
                    const HeuristicScorer& scorer) {
  if (RefusedForToken(record)) return Band::kBlock;
  const bool heuristic =
      !record.allowlisted &&
      std::any_of(record.reasons.begin(), record.reasons.end(),
                  [](const Reason& r) { return r.score > 0; }) &&
      std::all_of(record.reasons.begin(), record.reasons.end(),
                  [](const Reason& r) { return r.score == 0 || IsHeuristicFinding(r.code); });
  if (heuristic) return scorer.Combine(record.reasons, thresholds).band;
  int score = record.score;
  if (HasReason(record, reason::kSingleSignalCap)) score = std::min(score, thresholds.high - 1);
  return thresholds.BandOf(score);
}

std::string_view RelabelCauseName(RelabelCause cause) {
  return cause == RelabelCause::kAllowlisted ? "allowlisted" : "marked_legitimate";
}

std::optional<EffectiveLabel> Relabel(const AccessRecord& record, const CidrSet& allowlist,
                                      std::optional<FeedbackVerdict> verdict) {
  if (record.band == Band::kLow) return std::nullopt;
  if (verdict == FeedbackVerdict::kLegitimate) {
    return EffectiveLabel{Band::kLow, RelabelCause::kMarkedLegitimate};
  }
  if (verdict == FeedbackVerdict::kSuspicious || record.allowlisted || record.client_ip.empty() ||
      allowlist.empty() || RefusedForToken(record)) {
    return std::nullopt;
  }
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(record.client_ip);
  if (!ip.ok() || !allowlist.Contains(*ip)) return std::nullopt;
  return EffectiveLabel{Band::kLow, RelabelCause::kAllowlisted};
}

boost::json::value EffectiveJson(const std::optional<EffectiveLabel>& label) {
  if (!label) return nullptr;
  return boost::json::object{{"band", BandName(label->band)},
                             {"label", BandLabel(label->band)},
                             {"because", RelabelCauseName(label->because)}};
}

absl::StatusOr<std::map<int64_t, FeedbackVerdict>> LoadVerdicts(
    sql::Connection& c, std::string_view event_id, const std::vector<int64_t>& access_ids) {
  if (access_ids.size() > kMaxVerdictIds) {
    return absl::InternalError(absl::StrCat("LoadVerdicts: more than ", kMaxVerdictIds, " ids"));
  }
  std::string query =
      "SELECT access_log_id, verdict FROM guard_feedback WHERE event_id = ? AND access_log_id IN (";
  for (size_t i = 0; i < kVerdictChunk; ++i) query += i == 0 ? "?" : ", ?";
  query += ")";
  std::map<int64_t, FeedbackVerdict> out;
  for (size_t start = 0; start < access_ids.size(); start += kVerdictChunk) {
    std::vector<sql::Value> args = {sql::Text(event_id)};
    for (size_t i = 0; i < kVerdictChunk; ++i) {
      args.push_back(sql::Int(access_ids[std::min(start + i, access_ids.size() - 1)]));
    }
    GG_ASSIGN_OR_RETURN(sql::Rows rows, c.Query(query, args));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(const std::string verdict, rows.Text(i, 1));
      const std::optional<FeedbackVerdict> parsed = ParseFeedbackVerdict(verdict);
      if (!parsed) return absl::DataLossError("stored feedback has an unknown verdict");
      out[id] = *parsed;
    }
  }
  return out;
}

}  // namespace guestguard::server
