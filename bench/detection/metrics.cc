// Copyright 2026 GuestGuard authors.
#include "bench/detection/metrics.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"

namespace guestguard::detection {

BandCounts& BandCounts::operator+=(const BandCounts& o) {
  n += o.n;
  for (size_t i = 0; i < band.size(); ++i) band[i] += o.band[i];
  capped += o.capped;
  preview += o.preview;
  return *this;
}

EventStats& EventStats::operator+=(const EventStats& o) {
  for (const auto& [key, counts] : o.by_scenario) by_scenario[key] += counts;
  for (Ratio EventStats::*r : {&EventStats::legit_high,
                               &EventStats::legit_block,
                               &EventStats::legit_review,
                               &EventStats::guest_high,
                               &EventStats::guest_block,
                               &EventStats::door_refused,
                               &EventStats::bot_blocked,
                               &EventStats::bot_review,
                               &EventStats::bot_learned,
                               &EventStats::fraud_medium,
                               &EventStats::fraud_high,
                               &EventStats::fraud_block,
                               &EventStats::f1_active_high,
                               &EventStats::f3_after_third_blocked,
                               &EventStats::f3b_incident_high_by_third,
                               &EventStats::surplus_refused,
                               &EventStats::f9_flagged,
                               &EventStats::incident_before_checkin,
                               &EventStats::poisoned,
                               &EventStats::stuck,
                               &EventStats::precision_medium,
                               &EventStats::precision_high,
                               &EventStats::guest_precision_high}) {
    this->*r += o.*r;
  }
  return *this;
}

namespace {
void Count(Ratio& r, bool hit) {
  ++r.total;
  if (hit) ++r.hits;
}
}  // namespace

EventStats Summarise(const SimEvent& ev, const EventResult& res) {
  EventStats s;
  const size_t n_guests = ev.guests.size();
  std::vector<bool> guest_high(n_guests, false), guest_block(n_guests, false),
      guest_legit(n_guests, false), guest_flagged_high(n_guests, false),
      guest_attacked(n_guests, false);
  struct Incident {
    bool flagged_before_checkin = false;
    bool saw_checkin = false;
    bool high_by_third = false;
    bool is_f3b = false;
    bool is_f9 = false;
    bool hijacker_seen = false;
    bool guest_arrived = false;
    bool flagged_after_arrival = false;
  };
  std::map<std::pair<int, int>, Incident> incidents;  // (guest, incident)
  for (size_t i = 0; i < ev.accesses.size(); ++i) {
    const SimAccess& a = ev.accesses[i];
    const Outcome& o = res.outcomes[i];
    const auto b = static_cast<size_t>(o.band);
    BandCounts& bc = s.by_scenario[absl::StrCat(a.scenario, " ", LabelName(a.label))];
    ++bc.n;
    ++bc.band[b];
    if (o.capped) ++bc.capped;
    if (o.preview) ++bc.preview;
    const auto g = static_cast<size_t>(a.guest);
    if (!o.preview) {
      if (o.band >= Band::kMedium) Count(s.precision_medium, IsFraud(a.label));
      if (o.band >= Band::kHigh) Count(s.precision_high, IsFraud(a.label));
      guest_flagged_high[g] = guest_flagged_high[g] || o.band >= Band::kHigh;
    }
    guest_attacked[g] = guest_attacked[g] || IsFraud(a.label);
    switch (a.label) {
      case Label::kLegitHuman:
        guest_legit[g] = true;
        Count(s.legit_high, o.band >= Band::kHigh);
        Count(s.legit_block, o.band == Band::kBlock);
        Count(s.legit_review, o.band == Band::kMedium);
        guest_high[g] = guest_high[g] || o.band >= Band::kHigh;
        guest_block[g] = guest_block[g] || o.band == Band::kBlock;
        if (a.kind == AccessKind::kCheckin && !o.surplus) Count(s.door_refused, !o.allowed);
        break;
      case Label::kLegitBot:
        Count(s.bot_blocked, o.band == Band::kBlock);
        Count(s.bot_review, !o.preview && o.band == Band::kMedium);
        Count(s.bot_learned, o.learned);
        break;
      case Label::kFraudHuman:
      case Label::kFraudBot:
        Count(s.fraud_medium, o.band >= Band::kMedium);
        Count(s.fraud_high, o.band >= Band::kHigh);
        Count(s.fraud_block, o.band == Band::kBlock);
        if (a.scenario == "F1" && a.guest_active) Count(s.f1_active_high, o.band >= Band::kHigh);
        if (a.scenario == "F3a" && a.foreign_index > 3) {
          Count(s.f3_after_third_blocked, o.band == Band::kBlock);
        }
        break;
    }
    if (a.kind == AccessKind::kCheckin && o.surplus && a.label != Label::kLegitHuman) {
      Count(s.surplus_refused, !o.allowed);
    }
    // Incidents: flagged (>= medium) before the fraud's first successful check-in.
    if (a.incident >= 0) {
      Incident& inc = incidents[{a.guest, a.incident}];
      inc.is_f3b = a.scenario == "F3b";
      inc.is_f9 = a.scenario == "F9";
      if (!inc.saw_checkin && o.band >= Band::kMedium) inc.flagged_before_checkin = true;
      if (a.kind == AccessKind::kCheckin && o.allowed) inc.saw_checkin = true;
      if (a.foreign_index >= 1 && a.foreign_index <= 3 && o.band >= Band::kHigh) {
        inc.high_by_third = true;
      }
      inc.hijacker_seen = true;
      if (inc.guest_arrived && o.band >= Band::kMedium) inc.flagged_after_arrival = true;
    }
    // F9: once the real guest shows up, the incident is flagged by the guest's
    // access or by any later one of the hijacker's.
    if (a.label == Label::kLegitHuman) {
      for (auto& [key, inc] : incidents) {
        if (key.first != a.guest || !inc.is_f9 || !inc.hijacker_seen) continue;
        if (!inc.guest_arrived && o.band >= Band::kMedium) inc.flagged_after_arrival = true;
        inc.guest_arrived = true;
      }
    }
  }
  for (const auto& [key, inc] : incidents) {
    Count(s.incident_before_checkin, inc.flagged_before_checkin);
    if (inc.is_f3b) Count(s.f3b_incident_high_by_third, inc.high_by_third);
    if (inc.is_f9 && inc.guest_arrived) Count(s.f9_flagged, inc.flagged_after_arrival);
  }
  for (size_t g = 0; g < n_guests; ++g) {
    if (guest_legit[g]) {
      Count(s.guest_high, guest_high[g]);
      Count(s.guest_block, guest_block[g]);
    }
    Count(s.poisoned, res.guests[g].poisoned);
    if (guest_flagged_high[g]) Count(s.guest_precision_high, guest_attacked[g]);
    if (res.guests[g].legit_seen) Count(s.stuck, res.guests[g].stuck);
  }
  return s;
}

std::pair<double, double> BootstrapInterval(const std::vector<EventStats>& events,
                                            Ratio EventStats::*stat, uint64_t seed, int resamples) {
  if (events.empty()) return {0, 0};
  Rng r = SubStream(seed, 0xB0075ull);
  std::vector<double> shares;
  shares.reserve(static_cast<size_t>(resamples));
  for (int k = 0; k < resamples; ++k) {
    Ratio sum;
    for (size_t i = 0; i < events.size(); ++i) sum += events[r() % events.size()].*stat;
    shares.push_back(Share(sum));
  }
  std::sort(shares.begin(), shares.end());
  const auto at = [&](double q) {
    return shares[std::min(shares.size() - 1, static_cast<size_t>(q * shares.size()))];
  };
  return {at(0.025), at(0.975)};
}

}  // namespace guestguard::detection
