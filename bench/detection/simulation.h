// Copyright 2026 GuestGuard authors.
//
// The detection benchmark's simulator (shared/DETECTION.md §5): events of
// guests whose devices, networks and habits follow the published behaviour of
// §2, with the fraud scenarios of §3 injected, each access labelled with its
// ground truth. Deterministic: the same seed and parameters give the same
// accesses (SplitMix64 sub-streams per event and per person).
#ifndef GUESTGUARD_BENCH_DETECTION_SIMULATION_H_
#define GUESTGUARD_BENCH_DETECTION_SIMULATION_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "guestguard/access.h"

namespace guestguard::detection {

inline constexpr char kSimulatorVersion[] = "1.0";

enum class Label { kLegitHuman, kLegitBot, kFraudHuman, kFraudBot };
const char* LabelName(Label label);
inline bool IsFraud(Label l) { return l == Label::kFraudHuman || l == Label::kFraudBot; }

// How the guest's side reaches the engine (DETECTION.md §1).
enum class Mode {
  kPage,        // A: the invitation page sends the fingerprint and its components.
  kNavigation,  // B: plain navigation; user agent and Accept-Language only.
};
const char* ModeName(Mode mode);

// The fraud scenario injected into a run; kNone for a clean run; kMixed
// draws one of F1-F10 for each targeted guest (the §5.2 mixed run).
enum class Fraud { kNone, kF1, kF2, kF3a, kF3b, kF4, kF5, kF6, kF7, kF8, kF9, kF10, kMixed };
const char* FraudName(Fraud fraud);

// Swept parameters (§5.2-5.3); the defaults are the middle of each range.
struct WorldParams {
  double mobile_share = 0.55;       // Of devices. Swept 0.4-0.7.
  double relay_share = 0.15;        // iCloud Private Relay among Safari users. Swept 0-0.3.
  double vpn_share = 0.10;          // VPN users. Swept 0-0.25.
  double enterprise_share = 0.25;   // Guests behind a mail scanner. Swept 0.1-0.4.
  double scanner_runs_js = 0.5;     // Scanners that run the page (send a fingerprint): 0, 0.5, 1.
  double multi_device_share = 0.4;  // L15: RSVP or check in on another device. Swept 0.2-0.6.
  double family_switch = 0.3;       // Dual stack: address family flip per visit (§5.3).
  double external_screen = 0.10;    // Laptops whose screen trait moves per visit. Swept 5-15%.
  double chat_share = 0.3;          // Links also shared in chat apps (previews).
  double host_review = 0.5;         // Share of flagged accesses a host gives a verdict on.
  bool venue_allowlisted = false;   // Venue Wi-Fi on the allowlist (half of the runs).
};

// One access of the replay, in time order within its event.
struct SimAccess {
  int64_t at = 0;  // Unix seconds.
  int guest = 0;   // Index of the guest (token) in the event.
  AccessKind kind = AccessKind::kOpen;
  std::string client_ip;
  ClientSignals signals;
  Label label = Label::kLegitHuman;
  std::string scenario;          // "L1".."L15", "F1".."F10"; the most specific that applies.
  int incident = -1;             // Fraud incident id within the event, or -1.
  int person = 0;                // Who is behind it (unique within the event); bots: -1.
  int device = 0;                // Which device of that person (unique within the event); bots: -1.
  bool surplus_checkin = false;  // A check-in beyond 1 + plus-ones (F7/F8).
  bool guest_active = false;     // The guest's own device used the link within 2 hours before.
  int foreign_index = 0;         // F3: 1-based order of this person's first use among strangers.
};

struct SimGuest {
  int plus_ones = 0;  // Allowed.
  bool destination = false;
};

struct SimEvent {
  int64_t starts_at = 0;
  std::string venue_cidr;  // The venue Wi-Fi /24.
  std::vector<SimGuest> guests;
  std::vector<SimAccess> accesses;  // Sorted by time (stable).
  int incidents = 0;
};

// Builds event `index` of a run: `size` guests, clean or with `fraud` injected
// into `fraud_share` of the guests (at least one).
SimEvent BuildEvent(uint64_t seed, int index, int size, Mode mode, Fraud fraud, double fraud_share,
                    const WorldParams& params);

// SplitMix64: independent, reproducible sub-stream seeds.
uint64_t SplitMix64(uint64_t x);
using Rng = std::mt19937_64;
Rng SubStream(uint64_t seed, uint64_t a, uint64_t b = 0, uint64_t c = 0);

}  // namespace guestguard::detection

#endif  // GUESTGUARD_BENCH_DETECTION_SIMULATION_H_
