// Copyright 2026 GuestGuard authors.
#include "guestguard/rebanding.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/access.h"

namespace guestguard {
namespace {

AccessRecord Recorded(int score, Band band, std::vector<std::string> codes = {},
                      std::string ip = "198.51.100.7") {
  AccessRecord r;
  r.score = score;
  r.band = band;
  r.client_ip = std::move(ip);
  for (std::string& code : codes) r.reasons.push_back({std::move(code), 0, ""});
  return r;
}

CidrSet Set(std::initializer_list<const char*> cidrs) {
  CidrSet set;
  for (const char* c : cidrs) set.Insert(*Cidr::Parse(c));
  return set;
}

const HeuristicScorer kScorer{ScoringOptions{}};

TEST(RebandRecorded, UsesTheScoreAgainstTheGivenThresholdsWhenItIsNotTheHeuristics) {
  const Thresholds tight{10, 20, 30};
  EXPECT_EQ(RebandRecorded(Recorded(5, Band::kLow), tight, kScorer), Band::kLow);
  EXPECT_EQ(RebandRecorded(Recorded(25, Band::kLow), tight, kScorer), Band::kHigh);
  EXPECT_EQ(RebandRecorded(Recorded(30, Band::kMedium), tight, kScorer), Band::kBlock);
  EXPECT_EQ(RebandRecorded(Recorded(30, Band::kMedium), Thresholds(), kScorer), Band::kMedium);
  // A remote scorer's own verdict, held by the cap it recorded.
  const AccessRecord capped = Recorded(59, Band::kMedium, {"model", "single_signal_cap"});
  EXPECT_EQ(RebandRecorded(capped, Thresholds{20, 30, 95}, kScorer), Band::kMedium);
}

TEST(RebandRecorded, RecombinesHeuristicSubScoresBecauseTheCapsDependOnTheThresholds) {
  // A different device on a new network: 70 + 0.15 x 45 = 77, held at 59 by the cap.
  AccessRecord forwarded = Recorded(59, Band::kMedium);
  forwarded.reasons = {
      {"fingerprint_mismatch", 70, ""}, {"new_network", 45, ""}, {"single_signal_cap", 0, ""}};
  EXPECT_EQ(RebandRecorded(forwarded, Thresholds(), kScorer), Band::kMedium);
  // A lower high holds it again, just below: still Review, not Suspicious.
  EXPECT_EQ(RebandRecorded(forwarded, Thresholds{20, 50, 95}, kScorer), Band::kMedium);
  // With high above the uncapped 77 the cap does not bind: the recombined 77
  // is Review under {60, 80, 95}, where re-banding the stored 59 said Verified.
  EXPECT_EQ(RebandRecorded(forwarded, Thresholds{60, 80, 95}, kScorer), Band::kMedium);
  EXPECT_EQ(RebandRecorded(forwarded, Thresholds{70, 76, 95}, kScorer), Band::kMedium)
      << "the cap holds it at 75, above the medium of 70";
  // Two strong findings: the stored 84 was held below block; a block of 100 lets 87 stand.
  AccessRecord two_strong = Recorded(84, Band::kHigh);
  two_strong.reasons = {{"fingerprint_mismatch", 70, ""},
                        {"locale_mismatch", 70, ""},
                        {"new_network", 45, ""},
                        {"held_below_block", 0, ""}};
  EXPECT_EQ(RebandRecorded(two_strong, Thresholds(), kScorer), Band::kHigh);
  EXPECT_EQ(RebandRecorded(two_strong, Thresholds{30, 60, 86}, kScorer), Band::kHigh)
      << "not conclusive: never blocked, whatever the block threshold";
  EXPECT_EQ(RebandRecorded(two_strong, Thresholds{30, 88, 100}, kScorer), Band::kMedium);
}

TEST(RebandRecorded, KeepsTokenRefusalsBlocked) {
  EXPECT_EQ(RebandRecorded(Recorded(0, Band::kBlock, {"token_revoked"}), Thresholds(), kScorer),
            Band::kBlock);
  EXPECT_EQ(
      RebandRecorded(Recorded(0, Band::kBlock, {"token_expired"}), Thresholds{1, 2, 100}, kScorer),
      Band::kBlock);
}

TEST(Relabel, LegitimateVerdictWinsOverTheAllowlist) {
  const AccessRecord flagged = Recorded(90, Band::kBlock);
  auto label = Relabel(flagged, Set({"198.51.100.0/24"}), FeedbackVerdict::kLegitimate);
  ASSERT_TRUE(label.has_value());
  EXPECT_EQ(label->band, Band::kLow);
  EXPECT_EQ(label->because, RelabelCause::kMarkedLegitimate);
  label = Relabel(flagged, Set({"198.51.100.0/24"}), std::nullopt);
  ASSERT_TRUE(label.has_value());
  EXPECT_EQ(label->because, RelabelCause::kAllowlisted);
  EXPECT_EQ(RelabelCauseName(label->because), "allowlisted");
}

TEST(Relabel, LeavesEverythingElseAlone) {
  const CidrSet allow = Set({"198.51.100.7", "::ffff:203.0.113.0/120"});
  EXPECT_FALSE(Relabel(Recorded(10, Band::kLow), allow, FeedbackVerdict::kLegitimate));
  EXPECT_FALSE(Relabel(Recorded(90, Band::kBlock), allow, FeedbackVerdict::kSuspicious));
  EXPECT_FALSE(Relabel(Recorded(90, Band::kBlock, {}, "198.51.100.8"), allow, std::nullopt));
  EXPECT_FALSE(Relabel(Recorded(90, Band::kBlock, {}, ""), allow, std::nullopt));
  EXPECT_FALSE(Relabel(Recorded(100, Band::kBlock, {"token_revoked"}), allow, std::nullopt));
  EXPECT_TRUE(
      Relabel(Recorded(100, Band::kBlock, {"token_revoked"}), allow, FeedbackVerdict::kLegitimate));
  // IPv4 access, IPv4-mapped IPv6 entry.
  EXPECT_TRUE(Relabel(Recorded(40, Band::kMedium, {}, "203.0.113.9"), allow, std::nullopt));
}

}  // namespace
}  // namespace guestguard
