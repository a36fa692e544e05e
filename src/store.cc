// Copyright 2026 GuestGuard authors.
#include "guestguard/store.h"

namespace guestguard {

absl::StatusOr<CheckState> Store::LoadCheckState(std::string_view event_id,
                                                 std::string_view guest_id) {
  auto policy = GetPolicy(event_id);
  if (!policy.ok()) return policy.status();
  auto guest = LoadGuestState(event_id, guest_id);
  if (!guest.ok()) return guest.status();
  return CheckState{*std::move(policy), *std::move(guest)};
}

std::string_view FeedbackVerdictName(FeedbackVerdict verdict) {
  return verdict == FeedbackVerdict::kLegitimate ? "legitimate" : "suspicious";
}

std::optional<FeedbackVerdict> ParseFeedbackVerdict(std::string_view name) {
  if (name == "legitimate") return FeedbackVerdict::kLegitimate;
  if (name == "suspicious") return FeedbackVerdict::kSuspicious;
  return std::nullopt;
}

}  // namespace guestguard
