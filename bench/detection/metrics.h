// Copyright 2026 GuestGuard authors.
//
// The detection benchmark's metrics (DETECTION.md §5.5): per-event counters
// summarised from a replay, summed over a run, with bootstrap confidence
// intervals over events.
#ifndef GUESTGUARD_BENCH_DETECTION_METRICS_H_
#define GUESTGUARD_BENCH_DETECTION_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/detection/replay.h"
#include "bench/detection/simulation.h"

namespace guestguard::detection {

struct BandCounts {
  int64_t n = 0;
  std::array<int64_t, 4> band{};  // low, medium, high, block
  int64_t capped = 0;
  int64_t preview = 0;
  BandCounts& operator+=(const BandCounts& o);
};

// A numerator over a denominator.
struct Ratio {
  int64_t hits = 0;
  int64_t total = 0;
  Ratio& operator+=(const Ratio& o) {
    hits += o.hits;
    total += o.total;
    return *this;
  }
};

// Everything one event contributes.
struct EventStats {
  std::map<std::string, BandCounts> by_scenario;  // "<scenario> <label>"
  Ratio legit_high, legit_block, legit_review;    // legit human accesses (previews excluded)
  Ratio guest_high, guest_block;                  // legit guests with >= 1 such access
  Ratio door_refused;                             // legit check-ins within the party, refused
  Ratio bot_blocked, bot_review, bot_learned;     // legit_bot accesses
  Ratio fraud_medium, fraud_high, fraud_block;    // fraud accesses
  Ratio f1_active_high;              // F1 accesses while the guest's own device is active
  Ratio f3_after_third_blocked;      // F3a: accesses of the 4th and later strangers
  Ratio f3b_incident_high_by_third;  // F3b: incidents with a Suspicious+ among the first 3
  Ratio surplus_refused;             // check-ins beyond 1 + plus-ones from new devices
  Ratio f9_flagged;                  // F9: incidents flagged >= medium once the guest shows up
  Ratio incident_before_checkin;     // incidents flagged before the first fraud check-in
  Ratio poisoned, stuck;             // guests
  // Precision: of the accesses (previews excluded) at >= medium / >= high,
  // those that were fraud; of the guests with an access >= high, those attacked.
  Ratio precision_medium, precision_high, guest_precision_high;
  EventStats& operator+=(const EventStats& o);
};

EventStats Summarise(const SimEvent& event, const EventResult& result);

// 2.5% and 97.5% quantiles of `stat` over `resamples` bootstrap draws of events.
std::pair<double, double> BootstrapInterval(const std::vector<EventStats>& events,
                                            Ratio EventStats::*stat, uint64_t seed,
                                            int resamples = 200);

inline double Share(const Ratio& r) {
  return r.total == 0 ? 0.0 : static_cast<double>(r.hits) / static_cast<double>(r.total);
}

}  // namespace guestguard::detection

#endif  // GUESTGUARD_BENCH_DETECTION_METRICS_H_
