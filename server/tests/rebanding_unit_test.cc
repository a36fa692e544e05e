// Copyright 2026 GuestGuard authors.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "guestguard/access.h"
#include "server/rebanding.h"

namespace guestguard::server {
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

TEST(RebandRecorded, UsesTheScoreAgainstTheGivenThresholds) {
  const Thresholds tight{10, 20, 30};
  EXPECT_EQ(RebandRecorded(Recorded(5, Band::kLow), tight), Band::kLow);
  EXPECT_EQ(RebandRecorded(Recorded(25, Band::kLow), tight), Band::kHigh);
  EXPECT_EQ(RebandRecorded(Recorded(30, Band::kMedium), tight), Band::kBlock);
  EXPECT_EQ(RebandRecorded(Recorded(30, Band::kMedium), Thresholds()), Band::kMedium);
}

TEST(RebandRecorded, HoldsACappedAccessBelowTheCandidateHigh) {
  const AccessRecord capped = Recorded(59, Band::kMedium, {"new_network", "single_signal_cap"});
  EXPECT_EQ(RebandRecorded(capped, Thresholds{20, 30, 95}), Band::kMedium);
  EXPECT_EQ(RebandRecorded(capped, Thresholds{40, 50, 55}), Band::kMedium);
  EXPECT_EQ(RebandRecorded(capped, Thresholds{60, 70, 95}), Band::kLow);  // Recorded score stands.
  // Without the cap reason the same score reaches high.
  EXPECT_EQ(RebandRecorded(Recorded(59, Band::kMedium), Thresholds{20, 30, 95}), Band::kHigh);
}

TEST(RebandRecorded, KeepsTokenRefusalsBlocked) {
  EXPECT_EQ(RebandRecorded(Recorded(0, Band::kBlock, {"token_revoked"}), Thresholds()),
            Band::kBlock);
  EXPECT_EQ(RebandRecorded(Recorded(0, Band::kBlock, {"token_expired"}), Thresholds{1, 2, 100}),
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
}  // namespace guestguard::server
