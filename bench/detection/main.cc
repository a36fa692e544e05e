// Copyright 2026 GuestGuard authors.
//
// guestguard_detection — the detection-quality benchmark (shared/DETECTION.md).
//
//   guestguard_detection [--seed=N] [--quick] [--events=N] [--fraud-events=N]
//                        [--json=FILE] [--check] [--threads=N] [--only=F1,F2]
//                        [--page-only] [--trace=clean|Fn]
//
// Replays simulated events through Guard::Check in both collection modes,
// prints the §5.5 tables with the §5.6 targets beside each figure, writes the
// same as JSON (byte-identical for the same seed and engine), and with
// --check exits 1 when a target is missed.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "bench/detection/metrics.h"
#include "bench/detection/replay.h"
#include "bench/detection/simulation.h"

#ifndef GUESTGUARD_GIT_HASH
#define GUESTGUARD_GIT_HASH "unknown"
#endif

namespace guestguard::detection {
namespace {

struct Config {
  uint64_t seed = 1;
  int events_per_size = 200;
  int fraud_events = 60;
  int sweep_events = 30;
  int threads = 2;
  std::string json_path;
  bool check = false;
  std::string trace;       // A fraud scenario whose targeted guests' accesses are printed.
  std::string only;        // Comma-separated fraud scenarios to run (all when empty).
  bool page_only = false;  // Mode A only.
};

const std::vector<int> kSizes = {25, 136, 500, 2000};
const std::vector<Fraud> kFrauds = {Fraud::kF1, Fraud::kF2, Fraud::kF3a, Fraud::kF3b,
                                    Fraud::kF4, Fraud::kF5, Fraud::kF6,  Fraud::kF7,
                                    Fraud::kF8, Fraud::kF9, Fraud::kF10};

// One run: events built and replayed in parallel, summarised in event order.
struct RunSpec {
  Mode mode = Mode::kPage;
  Fraud fraud = Fraud::kNone;
  double fraud_share = 0.05;
  std::vector<int> sizes;  // One entry per event.
  WorldParams world;
  Thresholds thresholds;
  ScoringOptions scoring;
  bool keep_findings = false;  // For the threshold sweep.
};

struct Sample {
  bool fraud;
  int uncapped;
  std::vector<Finding> findings;
  int scenario = 0;  // Fraud: index into kFrauds + 1; legitimate: 0.
};

struct RunResult {
  std::vector<EventStats> events;
  std::vector<int> sizes;
  std::vector<Sample> samples;
};

RunResult Run(const Config& cfg, const RunSpec& spec) {
  RunResult out;
  out.events.resize(spec.sizes.size());
  out.sizes = spec.sizes;
  std::vector<std::vector<Sample>> samples(spec.sizes.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < spec.sizes.size(); i = next++) {
      WorldParams w = spec.world;
      w.venue_allowlisted = spec.world.venue_allowlisted || (i % 2 == 1);  // Half of the runs.
      const SimEvent ev = BuildEvent(cfg.seed, static_cast<int>(i), spec.sizes[i], spec.mode,
                                     spec.fraud, spec.fraud_share, w);
      ReplayOptions ro;
      ro.mode = spec.mode;
      ro.scoring = spec.scoring;
      ro.thresholds = spec.thresholds;
      ro.venue_allowlisted = w.venue_allowlisted;
      ro.host_review = w.host_review;
      ro.seed = cfg.seed;
      const EventResult res = Replay(ev, ro, static_cast<int>(i));
      out.events[i] = Summarise(ev, res);
      if (spec.keep_findings) {
        for (size_t k = 0; k < ev.accesses.size(); ++k) {
          const Label l = ev.accesses[k].label;
          if (l == Label::kLegitBot || res.outcomes[k].preview) continue;
          samples[i].push_back({IsFraud(l), res.outcomes[k].uncapped, res.outcomes[k].findings,
                                IsFraud(l) ? static_cast<int>(spec.fraud) : 0});
        }
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < cfg.threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  for (auto& s : samples) {
    for (auto& x : s) out.samples.push_back(std::move(x));
  }
  return out;
}

EventStats Sum(const RunResult& r, int size = 0) {
  EventStats total;
  for (size_t i = 0; i < r.events.size(); ++i) {
    if (size == 0 || r.sizes[i] == size) total += r.events[i];
  }
  return total;
}

// --- Output: the text tables and the JSON beside them ---------------------------
struct Target {
  std::string name;
  double value;
  double limit;
  bool at_most;  // value <= limit, else value >= limit
  bool asserted;
  bool Met() const { return at_most ? value <= limit + 1e-12 : value >= limit - 1e-12; }
};

class Report {
 public:
  void Line(const std::string& s) { std::printf("%s\n", s.c_str()); }
  void Json(const std::string& key, const std::string& raw) {
    if (!json_.empty()) json_ += ",\n";
    json_ += absl::StrCat("  \"", key, "\": ", raw);
  }
  std::string JsonText() const { return absl::StrCat("{\n", json_, "\n}\n"); }
  std::vector<Target> targets;

 private:
  std::string json_;
};

std::string Pct(double v) { return absl::StrFormat("%6.2f%%", 100 * v); }
std::string Num(double v) { return absl::StrFormat("%.6f", v); }

std::string RatioJson(const Ratio& r) {
  return absl::StrFormat("{\"hits\": %d, \"total\": %d, \"share\": %s}", r.hits, r.total,
                         Num(Share(r)));
}

// "medium", "high" and "block": the fraud accesses at or above each band.
std::string FraudRatesJson(const EventStats& s) {
  return absl::StrCat("\"medium\": ", RatioJson(s.fraud_medium),
                      ", \"high\": ", RatioJson(s.fraud_high),
                      ", \"block\": ", RatioJson(s.fraud_block));
}

void BandTable(Report& rep, const std::string& title, const EventStats& s,
               const std::string& json_key) {
  rep.Line(absl::StrFormat("\n%s", title));
  rep.Line(absl::StrFormat("  %-22s %8s %8s %8s %8s %8s %8s %8s", "scenario label", "accesses",
                           "low", "medium", "high", "block", "capped", "preview"));
  std::string json = "{";
  for (const auto& [key, c] : s.by_scenario) {
    auto share = [&](int64_t x) { return c.n == 0 ? 0.0 : static_cast<double>(x) / c.n; };
    rep.Line(absl::StrFormat("  %-22s %8d %s %s %s %s %s %s", key, c.n, Pct(share(c.band[0])),
                             Pct(share(c.band[1])), Pct(share(c.band[2])), Pct(share(c.band[3])),
                             Pct(share(c.capped)), Pct(share(c.preview))));
    if (json.size() > 1) json += ", ";
    json += absl::StrFormat(
        "\"%s\": {\"n\": %d, \"low\": %d, \"medium\": %d, \"high\": %d, \"block\": %d, "
        "\"capped\": %d, \"preview\": %d}",
        key, c.n, c.band[0], c.band[1], c.band[2], c.band[3], c.capped, c.preview);
  }
  rep.Json(json_key, json + "}");
}

void Check(Report& rep, const std::string& name, const Ratio& r, double limit, bool at_most,
           bool asserted, const std::vector<EventStats>* events = nullptr,
           Ratio EventStats::*stat = nullptr, uint64_t seed = 0) {
  const double v = Share(r);
  std::string ci;
  if (events != nullptr && stat != nullptr) {
    const auto [lo, hi] = BootstrapInterval(*events, stat, seed);
    ci = absl::StrFormat(" [95%% CI %s-%s]", Pct(lo), Pct(hi));
  }
  Target t{name, v, limit, at_most, asserted};
  rep.Line(absl::StrFormat("  %-58s %s%s  target %s %s  %s", name, Pct(v), ci,
                           at_most ? "<=" : ">=", Pct(limit),
                           r.total == 0 ? "(no data)"
                           : t.Met()    ? "ok"
                                        : (asserted ? "MISSED" : "missed (reported)")));
  if (r.total > 0) rep.targets.push_back(t);
  rep.Json(
      absl::StrCat("target ", name),
      absl::StrFormat("{\"value\": %s, \"limit\": %s, \"at_most\": %s, \"met\": %s, "
                      "\"asserted\": %s, \"hits\": %d, \"total\": %d}",
                      Num(v), Num(limit), at_most ? "true" : "false", t.Met() ? "true" : "false",
                      asserted ? "true" : "false", r.hits, r.total));
}

// Precision/recall as `high` sweeps, recombining each access's findings
// (the single-signal cap depends on `high`, so stored scores cannot be re-banded).
void ThresholdSweep(Report& rep, const std::vector<Sample>& samples, const std::string& key) {
  const HeuristicScorer scorer{ScoringOptions{}};
  int64_t pos = 0, neg = 0;
  for (const Sample& s : samples) (s.fraud ? pos : neg)++;
  // Recall is the mean over fraud scenarios (each counts once, whatever its
  // number of accesses: a public post has hundreds, a forward one to three).
  std::vector<int64_t> per_scenario(kFrauds.size() + 2, 0);
  for (const Sample& s : samples) {
    if (s.fraud) ++per_scenario[static_cast<size_t>(s.scenario)];
  }
  int scenarios = 0;
  for (int64_t n : per_scenario) scenarios += n > 0;
  rep.Line(absl::StrFormat(
      "\n%s: precision/recall at >= high as high sweeps (block = 100; recall averaged over the "
      "%d fraud scenarios)",
      key, scenarios));
  rep.Line(
      absl::StrFormat("  %5s %8s %8s %12s %12s", "high", "recall", "FPR", "prec@1%", "prec@5%"));
  std::string json = "[";
  for (int high = 31; high <= 99; high += 4) {
    const Thresholds t{std::min(30, high - 1), high, 100};
    std::vector<int64_t> tp(per_scenario.size(), 0);
    int64_t fp = 0;
    for (const Sample& s : samples) {
      const bool flagged = Recombine(scorer, s.findings, t).band >= Band::kHigh;
      if (flagged && s.fraud) ++tp[static_cast<size_t>(s.scenario)];
      if (flagged && !s.fraud) ++fp;
    }
    double tpr = 0;
    for (size_t k = 0; k < tp.size(); ++k) {
      if (per_scenario[k] > 0) tpr += static_cast<double>(tp[k]) / per_scenario[k] / scenarios;
    }
    const double fpr = neg == 0 ? 0 : static_cast<double>(fp) / neg;
    auto precision = [&](double prevalence) {
      const double d = prevalence * tpr + (1 - prevalence) * fpr;
      return d == 0 ? 0.0 : prevalence * tpr / d;
    };
    rep.Line(absl::StrFormat("  %5d %s %s %s %s", high, Pct(tpr), Pct(fpr), Pct(precision(0.01)),
                             Pct(precision(0.05))));
    if (json.size() > 1) json += ", ";
    json +=
        absl::StrFormat("{\"high\": %d, \"recall\": %s, \"fpr\": %s}", high, Num(tpr), Num(fpr));
  }
  rep.Json(key, json + "]");
  // PR-AUC of the uncapped score (ranking, without the cap).
  std::vector<std::pair<int, bool>> ranked;
  for (const Sample& s : samples) ranked.push_back({s.uncapped, s.fraud});
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  double auc = 0, prev_recall = 0;
  int64_t tp = 0, seen = 0;
  for (size_t i = 0; i < ranked.size(); ++i) {
    ++seen;
    if (ranked[i].second) ++tp;
    if (i + 1 < ranked.size() && ranked[i + 1].first == ranked[i].first) continue;
    const double recall = pos == 0 ? 0 : static_cast<double>(tp) / pos;
    auc += (recall - prev_recall) * static_cast<double>(tp) / seen;
    prev_recall = recall;
  }
  rep.Line(absl::StrFormat("  PR-AUC of the uncapped score: %.4f (%d fraud, %d legitimate)", auc,
                           pos, neg));
  rep.Json(key + " pr_auc_uncapped", Num(auc));
}

void Legit(Report& rep, const Config& cfg, const RunResult& run, Mode mode, bool assert_mode) {
  const std::string m(ModeName(mode));
  const EventStats s = Sum(run);
  const auto* ev = &run.events;
  rep.Line(absl::StrFormat("\nLegitimate cost, clean events, mode %s", m));
  Check(rep, m + " legit accesses >= high", s.legit_high, 0.01, true, false, ev,
        &EventStats::legit_high, cfg.seed);
  Check(rep, m + " legit guests with an access >= high", s.guest_high, 0.02, true, assert_mode);
  Check(rep, m + " legit accesses at block", s.legit_block, 0.001, true, assert_mode, ev,
        &EventStats::legit_block, cfg.seed);
  Check(rep, m + " legit guests with a blocked access", s.guest_block, 0.001, true, false);
  Check(rep, m + " door refusals (legit check-ins within the party)", s.door_refused, 0.001, true,
        assert_mode);
  Check(rep, m + " legit Review load (medium)", s.legit_review, 0.10, true, assert_mode, ev,
        &EventStats::legit_review, cfg.seed);
  Check(rep, m + " preview bots and scanners blocked", s.bot_blocked, 0.0, true, true);
  Check(rep, m + " preview bots and scanners learned", s.bot_learned, 0.0, true, true);
  Check(rep, m + " preview bots and scanners shown as Review", s.bot_review, 0.05, true, true);
  Check(rep, m + " poisoned baselines (guests)", s.poisoned, 0.005, true, assert_mode);
  Check(rep, m + " stuck legit guests", s.stuck, 0.01, true, false);
  rep.Line("  per event size:");
  for (int size : kSizes) {
    const EventStats z = Sum(run, size);
    rep.Line(absl::StrFormat("    %5d guests: >=high %s  block %s  Review %s  door refusals %s",
                             size, Pct(Share(z.legit_high)), Pct(Share(z.legit_block)),
                             Pct(Share(z.legit_review)), Pct(Share(z.door_refused))));
    rep.Json(absl::StrCat(m, " size ", size),
             absl::StrCat("{\"legit_high\": ", RatioJson(z.legit_high),
                          ", \"legit_block\": ", RatioJson(z.legit_block),
                          ", \"legit_review\": ", RatioJson(z.legit_review), "}"));
  }
  BandTable(rep, absl::StrFormat("Band shares per scenario, clean events, mode %s", m), s,
            m + " clean band shares");
}

void Detection(Report& rep, const Config& cfg, Mode mode, bool assert_mode,
               std::vector<Sample>& samples, const RunSpec& base) {
  const std::string m(ModeName(mode));
  rep.Line(absl::StrFormat(
      "\nDetection, each scenario injected alone into 5%% of the guests, mode %s", m));
  EventStats all;
  for (Fraud f : kFrauds) {
    if (!cfg.only.empty() &&
        absl::StrCat(",", cfg.only, ",").find(absl::StrCat(",", FraudName(f), ",")) ==
            std::string::npos) {
      continue;
    }
    RunSpec spec = base;
    spec.fraud = f;
    spec.sizes.assign(static_cast<size_t>(cfg.fraud_events), 136);
    spec.keep_findings = mode == Mode::kPage;
    RunResult r = Run(cfg, spec);
    for (Sample& s : r.samples) {
      if (s.fraud) samples.push_back(std::move(s));
    }
    const EventStats s = Sum(r);
    all += s;
    const std::string n = absl::StrCat(m, " ", FraudName(f));
    const auto* ev = &r.events;
    rep.Line(absl::StrFormat(
        "  %s: fraud accesses %d: >=medium %s  >=high %s  block %s; "
        "incidents flagged before a fraud check-in %s; poisoned guests %s",
        FraudName(f), s.fraud_medium.total, Pct(Share(s.fraud_medium)), Pct(Share(s.fraud_high)),
        Pct(Share(s.fraud_block)), Pct(Share(s.incident_before_checkin)), Pct(Share(s.poisoned))));
    switch (f) {
      case Fraud::kF1:
        Check(rep, n + " forwarded >= medium", s.fraud_medium, 0.95, false, assert_mode, ev,
              &EventStats::fraud_medium, cfg.seed);
        Check(rep, n + " forwarded >= high while the guest is active", s.f1_active_high, 0.50,
              false, assert_mode);
        break;
      case Fraud::kF2:
        Check(rep, n + " look-alike >= medium", s.fraud_medium, 0.50, false, assert_mode, ev,
              &EventStats::fraud_medium, cfg.seed);
        break;
      case Fraud::kF3a:
        Check(rep, n + " burst: blocked after the 3rd foreign device", s.f3_after_third_blocked,
              0.99, false, assert_mode);
        break;
      case Fraud::kF3b:
        Check(rep, n + " slow leak: incidents >= high by the 3rd device",
              s.f3b_incident_high_by_third, 0.80, false, assert_mode);
        break;
      case Fraud::kF4:
        Check(rep, n + " scripted replay >= high", s.fraud_high, 0.99, false, true, ev,
              &EventStats::fraud_high, cfg.seed);
        Check(rep, n + " scripted replay blocked", s.fraud_block, 0.95, false, true, ev,
              &EventStats::fraud_block, cfg.seed);
        break;
      case Fraud::kF5:
        Check(rep, n + " plain headless >= high", s.fraud_high, 0.95, false, true, ev,
              &EventStats::fraud_high, cfg.seed);
        break;
      case Fraud::kF6:
        Check(rep, n + " stealth + proxy >= medium", s.fraud_medium, 0.50, false, assert_mode);
        Check(rep, n + " stealth + proxy >= high", s.fraud_high, 0.20, false, assert_mode);
        break;
      case Fraud::kF7:
      case Fraud::kF8:
        // Plain navigation cannot tell two phones with one user agent apart.
        Check(rep, n + " surplus check-ins from new devices refused", s.surplus_refused, 0.95,
              false, assert_mode);
        break;
      case Fraud::kF9:
        Check(rep, n + " first-use hijack flagged once the guest shows up", s.f9_flagged, 0.80,
              false, assert_mode);
        break;
      case Fraud::kF10:
        rep.Line(absl::StrFormat("    F10 guest on a new phone after the griefing: blocked %s",
                                 Pct(Share(s.legit_block))));
        break;
      case Fraud::kNone:
      case Fraud::kMixed:
        break;
    }
    rep.Json(absl::StrCat(n, " rates"),
             absl::StrCat("{", FraudRatesJson(s),
                          ", \"before_checkin\": ", RatioJson(s.incident_before_checkin),
                          ", \"legit_cost_high\": ", RatioJson(s.legit_high),
                          ", \"legit_cost_block\": ", RatioJson(s.legit_block), "}"));
  }
  // Pooled over the 11 fraud runs (each attacks 5 % of the guests), so it is
  // asserted only when they all ran.
  Check(rep, m + " poisoned baselines in fraud events (guests)", all.poisoned, 0.005, true,
        assert_mode && cfg.only.empty());
  BandTable(rep, absl::StrFormat("Band shares per scenario, fraud events, mode %s", m), all,
            m + " fraud band shares");
}

// §5.2's mixed run: F1-F10 drawn per guest for 1 % and 5 % of the guests of
// events of every size, for the legitimate cost and the precision a host sees
// at a realistic base rate.
// The legitimate cost here includes the attacked guests' own accesses, so
// (as in the single-scenario runs) it is reported, not asserted.
void Mixed(Report& rep, const Config& cfg, Mode mode) {
  const std::string m(ModeName(mode));
  for (double prevalence : {0.01, 0.05}) {
    RunSpec spec;
    spec.mode = mode;
    spec.fraud = Fraud::kMixed;
    spec.fraud_share = prevalence;
    for (int i = 0; i < cfg.fraud_events; ++i) {
      spec.sizes.push_back(kSizes[static_cast<size_t>(i) % kSizes.size()]);
    }
    const RunResult r = Run(cfg, spec);
    const EventStats s = Sum(r);
    const std::string n = absl::StrFormat("%s mixed %d%%", m, static_cast<int>(100 * prevalence));
    rep.Line(absl::StrFormat(
        "\nMixed run (DETECTION.md §5.2), mode %s: F1-F10 drawn per guest for %d%% of the guests, "
        "%d events of %d/%d/%d/%d guests in turn",
        m, static_cast<int>(100 * prevalence), cfg.fraud_events, kSizes[0], kSizes[1], kSizes[2],
        kSizes[3]));
    rep.Line(absl::StrFormat(
        "  fraud accesses %d: >=medium %s  >=high %s  block %s; precision (fraud share) of "
        "accesses >=medium %s, >=high %s; of guests with an access >=high, attacked %s",
        s.fraud_medium.total, Pct(Share(s.fraud_medium)), Pct(Share(s.fraud_high)),
        Pct(Share(s.fraud_block)), Pct(Share(s.precision_medium)), Pct(Share(s.precision_high)),
        Pct(Share(s.guest_precision_high))));
    const auto* ev = &r.events;
    Check(rep, n + " legit accesses >= high", s.legit_high, 0.01, true, false, ev,
          &EventStats::legit_high, cfg.seed);
    Check(rep, n + " legit accesses at block", s.legit_block, 0.001, true, false);
    Check(rep, n + " door refusals (legit check-ins within the party)", s.door_refused, 0.001, true,
          false);
    Check(rep, n + " legit Review load (medium)", s.legit_review, 0.10, true, false);
    Check(rep, n + " preview bots and scanners blocked", s.bot_blocked, 0.0, true, true);
    Check(rep, n + " preview bots and scanners learned", s.bot_learned, 0.0, true, true);
    Check(rep, n + " poisoned baselines (guests)", s.poisoned, 0.005, true, false);
    Check(rep, n + " surplus check-ins from new devices refused", s.surplus_refused, 0.95, false,
          false);
    rep.Json(absl::StrCat(n, " rates"),
             absl::StrCat("{", FraudRatesJson(s),
                          ", \"precision_medium\": ", RatioJson(s.precision_medium),
                          ", \"precision_high\": ", RatioJson(s.precision_high),
                          ", \"guest_precision_high\": ", RatioJson(s.guest_precision_high), "}"));
  }
}

void Sweeps(Report& rep, const Config& cfg) {
  struct Sweep {
    std::string name;
    std::function<void(WorldParams&)> set;
  };
  const std::vector<Sweep> sweeps = {
      {"mobile share 0.4", [](WorldParams& w) { w.mobile_share = 0.4; }},
      {"mobile share 0.7", [](WorldParams& w) { w.mobile_share = 0.7; }},
      {"Private Relay 0%", [](WorldParams& w) { w.relay_share = 0; }},
      {"Private Relay 30%", [](WorldParams& w) { w.relay_share = 0.3; }},
      {"VPN 25%", [](WorldParams& w) { w.vpn_share = 0.25; }},
      {"enterprise scanners 10%", [](WorldParams& w) { w.enterprise_share = 0.1; }},
      {"enterprise scanners 40%", [](WorldParams& w) { w.enterprise_share = 0.4; }},
      {"scanners run JS p=0", [](WorldParams& w) { w.scanner_runs_js = 0; }},
      {"scanners run JS p=1", [](WorldParams& w) { w.scanner_runs_js = 1; }},
      {"multi-device 0.2", [](WorldParams& w) { w.multi_device_share = 0.2; }},
      {"multi-device 0.6", [](WorldParams& w) { w.multi_device_share = 0.6; }},
      {"family flip 0.1", [](WorldParams& w) { w.family_switch = 0.1; }},
      {"no host verdicts", [](WorldParams& w) { w.host_review = 0; }}};
  rep.Line(
      "\nSwept parameters (clean events of 136 guests, both modes): legit >=high / block / "
      "Review; bots blocked / learned / Review");
  std::string json = "{";
  for (const Sweep& sw : sweeps) {
    for (Mode mode : {Mode::kPage, Mode::kNavigation}) {
      RunSpec spec;
      spec.mode = mode;
      sw.set(spec.world);
      spec.sizes.assign(static_cast<size_t>(cfg.sweep_events), 136);
      const EventStats s = Sum(Run(cfg, spec));
      rep.Line(absl::StrFormat("  %-26s %-13s %s %s %s | %s %s %s", sw.name, ModeName(mode),
                               Pct(Share(s.legit_high)), Pct(Share(s.legit_block)),
                               Pct(Share(s.legit_review)), Pct(Share(s.bot_blocked)),
                               Pct(Share(s.bot_learned)), Pct(Share(s.bot_review))));
      if (json.size() > 1) json += ", ";
      json += absl::StrFormat(
          "\"%s %s\": {\"legit_high\": %s, \"legit_block\": %s, \"legit_review\": %s, "
          "\"bot_blocked\": %s, \"bot_learned\": %s, \"bot_review\": %s}",
          sw.name, ModeName(mode), Num(Share(s.legit_high)), Num(Share(s.legit_block)),
          Num(Share(s.legit_review)), Num(Share(s.bot_blocked)), Num(Share(s.bot_learned)),
          Num(Share(s.bot_review)));
    }
  }
  rep.Json("sweeps", json + "}");
}

// --trace=F2: every access of the guests a scenario targeted, with its
// findings, then an "end:" line for each of them whose baseline ended
// poisoned or who got stuck, in both modes (for analysing misses; not part
// of the report).
int Trace(const Config& cfg) {
  Fraud fraud = Fraud::kNone;
  for (Fraud f : kFrauds) {
    if (cfg.trace == FraudName(f)) fraud = f;
  }
  if (fraud == Fraud::kNone && cfg.trace != "clean") {
    std::fprintf(stderr, "detection: --trace needs clean or a fraud scenario (F1 ... F10)\n");
    return 2;
  }
  for (Mode mode : {Mode::kPage, Mode::kNavigation}) {
    for (int i = 0; i < cfg.fraud_events; ++i) {
      WorldParams w;
      w.venue_allowlisted = i % 2 == 1;
      const SimEvent ev = BuildEvent(cfg.seed, i, 136, mode, fraud, 0.05, w);
      ReplayOptions ro;
      ro.mode = mode;
      ro.venue_allowlisted = w.venue_allowlisted;
      ro.host_review = w.host_review;
      ro.seed = cfg.seed;
      const EventResult res = Replay(ev, ro, i);
      std::vector<bool> targeted(ev.guests.size(), false);
      for (const SimAccess& a : ev.accesses) {
        if (a.incident >= 0 || fraud == Fraud::kNone) targeted[static_cast<size_t>(a.guest)] = true;
      }
      for (size_t k = 0; k < ev.accesses.size(); ++k) {
        const SimAccess& a = ev.accesses[k];
        if (!targeted[static_cast<size_t>(a.guest)]) continue;
        const Outcome& o = res.outcomes[k];
        std::string findings;
        for (const Finding& f : o.findings) {
          absl::StrAppend(&findings, " ", FindingCodes()[f.code], "=", f.score);
        }
        std::printf(
            "%s ev%d g%d %+8.2fd %-11s %-4s %-8s p%d d%d %s%s fp=%.6s ip=%s ua=%.40s | %3d "
            "%s%s%s\n",
            ModeName(mode), i, a.guest, static_cast<double>(a.at - ev.starts_at) / 86400.0,
            LabelName(a.label), a.scenario.c_str(), std::string(AccessKindName(a.kind)).c_str(),
            a.person, a.device, a.guest_active ? "active " : "",
            a.surplus_checkin ? "surplus " : "", a.signals.fingerprint.c_str(), a.client_ip.c_str(),
            a.signals.user_agent.c_str(), o.score, std::string(BandName(o.band)).c_str(),
            o.learned ? " learned" : "", findings.c_str());
      }
      for (size_t g = 0; g < ev.guests.size(); ++g) {
        if (!targeted[g]) continue;
        const GuestEnd& end = res.guests[g];
        if (end.poisoned || end.stuck) {
          std::printf("%s ev%d g%zu end:%s%s\n", ModeName(mode), i, g,
                      end.poisoned ? " poisoned" : "", end.stuck ? " stuck" : "");
        }
      }
    }
  }
  return 0;
}

int Main(const Config& cfg) {
  if (!cfg.trace.empty()) return Trace(cfg);
  const auto started = std::chrono::steady_clock::now();
  Report rep;
  rep.Line(absl::StrFormat(
      "GuestGuard detection benchmark — simulator %s, engine %s, seed %d\n"
      "%d clean events per size (%d/%d/%d/%d guests), %d events per fraud scenario; "
      "targets of DETECTION.md §5.6 beside each figure (asserted in mode A, the invitation page; "
      "mode B, plain navigation, is reported)",
      kSimulatorVersion, GUESTGUARD_GIT_HASH, cfg.seed, cfg.events_per_size, kSizes[0], kSizes[1],
      kSizes[2], kSizes[3], cfg.fraud_events));
  rep.Json("simulator_version", absl::StrCat("\"", kSimulatorVersion, "\""));
  rep.Json("engine", absl::StrCat("\"", GUESTGUARD_GIT_HASH, "\""));
  rep.Json("seed", absl::StrCat(cfg.seed));
  std::vector<Sample> samples;
  for (Mode mode : {Mode::kPage, Mode::kNavigation}) {
    if (cfg.page_only && mode != Mode::kPage) continue;
    const bool assert_mode = mode == Mode::kPage;
    RunSpec clean;
    clean.mode = mode;
    for (int size : kSizes) {
      for (int i = 0; i < cfg.events_per_size; ++i) clean.sizes.push_back(size);
    }
    clean.keep_findings = mode == Mode::kPage;
    RunResult run = Run(cfg, clean);
    if (mode == Mode::kPage) {
      // A bounded sample of legitimate accesses for the sweep: every 7th.
      for (size_t i = 0; i < run.samples.size(); i += 7) samples.push_back(run.samples[i]);
    }
    run.samples.clear();
    Legit(rep, cfg, run, mode, assert_mode);
    RunSpec base;
    base.mode = mode;
    Detection(rep, cfg, mode, assert_mode, samples, base);
    if (cfg.only.empty()) Mixed(rep, cfg, mode);
  }
  ThresholdSweep(rep, samples, "A_page threshold sweep");
  if (cfg.sweep_events > 0) Sweeps(rep, cfg);

  int missed = 0;
  for (const Target& t : rep.targets) {
    if (t.asserted && !t.Met()) ++missed;
  }
  rep.Json("asserted_targets_missed", absl::StrCat(missed));
  if (!cfg.json_path.empty()) {
    std::ofstream(cfg.json_path) << rep.JsonText();
  }
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "\n%d asserted target(s) missed. Wall time %.1f s, peak RSS %.0f MiB (not in the JSON).\n",
      missed, seconds, usage.ru_maxrss / 1024.0);
  return cfg.check && missed > 0 ? 1 : 0;
}

}  // namespace
}  // namespace guestguard::detection

int main(int argc, char** argv) {
  guestguard::detection::Config cfg;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* flag) -> const char* {
      const size_t n = std::char_traits<char>::length(flag);
      return a.compare(0, n, flag) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--seed=")) {
      cfg.seed = std::strtoull(v, nullptr, 10);
    } else if (const char* v = value("--events=")) {
      cfg.events_per_size = std::atoi(v);
    } else if (const char* v = value("--fraud-events=")) {
      cfg.fraud_events = std::atoi(v);
    } else if (const char* v = value("--sweep-events=")) {
      cfg.sweep_events = std::atoi(v);
    } else if (const char* v = value("--threads=")) {
      cfg.threads = std::max(1, std::atoi(v));
    } else if (const char* v = value("--json=")) {
      cfg.json_path = v;
    } else if (const char* v = value("--only=")) {
      cfg.only = v;
    } else if (a == "--page-only") {
      cfg.page_only = true;
    } else if (const char* v = value("--trace=")) {
      cfg.trace = v;
    } else if (a == "--quick") {
      cfg.events_per_size = 6;
      cfg.fraud_events = 16;
      cfg.sweep_events = 0;
    } else if (a == "--check") {
      cfg.check = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--seed=N] [--quick] [--events=N] [--fraud-events=N] "
                   "[--sweep-events=N] [--threads=N] [--json=FILE] [--check] [--trace=Fn] "
                   "[--only=F1,F2] [--page-only]\n",
                   argv[0]);
      return 2;
    }
  }
  for (absl::string_view name : absl::StrSplit(cfg.only, ',', absl::SkipEmpty())) {
    const bool known =
        std::any_of(guestguard::detection::kFrauds.begin(), guestguard::detection::kFrauds.end(),
                    [&](auto f) { return name == guestguard::detection::FraudName(f); });
    if (!known) {
      std::fprintf(stderr, "detection: --only: unknown scenario \"%s\" (F1 ... F10, F3a, F3b)\n",
                   std::string(name).c_str());
      return 2;
    }
  }
  if (cfg.events_per_size < 1 || cfg.fraud_events < 1) {
    std::fprintf(stderr, "detection: --events and --fraud-events must be >= 1\n");
    return 2;
  }
  return guestguard::detection::Main(cfg);
}
