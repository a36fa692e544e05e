// Copyright 2026 GuestGuard authors.
#include "guestguard/thresholds.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace guestguard {

std::string_view BandName(Band band) {
  switch (band) {
    case Band::kLow:
      return "low";
    case Band::kMedium:
      return "medium";
    case Band::kHigh:
      return "high";
    case Band::kBlock:
      return "block";
  }
  return "block";
}

std::string_view BandLabel(Band band) {
  switch (band) {
    case Band::kLow:
      return "Verified";
    case Band::kMedium:
      return "Review";
    case Band::kHigh:
      return "Suspicious";
    case Band::kBlock:
      return "Blocked";
  }
  return "Blocked";
}

std::optional<Band> ParseBand(std::string_view name) {
  for (Band b : {Band::kLow, Band::kMedium, Band::kHigh, Band::kBlock}) {
    if (BandName(b) == name) return b;
  }
  return std::nullopt;
}

absl::Status Thresholds::Validate() const {
  if (medium <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("medium (", medium, ") must be above 0"));
  }
  if (medium >= high) {
    return absl::InvalidArgumentError(
        absl::StrCat("medium (", medium, ") must be below high (", high, ")"));
  }
  if (high >= block) {
    return absl::InvalidArgumentError(
        absl::StrCat("high (", high, ") must be below block (", block, ")"));
  }
  if (block > 100) {
    return absl::InvalidArgumentError(absl::StrCat("block (", block, ") must be at most 100"));
  }
  return absl::OkStatus();
}

Band Thresholds::BandOf(int score) const {
  score = std::clamp(score, 0, 100);
  if (score < medium) return Band::kLow;
  if (score < high) return Band::kMedium;
  if (score < block) return Band::kHigh;
  return Band::kBlock;
}

}  // namespace guestguard
