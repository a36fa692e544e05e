// Copyright 2026 GuestGuard authors.
//
// Risk scoring. A Scorer turns one access plus the guest's baseline into a
// 0-100 score with reasons. The built-in HeuristicScorer looks at four things:
//   - device fingerprint vs the guest's known devices (a few moved components
//     score lower than a different device);
//   - client IP vs known addresses (same /24 or /48 scores lower than a new
//     network; many networks in a short window scores higher);
//   - missing client signals, and automation user agents;
//   - repeated use of the same token in a sliding window.
// The strongest finding leads and the others add `secondary_weight` of theirs.
// Single-signal cap: the score reaches the event's *high* threshold only when
// at least two findings are >= `strong_signal_score`; otherwise it stops at
// high - 1. A first access (empty baseline) has nothing to differ from, so
// only signals and velocity count.
//
//   guestguard::HeuristicScorer scorer(guestguard::ScoringOptions{});
//   guestguard::Verdict v = scorer.Evaluate({attempt, features, baseline, uses, thresholds});
#ifndef GUESTGUARD_SCORING_H_
#define GUESTGUARD_SCORING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/access.h"
#include "guestguard/baseline.h"
#include "guestguard/thresholds.h"

namespace guestguard {

// Every weight and window of the heuristic scorer. Scores are 0-100.
struct ScoringOptions {
  int fingerprint_mismatch_score = 75;  // Default: 75. A different device.
  int fingerprint_partial_score = 25;   // Default: 25. Same device, a few components moved.
  // A changed fingerprint is "partial" when at least this many components were
  // compared and at most `max_moved_components` differ. Default: 2 / 1.
  int min_compared_components = 2;
  int max_moved_components = 1;

  int ip_same_network_score = 15;  // Default: 15. New address in a known /24 or /48.
  int new_network_score = 45;      // Default: 45. A network never seen for this guest.
  int network_hopping_score = 80;  // Default: 80. Too many networks in the window.
  // Distinct networks (known ones seen in the window, plus this one) that count
  // as hopping. Default: 3 within 1 hour.
  int network_hopping_count = 3;
  absl::Duration network_hopping_window = absl::Hours(1);

  int missing_fingerprint_score = 30;    // Default: 30.
  int missing_user_agent_score = 40;     // Default: 40.
  int missing_locale_score = 15;         // Default: 15. Neither language nor timezone.
  int missing_client_ip_score = 10;      // Default: 10.
  int automation_user_agent_score = 85;  // Default: 85.
  // Case-insensitive substrings that mark an automation user agent.
  // Default: headless browsers, curl, wget, scripting/HTTP libraries, crawlers.
  std::vector<std::string> automation_markers = {
      "headless",   "phantomjs", "selenium",    "puppeteer",  "playwright", "curl/",
      "wget/",      "python-",   "python/",     "aiohttp",    "httpx",      "go-http-client",
      "java/",      "okhttp",    "libwww-perl", "scrapy",     "node-fetch", "axios/",
      "httpclient", "spider",    "crawler",     "powershell/"};

  // Uses of one token in `velocity_window` beyond `velocity_free_uses` score
  // velocity_base_score + velocity_step_score per further use (max 100).
  // Default: more than 5 uses in 10 minutes → 50, +10 per use.
  absl::Duration velocity_window = absl::Minutes(10);
  int velocity_free_uses = 5;
  int velocity_base_score = 50;
  int velocity_step_score = 10;

  // Combination: the strongest finding + this share of each other one.
  double secondary_weight = 0.15;  // Default: 0.15. Within [0, 1].
  // Single-signal cap: findings >= this needed (at least two) to reach high.
  int strong_signal_score = 70;  // Default: 70.

  // OK, or InvalidArgument naming the first bad field.
  [[nodiscard]] absl::Status Validate() const;
};

// What a scorer sees. References are valid for the duration of the call only.
struct ScoringContext {
  const AccessAttempt& attempt;
  const AccessFeatures& features;
  const Baseline& baseline;
  int recent_uses = 1;  // Uses of this token in the velocity window, this one included.
  Thresholds thresholds;
  // The built-in verdict when a pluggable scorer runs after it; null otherwise.
  const Verdict* heuristic = nullptr;
};

// A pluggable scorer (a remote model, rules of your own). Must be thread-safe.
// Guard runs it with a deadline; on timeout or error the heuristic verdict
// stands. The returned band is advisory: Guard re-bands against the event.
class Scorer {
 public:
  virtual ~Scorer() = default;
  [[nodiscard]] virtual absl::StatusOr<Verdict> Score(const ScoringContext& context) = 0;
};

// The built-in heuristic scorer. Immutable; thread-safe.
class HeuristicScorer final : public Scorer {
 public:
  // `options` must be valid (see Create()); Evaluate clamps regardless.
  explicit HeuristicScorer(ScoringOptions options);
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<HeuristicScorer>> Create(
      ScoringOptions options);

  Verdict Evaluate(const ScoringContext& context) const;
  absl::StatusOr<Verdict> Score(const ScoringContext& context) override {
    return Evaluate(context);
  }

  const ScoringOptions& options() const { return options_; }

 private:
  ScoringOptions options_;
};

}  // namespace guestguard

#endif  // GUESTGUARD_SCORING_H_
