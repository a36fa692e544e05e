// Copyright 2026 GuestGuard authors.
//
// The value types of one use of a guest link: what the client sent (an
// AccessAttempt with its ClientSignals), why it scored what it did (Reason),
// and the scored result (Verdict). Plain value types; thread-compatible.
#ifndef GUESTGUARD_ACCESS_H_
#define GUESTGUARD_ACCESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "guestguard/thresholds.h"

namespace guestguard {

enum class AccessKind : uint8_t { kOpen, kRsvp, kCheckin };

// Wire name: "open", "rsvp", "checkin".
std::string_view AccessKindName(AccessKind kind);
std::optional<AccessKind> ParseAccessKind(std::string_view name);

// What the client told us about itself. Empty string = not sent. Any bytes:
// Guard::Check scores and records each with the bytes that are not UTF-8,
// and NULs, replaced by U+FFFD (text every store can keep).
struct ClientSignals {
  std::string user_agent;
  std::string fingerprint;  // The client's device fingerprint hash.
  // Optional fingerprint components; they let a partly changed device be told
  // apart from a different one.
  std::string timezone;
  std::string language;
  std::string screen;
  std::string platform;
};

struct AccessAttempt {
  // Guard::Check overwrites these two from the verified token.
  std::string event_id;
  std::string guest_id;
  AccessKind kind = AccessKind::kOpen;
  // When it happened. Default (InfinitePast): Guard::Check uses its clock.
  absl::Time at = absl::InfinitePast();
  // Textual IPv4/IPv6 address of the client; empty when unknown.
  std::string client_ip;
  ClientSignals signals;
  // The people this link admits (1 + the guest's plus-ones); 0 = not known.
  // When set, a `checkin` from a device beyond this many distinct admitted
  // devices is refused (reason "checkin_limit"), and the link-sharing rule
  // allows for that many people's devices before it counts a stranger.
  int max_checkins = 0;
};

// Stable reason codes. A scorer may add its own.
namespace reason {
inline constexpr std::string_view kAllowlisted = "allowlisted";
inline constexpr std::string_view kFingerprintMismatch = "fingerprint_mismatch";
inline constexpr std::string_view kFingerprintPartial = "fingerprint_partial";
inline constexpr std::string_view kIpChangedSameNetwork = "ip_changed_same_network";
inline constexpr std::string_view kNewNetwork = "new_network";
inline constexpr std::string_view kNetworkHopping = "network_hopping";
inline constexpr std::string_view kMissingFingerprint = "missing_fingerprint";
inline constexpr std::string_view kMissingUserAgent = "missing_user_agent";
inline constexpr std::string_view kMissingLocale = "missing_locale";
inline constexpr std::string_view kMissingClientIp = "missing_client_ip";
inline constexpr std::string_view kAutomationUserAgent = "automation_user_agent";
inline constexpr std::string_view kRepeatedAccess = "repeated_access";
inline constexpr std::string_view kSingleSignalCap = "single_signal_cap";
inline constexpr std::string_view kHeldBelowBlock = "held_below_block";
inline constexpr std::string_view kFingerprintInconsistent = "fingerprint_inconsistent";
inline constexpr std::string_view kNewDeviceKnownNetwork = "new_device_known_network";
inline constexpr std::string_view kScorerTimeout = "scorer_timeout";
inline constexpr std::string_view kScorerUnavailable = "scorer_unavailable";
inline constexpr std::string_view kTokenExpired = "token_expired";
inline constexpr std::string_view kTokenRevoked = "token_revoked";
inline constexpr std::string_view kLinkPreview = "link_preview";
inline constexpr std::string_view kScriptedClient = "scripted_client";
inline constexpr std::string_view kLocaleMismatch = "locale_mismatch";
inline constexpr std::string_view kLinkForwarded = "link_forwarded";
inline constexpr std::string_view kLinkShared = "link_shared";
inline constexpr std::string_view kConcurrentUse = "concurrent_use";
inline constexpr std::string_view kCheckinLimit = "checkin_limit";
}  // namespace reason

// One explained contribution to a score.
struct Reason {
  std::string code;     // One of `reason::k*`, or a custom scorer's own code.
  int score = 0;        // This finding's sub-score, 0-100.
  std::string message;  // A sentence a host can read.

  friend bool operator==(const Reason&, const Reason&) = default;
};

// A scored access: 0-100, the band against some thresholds, and why.
struct Verdict {
  int score = 0;
  Band band = Band::kLow;
  std::vector<Reason> reasons;
};

// Reason codes that are conclusive on their own: they are exempt from the
// single-signal cap and are the only way into the block band (automation,
// a scripted client, a link shared beyond its party, a surplus check-in).
bool IsConclusiveReason(std::string_view code);

// Reason codes the built-in heuristic scores (its findings, not the caps or
// notes it adds): a verdict made of these alone can be recombined for other
// thresholds with HeuristicScorer::Combine.
bool IsHeuristicFinding(std::string_view code);

}  // namespace guestguard

#endif  // GUESTGUARD_ACCESS_H_
