// Copyright 2026 GuestGuard authors.
#include "bench/detection/replay.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "guestguard/clock.h"
#include "guestguard/guard.h"
#include "guestguard/memory_store.h"

namespace guestguard::detection {
namespace {

// A fixed benchmark key (not a secret: it signs simulated links only).
constexpr char kKeyring[] = "bench:ZGV0ZWN0aW9uLWJlbmNobWFyay1rZXktMzItYnl0ZXMhIQ";

template <typename T>
T Must(absl::StatusOr<T> v, const char* what) {
  if (!v.ok()) {
    std::fprintf(stderr, "detection: %s: %s\n", what, std::string(v.status().message()).c_str());
    std::abort();
  }
  return *std::move(v);
}

void Must(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "detection: %s: %s\n", what, std::string(s.message()).c_str());
    std::abort();
  }
}

uint8_t CodeIndex(std::string_view code) {
  const std::vector<std::string>& codes = FindingCodes();
  auto it = std::find(codes.begin(), codes.end(), code);
  return static_cast<uint8_t>(it == codes.end() ? codes.size() - 1 : it - codes.begin());
}

double U01Draw(Rng& r) { return static_cast<double>(r() >> 11) * (1.0 / 9007199254740992.0); }

struct PendingVerdict {
  int64_t at;
  size_t access;
  std::string log_id;
  FeedbackVerdict verdict;
  bool operator>(const PendingVerdict& o) const { return at > o.at; }
};

}  // namespace

const std::vector<std::string>& FindingCodes() {
  static const std::vector<std::string> kCodes = {std::string(reason::kFingerprintMismatch),
                                                  std::string(reason::kFingerprintPartial),
                                                  std::string(reason::kFingerprintInconsistent),
                                                  std::string(reason::kNewDeviceKnownNetwork),
                                                  std::string(reason::kLocaleMismatch),
                                                  std::string(reason::kIpChangedSameNetwork),
                                                  std::string(reason::kNewNetwork),
                                                  std::string(reason::kNetworkHopping),
                                                  std::string(reason::kLinkForwarded),
                                                  std::string(reason::kLinkShared),
                                                  std::string(reason::kConcurrentUse),
                                                  std::string(reason::kMissingFingerprint),
                                                  std::string(reason::kMissingUserAgent),
                                                  std::string(reason::kMissingLocale),
                                                  std::string(reason::kMissingClientIp),
                                                  std::string(reason::kAutomationUserAgent),
                                                  std::string(reason::kScriptedClient),
                                                  std::string(reason::kRepeatedAccess),
                                                  std::string(reason::kCheckinLimit),
                                                  std::string(reason::kAllowlisted),
                                                  std::string(reason::kLinkPreview),
                                                  std::string(reason::kSingleSignalCap),
                                                  std::string(reason::kHeldBelowBlock),
                                                  "other"};
  return kCodes;
}

Verdict Recombine(const HeuristicScorer& scorer, const std::vector<Finding>& findings,
                  const Thresholds& thresholds) {
  std::vector<Reason> reasons;
  reasons.reserve(findings.size());
  for (const Finding& f : findings) {
    reasons.push_back({FindingCodes()[f.code], f.score, ""});
  }
  return scorer.Combine(std::move(reasons), thresholds);
}

EventResult Replay(const SimEvent& ev, const ReplayOptions& options, int event_index) {
  ScoringOptions scoring = options.scoring;
  scoring.fingerprint_expected = options.mode == Mode::kPage;
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(ev.starts_at - 90 * 86400));
  std::shared_ptr<Store> store(Must(NewMemoryStore({}), "memory store"));
  GuardOptions go;
  go.store = store;
  go.keyring = Must(Keyring::Parse(kKeyring), "keyring");
  go.clock = clock;
  go.scoring = scoring;
  std::unique_ptr<Guard> guard = Must(Guard::Open(std::move(go)), "guard");
  Must(store->SetThresholds("ev", options.thresholds), "thresholds");
  if (options.venue_allowlisted) {
    Must(store->AddAllowlistEntry(
             "ev", {Must(Cidr::Parse(ev.venue_cidr), "venue"), "venue", absl::UnixEpoch()}),
         "allowlist");
  }
  const size_t n_guests = ev.guests.size();
  std::vector<std::string> tokens;
  for (size_t g = 0; g < n_guests; ++g) {
    tokens.push_back(Must(guard->IssueToken("ev", absl::StrCat("g", g)), "token"));
  }

  EventResult result;
  result.outcomes.resize(ev.accesses.size());
  result.guests.resize(n_guests);
  Rng rng = SubStream(options.seed, 0x7265766965770000ull, static_cast<uint64_t>(event_index));
  std::priority_queue<PendingVerdict, std::vector<PendingVerdict>, std::greater<>> verdicts;
  std::vector<std::vector<int>> admitted(n_guests);  // Simulated device ids admitted.
  const HeuristicScorer uncapped([] {
    ScoringOptions o;
    o.strong_signal_score = 0;
    return o;
  }());

  auto flush_verdicts = [&](int64_t until) {
    while (!verdicts.empty() && verdicts.top().at <= until) {
      const PendingVerdict v = verdicts.top();
      verdicts.pop();
      clock->Set(absl::FromUnixSeconds(v.at));
      Must(guard->RecordFeedback("ev", v.log_id, v.verdict), "feedback");
    }
  };

  for (size_t i = 0; i < ev.accesses.size(); ++i) {
    const SimAccess& a = ev.accesses[i];
    flush_verdicts(a.at);
    clock->Set(absl::FromUnixSeconds(a.at));
    AccessAttempt attempt;
    attempt.kind = a.kind;
    attempt.at = absl::FromUnixSeconds(a.at);
    attempt.client_ip = a.client_ip;
    attempt.signals = a.signals;
    const int party = 1 + ev.guests[static_cast<size_t>(a.guest)].plus_ones;
    attempt.max_checkins = party;
    const Decision d = Must(guard->Check(tokens[static_cast<size_t>(a.guest)], attempt), "check");
    Outcome& o = result.outcomes[i];
    o.score = d.score;
    o.band = d.band;
    o.preview = d.preview;
    o.allowed = d.allowed();
    o.learned = d.band == Band::kLow && !d.allowlisted && !d.preview;
    double raw = 0;
    int rank = 0;
    for (const Reason& r : d.reasons) {
      if (r.code == reason::kSingleSignalCap) o.capped = true;
      if (r.code == reason::kSingleSignalCap || r.code == reason::kHeldBelowBlock) continue;
      o.findings.push_back({CodeIndex(r.code), static_cast<uint8_t>(std::clamp(r.score, 0, 100))});
      raw += rank++ == 0 ? r.score : r.score * scoring.secondary_weight;
    }
    o.uncapped = std::min(100, static_cast<int>(std::lround(raw)));
    if (a.kind == AccessKind::kCheckin && a.device >= 0) {
      std::vector<int>& in = admitted[static_cast<size_t>(a.guest)];
      const bool known = std::find(in.begin(), in.end(), a.device) != in.end();
      o.surplus = !known && static_cast<int>(in.size()) >= party;
      if (d.allowed() && !known) in.push_back(a.device);
    }
    // A host gives a verdict on part of what is flagged, a few hours later.
    if (d.band >= Band::kHigh && !d.access_log_id.empty() && U01Draw(rng) < options.host_review) {
      const FeedbackVerdict verdict =
          IsFraud(a.label) ? FeedbackVerdict::kSuspicious : FeedbackVerdict::kLegitimate;
      verdicts.push({a.at + 3600 + static_cast<int64_t>(U01Draw(rng) * 20 * 3600), i,
                     d.access_log_id, verdict});
    }
  }
  flush_verdicts(INT64_MAX);

  // Baseline integrity: every device key and network the guest's party used.
  std::vector<std::set<uint64_t>> party_devices(n_guests), party_networks(n_guests);
  std::vector<std::vector<Band>> legit_bands(n_guests);
  for (size_t i = 0; i < ev.accesses.size(); ++i) {
    const SimAccess& a = ev.accesses[i];
    if (a.label != Label::kLegitHuman) continue;
    AccessAttempt attempt;
    attempt.client_ip = a.client_ip;
    attempt.signals = a.signals;
    const AccessFeatures f = Must(AccessFeatures::From(attempt), "features");
    party_devices[static_cast<size_t>(a.guest)].insert(f.device);
    if (f.has_ip) party_networks[static_cast<size_t>(a.guest)].insert(f.network);
    if (!result.outcomes[i].preview)
      legit_bands[static_cast<size_t>(a.guest)].push_back(result.outcomes[i].band);
  }
  for (size_t g = 0; g < n_guests; ++g) {
    const GuestState state = Must(store->LoadGuestState("ev", absl::StrCat("g", g)), "state");
    GuestEnd& end = result.guests[g];
    for (const Baseline::Device& d : state.baseline.devices()) {
      if (!party_devices[g].count(d.fingerprint)) end.poisoned = true;
    }
    for (const Baseline::Network& n : state.baseline.networks()) {
      if (!party_networks[g].count(n.network)) end.poisoned = true;
    }
    // Stuck: a run of more than two Reviews with no low access after it.
    const std::vector<Band>& bands = legit_bands[g];
    end.legit_seen = !bands.empty();
    size_t last_low = 0;
    bool any_low = false;
    for (size_t k = 0; k < bands.size(); ++k) {
      if (bands[k] == Band::kLow) last_low = k, any_low = true;
    }
    int run = 0;
    for (size_t k = 0; k < bands.size(); ++k) {
      run = bands[k] == Band::kMedium ? run + 1 : 0;
      if (run > 2 && !(any_low && last_low > k)) end.stuck = true;
    }
  }
  return result;
}

}  // namespace guestguard::detection
