// Copyright 2026 GuestGuard authors.

#include "guestguard/thresholds.h"

#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace guestguard {

// Readable bands in failure messages (found by argument-dependent lookup).
[[maybe_unused]] static void PrintTo(Band band, std::ostream* os) { *os << BandName(band); }

namespace {

// Expects `t` to be rejected with InvalidArgument whose message contains `rule`.
void ExpectInvalid(Thresholds t, std::string_view rule) {
  const absl::Status status = t.Validate();
  ASSERT_FALSE(status.ok()) << "accepted {" << t.medium << ", " << t.high << ", " << t.block << "}";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  const std::string message(status.message());
  EXPECT_NE(message.find(rule), std::string::npos)
      << "message for {" << t.medium << ", " << t.high << ", " << t.block << "} is \"" << message
      << "\"; expected it to mention \"" << rule << "\"";
}

TEST(Thresholds, DefaultsAre30_60_85Everywhere) {
  EXPECT_EQ(kDefaultMediumThreshold, 30);
  EXPECT_EQ(kDefaultHighThreshold, 60);
  EXPECT_EQ(kDefaultBlockThreshold, 85);

  const Thresholds t;
  EXPECT_EQ(t.medium, kDefaultMediumThreshold);
  EXPECT_EQ(t.high, kDefaultHighThreshold);
  EXPECT_EQ(t.block, kDefaultBlockThreshold);

  constexpr Thresholds d = Thresholds::Defaults();
  static_assert(d.medium == 30 && d.high == 60 && d.block == 85);
  EXPECT_EQ(d, t);
  EXPECT_EQ(Thresholds::Defaults(), (Thresholds{30, 60, 85}));
  EXPECT_NE(Thresholds::Defaults(), (Thresholds{30, 60, 86}));
}

TEST(Thresholds, AcceptsStrictlyIncreasingValuesUpTo100) {
  for (const Thresholds& t : {Thresholds{}, Thresholds{1, 2, 3}, Thresholds{1, 2, 100},
                              Thresholds{98, 99, 100}, Thresholds{10, 50, 90}}) {
    EXPECT_TRUE(t.Validate().ok())
        << "{" << t.medium << ", " << t.high << ", " << t.block << "}: " << t.Validate();
  }
}

TEST(Thresholds, RejectsAMediumThresholdOfZeroOrLess) {
  ExpectInvalid({0, 60, 85}, "medium (0) must be above 0");
  ExpectInvalid({-5, 60, 85}, "medium (-5) must be above 0");
  ExpectInvalid({std::numeric_limits<int>::min(), 60, 85}, "must be above 0");
}

TEST(Thresholds, RejectsMediumNotBelowHigh) {
  ExpectInvalid({60, 60, 85}, "medium (60) must be below high (60)");
  ExpectInvalid({70, 60, 85}, "medium (70) must be below high (60)");
}

TEST(Thresholds, RejectsHighNotBelowBlock) {
  ExpectInvalid({30, 85, 85}, "high (85) must be below block (85)");
  ExpectInvalid({30, 90, 85}, "high (90) must be below block (85)");
}

TEST(Thresholds, RejectsABlockThresholdAbove100) {
  ExpectInvalid({30, 60, 101}, "block (101) must be at most 100");
  ExpectInvalid({30, 60, std::numeric_limits<int>::max()}, "must be at most 100");
}

TEST(Thresholds, NamesTheFirstRuleThatFails) {
  ExpectInvalid({0, 0, 0}, "must be above 0");
  ExpectInvalid({50, 40, 200}, "medium (50) must be below high (40)");
  ExpectInvalid({10, 200, 150}, "high (200) must be below block (150)");
}

TEST(Thresholds, BandsTheDefaultEdges) {
  const Thresholds t;
  EXPECT_EQ(t.BandOf(0), Band::kLow);
  EXPECT_EQ(t.BandOf(29), Band::kLow);
  EXPECT_EQ(t.BandOf(30), Band::kMedium);
  EXPECT_EQ(t.BandOf(59), Band::kMedium);
  EXPECT_EQ(t.BandOf(60), Band::kHigh);
  EXPECT_EQ(t.BandOf(84), Band::kHigh);
  EXPECT_EQ(t.BandOf(85), Band::kBlock);
  EXPECT_EQ(t.BandOf(100), Band::kBlock);
}

TEST(Thresholds, BandsEveryScoreMonotonically) {
  const Thresholds t;
  for (int score = 0; score <= 100; ++score) {
    const Band expected = score < 30   ? Band::kLow
                          : score < 60 ? Band::kMedium
                          : score < 85 ? Band::kHigh
                                       : Band::kBlock;
    EXPECT_EQ(t.BandOf(score), expected) << score;
    if (score > 0) {
      EXPECT_GE(t.BandOf(score), t.BandOf(score - 1)) << score;
    }
  }
}

TEST(Thresholds, ClampsScoresOutside0To100) {
  const Thresholds t;
  EXPECT_EQ(t.BandOf(-5), Band::kLow);
  EXPECT_EQ(t.BandOf(std::numeric_limits<int>::min()), Band::kLow);
  EXPECT_EQ(t.BandOf(150), Band::kBlock);
  EXPECT_EQ(t.BandOf(std::numeric_limits<int>::max()), Band::kBlock);
  // Clamped to 100, which is exactly the block edge.
  const Thresholds strict{1, 2, 100};
  EXPECT_EQ(strict.BandOf(99), Band::kHigh);
  EXPECT_EQ(strict.BandOf(100), Band::kBlock);
  EXPECT_EQ(strict.BandOf(1000), Band::kBlock);
  // Clamped to 0, which is below any valid medium.
  EXPECT_EQ(strict.BandOf(0), Band::kLow);
  EXPECT_EQ(strict.BandOf(-1), Band::kLow);
}

TEST(Thresholds, BandsCustomThresholdsAtTheirEdges) {
  const Thresholds t{10, 20, 30};
  ASSERT_TRUE(t.Validate().ok());
  EXPECT_EQ(t.BandOf(0), Band::kLow);
  EXPECT_EQ(t.BandOf(9), Band::kLow);
  EXPECT_EQ(t.BandOf(10), Band::kMedium);
  EXPECT_EQ(t.BandOf(19), Band::kMedium);
  EXPECT_EQ(t.BandOf(20), Band::kHigh);
  EXPECT_EQ(t.BandOf(29), Band::kHigh);
  EXPECT_EQ(t.BandOf(30), Band::kBlock);
  EXPECT_EQ(t.BandOf(72), Band::kBlock);
}

TEST(Band, IsOrderedFromLeastToMostRisky) {
  EXPECT_LT(Band::kLow, Band::kMedium);
  EXPECT_LT(Band::kMedium, Band::kHigh);
  EXPECT_LT(Band::kHigh, Band::kBlock);
}

TEST(Band, HasWireNamesAndFriendlyLabels) {
  EXPECT_EQ(BandName(Band::kLow), "low");
  EXPECT_EQ(BandName(Band::kMedium), "medium");
  EXPECT_EQ(BandName(Band::kHigh), "high");
  EXPECT_EQ(BandName(Band::kBlock), "block");
  EXPECT_EQ(BandLabel(Band::kLow), "Verified");
  EXPECT_EQ(BandLabel(Band::kMedium), "Review");
  EXPECT_EQ(BandLabel(Band::kHigh), "Suspicious");
  EXPECT_EQ(BandLabel(Band::kBlock), "Blocked");
}

TEST(Band, ParsesEveryNameBack) {
  for (Band b : {Band::kLow, Band::kMedium, Band::kHigh, Band::kBlock}) {
    const std::optional<Band> parsed = ParseBand(BandName(b));
    ASSERT_TRUE(parsed.has_value()) << BandName(b);
    EXPECT_EQ(*parsed, b);
  }
}

TEST(Band, RejectsAnythingButAnExactName) {
  for (std::string_view bad :
       {"LOW", "Low", "", " low", "low ", "blocked", "Verified", "lo", "medium\n", "2"}) {
    EXPECT_FALSE(ParseBand(bad).has_value()) << "\"" << bad << "\"";
  }
}

}  // namespace
}  // namespace guestguard
