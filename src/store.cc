// Copyright 2026 GuestGuard authors.
#include "guestguard/store.h"

namespace guestguard {

std::string_view FeedbackVerdictName(FeedbackVerdict verdict) {
  return verdict == FeedbackVerdict::kLegitimate ? "legitimate" : "suspicious";
}

std::optional<FeedbackVerdict> ParseFeedbackVerdict(std::string_view name) {
  if (name == "legitimate") return FeedbackVerdict::kLegitimate;
  if (name == "suspicious") return FeedbackVerdict::kSuspicious;
  return std::nullopt;
}

}  // namespace guestguard
