// Copyright 2026 GuestGuard authors.
//
// Risk scoring. A Scorer turns one access plus the guest's baseline into a
// 0-100 score with reasons. The built-in HeuristicScorer looks at:
//   - the device vs the guest's learned devices: a moved copy of a known
//     device (a browser update, a few traits changed) scores low, a different
//     device high, a known fingerprint with other traits (a replayed header)
//     higher; a different locale on a different device adds a strong finding;
//   - the network vs learned networks: a known device on a new network is the
//     guest moving (low), an unknown device on a new network is not;
//   - the link's use history: distinct unknown devices on unknown networks per
//     link (forwarded, then shared beyond its party), an unknown device while
//     the guest's own is active elsewhere, and bursts of uses;
//   - missing client signals, automation user agents and scripted clients.
// The strongest finding leads and the others add `secondary_weight` of theirs.
// Single-signal cap: the score reaches the event's *high* threshold only when
// at least two findings are >= `strong_signal_score`, and its *block*
// threshold only with a conclusive finding (IsConclusiveReason). A first
// access (empty baseline) has nothing to differ from, so only signals count.
//
// Link previews and mail scanners (RecognisePreview) are not scored at all:
// the Guard records them as previews.
//
//   guestguard::HeuristicScorer scorer(guestguard::ScoringOptions{});
//   guestguard::Verdict v = scorer.Evaluate({attempt, features, baseline, uses, thresholds});
#ifndef GUESTGUARD_SCORING_H_
#define GUESTGUARD_SCORING_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/access.h"
#include "guestguard/baseline.h"
#include "guestguard/cidr.h"
#include "guestguard/thresholds.h"

namespace guestguard {

// Every weight and window of the heuristic scorer. Scores are 0-100.
struct ScoringOptions {
  // Whether the embedder's page always sends a device fingerprint (the
  // reference invitation page does). Then a client without one skipped the
  // page's script. False for plain-navigation deployments, where only headers
  // (user agent, language) identify a device. Default: true.
  bool fingerprint_expected = true;

  int fingerprint_mismatch_score = 70;  // Default: 70. A device the guest never used.
  // An unknown device on a network the guest uses (a second device at home,
  // a partner's). Default: 25.
  int household_device_score = 25;
  // The same, when only headers identify devices (weak). Default: 35.
  int header_device_mismatch_score = 35;
  int fingerprint_updated_score = 10;  // Default: 10. Same traits, new fingerprint and browser.
  // A new fingerprint with every trait of a learned device used within
  // `same_model_any_agent_window` (whatever the user agent), or within
  // `same_model_window` with the same user agent: another device of the same
  // model (a look-alike) — a fingerprint changes about every 5 days [S1].
  // After a quiet spell it is taken for changed settings or an update
  // (fingerprint_updated_score). On a new network it is not the guest moving
  // (changed_device_new_network_score). A device the link already saw
  // flagged stays a look-alike however long it was away. Default: 20,
  // within 24 hours / 48 hours.
  int fingerprint_same_model_score = 20;
  absl::Duration same_model_window = absl::Hours(48);
  absl::Duration same_model_any_agent_window = absl::Hours(24);
  int fingerprint_partial_score = 25;  // Default: 25. A few traits moved.
  // A known fingerprint sent with traits that do not belong to it: a copied
  // fingerprint header. Default: 75.
  int fingerprint_inconsistent_score = 75;
  // A changed fingerprint is "partial" when at least this many components were
  // compared and at most `max_moved_components` differ. Default: 2 / 1.
  int min_compared_components = 2;
  int max_moved_components = 1;
  // An unknown device whose time zone or language matches none of the
  // guest's devices. Default: 70.
  int locale_mismatch_score = 70;

  int ip_same_network_score = 15;           // Default: 15. New address in a known /24 or /48.
  int known_device_new_network_score = 15;  // Default: 15. The guest's device moved.
  // A device whose fingerprint changed without a browser update, or with a
  // trait moved, on a new network. Default: 35.
  int changed_device_new_network_score = 35;
  int new_network_score = 45;  // Default: 45. An unknown device on an unknown network.
  // Too many networks in the window for a device that is not the guest's
  // (per-connection carrier NAT moves the guest's own phone too, so this is
  // weak on its own). Default: 40.
  int network_hopping_score = 40;
  // Distinct networks in the use history within the window (this one
  // included) that count as hopping. Default: 4 within 1 hour.
  int network_hopping_count = 4;
  absl::Duration network_hopping_window = absl::Hours(1);

  // Link sharing: distinct unknown devices on unknown networks among the uses
  // of the window (this one included). The link's party (1 + plus-ones, at
  // least 1) may bring that many; one more is `link_forwarded_score`, and
  // max(3, party + 1) or more is "shared" (conclusive). Default: 14 days.
  absl::Duration sharing_window = absl::Hours(24 * 14);
  int link_forwarded_score = 70;  // Default: 70.
  int link_shared_score = 95;     // Default: 95. Conclusive.
  // An unknown device on an unknown network while one of the guest's devices
  // was used from another network within this window, beyond the strangers
  // the party brings (1 + plus-ones - 1). Default: 2 hours, 75.
  absl::Duration concurrency_window = absl::Hours(2);
  int concurrent_use_score = 75;
  // Flagged, unrefused uses by devices the baseline does not know, since its
  // learned devices last used the link, that unseat a baseline with no
  // confirmed device at an admitted check-in (HeuristicScorer::Reconcile).
  // Default: 3 (a guest opens, RSVPs and checks in).
  int contested_seat_uses = 3;

  int missing_fingerprint_score = 40;    // Default: 40. Only when fingerprint_expected.
  int missing_user_agent_score = 40;     // Default: 40.
  int missing_locale_score = 15;         // Default: 15. Neither language nor timezone.
  int missing_client_ip_score = 10;      // Default: 10.
  int automation_user_agent_score = 90;  // Default: 90. Conclusive.
  // No fingerprint and no language: no browser sends that (conclusive). Default: 90.
  int scripted_client_score = 90;
  // Case-insensitive substrings that mark an automation user agent.
  // Default: headless browsers, curl, wget, scripting/HTTP libraries, crawlers.
  std::vector<std::string> automation_markers = {
      "headless",   "phantomjs", "selenium",    "puppeteer",  "playwright", "curl/",
      "wget/",      "python-",   "python/",     "aiohttp",    "httpx",      "go-http-client",
      "java/",      "okhttp",    "libwww-perl", "scrapy",     "node-fetch", "axios/",
      "httpclient", "spider",    "crawler",     "powershell/"};

  // Link previews and mail scanners, recognised on kind "open" only, by a
  // case-insensitive user-agent marker or by the fetching network; they are
  // recorded as previews and never scored, learned or counted as uses.
  // Default: the chat, social and mail-client unfurlers of DETECTION.md §2.
  std::vector<std::string> preview_markers = {"slackbot",
                                              "slack-imgproxy",
                                              "facebookexternalhit",
                                              "facebot",
                                              "facebookcatalog",
                                              "whatsapp/",
                                              "twitterbot",
                                              "discordbot",
                                              "telegrambot",
                                              "skypeuripreview",
                                              "microsoftpreview",
                                              "bingpreview",
                                              "linkedinbot",
                                              "linespider",
                                              "google-read-aloud",
                                              "googleimageproxy",
                                              "google-pagerenderer",
                                              "embedly",
                                              "pinterestbot",
                                              "redditbot",
                                              "applebot",
                                              "iframely",
                                              "mastodon/",
                                              "vkshare",
                                              "viber",
                                              "snap url preview",
                                              "mattermost-bot",
                                              "rocket.chat",
                                              "bitlybot",
                                              "ms office",
                                              "microsoft office"};
  // Mail-security scanners' published egress networks (Microsoft Exchange
  // Online Protection, Proofpoint, Mimecast, Barracuda): whatever they fetch
  // — even with a browser user agent and a fingerprint — is a scan.
  std::vector<std::string> scanner_networks = {
      "40.92.0.0/15",       "40.107.0.0/16",      "52.100.0.0/14",    "104.47.0.0/17",
      "2a01:111:f400::/48", "2a01:111:f403::/48", "148.163.128.0/19", "67.231.144.0/20",
      "205.139.110.0/24",   "207.211.30.0/24",    "170.10.128.0/24",  "216.205.24.0/24",
      "209.222.80.0/21",    "64.235.144.0/20"};

  // Uses of one token in `velocity_window` beyond `velocity_free_uses` score
  // velocity_base_score + velocity_step_score per further use (max 100), for
  // a device that is not the guest's (a known device retrying at the door is
  // harmless). Default: more than 5 uses in 10 minutes → 50, +10 per use.
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
  const Baseline& baseline;  // Learned devices and networks, and the link's use history.
  // Uses of this token in the velocity window, this one included. Guard
  // counts them from the baseline's use history.
  int recent_uses = 1;
  Thresholds thresholds;
  // The built-in verdict, for a pluggable scorer that refines it; set by
  // Guard::Check, null elsewhere.
  const Verdict* heuristic = nullptr;
};

// Whether the attempt is a check-in from a device already admitted on this
// link (a retry at the door): scored as the known device, never learned.
bool IsDoorRetry(const ScoringContext& context);

// Whether the attempt is a check-in from a device the guest's baseline has not
// learned: admitted if places are left, but never learned — at the door a
// new phone is a plus-one's or a buyer's as often as the guest's, and the
// baseline is who the guest is, not who came along [S28].
bool IsNewDeviceAtTheDoor(const ScoringContext& context);

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

  // Combines findings (sub-scores) into a verdict against `thresholds`: the
  // strongest leads, the others add secondary_weight; the caps apply. Cap
  // reasons already among `findings` are dropped first, so a recorded verdict
  // can be recombined for other thresholds (the what-if).
  Verdict Combine(std::vector<Reason> findings, const Thresholds& thresholds) const;

  // The name of the link-preview or mail-scanner fetcher behind an `open`
  // attempt (its user-agent marker, or "mail scanner" for a scanner
  // network); nullopt for anything else, including every rsvp and checkin.
  std::optional<std::string> RecognisePreview(const AccessAttempt& attempt,
                                              const IpAddress* client_ip) const;

  // Brings `baseline` (the guest's, already updated with the access scored
  // `reasons` and recorded as `use`) in line with what that verdict showed
  // about the link. Called by the Guard inside the baseline update, once per
  // scored access.
  //   - When the link was found shared (link_shared), the provisional devices
  //     and networks first learned from one `velocity_window` (the burst it
  //     arrived in) before the leak's first flagged stranger (within
  //     `sharing_window`) until now are forgotten, the seat excepted
  //     (Baseline::DropProvisionalBetween): a same-model visitor or a
  //     neighbour on the guest's network can pass as the guest while
  //     strangers arrive, and a public post must not teach the baseline
  //     [S6, S27].
  //   - When the link was used (opens and RSVPs) more than
  //     `velocity_free_uses` times within `velocity_window`, what it learned
  //     within that window is forgotten the same way: no guest opens their
  //     invitation six times in ten minutes; a griefer hammering it with a
  //     phone of the guest's model does (F10).
  //   - When a device the baseline does not know is admitted at the door,
  //     flagged, while no learned device is confirmed, and other devices
  //     used the link flagged (not refused) at least `contested_seat_uses`
  //     times over at least Baseline::kConfirmAfterSeconds since the
  //     learned devices last did, those provisional entries are forgotten:
  //     whoever opened the link first (a hijacker, a scanner) was not the
  //     guest, who kept using it and came to the door [S22, S27].
  void Reconcile(const std::vector<Reason>& reasons, const Baseline::Use& use,
                 Baseline& baseline) const;

  const ScoringOptions& options() const { return options_; }

 private:
  ScoringOptions options_;
  // options_.automation_markers and preview_markers in ASCII lower case,
  // index for index: what a user agent, lowered once, is searched for.
  std::vector<std::string> automation_markers_lower_;
  std::vector<std::string> preview_markers_lower_;
  CidrSet scanner_networks_;
};

}  // namespace guestguard

#endif  // GUESTGUARD_SCORING_H_
