// Copyright 2026 GuestGuard authors.
//
// Thresholds and bands. Every event has three thresholds `{medium, high,
// block}` (default 30 / 60 / 85) that cut the 0-100 risk score into four
// bands. A threshold set is valid iff 0 < medium < high < block <= 100.
//
//   guestguard::Thresholds t;                      // the defaults
//   guestguard::Band b = t.BandOf(72);             // Band::kHigh
//   std::string_view shown = BandLabel(b);         // "Suspicious"
#ifndef GUESTGUARD_THRESHOLDS_H_
#define GUESTGUARD_THRESHOLDS_H_

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace guestguard {

// The exported defaults; clients read these instead of repeating the numbers.
inline constexpr int kDefaultMediumThreshold = 30;
inline constexpr int kDefaultHighThreshold = 60;
inline constexpr int kDefaultBlockThreshold = 85;

// Ordered from least to most risky; comparisons (`band >= Band::kHigh`) are meaningful.
enum class Band { kLow = 0, kMedium = 1, kHigh = 2, kBlock = 3 };

// Wire name: "low", "medium", "high", "block".
std::string_view BandName(Band band);
// Friendly label shown to hosts: "Verified", "Review", "Suspicious", "Blocked".
std::string_view BandLabel(Band band);
// Inverse of BandName(); nullopt for anything else.
std::optional<Band> ParseBand(std::string_view name);

// One event's thresholds. A plain value type; thread-compatible.
struct Thresholds {
  int medium = kDefaultMediumThreshold;  // Default: 30.
  int high = kDefaultHighThreshold;      // Default: 60.
  int block = kDefaultBlockThreshold;    // Default: 85.

  static constexpr Thresholds Defaults() { return Thresholds{}; }

  // OK iff 0 < medium < high < block <= 100; otherwise InvalidArgument naming
  // the first rule that fails, e.g. "medium (60) must be below high (60)".
  [[nodiscard]] absl::Status Validate() const;

  // Band of `score`: < medium low, < high medium, < block high, else block.
  // Scores outside 0-100 are clamped first.
  Band BandOf(int score) const;

  friend bool operator==(const Thresholds&, const Thresholds&) = default;
};

}  // namespace guestguard

#endif  // GUESTGUARD_THRESHOLDS_H_
