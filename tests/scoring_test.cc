// Copyright 2026 GuestGuard authors.
#include "guestguard/scoring.h"

#include <algorithm>
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "testing/attempts.h"

namespace guestguard {
namespace {

using testing::OtherDevice;
using testing::UsualBrowser;

const absl::Time kT0 = absl::FromUnixSeconds(1795000000);

AccessFeatures F(const AccessAttempt& a) { return *AccessFeatures::From(a); }

// A baseline that learned the usual browser once at kT0.
Baseline UsualBaseline() {
  Baseline b;
  b.Learn(F(UsualBrowser(kT0)));
  return b;
}

class ScoringTest : public ::testing::Test {
 protected:
  Verdict Score(const AccessAttempt& a, const Baseline& b, int uses = 1,
                Thresholds t = Thresholds()) {
    const AccessFeatures f = F(a);
    return scorer_.Evaluate({a, f, b, uses, t});
  }

  static const Reason* Find(const Verdict& v, std::string_view code) {
    auto it = std::find_if(v.reasons.begin(), v.reasons.end(),
                           [&](const Reason& r) { return r.code == code; });
    return it == v.reasons.end() ? nullptr : &*it;
  }

  static std::vector<std::string> Codes(const Verdict& v) {
    std::vector<std::string> codes;
    for (const Reason& r : v.reasons) codes.push_back(r.code);
    return codes;
  }

  ScoringOptions options_;
  HeuristicScorer scorer_{options_};
};

TEST_F(ScoringTest, FirstAccessWithEverySignalIsLowWithNoReasons) {
  Verdict v = Score(UsualBrowser(kT0), Baseline());
  EXPECT_EQ(v.score, 0);
  EXPECT_EQ(v.band, Band::kLow);
  EXPECT_TRUE(v.reasons.empty());
}

TEST_F(ScoringTest, ReturningOnTheSameDeviceAndAddressIsLow) {
  Verdict v = Score(UsualBrowser(kT0 + absl::Hours(2)), UsualBaseline());
  EXPECT_EQ(v.score, 0);
  EXPECT_EQ(v.band, Band::kLow);
}

TEST_F(ScoringTest, DifferentDeviceOnTheGuestsOwnNetworkIsAHouseholdDevice) {
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(1));
  a.client_ip = "203.0.113.42";  // Same address: only the device differs.
  a.signals.timezone = "Europe/Paris";
  a.signals.language = "fr-FR";
  Verdict v = Score(a, UsualBaseline());
  EXPECT_EQ(Codes(v), std::vector<std::string>{std::string(reason::kNewDeviceKnownNetwork)});
  EXPECT_EQ(v.score, options_.household_device_score);
  EXPECT_EQ(v.band, Band::kLow);
}

TEST_F(ScoringTest, DifferentDeviceOnANewNetworkIsHeldBelowHigh) {
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(24));
  a.signals.timezone = "Europe/Paris";  // Same locale: only device and network differ.
  a.signals.language = "fr-FR";
  Verdict v = Score(a, UsualBaseline());
  const Reason* r = Find(v, reason::kFingerprintMismatch);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.fingerprint_mismatch_score);
  EXPECT_FALSE(r->message.empty());
  EXPECT_NE(Find(v, reason::kNewNetwork), nullptr);
  EXPECT_NE(Find(v, reason::kSingleSignalCap), nullptr);
  EXPECT_EQ(v.score, Thresholds().high - 1);  // One strong signal.
  EXPECT_EQ(v.band, Band::kMedium);
}

TEST_F(ScoringTest, DifferentDeviceNetworkAndLocaleReachSuspiciousButNotBlocked) {
  Verdict v = Score(OtherDevice(kT0 + absl::Hours(24)), UsualBaseline());
  EXPECT_NE(Find(v, reason::kLocaleMismatch), nullptr);
  EXPECT_EQ(v.band, Band::kHigh);
  EXPECT_NE(Find(v, reason::kHeldBelowBlock), nullptr) << "no conclusive signal";
}

TEST_F(ScoringTest, AKnownFingerprintWithOtherTraitsIsInconsistent) {
  AccessAttempt copied = OtherDevice(kT0 + absl::Hours(24));
  copied.signals.fingerprint = "fp-usual";  // The guest's header, replayed.
  Verdict v = Score(copied, UsualBaseline());
  EXPECT_NE(Find(v, reason::kFingerprintInconsistent), nullptr);
  EXPECT_GE(v.band, Band::kMedium);
}

TEST_F(ScoringTest, ABrowserUpdateIsAPartialMatchThatStaysLowAnywhere) {
  AccessAttempt updated = UsualBrowser(kT0 + absl::Hours(24 * 28));
  updated.signals.fingerprint = "fp-usual-next-version";
  updated.signals.user_agent += " Version/18.2";
  Verdict v = Score(updated, UsualBaseline());
  EXPECT_EQ(Codes(v), std::vector<std::string>{std::string(reason::kFingerprintPartial)});
  EXPECT_EQ(v.score, options_.fingerprint_updated_score);
  updated.client_ip = "192.0.2.10";  // ...on another network too: noticed, still not a stranger.
  Verdict elsewhere = Score(updated, UsualBaseline());
  EXPECT_LT(elsewhere.score, Score(OtherDevice(kT0 + absl::Hours(24)), UsualBaseline()).score);
}

TEST_F(ScoringTest, LanguageListsCompareWithoutWeights) {
  // Days later (within a day a new fingerprint is a look-alike, see below).
  AccessAttempt header = UsualBrowser(kT0 + absl::Hours(72));
  header.signals.language = "fr-FR;q=0.9";  // Accept-Language spelling of navigator.languages.
  header.signals.fingerprint = "fp-usual-2";
  header.signals.user_agent += " Version/18.2";  // After a browser update.
  EXPECT_EQ(Score(header, UsualBaseline()).score, options_.fingerprint_updated_score);
}

TEST_F(ScoringTest, ANewFingerprintWithoutABrowserUpdateWhileTheDeviceIsInUseIsALookAlike) {
  AccessAttempt twin = UsualBrowser(kT0 + absl::Hours(3));
  twin.signals.fingerprint = "fp-same-model";  // Same traits, same user agent.
  Verdict v = Score(twin, UsualBaseline());
  EXPECT_EQ(v.score, options_.fingerprint_same_model_score);
  EXPECT_EQ(v.band, Band::kLow) << "on the guest's own network: unstable fingerprints happen";
  twin.client_ip = "192.0.2.10";  // Elsewhere it is not the guest moving.
  EXPECT_EQ(Score(twin, UsualBaseline()).band, Band::kMedium);
  // Weeks later the same change is taken for changed settings.
  twin.client_ip = UsualBrowser().client_ip;
  twin.at = kT0 + absl::Hours(24 * 20);
  EXPECT_EQ(Score(twin, UsualBaseline()).score, options_.fingerprint_updated_score);
}

TEST_F(ScoringTest, ANewFingerprintWithTheGuestsTraitsWithinADayIsALookAlikeWhateverTheBrowser) {
  AccessAttempt other = UsualBrowser(kT0 + absl::Hours(20));
  other.signals.fingerprint = "fp-same-model";
  other.signals.user_agent += " Version/18.2";  // Another version (or app) of the browser.
  other.client_ip = "192.0.2.10";
  Verdict v = Score(other, UsualBaseline());
  const Reason* r = Find(v, reason::kFingerprintPartial);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.fingerprint_same_model_score);
  EXPECT_EQ(v.band, Band::kMedium) << "elsewhere, a day after the guest: another phone";
  // Days later a new user agent and fingerprint are a browser update: the guest moving.
  other.at = kT0 + absl::Hours(72);
  Verdict later = Score(other, UsualBaseline());
  EXPECT_EQ(later.band, Band::kLow);
  EXPECT_EQ(Find(later, reason::kFingerprintPartial)->score, options_.fingerprint_updated_score);
}

TEST_F(ScoringTest, AFlaggedLookAlikeStaysOneWhenItComesBackLater) {
  AccessAttempt twin = UsualBrowser(kT0 + absl::Hours(24 * 10));
  twin.signals.fingerprint = "fp-same-model";
  twin.signals.user_agent += " Version/18.2";
  twin.client_ip = "192.0.2.10";
  EXPECT_EQ(Score(twin, UsualBaseline()).band, Band::kLow) << "never seen: an update";
  Baseline b = UsualBaseline();
  Baseline::Use seen;  // The link saw it a week ago, and flagged it.
  seen.device = F(twin).device;
  seen.network = F(twin).network;
  seen.at = static_cast<uint32_t>(absl::ToUnixSeconds(kT0 + absl::Hours(24 * 3)));
  seen.flagged = true;
  b.RecordUse(seen);
  Verdict v = Score(twin, b);
  EXPECT_EQ(v.band, Band::kMedium);
  EXPECT_EQ(Find(v, reason::kFingerprintPartial)->score, options_.fingerprint_same_model_score);
}

TEST_F(ScoringTest, TwoDevicesOfOneModelUsedAlternatelyAreTwoDevices) {
  // The guest's device, then a same-model phone that got learned (it looked
  // like an update), then the guest's device again: fingerprints do not go back.
  AccessAttempt look_alike = UsualBrowser(kT0 + absl::Hours(24 * 6));
  look_alike.signals.fingerprint = "fp-look-alike";
  look_alike.client_ip = "192.0.2.10";
  Baseline b = UsualBaseline();
  b.Learn(F(look_alike));
  look_alike.at = kT0 + absl::Hours(24 * 9);
  EXPECT_EQ(Score(look_alike, b).band, Band::kLow) << "no sign of two devices yet";
  b.Learn(F(UsualBrowser(kT0 + absl::Hours(24 * 8))));  // The guest's own, since.
  Verdict v = Score(look_alike, b);
  const Reason* r = Find(v, reason::kFingerprintMismatch);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.fingerprint_mismatch_score);
  EXPECT_EQ(v.band, Band::kMedium);

  // A device's own chain (each fingerprint replacing the last) is no twin.
  Baseline chain = UsualBaseline();
  AccessAttempt next = UsualBrowser(kT0 + absl::Hours(24 * 6));
  next.signals.fingerprint = "fp-usual-v2";
  chain.Learn(F(next));
  next.at = kT0 + absl::Hours(24 * 9);
  EXPECT_EQ(Score(next, chain).band, Band::kLow);

  // Nor is a phone alternating between a mail app's embedded browser and its own.
  Baseline app = UsualBaseline();
  AccessAttempt in_app = UsualBrowser(kT0 + absl::Hours(24 * 6));
  in_app.signals.fingerprint = "fp-in-app";
  in_app.signals.user_agent = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 GSA/351.0 Mobile";
  app.Learn(F(in_app));
  app.Learn(F(UsualBrowser(kT0 + absl::Hours(24 * 8))));
  in_app.at = kT0 + absl::Hours(24 * 9);
  EXPECT_EQ(Score(in_app, app).band, Band::kLow);
}

TEST_F(ScoringTest, ACheckInRetryFromAnAdmittedDeviceIsTheKnownDevice) {
  AccessAttempt phone = OtherDevice(kT0 + absl::Hours(24 * 30));
  phone.signals.timezone = "Europe/Paris";
  phone.signals.language = "fr-FR";
  phone.kind = AccessKind::kCheckin;
  phone.max_checkins = 1;
  EXPECT_EQ(Score(phone, UsualBaseline()).band, Band::kMedium) << "a new phone at the door";
  Baseline b = UsualBaseline();
  b.Admit(F(phone).device);  // It was let in; now it retries on a slow venue network.
  phone.client_ip = "192.0.2.77";
  const AccessFeatures f = F(phone);
  EXPECT_TRUE(IsDoorRetry({phone, f, b, 1, Thresholds()}));
  Verdict v = Score(phone, b);
  EXPECT_EQ(v.score, 0);
  EXPECT_EQ(v.band, Band::kLow);
  phone.kind = AccessKind::kOpen;  // Only check-ins retry at the door.
  EXPECT_FALSE(IsDoorRetry({phone, F(phone), b, 1, Thresholds()}));
}

TEST_F(ScoringTest, AFewMovedComponentsScoreLowerThanADifferentDevice) {
  AccessAttempt shifted = UsualBrowser(kT0 + absl::Hours(1));
  shifted.signals.fingerprint = "fp-usual-after-update";
  shifted.signals.screen = "1920x1080";  // One of four components moved.
  Verdict partial = Score(shifted, UsualBaseline());
  EXPECT_EQ(Codes(partial), std::vector<std::string>{std::string(reason::kFingerprintPartial)});
  EXPECT_EQ(partial.score, options_.fingerprint_partial_score);

  AccessAttempt other = OtherDevice(kT0 + absl::Hours(1));
  other.client_ip = "203.0.113.42";
  Verdict different = Score(other, UsualBaseline());
  EXPECT_LT(partial.score, different.score);
}

TEST_F(ScoringTest, NewAddressInAKnownNetworkScoresLowerThanANewNetwork) {
  AccessAttempt same_net = UsualBrowser(kT0 + absl::Hours(1));
  same_net.client_ip = "203.0.113.200";
  Verdict v1 = Score(same_net, UsualBaseline());
  EXPECT_EQ(Codes(v1), std::vector<std::string>{std::string(reason::kIpChangedSameNetwork)});
  EXPECT_EQ(v1.score, options_.ip_same_network_score);

  // The guest's own device on a new network is the guest moving: low.
  AccessAttempt new_net = UsualBrowser(kT0 + absl::Hours(1));
  new_net.client_ip = "192.0.2.10";
  Verdict v2 = Score(new_net, UsualBaseline());
  EXPECT_EQ(Codes(v2), std::vector<std::string>{std::string(reason::kNewNetwork)});
  EXPECT_EQ(v2.score, options_.known_device_new_network_score);
  EXPECT_EQ(v2.band, Band::kLow);

  // A device never seen, on a network never seen: the network counts fully.
  AccessAttempt stranger = OtherDevice(kT0 + absl::Hours(1));
  const Verdict v3 = Score(stranger, UsualBaseline());
  const Reason* r = Find(v3, reason::kNewNetwork);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.new_network_score);
  EXPECT_LT(v1.score, r->score);
}

TEST_F(ScoringTest, Ipv6AddressesInTheSameSlash48AreTheSameNetwork) {
  Baseline b;
  AccessAttempt first = UsualBrowser(kT0);
  first.client_ip = "2001:db8:aa:1::5";
  b.Learn(F(first));
  AccessAttempt next = UsualBrowser(kT0 + absl::Hours(1));
  next.client_ip = "2001:db8:aa:ff::9";
  EXPECT_EQ(Codes(Score(next, b)),
            std::vector<std::string>{std::string(reason::kIpChangedSameNetwork)});
}

// Records uses of `device` from each of `ips` a minute apart from `start`.
void RecordUses(Baseline& b, const std::string& fingerprint, const std::vector<std::string>& ips,
                absl::Time start) {
  for (size_t i = 0; i < ips.size(); ++i) {
    AccessAttempt a = OtherDevice(start + absl::Minutes(static_cast<int>(i)));
    a.signals.fingerprint = fingerprint;
    a.client_ip = ips[i];
    const AccessFeatures f = F(a);
    Baseline::Use u;
    u.at = static_cast<uint32_t>(absl::ToUnixSeconds(a.at));
    u.device = f.device;
    u.network = f.network;
    b.RecordUse(u);
  }
}

TEST_F(ScoringTest, AStrangerHoppingAcrossNetworksIsHopping) {
  Baseline b = UsualBaseline();
  RecordUses(b, "fp-other", {"192.0.10.1", "192.0.11.1", "192.0.12.1"}, kT0 + absl::Hours(30));
  AccessAttempt next = OtherDevice(kT0 + absl::Hours(30) + absl::Minutes(20));
  next.client_ip = "198.51.100.1";
  const Verdict v = Score(next, b);
  const Reason* r = Find(v, reason::kNetworkHopping);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.network_hopping_score);
  // The guest's own phone changing cell networks is not.
  AccessAttempt own = UsualBrowser(next.at);
  own.client_ip = "198.51.100.1";
  EXPECT_EQ(Find(Score(own, b), reason::kNetworkHopping), nullptr);
}

TEST_F(ScoringTest, ALinkUsedByStrangersIsForwardedThenSharedBeyondItsParty) {
  Baseline b = UsualBaseline();
  const absl::Time t = kT0 + absl::Hours(48);
  RecordUses(b, "fp-stranger-1", {"192.0.2.1"}, t);
  AccessAttempt second = OtherDevice(t + absl::Hours(1));
  second.signals.fingerprint = "fp-stranger-2";
  second.client_ip = "198.51.100.77";
  Verdict v2 = Score(second, b);
  EXPECT_NE(Find(v2, reason::kLinkForwarded), nullptr);
  EXPECT_EQ(Find(v2, reason::kLinkShared), nullptr);
  EXPECT_GE(v2.band, Band::kHigh);
  EXPECT_LT(v2.band, Band::kBlock);

  RecordUses(b, "fp-stranger-2", {"198.51.100.77"}, t + absl::Hours(1));
  AccessAttempt third = second;
  third.signals.fingerprint = "fp-stranger-3";
  third.client_ip = "100.64.5.5";
  Verdict v3 = Score(third, b);
  EXPECT_NE(Find(v3, reason::kLinkShared), nullptr);
  EXPECT_EQ(v3.band, Band::kBlock);

  // A party of four brings its own phones: three strangers are within it.
  third.max_checkins = 4;
  Verdict family = Score(third, b);
  EXPECT_EQ(Find(family, reason::kLinkShared), nullptr);
  EXPECT_EQ(Find(family, reason::kLinkForwarded), nullptr);
}

TEST_F(ScoringTest, AStrangerWhileTheGuestsOwnDeviceIsActiveElsewhereIsConcurrentUse) {
  Baseline b = UsualBaseline();
  const absl::Time t = kT0 + absl::Hours(48);
  RecordUses(b, "fp-usual", {"203.0.113.42"}, t);  // The guest, at home.
  AccessAttempt friend_phone = OtherDevice(t + absl::Minutes(30));
  friend_phone.signals.timezone = "Europe/Paris";
  friend_phone.signals.language = "fr-FR";
  Verdict v = Score(friend_phone, b);
  EXPECT_NE(Find(v, reason::kConcurrentUse), nullptr);
  EXPECT_EQ(v.band, Band::kHigh);
  friend_phone.at = t + absl::Hours(5);  // Hours later: merely a new device.
  EXPECT_EQ(Find(Score(friend_phone, b), reason::kConcurrentUse), nullptr);
}

TEST_F(ScoringTest, MissingSignalsEachAddAReason) {
  AccessAttempt a = UsualBrowser(kT0);
  a.signals = {};
  a.signals.fingerprint = "fp-usual";
  a.client_ip.clear();
  Verdict v = Score(a, Baseline());
  EXPECT_NE(Find(v, reason::kMissingUserAgent), nullptr);
  EXPECT_NE(Find(v, reason::kMissingLocale), nullptr);
  EXPECT_NE(Find(v, reason::kMissingClientIp), nullptr);
  // The strongest leads (user agent, 40), the rest add a little.
  EXPECT_EQ(v.reasons.front().code, reason::kMissingUserAgent);
  EXPECT_GT(v.score, options_.missing_user_agent_score);
  EXPECT_LT(v.score, Thresholds().high);
}

TEST_F(ScoringTest, NoFingerprintAndNoLanguageIsAScriptedClientBlockedEvenOnAFreshLink) {
  AccessAttempt a = UsualBrowser(kT0);
  a.signals = {.user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0.0.0"};
  Verdict v = Score(a, Baseline());
  EXPECT_NE(Find(v, reason::kScriptedClient), nullptr);
  EXPECT_EQ(v.band, Band::kBlock);
}

TEST_F(ScoringTest, WithoutAPageAMissingFingerprintIsNoFinding) {
  ScoringOptions plain;
  plain.fingerprint_expected = false;
  HeuristicScorer scorer(plain);
  AccessAttempt a = UsualBrowser(kT0);
  a.signals = {.user_agent = a.signals.user_agent, .language = "fr-FR"};
  const AccessFeatures f = F(a);
  Verdict v = scorer.Evaluate({a, f, Baseline(), 1, Thresholds()});
  EXPECT_TRUE(v.reasons.empty());
  EXPECT_EQ(v.band, Band::kLow);
}

TEST_F(ScoringTest, MissingFingerprintAloneScoresItsWeight) {
  AccessAttempt a = UsualBrowser(kT0);
  a.signals.fingerprint.clear();
  Verdict v = Score(a, Baseline());
  EXPECT_EQ(Codes(v), std::vector<std::string>{std::string(reason::kMissingFingerprint)});
  EXPECT_EQ(v.score, options_.missing_fingerprint_score);
}

TEST_F(ScoringTest, AutomationUserAgentsScoreHigh) {
  for (const char* ua : {"curl/8.4.0", "python-requests/2.31.0", "Mozilla/5.0 HeadlessChrome/120",
                         "Go-http-client/1.1", "Wget/1.21"}) {
    AccessAttempt a = UsualBrowser(kT0);
    a.signals.user_agent = ua;
    Verdict v = Score(a, Baseline());
    const Reason* r = Find(v, reason::kAutomationUserAgent);
    ASSERT_NE(r, nullptr) << ua;
    EXPECT_EQ(r->score, options_.automation_user_agent_score) << ua;
    EXPECT_EQ(v.band, Band::kBlock) << ua;  // Conclusive: even on a fresh link.
  }
  AccessAttempt browser = UsualBrowser(kT0);
  EXPECT_EQ(Find(Score(browser, Baseline()), reason::kAutomationUserAgent), nullptr);
}

TEST_F(ScoringTest, MarkersMatchInAnyCaseWithinTheUserAgentsFirstKilobyte) {
  ScoringOptions o;
  o.automation_markers = {"AcmeBot/"};  // An operator's own markers, in mixed case.
  o.preview_markers = {"Acme-Unfurl"};
  const HeuristicScorer scorer(o);
  auto automation = [&](const std::string& user_agent) -> std::optional<std::string> {
    AccessAttempt a = UsualBrowser(kT0);
    a.signals.user_agent = user_agent;
    const Verdict v = scorer.Evaluate({a, F(a), Baseline(), 1, Thresholds()});
    const Reason* r = Find(v, reason::kAutomationUserAgent);
    return r == nullptr ? std::nullopt : std::optional<std::string>(r->message);
  };
  const std::optional<std::string> message = automation("Mozilla/5.0 (compatible; ACMEBOT/2.1)");
  ASSERT_TRUE(message.has_value());
  EXPECT_NE(message->find("(\"AcmeBot/\")"), std::string::npos) << *message;  // As configured.
  EXPECT_FALSE(automation("Mozilla/5.0 AcmeBrowser/2.1").has_value());
  EXPECT_TRUE(automation(std::string(1016, 'x') + "acmebot/").has_value());  // Ends at byte 1024.
  EXPECT_FALSE(automation(std::string(1017, 'x') + "acmebot/").has_value());
  AccessAttempt preview = UsualBrowser(kT0);
  preview.signals.user_agent = "acme-unfurl 1.0";
  EXPECT_EQ(scorer.RecognisePreview(preview, nullptr), "Acme-Unfurl");
}

TEST_F(ScoringTest, RepeatedUseOfOneTokenRaisesVelocityForAStranger) {
  const AccessAttempt own = UsualBrowser(kT0 + absl::Hours(1));
  EXPECT_EQ(Find(Score(own, UsualBaseline(), 12), reason::kRepeatedAccess), nullptr)
      << "the guest's own device retrying at the door is harmless";
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(1));
  a.client_ip = "203.0.113.42";
  EXPECT_EQ(Find(Score(a, UsualBaseline(), options_.velocity_free_uses), reason::kRepeatedAccess),
            nullptr);
  const Verdict six_uses = Score(a, UsualBaseline(), 6);
  const Reason* six = Find(six_uses, reason::kRepeatedAccess);
  ASSERT_NE(six, nullptr);
  EXPECT_EQ(six->score, options_.velocity_base_score);
  const Verdict nine_uses = Score(a, UsualBaseline(), 9);
  const Reason* nine = Find(nine_uses, reason::kRepeatedAccess);
  ASSERT_NE(nine, nullptr);
  EXPECT_EQ(nine->score, options_.velocity_base_score + 3 * options_.velocity_step_score);
}

TEST_F(ScoringTest, SecondVisitWithASlightlyShiftedFingerprintStaysBelowHigh) {
  AccessAttempt second = UsualBrowser(kT0 + absl::Hours(24));
  second.signals.fingerprint = "fp-usual-v2";
  second.signals.timezone = "Europe/Berlin";  // Travelled: one trait moved.
  second.client_ip = "203.0.113.99";          // DHCP gave a new address in the same /24.
  Verdict v = Score(second, UsualBaseline(), 2);
  EXPECT_LT(v.score, Thresholds().high);
  EXPECT_LT(v.band, Band::kHigh);
}

TEST_F(ScoringTest, TwoStrongSignalsReachHigh) {
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(1));
  a.signals.user_agent = "python-requests/2.31.0";
  Verdict v = Score(a, UsualBaseline());
  EXPECT_NE(Find(v, reason::kAutomationUserAgent), nullptr);
  EXPECT_NE(Find(v, reason::kFingerprintMismatch), nullptr);
  EXPECT_EQ(Find(v, reason::kSingleSignalCap), nullptr);
  EXPECT_GE(v.score, Thresholds().high);
  EXPECT_GE(v.band, Band::kHigh);
}

TEST_F(ScoringTest, SingleSignalCapFollowsTheEventsHighThreshold) {
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(24));
  a.signals.timezone = "Europe/Paris";
  a.signals.language = "fr-FR";
  const Thresholds strict{10, 40, 95};
  Verdict v = Score(a, UsualBaseline(), 1, strict);
  EXPECT_EQ(v.score, strict.high - 1);
  EXPECT_EQ(v.band, Band::kMedium);
}

TEST_F(ScoringTest, CombineRecomputesTheCapsForOtherThresholds) {
  Verdict v = Score(OtherDevice(kT0 + absl::Hours(24)), UsualBaseline());
  ASSERT_EQ(v.band, Band::kHigh);
  // Recombined from its own reasons (caps included) it is the same verdict...
  Verdict again = scorer_.Combine(v.reasons, Thresholds());
  EXPECT_EQ(again.score, v.score);
  EXPECT_EQ(again.reasons, v.reasons);
  // ...and for a lenient block threshold the block cap no longer binds.
  Verdict lenient = scorer_.Combine(v.reasons, Thresholds{30, 60, 100});
  EXPECT_GT(lenient.score, v.score);
  EXPECT_EQ(scorer_.Combine(v.reasons, Thresholds{30, 95, 100}).band, Band::kMedium);
}

TEST_F(ScoringTest, RecognisesLinkPreviewsAndMailScannersOnOpensOnly) {
  AccessAttempt slack = UsualBrowser(kT0);
  slack.signals = {.user_agent = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"};
  EXPECT_EQ(scorer_.RecognisePreview(slack, nullptr), "slackbot");
  AccessAttempt linkedin = slack;
  linkedin.signals.user_agent =
      "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)";
  EXPECT_TRUE(scorer_.RecognisePreview(linkedin, nullptr).has_value());
  AccessAttempt safe_links = UsualBrowser(kT0);  // A full browser UA, from Microsoft's EOP.
  const IpAddress eop = *IpAddress::Parse("104.47.18.9");
  EXPECT_EQ(scorer_.RecognisePreview(safe_links, &eop), "mail scanner");
  const IpAddress home = *IpAddress::Parse("203.0.113.42");
  EXPECT_FALSE(scorer_.RecognisePreview(safe_links, &home).has_value());
  slack.kind = AccessKind::kRsvp;  // A preview never answers an invitation.
  EXPECT_FALSE(scorer_.RecognisePreview(slack, nullptr).has_value());
}

TEST_F(ScoringTest, ReasonsAreOrderedStrongestFirst) {
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(1));
  a.signals.user_agent = "curl/8.4.0";
  Verdict v = Score(a, UsualBaseline(), 7);
  ASSERT_GE(v.reasons.size(), 3u);
  for (size_t i = 1; i < v.reasons.size(); ++i) {
    EXPECT_GE(v.reasons[i - 1].score, v.reasons[i].score);
  }
}

TEST(ScoringOptions, DefaultsAreValidAndBadValuesAreNamed) {
  EXPECT_TRUE(ScoringOptions().Validate().ok());
  ScoringOptions o;
  o.new_network_score = 101;
  absl::Status s = o.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("new_network_score"), std::string::npos) << s;
  o = ScoringOptions();
  o.secondary_weight = 1.5;
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o = ScoringOptions();
  o.velocity_window = absl::ZeroDuration();
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  o = ScoringOptions();
  o.contested_seat_uses = 0;
  s = o.Validate();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("contested_seat_uses"), std::string::npos) << s;
  o = ScoringOptions();
  o.automation_markers.push_back("");
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(HeuristicScorer::Create(o).ok());
}

}  // namespace
}  // namespace guestguard
