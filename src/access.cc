// Copyright 2026 GuestGuard authors.
#include "guestguard/access.h"

namespace guestguard {

std::string_view AccessKindName(AccessKind kind) {
  switch (kind) {
    case AccessKind::kOpen:
      return "open";
    case AccessKind::kRsvp:
      return "rsvp";
    case AccessKind::kCheckin:
      return "checkin";
  }
  return "open";
}

std::optional<AccessKind> ParseAccessKind(std::string_view name) {
  for (AccessKind k : {AccessKind::kOpen, AccessKind::kRsvp, AccessKind::kCheckin}) {
    if (AccessKindName(k) == name) return k;
  }
  return std::nullopt;
}

bool IsHeuristicFinding(std::string_view code) {
  for (std::string_view c :
       {reason::kFingerprintMismatch, reason::kFingerprintPartial, reason::kFingerprintInconsistent,
        reason::kNewDeviceKnownNetwork, reason::kLocaleMismatch, reason::kIpChangedSameNetwork,
        reason::kNewNetwork, reason::kNetworkHopping, reason::kLinkForwarded, reason::kLinkShared,
        reason::kConcurrentUse, reason::kMissingFingerprint, reason::kMissingUserAgent,
        reason::kMissingLocale, reason::kMissingClientIp, reason::kAutomationUserAgent,
        reason::kScriptedClient, reason::kRepeatedAccess, reason::kCheckinLimit}) {
    if (code == c) return true;
  }
  return false;
}

bool IsConclusiveReason(std::string_view code) {
  return code == reason::kAutomationUserAgent || code == reason::kScriptedClient ||
         code == reason::kLinkShared || code == reason::kCheckinLimit ||
         code == reason::kTokenExpired || code == reason::kTokenRevoked;
}

}  // namespace guestguard
