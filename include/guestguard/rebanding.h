// Copyright 2026 GuestGuard authors.
//
// Re-reading recorded accesses in the light of what hosts changed since:
//   - RebandRecorded: the band a recorded score would get under other
//     thresholds (the threshold what-if, POST .../security/thresholds/preview);
//   - Relabel: the effective label of a recorded access now that its client
//     address may be allowlisted or a host may have marked it legitimate
//     (activity items' `effective`).
// Both work on the record alone: the original score and band are never
// rewritten, and nothing is re-scored. They sit beside the scorer because
// they restate none of its rules: re-banding recombines the recorded
// findings with HeuristicScorer::Combine.
//
//   Band b = RebandRecorded(record, candidate);
//   std::optional<EffectiveLabel> e = Relabel(record, *policy.allowlist, verdict);
//
// Thread-safe: pure functions.
#ifndef GUESTGUARD_REBANDING_H_
#define GUESTGUARD_REBANDING_H_

#include <optional>
#include <string_view>

#include "guestguard/cidr.h"
#include "guestguard/scoring.h"
#include "guestguard/store.h"
#include "guestguard/thresholds.h"

namespace guestguard {

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

}  // namespace guestguard

#endif  // GUESTGUARD_REBANDING_H_
