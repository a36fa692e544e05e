// Copyright 2026 GuestGuard authors.
//
// Replays a simulated event through the real pipeline — Guard::Check and
// Guard::RecordFeedback on a memory store, with the event's time — and keeps
// what each access ended as, next to its ground truth.
#ifndef GUESTGUARD_BENCH_DETECTION_REPLAY_H_
#define GUESTGUARD_BENCH_DETECTION_REPLAY_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "bench/detection/simulation.h"
#include "guestguard/scoring.h"
#include "guestguard/thresholds.h"

namespace guestguard::detection {

// One finding of a verdict, compactly: an index into FindingCodes() and its sub-score.
struct Finding {
  uint8_t code = 0;
  uint8_t score = 0;
};
const std::vector<std::string>& FindingCodes();

struct Outcome {
  int score = 0;
  Band band = Band::kLow;
  bool preview = false;
  bool allowed = true;
  bool learned = false;  // The access taught the baseline.
  bool capped = false;   // Carries single_signal_cap.
  int uncapped = 0;      // The combination without caps (strong_signal_score = 0).
  bool surplus = false;  // A check-in from a new device beyond 1 + plus-ones.
  std::vector<Finding> findings;
};

struct GuestEnd {
  bool poisoned = false;  // The baseline holds a device or network its party never used.
  bool stuck = false;     // A legitimate guest: > 2 consecutive Review and never low again.
  bool legit_seen = false;
};

struct EventResult {
  std::vector<Outcome> outcomes;  // Parallel to SimEvent::accesses.
  std::vector<GuestEnd> guests;
};

struct ReplayOptions {
  Mode mode = Mode::kPage;
  ScoringOptions scoring;  // fingerprint_expected is set from the mode.
  Thresholds thresholds;
  bool venue_allowlisted = false;
  double host_review = 0.5;
  uint64_t seed = 0;
};

EventResult Replay(const SimEvent& event, const ReplayOptions& options, int event_index);

// The score `findings` combine to for `thresholds` (HeuristicScorer::Combine).
Verdict Recombine(const HeuristicScorer& scorer, const std::vector<Finding>& findings,
                  const Thresholds& thresholds);

}  // namespace guestguard::detection

#endif  // GUESTGUARD_BENCH_DETECTION_REPLAY_H_
