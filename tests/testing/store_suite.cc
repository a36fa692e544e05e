// Copyright 2026 GuestGuard authors.
//
// Behaviour every Store backend must have. See store_suite.h.
#include "testing/store_suite.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "testing/attempts.h"

namespace guestguard::testing {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1795000000);

Cidr MustCidr(std::string_view text) {
  auto cidr = Cidr::Parse(text);
  EXPECT_TRUE(cidr.ok()) << cidr.status();
  return *cidr;
}

AccessRecord MakeRecord(std::string event, std::string guest, absl::Time at, int score = 10) {
  AccessRecord r;
  r.event_id = std::move(event);
  r.guest_id = std::move(guest);
  r.kind = AccessKind::kRsvp;
  r.at = at;
  r.client_ip = "203.0.113.7";
  r.signals = UsualBrowser(at).signals;
  r.score = score;
  r.band = Thresholds().BandOf(score);
  r.allowlisted = false;
  r.blocked = r.band == Band::kBlock;
  r.reasons = {{"new_network", 45, "First access from this network for this guest."},
               {"missing_locale", 15, "Neither \"language\" nor timezone — ünïcode."}};
  return r;
}

AccessFeatures Features(std::string_view fingerprint, std::string_view ip, absl::Time at) {
  AccessAttempt a;
  a.signals.fingerprint = std::string(fingerprint);
  a.client_ip = std::string(ip);
  a.at = at;
  auto f = AccessFeatures::From(a);
  EXPECT_TRUE(f.ok());
  return *f;
}

TEST_P(StoreSuite, ThresholdsAreTheDefaultsUntilSet) {
  auto t = store_->GetThresholds("ev1");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Thresholds::Defaults());
}

TEST_P(StoreSuite, SetThresholdsRoundTripsPerEvent) {
  ASSERT_TRUE(store_->SetThresholds("ev1", {20, 50, 90}).ok());
  EXPECT_EQ(*store_->GetThresholds("ev1"), (Thresholds{20, 50, 90}));
  EXPECT_EQ(*store_->GetThresholds("ev2"), Thresholds::Defaults());
  ASSERT_TRUE(store_->SetThresholds("ev1", {25, 55, 95}).ok());
  EXPECT_EQ(*store_->GetThresholds("ev1"), (Thresholds{25, 55, 95}));
}

TEST_P(StoreSuite, InvalidThresholdsAreRejectedAndNothingChanges) {
  ASSERT_TRUE(store_->SetThresholds("ev1", {20, 50, 90}).ok());
  absl::Status s = store_->SetThresholds("ev1", {50, 40, 90});
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->GetThresholds("ev1"), (Thresholds{20, 50, 90}));
}

TEST_P(StoreSuite, AllowlistAddsListsAndRemovesSorted) {
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("198.51.100.0/24"), "office", kT0}).ok());
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("2001:db8::/32"), "", kT0}).ok());
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("10.0.0.1"), "vpn", kT0}).ok());
  auto list = store_->ListAllowlist("ev1");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].cidr.ToString(), "10.0.0.1/32");
  EXPECT_EQ((*list)[0].note, "vpn");
  EXPECT_EQ((*list)[1].cidr.ToString(), "198.51.100.0/24");
  EXPECT_EQ((*list)[1].created_at, kT0);
  EXPECT_EQ((*list)[2].cidr.ToString(), "2001:db8::/32");

  ASSERT_TRUE(store_->RemoveAllowlistEntry("ev1", MustCidr("10.0.0.1/32")).ok());
  EXPECT_EQ(store_->ListAllowlist("ev1")->size(), 2u);
  EXPECT_TRUE(store_->ListAllowlist("ev2")->empty());
}

TEST_P(StoreSuite, DuplicateAllowlistEntryIsAlreadyExists) {
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("198.51.100.0/24"), "a", kT0}).ok());
  absl::Status s = store_->AddAllowlistEntry("ev1", {MustCidr("198.51.100.9/24"), "b", kT0});
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_EQ(store_->ListAllowlist("ev1")->size(), 1u);
  EXPECT_EQ(store_->ListAllowlist("ev1")->front().note, "a");
  // The same block on another event is fine.
  EXPECT_TRUE(store_->AddAllowlistEntry("ev2", {MustCidr("198.51.100.0/24"), "", kT0}).ok());
}

TEST_P(StoreSuite, RemovingAnUnlistedBlockIsNotFound) {
  EXPECT_EQ(store_->RemoveAllowlistEntry("ev1", MustCidr("10.0.0.0/8")).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(StoreSuite, PolicyReflectsThresholdAndAllowlistChangesAtOnce) {
  auto before = store_->GetPolicy("ev1");
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_NE(before->allowlist, nullptr);
  const IpAddress ip = *IpAddress::Parse("198.51.100.77");
  EXPECT_FALSE(before->allowlist->Contains(ip));
  EXPECT_EQ(before->thresholds, Thresholds::Defaults());

  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("198.51.100.0/24"), "", kT0}).ok());
  ASSERT_TRUE(store_->SetThresholds("ev1", {10, 20, 30}).ok());
  auto after = store_->GetPolicy("ev1");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->allowlist->Contains(ip));
  EXPECT_EQ(after->thresholds, (Thresholds{10, 20, 30}));

  ASSERT_TRUE(store_->RemoveAllowlistEntry("ev1", MustCidr("198.51.100.0/24")).ok());
  EXPECT_FALSE(store_->GetPolicy("ev1")->allowlist->Contains(ip));
}

TEST_P(StoreSuite, TokenGenerationStartsAtZeroAndBumpsPerGuest) {
  EXPECT_EQ(*store_->GetTokenGeneration("ev1", "g1"), 0u);
  EXPECT_EQ(*store_->BumpTokenGeneration("ev1", "g1"), 1u);
  EXPECT_EQ(*store_->BumpTokenGeneration("ev1", "g1"), 2u);
  EXPECT_EQ(*store_->GetTokenGeneration("ev1", "g1"), 2u);
  EXPECT_EQ(*store_->GetTokenGeneration("ev1", "g2"), 0u);
  EXPECT_EQ(*store_->GetTokenGeneration("ev2", "g1"), 0u);
}

TEST_P(StoreSuite, GuestStateOfAnUnknownGuestIsEmpty) {
  auto state = store_->LoadGuestState("ev1", "nobody");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->generation, 0u);
  EXPECT_TRUE(state->baseline.empty());
  EXPECT_TRUE(state->baseline.uses().empty());
}

TEST_P(StoreSuite, GuestStateCarriesTheUseHistoryTheUpdatesRecorded) {
  for (int i = 0; i < 5; ++i) {
    Baseline::Use use;
    use.at = absl::ToUnixSeconds(kT0 + absl::Minutes(i));
    use.device = 100 + i;
    auto record_use = [&](Baseline& b) { b.RecordUse(use); };
    ASSERT_TRUE(
        store_->AppendAccess(MakeRecord("ev1", "g1", kT0 + absl::Minutes(i)), record_use).ok());
  }
  ASSERT_TRUE(
      store_->AppendAccess(MakeRecord("ev1", "g2", kT0 + absl::Minutes(4)), std::nullopt).ok());
  ASSERT_TRUE(store_->BumpTokenGeneration("ev1", "g1").ok());
  auto state = store_->LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_EQ(state->baseline.uses().size(), 5u);
  EXPECT_EQ(state->baseline.uses()[0].device, 104u);  // Newest first.
  EXPECT_EQ(state->generation, 1u);
  EXPECT_TRUE(store_->LoadGuestState("ev1", "g2")->baseline.uses().empty());
}

TEST_P(StoreSuite, CheckStateIsPolicyAndGuestStateTogether) {
  auto empty = store_->LoadCheckState("ev1", "g1");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->policy.thresholds, Thresholds::Defaults());
  ASSERT_NE(empty->policy.allowlist, nullptr);
  EXPECT_TRUE(empty->policy.allowlist->empty());
  EXPECT_EQ(empty->guest.generation, 0u);
  EXPECT_TRUE(empty->guest.baseline.empty());

  ASSERT_TRUE(store_->SetThresholds("ev1", {20, 50, 90}).ok());
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("198.51.100.0/24"), "", kT0}).ok());
  ASSERT_TRUE(store_->BumpTokenGeneration("ev1", "g1").ok());
  const AccessFeatures f = Features("fp-a", "203.0.113.5", kT0);
  auto learn = [&](Baseline& b) { b.Learn(f); };
  ASSERT_TRUE(store_->AppendAccess(MakeRecord("ev1", "g1", kT0), learn).ok());
  ASSERT_TRUE(store_->AppendAccess(MakeRecord("ev1", "g2", kT0), std::nullopt).ok());

  auto state = store_->LoadCheckState("ev1", "g1");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->policy.thresholds, (Thresholds{20, 50, 90}));
  EXPECT_TRUE(state->policy.allowlist->Contains(*IpAddress::Parse("198.51.100.7")));
  EXPECT_EQ(state->guest.generation, 1u);
  EXPECT_EQ(state->guest.baseline.accesses(), 1u);
  EXPECT_EQ(state->guest.baseline, store_->LoadGuestState("ev1", "g1")->baseline);
  // A guest without a row yet, in an event with a policy.
  auto other = store_->LoadCheckState("ev1", "g9");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->policy.thresholds, (Thresholds{20, 50, 90}));
  EXPECT_EQ(other->guest.generation, 0u);
}

TEST_P(StoreSuite, BaselineUpdatesRoundTrip) {
  const AccessFeatures f = Features("fp-a", "203.0.113.5", kT0);
  ASSERT_TRUE(store_->UpdateBaseline("ev1", "g1", [&](Baseline& b) { b.Learn(f); }).ok());
  Baseline expected;
  expected.Learn(f);
  auto state = store_->LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->baseline, expected);
  EXPECT_TRUE(store_->LoadGuestState("ev1", "g2")->baseline.empty());
}

TEST_P(StoreSuite, ConcurrentBaselineUpdatesLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kUpdatesPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kUpdatesPerThread; ++i) {
        const AccessFeatures f = Features(absl::StrCat("fp-", t), absl::StrCat("203.0.", t, ".1"),
                                          kT0 + absl::Seconds(i));
        absl::Status s = store_->UpdateBaseline("ev1", "g1", [&](Baseline& b) { b.Learn(f); });
        EXPECT_TRUE(s.ok()) << s;
      }
    });
  }
  for (auto& t : threads) t.join();
  auto state = store_->LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->baseline.accesses(), static_cast<uint32_t>(kThreads * kUpdatesPerThread));
  EXPECT_EQ(state->baseline.devices().size(), static_cast<size_t>(kThreads));
  EXPECT_EQ(state->baseline.networks().size(), static_cast<size_t>(kThreads));
}

TEST_P(StoreSuite, AppendingWithLearnUpdatesTheBaselineInTheSameWrite) {
  const AccessRecord record = MakeRecord("ev1", "g1", kT0);
  const AccessFeatures f = Features("fp-a", "203.0.113.5", kT0);
  auto learn = [&](Baseline& b) { b.Learn(f); };
  ASSERT_TRUE(store_->AppendAccess(record, learn).ok());
  ASSERT_TRUE(store_->AppendAccess(record, std::nullopt).ok());
  auto state = store_->LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->baseline.accesses(), 1u);  // Learned once, recorded twice.
  EXPECT_EQ(store_->ListAccesses("ev1", 10)->size(), 2u);
  Baseline expected;
  expected.Learn(f);
  EXPECT_EQ(state->baseline, expected);
}

TEST_P(StoreSuite, ConcurrentAppendsWithLearnLoseNoBaselineUpdate) {
  constexpr int kThreads = 4;
  constexpr int kAppendsPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        const AccessFeatures f = Features("fp", "203.0.113.5", kT0 + absl::Seconds(t * 100 + i));
        auto learn = [&](Baseline& b) { b.Learn(f); };
        EXPECT_TRUE(store_->AppendAccess(MakeRecord("ev1", "g1", kT0), learn).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto state = store_->LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->baseline.accesses(), static_cast<uint32_t>(kThreads * kAppendsPerThread));
  EXPECT_EQ(store_->ListAccesses("ev1", 1000)->size(),
            static_cast<size_t>(kThreads * kAppendsPerThread));
}

TEST_P(StoreSuite, AppendedAccessReadsBackWithEveryField) {
  const AccessRecord record = MakeRecord("ev1", "g1", kT0 + absl::Milliseconds(1500), 72);
  auto id = store_->AppendAccess(record, std::nullopt);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_FALSE(id->empty());
  auto got = store_->GetAccess("ev1", *id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->id, *id);
  EXPECT_EQ(got->event_id, "ev1");
  EXPECT_EQ(got->guest_id, "g1");
  EXPECT_EQ(got->kind, AccessKind::kRsvp);
  EXPECT_EQ(absl::ToUnixMillis(got->at), absl::ToUnixMillis(record.at));
  EXPECT_EQ(got->client_ip, "203.0.113.7");
  EXPECT_EQ(got->signals.user_agent, record.signals.user_agent);
  EXPECT_EQ(got->signals.fingerprint, record.signals.fingerprint);
  EXPECT_EQ(got->signals.timezone, record.signals.timezone);
  EXPECT_EQ(got->signals.language, record.signals.language);
  EXPECT_EQ(got->signals.screen, record.signals.screen);
  EXPECT_EQ(got->signals.platform, record.signals.platform);
  EXPECT_EQ(got->score, 72);
  EXPECT_EQ(got->band, Band::kHigh);
  EXPECT_FALSE(got->allowlisted);
  EXPECT_FALSE(got->blocked);
  EXPECT_EQ(got->reasons, record.reasons);
}

TEST_P(StoreSuite, AccessOfAnotherEventIsNotFound) {
  auto id = store_->AppendAccess(MakeRecord("ev1", "g1", kT0), std::nullopt);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(store_->GetAccess("ev2", *id).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetAccess("ev1", "999999").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetAccess("ev1", "not-an-id").status().code(), absl::StatusCode::kNotFound);
}

TEST_P(StoreSuite, ListAccessesIsNewestFirstPerEventWithLimit) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(
        *store_->AppendAccess(MakeRecord("ev1", "g1", kT0 + absl::Seconds(i)), std::nullopt));
    ASSERT_TRUE(
        store_->AppendAccess(MakeRecord("ev2", "g1", kT0 + absl::Seconds(i)), std::nullopt).ok());
  }
  auto list = store_->ListAccesses("ev1", 3);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, ids[3]);
  EXPECT_EQ((*list)[1].id, ids[2]);
  EXPECT_EQ((*list)[2].id, ids[1]);
  for (const auto& r : *list) EXPECT_EQ(r.event_id, "ev1");
}

TEST_P(StoreSuite, GetAccessesReturnsTheEventsAccessesInTheOrderAskedOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 230; ++i) {  // More than two SQL chunks.
    ids.push_back(*store_->AppendAccess(
        MakeRecord("ev1", "g" + std::to_string(i % 7), kT0 + absl::Seconds(i), i % 100),
        std::nullopt));
  }
  const std::string other = *store_->AppendAccess(MakeRecord("ev2", "g1", kT0), std::nullopt);
  std::vector<std::string> asked = {ids[5], ids[229], "not-an-id", ids[5], other, "999999"};
  for (int i = 100; i < 210; ++i) asked.push_back(ids[static_cast<size_t>(i)]);
  auto got = store_->GetAccesses("ev1", asked);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u + 110u);
  EXPECT_EQ((*got)[0].id, ids[5]);
  EXPECT_EQ((*got)[1].id, ids[229]);
  EXPECT_EQ((*got)[1].score, 29);
  EXPECT_EQ((*got)[1].guest_id, "g5");
  for (size_t i = 0; i < 110; ++i) EXPECT_EQ((*got)[2 + i].id, ids[100 + i]);
  for (const auto& r : *got) EXPECT_EQ(r.event_id, "ev1");
  // Each field as GetAccess reads it.
  EXPECT_EQ((*got)[1].at, store_->GetAccess("ev1", ids[229])->at);
  EXPECT_TRUE(store_->GetAccesses("ev1", {})->empty());
  EXPECT_TRUE(store_->GetAccesses("ev3", {ids[0]})->empty());
  EXPECT_EQ(store_->GetAccesses("ev1", std::vector<std::string>(kMaxAccessBatch + 1, ids[0]))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, FeedbackUpsertKeepsOneVerdictPerAccess) {
  auto id = store_->AppendAccess(MakeRecord("ev1", "g1", kT0, 70), std::nullopt);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(store_->PutFeedback({"ev1", *id, FeedbackVerdict::kSuspicious, "odd", kT0}).ok());
  ASSERT_TRUE(store_
                  ->PutFeedback({"ev1", *id, FeedbackVerdict::kLegitimate, "it was her phone",
                                 kT0 + absl::Minutes(1)})
                  .ok());
  auto list = store_->ListFeedback("ev1");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].feedback.verdict, FeedbackVerdict::kLegitimate);
  EXPECT_EQ((*list)[0].feedback.note, "it was her phone");
  EXPECT_EQ((*list)[0].feedback.access_log_id, *id);
  EXPECT_EQ((*list)[0].access.id, *id);
  EXPECT_EQ((*list)[0].access.score, 70);
  EXPECT_TRUE(store_->ListFeedback("ev2")->empty());
}

TEST_P(StoreSuite, GetVerdictsReturnsTheVerdictsOfTheAccessesAsked) {
  std::vector<std::string> ids;
  for (int i = 0; i < 150; ++i) {
    ids.push_back(
        *store_->AppendAccess(MakeRecord("ev1", "g1", kT0 + absl::Seconds(i)), std::nullopt));
  }
  const std::string other = *store_->AppendAccess(MakeRecord("ev2", "g1", kT0), std::nullopt);
  ASSERT_TRUE(store_->PutFeedback({"ev1", ids[3], FeedbackVerdict::kSuspicious, "", kT0}).ok());
  ASSERT_TRUE(store_->PutFeedback({"ev1", ids[140], FeedbackVerdict::kLegitimate, "", kT0}).ok());
  ASSERT_TRUE(store_->PutFeedback({"ev1", ids[149], FeedbackVerdict::kSuspicious, "", kT0}).ok());
  ASSERT_TRUE(store_->PutFeedback({"ev2", other, FeedbackVerdict::kSuspicious, "", kT0}).ok());
  std::vector<std::string> asked(ids.begin(), ids.begin() + 145);  // Not ids[149].
  asked.push_back(other);
  asked.push_back("not-an-id");
  auto got = store_->GetVerdicts("ev1", asked);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got,
            (std::map<std::string, FeedbackVerdict>{{ids[3], FeedbackVerdict::kSuspicious},
                                                    {ids[140], FeedbackVerdict::kLegitimate}}));
  EXPECT_TRUE(store_->GetVerdicts("ev1", {})->empty());
  EXPECT_EQ(store_->GetVerdicts("ev1", std::vector<std::string>(kMaxAccessBatch + 1, ids[0]))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, FeedbackOnAnotherEventsAccessIsRefused) {
  auto id = store_->AppendAccess(MakeRecord("ev1", "g1", kT0), std::nullopt);
  ASSERT_TRUE(id.ok());
  absl::Status s = store_->PutFeedback({"ev2", *id, FeedbackVerdict::kSuspicious, "", kT0});
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_TRUE(store_->ListFeedback("ev1")->empty());
  EXPECT_TRUE(store_->ListFeedback("ev2")->empty());
}

TEST_P(StoreSuite, OverlongFeedbackNoteIsRejected) {
  auto id = store_->AppendAccess(MakeRecord("ev1", "g1", kT0), std::nullopt);
  ASSERT_TRUE(id.ok());
  const std::string note(kMaxFeedbackNoteLength + 1, 'x');
  EXPECT_EQ(store_->PutFeedback({"ev1", *id, FeedbackVerdict::kSuspicious, note, kT0}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListFeedback("ev1")->empty());
}

TEST_P(StoreSuite, FeedbackListsNewestVerdictFirst) {
  auto a = store_->AppendAccess(MakeRecord("ev1", "g1", kT0), std::nullopt);
  auto b = store_->AppendAccess(MakeRecord("ev1", "g2", kT0), std::nullopt);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(store_->PutFeedback({"ev1", *b, FeedbackVerdict::kSuspicious, "", kT0}).ok());
  ASSERT_TRUE(
      store_->PutFeedback({"ev1", *a, FeedbackVerdict::kSuspicious, "", kT0 + absl::Hours(1)})
          .ok());
  auto list = store_->ListFeedback("ev1");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].access.id, *a);
  EXPECT_EQ((*list)[1].access.id, *b);
}

TEST_P(StoreSuite, DeleteEventDataForgetsPolicyGuestsAccessesAndFeedbackOfThatEventOnly) {
  for (const char* event : {"ev1", "ev2"}) {
    ASSERT_TRUE(store_->SetThresholds(event, Thresholds{20, 50, 80}).ok());
    ASSERT_TRUE(store_->AddAllowlistEntry(event, {MustCidr("10.0.0.0/8"), "office", kT0}).ok());
    ASSERT_TRUE(store_->BumpTokenGeneration(event, "g1").ok());
    const AccessFeatures f = Features("fp-a", "203.0.113.5", kT0);
    ASSERT_TRUE(store_->UpdateBaseline(event, "g1", [&](Baseline& b) { b.Learn(f); }).ok());
    auto id = store_->AppendAccess(MakeRecord(event, "g1", kT0, 70), std::nullopt);
    ASSERT_TRUE(id.ok()) << id.status();
    ASSERT_TRUE(store_->PutFeedback({event, *id, FeedbackVerdict::kSuspicious, "", kT0}).ok());
  }
  ASSERT_TRUE(store_->DeleteEventData("ev1").ok());
  EXPECT_EQ(*store_->GetThresholds("ev1"), Thresholds());
  EXPECT_TRUE(store_->ListAllowlist("ev1")->empty());
  EXPECT_EQ(store_->GetPolicy("ev1")->allowlist->size(), 0u);
  EXPECT_EQ(*store_->GetTokenGeneration("ev1", "g1"), 0u);
  EXPECT_TRUE(store_->LoadGuestState("ev1", "g1")->baseline.empty());
  EXPECT_TRUE(store_->ListAccesses("ev1", 10)->empty());
  EXPECT_TRUE(store_->ListFeedback("ev1")->empty());
  // The other event is untouched.
  EXPECT_EQ(*store_->GetThresholds("ev2"), (Thresholds{20, 50, 80}));
  EXPECT_EQ(store_->ListAllowlist("ev2")->size(), 1u);
  EXPECT_EQ(*store_->GetTokenGeneration("ev2", "g1"), 1u);
  EXPECT_FALSE(store_->LoadGuestState("ev2", "g1")->baseline.empty());
  EXPECT_EQ(store_->ListAccesses("ev2", 10)->size(), 1u);
  EXPECT_EQ(store_->ListFeedback("ev2")->size(), 1u);
  // Deleting again (or an unknown event) is fine, and the event starts afresh.
  EXPECT_TRUE(store_->DeleteEventData("ev1").ok());
  EXPECT_TRUE(store_->DeleteEventData("nobody").ok());
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {MustCidr("192.0.2.0/24"), "", kT0}).ok());
  EXPECT_TRUE(store_->GetPolicy("ev1")->allowlist->Contains(*IpAddress::Parse("192.0.2.9")));
  EXPECT_FALSE(store_->GetPolicy("ev1")->allowlist->Contains(*IpAddress::Parse("10.1.2.3")));
}

TEST_P(StoreSuite, PruneAccessLogDeletesOldEntriesWithTheirFeedbackInBatches) {
  std::vector<std::string> old_ids;
  for (int i = 0; i < 5; ++i) {
    auto id = store_->AppendAccess(MakeRecord(i % 2 ? "ev1" : "ev2", "g1", kT0 + absl::Hours(i)),
                                   std::nullopt);
    ASSERT_TRUE(id.ok()) << id.status();
    old_ids.push_back(*id);
  }
  ASSERT_TRUE(store_->PutFeedback({"ev1", old_ids[1], FeedbackVerdict::kLegitimate, "", kT0}).ok());
  auto recent = store_->AppendAccess(MakeRecord("ev1", "g1", kT0 + absl::Hours(100)), std::nullopt);
  ASSERT_TRUE(recent.ok());
  ASSERT_TRUE(store_->PutFeedback({"ev1", *recent, FeedbackVerdict::kSuspicious, "", kT0}).ok());

  const absl::Time cutoff = kT0 + absl::Hours(50);
  auto pruned = store_->PruneAccessLog(cutoff, 3);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 3u);
  EXPECT_EQ(*store_->PruneAccessLog(cutoff, 3), 2u);
  EXPECT_EQ(*store_->PruneAccessLog(cutoff, 3), 0u);
  for (const std::string& id : old_ids) {
    EXPECT_EQ(
        store_->GetAccess(id == old_ids[1] || id == old_ids[3] ? "ev1" : "ev2", id).status().code(),
        absl::StatusCode::kNotFound)
        << id;
  }
  auto left = store_->ListAccesses("ev1", 10);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, *recent);
  auto feedback = store_->ListFeedback("ev1");
  ASSERT_EQ(feedback->size(), 1u);
  EXPECT_EQ((*feedback)[0].access.id, *recent);
  EXPECT_TRUE(store_->ListAccesses("ev2", 10)->empty());
}

// --- Reads for a host's console -------------------------------------------

std::vector<std::string> IdsOf(const std::vector<AccessRecord>& records) {
  std::vector<std::string> ids;
  for (const AccessRecord& r : records) ids.push_back(r.id);
  return ids;
}

TEST_P(StoreSuite, ListAccessPageWalksTheEventNewestFirstByTimeThenIdInKeysetPages) {
  // Appended out of time order; two at one instant; another event's beside.
  std::vector<std::string> ids;
  for (int s : {5, 1, 3, 3, 9, 7}) {
    ids.push_back(*store_->AppendAccess(
        MakeRecord("ev1", s == 7 ? "g2" : "g1", kT0 + absl::Seconds(s)), std::nullopt));
  }
  ASSERT_TRUE(store_->AppendAccess(MakeRecord("ev2", "g1", kT0), std::nullopt).ok());
  // Newest first: 9, 7, 5, then the two at 3 (later id first), then 1.
  const std::vector<std::string> order = {ids[4], ids[5], ids[0], ids[3], ids[2], ids[1]};
  std::vector<std::string> walked;
  AccessPageQuery q;
  q.limit = 4;
  while (true) {
    auto page = store_->ListAccessPage("ev1", q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const AccessRecord& r : *page) {
      walked.push_back(r.id);
      EXPECT_EQ(r.event_id, "ev1");
    }
    if (page->size() < q.limit) break;
    q.after = AccessPosition{page->back().at, page->back().id};
  }
  EXPECT_EQ(walked, order);
  // Page two starts after the first access at 3 s: the other one at 3 s follows.
  q.limit = 10;
  q.after = AccessPosition{kT0 + absl::Seconds(3), ids[3]};
  EXPECT_EQ(IdsOf(*store_->ListAccessPage("ev1", q)), (std::vector<std::string>{ids[2], ids[1]}));
  // Without an id: strictly before that instant.
  q.after = AccessPosition{kT0 + absl::Seconds(3), std::nullopt};
  EXPECT_EQ(IdsOf(*store_->ListAccessPage("ev1", q)), (std::vector<std::string>{ids[1]}));
  // One guest's.
  q.after.reset();
  q.guest_id = "g2";
  EXPECT_EQ(IdsOf(*store_->ListAccessPage("ev1", q)), (std::vector<std::string>{ids[5]}));
  q.guest_id = "nobody";
  EXPECT_TRUE(store_->ListAccessPage("ev1", q)->empty());
}

TEST_P(StoreSuite, ListAccessPageRejectsABadLimitOrPosition) {
  AccessPageQuery q;
  q.limit = 0;
  EXPECT_EQ(store_->ListAccessPage("ev1", q).status().code(), absl::StatusCode::kInvalidArgument);
  q.limit = kMaxAccessPage + 1;
  EXPECT_EQ(store_->ListAccessPage("ev1", q).status().code(), absl::StatusCode::kInvalidArgument);
  q.limit = kMaxAccessPage;
  EXPECT_TRUE(store_->ListAccessPage("ev1", q).ok());
  q.after = AccessPosition{kT0, "not-an-id"};
  EXPECT_EQ(store_->ListAccessPage("ev1", q).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, SummarizeGuestsGivesEachGuestsNewestAccessAndCheckInInBatches) {
  std::vector<std::string> guests;
  for (int i = 0; i < 150; ++i) {  // More than one SQL chunk.
    guests.push_back("g" + std::to_string(i));
    ASSERT_TRUE(store_
                    ->AppendAccess(MakeRecord("ev1", guests.back(), kT0 + absl::Seconds(i), i % 90),
                                   std::nullopt)
                    .ok());
  }
  // g1: a later open, then an older access appended after it, then a blocked check-in.
  AccessRecord newest = MakeRecord("ev1", "g1", kT0 + absl::Hours(2), 70);
  newest.kind = AccessKind::kOpen;
  const std::string newest_id = *store_->AppendAccess(newest, std::nullopt);
  ASSERT_TRUE(
      store_->AppendAccess(MakeRecord("ev1", "g1", kT0 + absl::Hours(1)), std::nullopt).ok());
  AccessRecord blocked = MakeRecord("ev1", "g1", kT0 + absl::Minutes(30), 99);
  blocked.kind = AccessKind::kCheckin;
  ASSERT_TRUE(store_->AppendAccess(blocked, std::nullopt).ok());
  // g2 checked in; another event's check-in of g3 does not count.
  AccessRecord door = MakeRecord("ev1", "g2", kT0 + absl::Seconds(2), 5);
  door.kind = AccessKind::kCheckin;
  const std::string door_id = *store_->AppendAccess(door, std::nullopt);  // Ties g2's at: wins.
  AccessRecord elsewhere = MakeRecord("ev2", "g3", kT0, 5);
  elsewhere.kind = AccessKind::kCheckin;
  ASSERT_TRUE(store_->AppendAccess(elsewhere, std::nullopt).ok());

  guests.push_back("never-seen");
  auto summary = store_->SummarizeGuests("ev1", guests);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->size(), 150u);
  EXPECT_FALSE(summary->contains("never-seen"));
  const GuestAccessSummary& g1 = summary->at("g1");
  EXPECT_EQ(g1.latest.id, newest_id);
  EXPECT_EQ(g1.latest.score, 70);
  EXPECT_EQ(g1.latest.kind, AccessKind::kOpen);
  EXPECT_FALSE(g1.checked_in);  // Its only check-in was in band block.
  EXPECT_EQ(summary->at("g2").latest.id, door_id);
  EXPECT_TRUE(summary->at("g2").checked_in);
  EXPECT_FALSE(summary->at("g3").checked_in);
  EXPECT_EQ(summary->at("g149").latest.score, 149 % 90);
  EXPECT_TRUE(store_->SummarizeGuests("ev1", {})->empty());
  EXPECT_EQ(store_->SummarizeGuests("ev1", std::vector<std::string>(kMaxAccessBatch + 1, "g1"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, CountAccessesBetweenCountsTheGuestsAccessesStrictlyBetweenTwoIdsFromABand) {
  std::vector<std::string> ids;
  for (int score : {95, 10, 70, 95, 50, 80}) {  // block, low, high, block, medium, high
    ids.push_back(*store_->AppendAccess(MakeRecord("ev1", "g1", kT0, score), std::nullopt));
    ASSERT_TRUE(store_->AppendAccess(MakeRecord("ev1", "g2", kT0, 95), std::nullopt).ok());
    ASSERT_TRUE(store_->AppendAccess(MakeRecord("ev2", "g1", kT0, 95), std::nullopt).ok());
  }
  ASSERT_EQ(Thresholds().BandOf(70), Band::kHigh);
  auto n = store_->CountAccessesBetween("ev1", "g1", ids[0], ids[5], Band::kHigh);
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 2);  // 70 and the second 95; not the ends.
  EXPECT_EQ(*store_->CountAccessesBetween("ev1", "g1", ids[0], ids[5], Band::kLow), 4);
  EXPECT_EQ(*store_->CountAccessesBetween("ev1", "g1", ids[0], ids[5], Band::kBlock), 1);
  EXPECT_EQ(*store_->CountAccessesBetween("ev1", "g1", ids[5], ids[0], Band::kLow), 0);
  EXPECT_EQ(*store_->CountAccessesBetween("ev1", "nobody", ids[0], ids[5], Band::kLow), 0);
  EXPECT_EQ(store_->CountAccessesBetween("ev1", "g1", "x", ids[5], Band::kLow).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(StoreSuite, GetFeedbackAndListRecentFeedbackReadTheStoredVerdicts) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(*store_->AppendAccess(MakeRecord("ev1", "g1", kT0), std::nullopt));
  }
  const std::string other = *store_->AppendAccess(MakeRecord("ev2", "g1", kT0), std::nullopt);
  ASSERT_TRUE(store_
                  ->PutFeedback({"ev1", ids[0], FeedbackVerdict::kSuspicious, "ü note",
                                 kT0 + absl::Seconds(3)})
                  .ok());
  ASSERT_TRUE(
      store_->PutFeedback({"ev1", ids[1], FeedbackVerdict::kLegitimate, "", kT0 + absl::Seconds(5)})
          .ok());
  ASSERT_TRUE(
      store_->PutFeedback({"ev1", ids[2], FeedbackVerdict::kSuspicious, "", kT0 + absl::Seconds(5)})
          .ok());
  ASSERT_TRUE(
      store_->PutFeedback({"ev2", other, FeedbackVerdict::kSuspicious, "", kT0 + absl::Seconds(9)})
          .ok());
  // Re-marking replaces the verdict.
  ASSERT_TRUE(store_
                  ->PutFeedback({"ev1", ids[0], FeedbackVerdict::kLegitimate, "changed",
                                 kT0 + absl::Seconds(4)})
                  .ok());

  auto f = store_->GetFeedback("ev1", ids[0]);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->event_id, "ev1");
  EXPECT_EQ(f->access_log_id, ids[0]);
  EXPECT_EQ(f->verdict, FeedbackVerdict::kLegitimate);
  EXPECT_EQ(f->note, "changed");
  EXPECT_EQ(f->created_at, kT0 + absl::Seconds(4));
  EXPECT_EQ(store_->GetFeedback("ev1", ids[3]).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetFeedback("ev1", other).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetFeedback("ev1", "x").status().code(), absl::StatusCode::kNotFound);

  auto recent = store_->ListRecentFeedback("ev1", 2);
  ASSERT_TRUE(recent.ok()) << recent.status();
  ASSERT_EQ(recent->size(), 2u);  // The two at 5 s, the later access first.
  EXPECT_EQ((*recent)[0].access_log_id, ids[2]);
  EXPECT_EQ((*recent)[1].access_log_id, ids[1]);
  EXPECT_EQ((*recent)[1].verdict, FeedbackVerdict::kLegitimate);
  auto all = store_->ListRecentFeedback("ev1", kMaxAccessBatch);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].access_log_id, ids[0]);
  EXPECT_EQ((*all)[2].note, "changed");
  EXPECT_EQ(store_->ListRecentFeedback("ev1", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->ListRecentFeedback("ev1", kMaxAccessBatch + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace guestguard::testing
