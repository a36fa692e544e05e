// Copyright 2026 GuestGuard authors.
#include "guestguard/scoring.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace guestguard {
namespace {

// Case-insensitive ASCII substring search, over at most the first 1 KiB.
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  haystack = haystack.substr(0, 1024);
  if (needle.empty() || needle.size() > haystack.size()) return false;
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && absl::ascii_tolower(static_cast<unsigned char>(haystack[i + j])) ==
                                    absl::ascii_tolower(static_cast<unsigned char>(needle[j]))) {
      ++j;
    }
    if (j == needle.size()) return true;
  }
  return false;
}

absl::Status CheckScore(std::string_view field, int value) {
  if (value < 0 || value > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("scoring options: ", std::string(field), " (", value, ") must be 0-100"));
  }
  return absl::OkStatus();
}

void ScoreFingerprint(const ScoringOptions& o, const ScoringContext& ctx,
                      std::vector<Reason>& reasons) {
  const AccessFeatures& f = ctx.features;
  const auto devices = ctx.baseline.devices();
  if (devices.empty()) return;  // Nothing to differ from yet.
  if (f.fingerprint == 0) {
    reasons.push_back({std::string(reason::kFingerprintMismatch), o.fingerprint_mismatch_score,
                       "No device fingerprint, though this guest's earlier visits sent one."});
    return;
  }
  int best_compared = 0;
  int best_moved = 0;
  bool partial = false;
  for (const Baseline::Device& d : devices) {
    if (d.fingerprint == f.fingerprint) return;  // A known device.
    int compared = 0;
    int moved = 0;
    for (size_t i = 0; i < f.components.size(); ++i) {
      if (f.components[i] == 0 || d.components[i] == 0) continue;
      ++compared;
      if (f.components[i] != d.components[i]) ++moved;
    }
    if (compared >= o.min_compared_components && moved <= o.max_moved_components &&
        (!partial || moved < best_moved)) {
      partial = true;
      best_compared = compared;
      best_moved = moved;
    }
  }
  if (partial) {
    reasons.push_back(
        {std::string(reason::kFingerprintPartial), o.fingerprint_partial_score,
         absl::StrCat("The device fingerprint changed, but ", best_compared - best_moved, " of ",
                      best_compared, " device traits match a device this guest used before.")});
  } else {
    reasons.push_back({std::string(reason::kFingerprintMismatch), o.fingerprint_mismatch_score,
                       absl::StrCat("This device matches none of the ", devices.size(),
                                    " device(s) this guest used before.")});
  }
}

void ScoreNetwork(const ScoringOptions& o, const ScoringContext& ctx,
                  std::vector<Reason>& reasons) {
  const AccessFeatures& f = ctx.features;
  const auto networks = ctx.baseline.networks();
  if (!f.has_ip || networks.empty()) return;
  bool same_network = false;
  for (const Baseline::Network& n : networks) {
    if (n.network != f.network) continue;
    if (n.address == f.address) return;  // A known address.
    same_network = true;
  }
  if (same_network) {
    reasons.push_back({std::string(reason::kIpChangedSameNetwork), o.ip_same_network_score,
                       "A new address in a network this guest used before."});
    return;
  }
  const int64_t since = absl::ToUnixSeconds(f.at - o.network_hopping_window);
  const int recent = 1 + static_cast<int>(std::count_if(
                             networks.begin(), networks.end(),
                             [&](const Baseline::Network& n) { return n.last_seen >= since; }));
  if (recent >= o.network_hopping_count) {
    reasons.push_back({std::string(reason::kNetworkHopping), o.network_hopping_score,
                       absl::StrCat(recent, " different networks within ",
                                    absl::FormatDuration(o.network_hopping_window), ".")});
  } else {
    reasons.push_back({std::string(reason::kNewNetwork), o.new_network_score,
                       "First access from this network for this guest."});
  }
}

void ScoreSignals(const ScoringOptions& o, const ScoringContext& ctx,
                  std::vector<Reason>& reasons) {
  const ClientSignals& s = ctx.attempt.signals;
  if (s.user_agent.empty()) {
    reasons.push_back({std::string(reason::kMissingUserAgent), o.missing_user_agent_score,
                       "The client sent no user agent."});
  } else {
    for (const std::string& marker : o.automation_markers) {
      if (ContainsIgnoreCase(s.user_agent, marker)) {
        reasons.push_back(
            {std::string(reason::kAutomationUserAgent), o.automation_user_agent_score,
             absl::StrCat("The user agent looks like an automation tool (\"", marker, "\").")});
        break;
      }
    }
  }
  if (s.fingerprint.empty()) {
    reasons.push_back({std::string(reason::kMissingFingerprint), o.missing_fingerprint_score,
                       "The client sent no device fingerprint."});
  }
  if (s.language.empty() && s.timezone.empty()) {
    reasons.push_back({std::string(reason::kMissingLocale), o.missing_locale_score,
                       "The client sent neither a language nor a timezone."});
  }
  if (!ctx.features.has_ip) {
    reasons.push_back({std::string(reason::kMissingClientIp), o.missing_client_ip_score,
                       "The client address is unknown."});
  }
}

void ScoreVelocity(const ScoringOptions& o, const ScoringContext& ctx,
                   std::vector<Reason>& reasons) {
  if (ctx.recent_uses <= o.velocity_free_uses) return;
  const int extra = ctx.recent_uses - o.velocity_free_uses - 1;
  const int score = std::min(100, o.velocity_base_score + o.velocity_step_score * extra);
  reasons.push_back({std::string(reason::kRepeatedAccess), score,
                     absl::StrCat("This link was used ", ctx.recent_uses, " times within ",
                                  absl::FormatDuration(o.velocity_window), ".")});
}

}  // namespace

absl::Status ScoringOptions::Validate() const {
  const std::pair<std::string_view, int> scores[] = {
      {"fingerprint_mismatch_score", fingerprint_mismatch_score},
      {"fingerprint_partial_score", fingerprint_partial_score},
      {"ip_same_network_score", ip_same_network_score},
      {"new_network_score", new_network_score},
      {"network_hopping_score", network_hopping_score},
      {"missing_fingerprint_score", missing_fingerprint_score},
      {"missing_user_agent_score", missing_user_agent_score},
      {"missing_locale_score", missing_locale_score},
      {"missing_client_ip_score", missing_client_ip_score},
      {"automation_user_agent_score", automation_user_agent_score},
      {"velocity_base_score", velocity_base_score},
      {"velocity_step_score", velocity_step_score},
      {"strong_signal_score", strong_signal_score}};
  for (const auto& [name, value] : scores) {
    if (absl::Status s = CheckScore(name, value); !s.ok()) return s;
  }
  if (min_compared_components < 1 || min_compared_components > 4) {
    return absl::InvalidArgumentError("scoring options: min_compared_components must be 1-4");
  }
  if (max_moved_components < 0 || max_moved_components >= min_compared_components) {
    return absl::InvalidArgumentError(
        "scoring options: max_moved_components must be >= 0 and below min_compared_components");
  }
  if (network_hopping_count < 2) {
    return absl::InvalidArgumentError("scoring options: network_hopping_count must be >= 2");
  }
  if (network_hopping_window <= absl::ZeroDuration() || velocity_window <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "scoring options: network_hopping_window and velocity_window must be positive");
  }
  if (velocity_free_uses < 1) {
    return absl::InvalidArgumentError("scoring options: velocity_free_uses must be >= 1");
  }
  if (!(secondary_weight >= 0.0 && secondary_weight <= 1.0)) {
    return absl::InvalidArgumentError("scoring options: secondary_weight must be within [0, 1]");
  }
  for (const std::string& marker : automation_markers) {
    if (marker.empty()) {
      return absl::InvalidArgumentError("scoring options: automation_markers has an empty entry");
    }
  }
  return absl::OkStatus();
}

HeuristicScorer::HeuristicScorer(ScoringOptions options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<HeuristicScorer>> HeuristicScorer::Create(ScoringOptions options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return std::make_unique<HeuristicScorer>(std::move(options));
}

Verdict HeuristicScorer::Evaluate(const ScoringContext& ctx) const {
  Verdict v;
  v.reasons.reserve(6);
  ScoreFingerprint(options_, ctx, v.reasons);
  ScoreNetwork(options_, ctx, v.reasons);
  ScoreSignals(options_, ctx, v.reasons);
  ScoreVelocity(options_, ctx, v.reasons);
  std::stable_sort(v.reasons.begin(), v.reasons.end(),
                   [](const Reason& a, const Reason& b) { return a.score > b.score; });

  double total = 0;
  int strong = 0;
  for (size_t i = 0; i < v.reasons.size(); ++i) {
    const int s = std::clamp(v.reasons[i].score, 0, 100);
    total += i == 0 ? s : s * options_.secondary_weight;
    if (s >= options_.strong_signal_score) ++strong;
  }
  v.score = std::clamp(static_cast<int>(std::lround(total)), 0, 100);
  const int high = ctx.thresholds.high;
  if (strong < 2 && v.score >= high) {
    v.score = std::max(0, high - 1);
    v.reasons.push_back({std::string(reason::kSingleSignalCap), 0,
                         absl::StrCat("Held below ", std::string(BandLabel(Band::kHigh)),
                                      ": only one strong signal (two are needed).")});
  }
  v.band = ctx.thresholds.BandOf(v.score);
  return v;
}

}  // namespace guestguard
