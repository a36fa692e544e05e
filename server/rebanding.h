// Copyright 2026 GuestGuard authors.
//
// Re-reading recorded accesses in the light of what hosts changed since:
//   - RebandRecorded: the band a recorded score would get under other
//     thresholds (the threshold what-if, POST .../security/thresholds/preview);
//   - Relabel: the effective label of a recorded access now that its client
//     address may be allowlisted or a host may have marked it legitimate
//     (activity items' `effective`).
// Both work on the record alone: the original score and band are never
// rewritten, and nothing is re-scored.
//
//   Band b = RebandRecorded(record, candidate);
//   std::optional<EffectiveLabel> e = Relabel(record, *policy.allowlist, verdict);
//
// Thread-safe: pure functions (LoadVerdicts reads the database only).
#ifndef GUESTGUARD_SERVER_REBANDING_H_
#define GUESTGUARD_SERVER_REBANDING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "guestguard/cidr.h"
#include "guestguard/scoring.h"
#include "guestguard/store.h"
#include "guestguard/thresholds.h"
#include "sql/sql.h"

namespace guestguard::server {

// The band `record` would have had under `thresholds`:
//   - an access refused for its token (reason token_revoked / token_expired)
//     stays block whatever the thresholds;
//   - a heuristic verdict (its scored reasons are all IsHeuristicFinding) is
//     recombined from its recorded sub-scores with `scorer.Combine`, because
//     the caps depend on the thresholds (one strong finding stops below
//     high, no conclusive one below block);
//   - otherwise (an allowlisted access, a preview, a remote scorer's own
//     verdict) thresholds.BandOf(record.score), a single_signal_cap reason
//     holding the score below the candidate high.
// `thresholds` must be valid.
Band RebandRecorded(const AccessRecord& record, const Thresholds& thresholds,
                    const HeuristicScorer& scorer);

// Why a recorded access now counts as low.
enum class RelabelCause { kAllowlisted, kMarkedLegitimate };
// Wire names: "allowlisted", "marked_legitimate".
std::string_view RelabelCauseName(RelabelCause cause);

struct EffectiveLabel {
  Band band = Band::kLow;  // Always low today: both causes clear an access.
  RelabelCause because = RelabelCause::kMarkedLegitimate;
};

// The access's effective label, or nullopt when nothing changed since it was
// recorded or it was recorded low already (so a non-null label always differs
// from the recorded band). A `legitimate` verdict wins (it names this very
// access); else an allowlist entry now covering record.client_ip, unless the
// access was refused for its token (an allowlist never makes a revoked or
// expired link valid). A `suspicious` verdict re-labels nothing, not even
// when the address is allowlisted since: the host's word on this very access
// wins either way.
std::optional<EffectiveLabel> Relabel(const AccessRecord& record, const CidrSet& allowlist,
                                      std::optional<FeedbackVerdict> verdict);

// {band, label, because} of `label`, or null.
boost::json::value EffectiveJson(const std::optional<EffectiveLabel>& label);

// The verdicts given on the accesses `access_ids` of `event_id` (ids the
// store issued), keyed by access id. At most 1000 ids per call.
absl::StatusOr<std::map<int64_t, FeedbackVerdict>> LoadVerdicts(
    sql::Connection& c, std::string_view event_id, const std::vector<int64_t>& access_ids);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_REBANDING_H_
