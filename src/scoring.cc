// Copyright 2026 GuestGuard authors.
#include "guestguard/scoring.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace guestguard {
namespace {

// `markers` in ASCII lower case, index for index.
std::vector<std::string> Lowered(const std::vector<std::string>& markers) {
  std::vector<std::string> out;
  out.reserve(markers.size());
  for (const std::string& marker : markers) out.push_back(absl::AsciiStrToLower(marker));
  return out;
}

// The first of `markers` found in `user_agent` (its first 1024 bytes),
// ignoring ASCII case; nullptr when none is. `lowered` is Lowered(markers).
// Allocates nothing.
const std::string* FirstMarkerIn(std::string_view user_agent,
                                 const std::vector<std::string>& markers,
                                 const std::vector<std::string>& lowered) {
  std::array<char, 1024> buffer;
  const size_t n = std::min(user_agent.size(), buffer.size());
  std::transform(user_agent.begin(), user_agent.begin() + n, buffer.begin(),
                 [](char c) { return absl::ascii_tolower(static_cast<unsigned char>(c)); });
  const std::string_view head(buffer.data(), n);
  for (size_t i = 0; i < lowered.size(); ++i) {
    if (!lowered[i].empty() && head.find(lowered[i]) != std::string_view::npos) {
      return &markers[i];
    }
  }
  return nullptr;
}

absl::Status CheckScore(std::string_view field, int value) {
  if (value < 0 || value > 100) {
    return absl::InvalidArgumentError(
        absl::StrCat("scoring options: ", std::string(field), " (", value, ") must be 0-100"));
  }
  return absl::OkStatus();
}

// How an attempt's device relates to the guest's learned devices.
enum class DeviceMatch {
  kNothingToCompare,  // No learned device, or no device key.
  kKnown,             // A learned device.
  kUpdated,           // A new fingerprint and user agent, the traits of a learned device.
  kSameModel,         // A new fingerprint, the same traits and user agent: changed
                      // settings, or another device of the same model.
  kPartial,           // A new fingerprint, a few traits moved.
  kTravelled,         // A new fingerprint, only the time zone moved (the guest travelling).
  kInconsistent,      // A learned fingerprint with traits that are not its own.
  kTwin,              // A device of a learned one's model, used alternately with it.
  kUnknown,           // Another device.
};

bool KnownDevice(DeviceMatch m) {
  return m == DeviceMatch::kKnown || m == DeviceMatch::kUpdated || m == DeviceMatch::kSameModel ||
         m == DeviceMatch::kPartial || m == DeviceMatch::kTravelled;
}

bool IsLearnedDevice(const Baseline& b, uint64_t device) {
  for (const Baseline::Device& d : b.devices()) {
    if (d.fingerprint == device) return true;
  }
  return false;
}

// The earliest time (Unix seconds) the link saw device `key`: when it was
// first learned, or its oldest use in the history; nullopt if never.
std::optional<int64_t> FirstSeen(const Baseline& b, uint64_t key) {
  std::optional<int64_t> first;
  for (const Baseline::Device& d : b.devices()) {
    if (d.fingerprint == key) first = d.first_seen;
  }
  for (const Baseline::Use& u : b.uses()) {
    if (u.device == key && (!first || u.at < *first)) first = u.at;
  }
  return first;
}

// Whether the traits of `f` and `d` are all the same (enough of them compared).
bool SameTraits(const ScoringOptions& o, const AccessFeatures& f, const Baseline::Device& d) {
  int compared = 0;
  for (size_t i = 0; i < f.components.size(); ++i) {
    if (f.components[i] == 0 || d.components[i] == 0) continue;
    ++compared;
    if (f.components[i] != d.components[i]) return false;
  }
  return compared >= o.min_compared_components;
}

// A fingerprint replaces the previous one of its device (a browser update,
// changed settings: FP-Stalker links such chains [S1]); it does not go back.
// So when the link saw this device before, and since then a learned device
// with the same traits and the same kind of browser (an app's embedded one or
// not) was used, this fingerprint is going back: two devices of one model are
// in use on the link.
bool AlternatesWithLearnedDevice(const ScoringOptions& o, const AccessFeatures& f,
                                 const Baseline& b) {
  if (f.device_from_headers || f.fingerprint == 0) return false;
  const std::optional<int64_t> first = FirstSeen(b, f.device);
  if (!first) return false;
  for (const Baseline::Device& d : b.devices()) {
    if (d.fingerprint == f.device || d.embedded_browser != f.embedded_browser ||
        !SameTraits(o, f, d)) {
      continue;
    }
    bool used_since = d.last_seen > *first;
    for (const Baseline::Use& u : b.uses()) {
      used_since = used_since || (u.device == d.fingerprint && u.at > *first);
    }
    if (used_since) return true;
  }
  return false;
}

DeviceMatch MatchDevice(const ScoringOptions& o, const AccessFeatures& f, const Baseline& b) {
  const auto devices = b.devices();
  if (devices.empty() || f.device == 0) return DeviceMatch::kNothingToCompare;
  if (AlternatesWithLearnedDevice(o, f, b)) {
    const auto admitted = b.admitted();
    // An admitted device retrying at the door is the check-in limit's business.
    if (std::find(admitted.begin(), admitted.end(), f.device) == admitted.end()) {
      return DeviceMatch::kTwin;
    }
  }
  DeviceMatch best = DeviceMatch::kUnknown;
  int best_moved = 5;
  for (const Baseline::Device& d : devices) {
    int compared = 0;
    int moved = 0;
    bool timezone_moved = false;
    for (size_t i = 0; i < f.components.size(); ++i) {
      if (f.components[i] == 0 || d.components[i] == 0) continue;
      ++compared;
      if (f.components[i] != d.components[i]) {
        ++moved;
        timezone_moved = timezone_moved || i == 0;
      }
    }
    if (d.fingerprint == f.device) {
      // The page hashes the traits into the fingerprint: the same fingerprint
      // with other traits was not computed by this device.
      if (!f.device_from_headers && compared >= o.min_compared_components && moved >= 2) {
        return DeviceMatch::kInconsistent;
      }
      return DeviceMatch::kKnown;
    }
    if (!f.device_from_headers && compared >= o.min_compared_components &&
        moved <= o.max_moved_components && moved <= best_moved) {
      // A new fingerprint with every trait of a device still in use is a
      // second device of that model: a fingerprint changes about every 5
      // days [S1], so within a day (whatever the user agent: an update ships
      // every 2 weeks [S4]) or, with the same user agent, within 2 days it is
      // more likely another phone; after a quiet spell, drifted settings.
      const int64_t gap = absl::ToUnixSeconds(f.at) - d.last_seen;
      const bool twin =
          gap >= 0 &&
          (gap < absl::ToInt64Seconds(o.same_model_any_agent_window) ||
           (f.agent != 0 && f.agent == d.agent && gap < absl::ToInt64Seconds(o.same_model_window)));
      const DeviceMatch m = moved > 0 && timezone_moved ? DeviceMatch::kTravelled
                            : moved > 0                 ? DeviceMatch::kPartial
                            : twin                      ? DeviceMatch::kSameModel
                                                        : DeviceMatch::kUpdated;
      // Among equally close devices, one still in use (a twin) decides.
      if (moved < best_moved || m == DeviceMatch::kSameModel) best = m;
      best_moved = moved;
    }
  }
  // A moved copy the link already saw and did not take for the guest's (it
  // was flagged, or a host said suspicious): time passing does not make it
  // an update.
  if (best == DeviceMatch::kUpdated && !IsLearnedDevice(b, f.device) &&
      std::any_of(b.uses().begin(), b.uses().end(),
                  [&](const Baseline::Use& u) { return u.device == f.device && u.flagged; })) {
    best = DeviceMatch::kSameModel;
  }
  return best;
}

enum class NetworkMatch { kNothingToCompare, kKnownAddress, kSameNetwork, kNew };

NetworkMatch MatchNetwork(const AccessFeatures& f, const Baseline& b) {
  const auto networks = b.networks();
  if (!f.has_ip || networks.empty()) return NetworkMatch::kNothingToCompare;
  NetworkMatch m = NetworkMatch::kNew;
  for (const Baseline::Network& n : networks) {
    if (n.network != f.network) continue;
    if (n.address == f.address) return NetworkMatch::kKnownAddress;
    m = NetworkMatch::kSameNetwork;
  }
  return m;
}

bool IsLearnedNetwork(const Baseline& b, uint64_t network) {
  for (const Baseline::Network& n : b.networks()) {
    if (n.network == network) return true;
  }
  return false;
}

// True when the time zone or language of `f` matches none of the learned
// devices that have them (and at least one has).
bool LocaleDiffers(const AccessFeatures& f, const Baseline& b) {
  bool compared_any = false;
  for (const Baseline::Device& d : b.devices()) {
    bool compared = false;
    bool same = true;
    for (size_t i : {size_t{0}, size_t{1}}) {  // timezone, language
      if (f.components[i] == 0 || d.components[i] == 0) continue;
      compared = true;
      if (f.components[i] != d.components[i]) same = false;
    }
    if (compared && same) return false;
    compared_any = compared_any || compared;
  }
  return compared_any;
}

// A check-in while the link's party is arriving: someone of it was admitted
// within the last hour and places are left (a plus-one's own phone).
bool InPartyAtTheDoor(const ScoringContext& ctx) {
  if (ctx.attempt.kind != AccessKind::kCheckin) return false;
  const auto admitted = ctx.baseline.admitted();
  if (admitted.empty() || static_cast<int>(admitted.size()) >= ctx.attempt.max_checkins) {
    return false;
  }
  const int64_t now = absl::ToUnixSeconds(ctx.features.at);
  for (const Baseline::Use& u : ctx.baseline.uses()) {
    if (u.kind == AccessKind::kCheckin && !u.blocked && now - u.at <= 3600 &&
        std::find(admitted.begin(), admitted.end(), u.device) != admitted.end()) {
      return true;
    }
  }
  return false;
}

void ScoreDeviceAndNetwork(const ScoringOptions& o, const ScoringContext& ctx, DeviceMatch device,
                           NetworkMatch network, std::vector<Reason>& reasons) {
  const AccessFeatures& f = ctx.features;
  const size_t device_count = ctx.baseline.devices().size();
  switch (device) {
    case DeviceMatch::kNothingToCompare:
    case DeviceMatch::kKnown:
      break;
    case DeviceMatch::kUpdated:
      reasons.push_back({std::string(reason::kFingerprintPartial), o.fingerprint_updated_score,
                         "The device fingerprint changed, but every device trait matches a device "
                         "this guest used before (a browser update)."});
      break;
    case DeviceMatch::kTravelled:
      reasons.push_back({std::string(reason::kFingerprintPartial), o.fingerprint_updated_score,
                         "A device this guest used before, in another time zone (travelling)."});
      break;
    case DeviceMatch::kSameModel:
      reasons.push_back({std::string(reason::kFingerprintPartial), o.fingerprint_same_model_score,
                         "The device fingerprint changed but not the browser: changed settings, "
                         "or another device of the same model and locale."});
      break;
    case DeviceMatch::kPartial:
      reasons.push_back({std::string(reason::kFingerprintPartial), o.fingerprint_partial_score,
                         "The device fingerprint changed, but all device traits but one match a "
                         "device this guest used before."});
      break;
    case DeviceMatch::kInconsistent:
      reasons.push_back({std::string(reason::kFingerprintInconsistent),
                         o.fingerprint_inconsistent_score,
                         "A fingerprint this guest's device sent before, but with other device "
                         "traits: the fingerprint looks copied."});
      break;
    case DeviceMatch::kTwin:
      if (InPartyAtTheDoor(ctx)) {
        reasons.push_back({std::string(reason::kFingerprintMismatch), o.household_device_score,
                           "A device of the same model as this guest's, checking in while the "
                           "guest's party is arriving (a plus-one's phone)."});
        break;
      }
      reasons.push_back({std::string(reason::kFingerprintMismatch), o.fingerprint_mismatch_score,
                         "Another device of the same model and locale as this guest's: the two "
                         "are used alternately (a fingerprint does not go back)."});
      break;
    case DeviceMatch::kUnknown: {
      const bool known_network =
          network == NetworkMatch::kKnownAddress || network == NetworkMatch::kSameNetwork;
      if (InPartyAtTheDoor(ctx)) {
        reasons.push_back({std::string(reason::kFingerprintMismatch), o.household_device_score,
                           "A device this guest never used, checking in while the guest's party "
                           "is arriving (a plus-one's phone)."});
      } else if (f.device_from_headers) {
        reasons.push_back({std::string(reason::kFingerprintMismatch),
                           o.header_device_mismatch_score,
                           "The browser (user agent and language) differs from the ones this "
                           "guest used before."});
      } else if (known_network) {
        reasons.push_back({std::string(reason::kNewDeviceKnownNetwork), o.household_device_score,
                           "A device this guest never used, on a network the guest uses (a "
                           "second device, or someone in the same household)."});
      } else {
        reasons.push_back({std::string(reason::kFingerprintMismatch), o.fingerprint_mismatch_score,
                           absl::StrCat("This device matches none of the ", device_count,
                                        " device(s) this guest used before.")});
      }
      break;
    }
  }
  if ((device == DeviceMatch::kUnknown || device == DeviceMatch::kInconsistent) &&
      !f.device_from_headers && LocaleDiffers(f, ctx.baseline)) {
    reasons.push_back({std::string(reason::kLocaleMismatch), o.locale_mismatch_score,
                       "Its time zone or language matches none of this guest's devices."});
  }

  switch (network) {
    case NetworkMatch::kNothingToCompare:
    case NetworkMatch::kKnownAddress:
      break;
    case NetworkMatch::kSameNetwork:
      reasons.push_back({std::string(reason::kIpChangedSameNetwork), o.ip_same_network_score,
                         "A new address in a network this guest used before."});
      break;
    case NetworkMatch::kNew:
      if (device == DeviceMatch::kKnown || device == DeviceMatch::kTravelled ||
          InPartyAtTheDoor(ctx)) {
        reasons.push_back({std::string(reason::kNewNetwork), o.known_device_new_network_score,
                           "A device this guest used before, on a network not seen before."});
      } else if (device == DeviceMatch::kUpdated) {
        // Every trait matched: the guest's device after a browser or settings change.
        reasons.push_back({std::string(reason::kNewNetwork), o.known_device_new_network_score,
                           "A device this guest used before (its fingerprint changed, its traits "
                           "did not), on a network not seen before."});
      } else if (device == DeviceMatch::kPartial || device == DeviceMatch::kSameModel) {
        reasons.push_back({std::string(reason::kNewNetwork), o.changed_device_new_network_score,
                           "A changed device on a network this guest never used."});
      } else {
        reasons.push_back({std::string(reason::kNewNetwork), o.new_network_score,
                           "First access from this network for this guest."});
      }
      break;
  }
}

// Rules over the link's use history: sharing, concurrency, hopping, velocity.
void ScoreHistory(const ScoringOptions& o, const ScoringContext& ctx, DeviceMatch device,
                  NetworkMatch network, std::vector<Reason>& reasons) {
  const AccessFeatures& f = ctx.features;
  const Baseline& b = ctx.baseline;
  const int64_t now = absl::ToUnixSeconds(f.at);
  const bool known_device = KnownDevice(device);
  const bool unknown_device = device == DeviceMatch::kUnknown ||
                              device == DeviceMatch::kInconsistent || device == DeviceMatch::kTwin;
  const bool unknown_network = network == NetworkMatch::kNew;
  const bool foreign = unknown_device && unknown_network && f.device != 0;
  // A moved copy of a learned device on a new network is ambiguous: the
  // guest's own device changed (or travelled), or another phone of the same
  // model (they differ in a trait or not at all [S6]; a visitor of a public
  // post from another time zone looks like the guest travelling). It counts
  // as a stranger only once the others alone show the link shared.
  const bool ambiguous = (device == DeviceMatch::kPartial || device == DeviceMatch::kSameModel ||
                          device == DeviceMatch::kUpdated || device == DeviceMatch::kTravelled) &&
                         unknown_network && f.device != 0;

  const int party = std::max(1, ctx.attempt.max_checkins);
  // Distinct devices the guest never used, from networks the guest never
  // used, since `since`, this one included; check-ins only if `checkins`.
  auto strangers = [&](int64_t since, bool checkins, bool self = true) {
    std::vector<uint64_t> seen;
    if (self) seen.push_back(f.device);
    for (const Baseline::Use& u : b.uses()) {
      if (u.at < since || u.at > now || u.device == 0) continue;
      if (!checkins && u.kind == AccessKind::kCheckin) continue;
      if (IsLearnedDevice(b, u.device) || (u.network != 0 && IsLearnedNetwork(b, u.network))) {
        continue;
      }
      if (std::find(seen.begin(), seen.end(), u.device) == seen.end()) seen.push_back(u.device);
    }
    return static_cast<int>(seen.size());
  };
  // Sharing is counted on opens and RSVPs: at the door the party converges,
  // and the check-in limit governs admissions.
  const int shared_at = std::max(3, party + 1);
  const int64_t sharing_since = now - absl::ToInt64Seconds(o.sharing_window);
  if (ambiguous && ctx.attempt.kind != AccessKind::kCheckin &&
      strangers(sharing_since, false, /*self=*/false) >= shared_at) {
    reasons.push_back({std::string(reason::kLinkShared), o.link_shared_score,
                       "A changed device on a new network, while this link is being used by "
                       "more devices than its party could bring."});
  }
  if (foreign && ctx.attempt.kind != AccessKind::kCheckin) {
    const int count = strangers(sharing_since, false);
    if (count >= shared_at) {
      reasons.push_back(
          {std::string(reason::kLinkShared), o.link_shared_score,
           absl::StrCat("This link has been used by ", count,
                        " devices the guest never used, from networks the guest never used: "
                        "more than its party of ",
                        party, " could bring.")});
    } else if (count > party) {
      reasons.push_back({std::string(reason::kLinkForwarded), o.link_forwarded_score,
                         absl::StrCat("This link has been used by ", count,
                                      " devices the guest never used, from networks the guest "
                                      "never used.")});
    }
  }
  // Another device — or a changed copy of the guest's, which cannot be in two
  // places at once — while the guest's own is in use elsewhere; a party brings
  // its plus-ones' phones, so only strangers beyond them count.
  if (foreign || ambiguous) {
    const int64_t active_since = now - absl::ToInt64Seconds(o.concurrency_window);
    const bool beyond_party = strangers(active_since, true) >= party;
    for (const Baseline::Use& u : b.uses()) {
      if (!beyond_party) break;
      if (u.at < active_since || u.at > now || u.blocked) continue;
      if (IsLearnedDevice(b, u.device) && u.network != 0 && u.network != f.network) {
        reasons.push_back({std::string(reason::kConcurrentUse), o.concurrent_use_score,
                           absl::StrCat("One of this guest's own devices used the link from "
                                        "another network within the last ",
                                        absl::FormatDuration(o.concurrency_window), ".")});
        break;
      }
    }
  }

  if (!known_device && f.has_ip) {
    const int64_t since = now - absl::ToInt64Seconds(o.network_hopping_window);
    std::vector<uint64_t> networks = {f.network};
    for (const Baseline::Use& u : b.uses()) {
      if (u.at < since || u.at > now || u.network == 0) continue;
      if (std::find(networks.begin(), networks.end(), u.network) == networks.end()) {
        networks.push_back(u.network);
      }
    }
    if (static_cast<int>(networks.size()) >= o.network_hopping_count) {
      reasons.push_back({std::string(reason::kNetworkHopping), o.network_hopping_score,
                         absl::StrCat(networks.size(), " different networks within ",
                                      absl::FormatDuration(o.network_hopping_window), ".")});
    }
  }

  if (!known_device && ctx.recent_uses > o.velocity_free_uses) {
    const int extra = ctx.recent_uses - o.velocity_free_uses - 1;
    const int score = std::min(100, o.velocity_base_score + o.velocity_step_score * extra);
    reasons.push_back({std::string(reason::kRepeatedAccess), score,
                       absl::StrCat("This link was used ", ctx.recent_uses, " times within ",
                                    absl::FormatDuration(o.velocity_window), ".")});
  }
}

// `automation_markers` is Lowered(o.automation_markers).
void ScoreSignals(const ScoringOptions& o, const std::vector<std::string>& automation_markers,
                  const ScoringContext& ctx, std::vector<Reason>& reasons) {
  const ClientSignals& s = ctx.attempt.signals;
  const bool no_locale = s.language.empty() && s.timezone.empty();
  if (s.fingerprint.empty() && s.language.empty()) {
    reasons.push_back({std::string(reason::kScriptedClient), o.scripted_client_score,
                       "Neither a device fingerprint nor a language: no browser sends that."});
  } else {
    if (s.fingerprint.empty() && o.fingerprint_expected) {
      reasons.push_back({std::string(reason::kMissingFingerprint), o.missing_fingerprint_score,
                         "The client sent no device fingerprint, which the invitation page "
                         "always sends."});
    }
    if (no_locale) {
      reasons.push_back({std::string(reason::kMissingLocale), o.missing_locale_score,
                         "The client sent neither a language nor a timezone."});
    }
  }
  if (s.user_agent.empty()) {
    reasons.push_back({std::string(reason::kMissingUserAgent), o.missing_user_agent_score,
                       "The client sent no user agent."});
  } else {
    if (const std::string* marker =
            FirstMarkerIn(s.user_agent, o.automation_markers, automation_markers)) {
      reasons.push_back(
          {std::string(reason::kAutomationUserAgent), o.automation_user_agent_score,
           absl::StrCat("The user agent looks like an automation tool (\"", *marker, "\").")});
    }
  }
  if (!ctx.features.has_ip) {
    reasons.push_back({std::string(reason::kMissingClientIp), o.missing_client_ip_score,
                       "The client address is unknown."});
  }
}

}  // namespace

bool IsDoorRetry(const ScoringContext& ctx) {
  if (ctx.attempt.kind != AccessKind::kCheckin || ctx.features.device == 0) return false;
  const auto admitted = ctx.baseline.admitted();
  return std::find(admitted.begin(), admitted.end(), ctx.features.device) != admitted.end();
}

bool IsNewDeviceAtTheDoor(const ScoringContext& ctx) {
  return ctx.attempt.kind == AccessKind::kCheckin && ctx.features.device != 0 &&
         !IsLearnedDevice(ctx.baseline, ctx.features.device);
}

absl::Status ScoringOptions::Validate() const {
  const std::pair<std::string_view, int> scores[] = {
      {"fingerprint_mismatch_score", fingerprint_mismatch_score},
      {"household_device_score", household_device_score},
      {"header_device_mismatch_score", header_device_mismatch_score},
      {"fingerprint_updated_score", fingerprint_updated_score},
      {"fingerprint_partial_score", fingerprint_partial_score},
      {"fingerprint_same_model_score", fingerprint_same_model_score},
      {"fingerprint_inconsistent_score", fingerprint_inconsistent_score},
      {"locale_mismatch_score", locale_mismatch_score},
      {"ip_same_network_score", ip_same_network_score},
      {"known_device_new_network_score", known_device_new_network_score},
      {"changed_device_new_network_score", changed_device_new_network_score},
      {"new_network_score", new_network_score},
      {"network_hopping_score", network_hopping_score},
      {"link_forwarded_score", link_forwarded_score},
      {"link_shared_score", link_shared_score},
      {"concurrent_use_score", concurrent_use_score},
      {"missing_fingerprint_score", missing_fingerprint_score},
      {"missing_user_agent_score", missing_user_agent_score},
      {"missing_locale_score", missing_locale_score},
      {"missing_client_ip_score", missing_client_ip_score},
      {"automation_user_agent_score", automation_user_agent_score},
      {"scripted_client_score", scripted_client_score},
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
  for (const auto& [name, window] : {std::pair<std::string_view, absl::Duration>{
                                         "network_hopping_window", network_hopping_window},
                                     {"velocity_window", velocity_window},
                                     {"sharing_window", sharing_window},
                                     {"same_model_window", same_model_window},
                                     {"same_model_any_agent_window", same_model_any_agent_window},
                                     {"concurrency_window", concurrency_window}}) {
    if (window <= absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          absl::StrCat("scoring options: ", std::string(name), " must be positive"));
    }
  }
  if (contested_seat_uses < 1) {
    return absl::InvalidArgumentError("scoring options: contested_seat_uses must be >= 1");
  }
  if (velocity_free_uses < 1) {
    return absl::InvalidArgumentError("scoring options: velocity_free_uses must be >= 1");
  }
  if (!(secondary_weight >= 0.0 && secondary_weight <= 1.0)) {
    return absl::InvalidArgumentError("scoring options: secondary_weight must be within [0, 1]");
  }
  for (const auto& [name, markers] : {std::pair<std::string_view, const std::vector<std::string>*>{
                                          "automation_markers", &automation_markers},
                                      {"preview_markers", &preview_markers}}) {
    for (const std::string& marker : *markers) {
      if (marker.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("scoring options: ", std::string(name), " has an empty entry"));
      }
    }
  }
  for (const std::string& network : scanner_networks) {
    if (absl::StatusOr<Cidr> c = Cidr::Parse(network); !c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("scoring options: scanner_networks: \"",
                                                     network, "\": ", c.status().message()));
    }
  }
  return absl::OkStatus();
}

HeuristicScorer::HeuristicScorer(ScoringOptions options)
    : options_(std::move(options)),
      automation_markers_lower_(Lowered(options_.automation_markers)),
      preview_markers_lower_(Lowered(options_.preview_markers)) {
  std::vector<Cidr> scanners;
  for (const std::string& network : options_.scanner_networks) {
    if (absl::StatusOr<Cidr> c = Cidr::Parse(network); c.ok()) scanners.push_back(*c);
  }
  scanner_networks_ = CidrSet(std::move(scanners));
}

absl::StatusOr<std::unique_ptr<HeuristicScorer>> HeuristicScorer::Create(ScoringOptions options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  return std::make_unique<HeuristicScorer>(std::move(options));
}

std::optional<std::string> HeuristicScorer::RecognisePreview(const AccessAttempt& attempt,
                                                             const IpAddress* client_ip) const {
  if (attempt.kind != AccessKind::kOpen) return std::nullopt;
  if (const std::string* marker = FirstMarkerIn(attempt.signals.user_agent,
                                                options_.preview_markers, preview_markers_lower_)) {
    return *marker;
  }
  if (client_ip != nullptr && scanner_networks_.Contains(*client_ip)) return "mail scanner";
  return std::nullopt;
}

Verdict HeuristicScorer::Evaluate(const ScoringContext& ctx) const {
  std::vector<Reason> findings;
  findings.reserve(8);
  DeviceMatch device = MatchDevice(options_, ctx.features, ctx.baseline);
  NetworkMatch network = MatchNetwork(ctx.features, ctx.baseline);
  if (IsDoorRetry(ctx)) {
    // The door already decided on this device; its retries are the same
    // person at the door (a slow venue network), whatever the network.
    device = DeviceMatch::kKnown;
    network = NetworkMatch::kNothingToCompare;
  }
  ScoreDeviceAndNetwork(options_, ctx, device, network, findings);
  ScoreHistory(options_, ctx, device, network, findings);
  ScoreSignals(options_, automation_markers_lower_, ctx, findings);
  return Combine(std::move(findings), ctx.thresholds);
}

namespace {

// The leak rule of HeuristicScorer::Reconcile.
void ForgetWhatALeakTaught(const ScoringOptions& o, int64_t now, Baseline& b) {
  const int64_t since = now - absl::ToInt64Seconds(o.sharing_window);
  std::optional<int64_t> leak_start;
  for (const Baseline::Use& u : b.uses()) {
    if (u.at < since || u.at > now || !u.flagged || u.known_device || u.known_network) continue;
    if (!leak_start || u.at < *leak_start) leak_start = u.at;
  }
  if (!leak_start) return;
  b.DropProvisionalBetween(absl::FromUnixSeconds(*leak_start) - o.velocity_window,
                           absl::FromUnixSeconds(now));
}

// The burst rule of HeuristicScorer::Reconcile.
void ForgetWhatABurstTaught(const ScoringOptions& o, int64_t now, Baseline& b) {
  const int64_t since = now - absl::ToInt64Seconds(o.velocity_window);
  int uses = 0;
  for (const Baseline::Use& u : b.uses()) {
    if (u.kind != AccessKind::kCheckin && u.at >= since && u.at <= now) ++uses;
  }
  if (uses > o.velocity_free_uses) {
    b.DropProvisionalBetween(absl::FromUnixSeconds(since), absl::FromUnixSeconds(now));
  }
}

// The contested-seat rule of HeuristicScorer::Reconcile, for the admitted,
// flagged check-in `use` of a device the baseline does not know.
void UnseatAContestedSeat(const ScoringOptions& o, const Baseline::Use& use, Baseline& b) {
  if (b.devices().empty() || b.has_confirmed_device()) return;
  int64_t seat_last = 0;
  for (const Baseline::Device& d : b.devices()) seat_last = std::max(seat_last, d.last_seen);
  int contesting = 0;
  int64_t first = INT64_MAX;
  int64_t last = 0;
  for (const Baseline::Use& u : b.uses()) {
    if (u.at <= seat_last || u.at > use.at || !u.flagged || u.blocked || u.known_device) continue;
    ++contesting;
    first = std::min<int64_t>(first, u.at);
    last = std::max<int64_t>(last, u.at);
  }
  if (contesting >= o.contested_seat_uses && last - first >= Baseline::kConfirmAfterSeconds) {
    b.DropProvisionalBefore(absl::FromUnixSeconds(use.at));
  }
}

}  // namespace

void HeuristicScorer::Reconcile(const std::vector<Reason>& reasons, const Baseline::Use& use,
                                Baseline& b) const {
  const bool shared = std::any_of(reasons.begin(), reasons.end(), [](const Reason& r) {
    return r.code == reason::kLinkShared && r.score > 0;
  });
  if (shared) {
    ForgetWhatALeakTaught(options_, use.at, b);
    return;
  }
  ForgetWhatABurstTaught(options_, use.at, b);
  const auto admitted = b.admitted();
  if (use.kind == AccessKind::kCheckin && use.flagged && !use.blocked && !use.known_device &&
      std::find(admitted.begin(), admitted.end(), use.device) != admitted.end()) {
    UnseatAContestedSeat(options_, use, b);
  }
}

Verdict HeuristicScorer::Combine(std::vector<Reason> findings, const Thresholds& thresholds) const {
  Verdict v;
  std::erase_if(findings, [](const Reason& r) {
    return r.code == reason::kSingleSignalCap || r.code == reason::kHeldBelowBlock;
  });
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Reason& a, const Reason& b) { return a.score > b.score; });
  double total = 0;
  int strong = 0;
  bool conclusive = false;
  for (size_t i = 0; i < findings.size(); ++i) {
    const int s = std::clamp(findings[i].score, 0, 100);
    total += i == 0 ? s : s * options_.secondary_weight;
    if (s >= options_.strong_signal_score) ++strong;
    conclusive = conclusive || (s > 0 && IsConclusiveReason(findings[i].code));
  }
  v.reasons = std::move(findings);
  v.score = std::clamp(static_cast<int>(std::lround(total)), 0, 100);
  if (!conclusive && strong < 2 && v.score >= thresholds.high) {
    v.score = std::max(0, thresholds.high - 1);
    v.reasons.push_back({std::string(reason::kSingleSignalCap), 0,
                         absl::StrCat("Held below ", std::string(BandLabel(Band::kHigh)),
                                      ": only one strong signal (two are needed).")});
  }
  if (!conclusive && v.score >= thresholds.block) {
    v.score = std::max(0, thresholds.block - 1);
    v.reasons.push_back({std::string(reason::kHeldBelowBlock), 0,
                         absl::StrCat("Held below ", std::string(BandLabel(Band::kBlock)),
                                      ": blocking needs a conclusive signal.")});
  }
  v.band = thresholds.BandOf(v.score);
  return v;
}

}  // namespace guestguard
