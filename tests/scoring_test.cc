// Copyright 2026 GuestGuard authors.
#include "guestguard/scoring.h"

#include <algorithm>

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

TEST_F(ScoringTest, DifferentDeviceAloneIsAFingerprintMismatchHeldBelowHigh) {
  AccessAttempt a = OtherDevice(kT0 + absl::Hours(1));
  a.client_ip = "203.0.113.42";  // Same address: only the device differs.
  Verdict v = Score(a, UsualBaseline());
  const Reason* r = Find(v, reason::kFingerprintMismatch);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.fingerprint_mismatch_score);
  EXPECT_FALSE(r->message.empty());
  EXPECT_NE(Find(v, reason::kSingleSignalCap), nullptr);
  EXPECT_EQ(v.score, Thresholds().high - 1);  // 75 capped: only one strong signal.
  EXPECT_EQ(v.band, Band::kMedium);
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

  AccessAttempt new_net = UsualBrowser(kT0 + absl::Hours(1));
  new_net.client_ip = "192.0.2.10";
  Verdict v2 = Score(new_net, UsualBaseline());
  EXPECT_EQ(Codes(v2), std::vector<std::string>{std::string(reason::kNewNetwork)});
  EXPECT_EQ(v2.score, options_.new_network_score);
  EXPECT_LT(v1.score, v2.score);
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

TEST_F(ScoringTest, ManyNetworksInAShortWindowIsHopping) {
  Baseline b;
  for (int i = 0; i < 2; ++i) {
    AccessAttempt a = UsualBrowser(kT0 + absl::Minutes(10 * i));
    a.client_ip = "192.0." + std::to_string(10 + i) + ".1";
    b.Learn(F(a));
  }
  AccessAttempt third = UsualBrowser(kT0 + absl::Minutes(20));
  third.client_ip = "198.51.100.1";
  Verdict v = Score(third, b);
  const Reason* r = Find(v, reason::kNetworkHopping);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, options_.network_hopping_score);

  // The same third network a day later is merely new.
  third.at = kT0 + absl::Hours(24);
  Verdict later = Score(third, b);
  EXPECT_EQ(Codes(later), std::vector<std::string>{std::string(reason::kNewNetwork)});
}

TEST_F(ScoringTest, MissingSignalsEachAddAReason) {
  AccessAttempt a = UsualBrowser(kT0);
  a.signals = {};
  a.client_ip.clear();
  Verdict v = Score(a, Baseline());
  EXPECT_NE(Find(v, reason::kMissingUserAgent), nullptr);
  EXPECT_NE(Find(v, reason::kMissingFingerprint), nullptr);
  EXPECT_NE(Find(v, reason::kMissingLocale), nullptr);
  EXPECT_NE(Find(v, reason::kMissingClientIp), nullptr);
  // The strongest leads (user agent, 40), the rest add a little.
  EXPECT_EQ(v.reasons.front().code, reason::kMissingUserAgent);
  EXPECT_GT(v.score, options_.missing_user_agent_score);
  EXPECT_LT(v.score, Thresholds().high);
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
    EXPECT_EQ(v.band, Band::kMedium) << ua;  // One strong signal: held below high.
  }
  AccessAttempt browser = UsualBrowser(kT0);
  EXPECT_EQ(Find(Score(browser, Baseline()), reason::kAutomationUserAgent), nullptr);
}

TEST_F(ScoringTest, RepeatedUseOfOneTokenRaisesVelocity) {
  const AccessAttempt a = UsualBrowser(kT0 + absl::Hours(1));
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
  AccessAttempt a = UsualBrowser(kT0);
  a.signals.user_agent = "curl/8.4.0";
  const Thresholds strict{10, 40, 95};
  Verdict v = Score(a, Baseline(), 1, strict);
  EXPECT_EQ(v.score, strict.high - 1);
  EXPECT_EQ(v.band, Band::kMedium);
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
  o.automation_markers.push_back("");
  EXPECT_EQ(o.Validate().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(HeuristicScorer::Create(o).ok());
}

}  // namespace
}  // namespace guestguard
