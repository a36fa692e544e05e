// Copyright 2026 GuestGuard authors.
#include "guestguard/rebanding.h"

#include <algorithm>

#include "guestguard/access.h"

namespace guestguard {
namespace {

bool HasReason(const AccessRecord& record, std::string_view code) {
  return std::any_of(record.reasons.begin(), record.reasons.end(),
                     [&](const Reason& r) { return r.code == code; });
}

bool RefusedForToken(const AccessRecord& record) {
  return HasReason(record, reason::kTokenRevoked) || HasReason(record, reason::kTokenExpired);
}

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

}  // namespace guestguard
