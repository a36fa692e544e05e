// Copyright 2026 GuestGuard authors.
#include "guestguard/guard.h"

#include <algorithm>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "guestguard/in_process_bus.h"
#include "guestguard/memory_store.h"
#include "testing/attempts.h"
#include "testing/fake_scorer.h"

namespace guestguard {
namespace {

using testing::FakeScorer;
using testing::OtherDevice;
using testing::UsualBrowser;

const absl::Time kT0 = absl::FromUnixSeconds(1795000000);

bool HasReason(const Decision& d, std::string_view code) {
  return std::any_of(d.reasons.begin(), d.reasons.end(),
                     [&](const Reason& r) { return r.code == code; });
}

class GuardTest : public ::testing::Test {
 protected:
  void SetUp() override { Open({}); }

  // (Re)opens the guard; `tweak` adjusts the options first.
  void Open(std::function<void(GuardOptions&)> tweak) {
    guard_.reset();
    store_ = std::shared_ptr<Store>(*NewMemoryStore({}));
    GuardOptions options;
    options.store = store_;
    options.keyring = *Keyring::Parse("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
    options.clock = clock_;
    if (tweak) tweak(options);
    auto guard = Guard::Open(std::move(options));
    ASSERT_TRUE(guard.ok()) << guard.status();
    guard_ = std::move(*guard);
  }

  Decision MustCheck(std::string_view token, const AccessAttempt& attempt) {
    auto d = guard_->Check(token, attempt);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? *d : Decision();
  }

  std::string MustIssue(std::string_view event, std::string_view guest) {
    auto token = guard_->IssueToken(event, guest);
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : std::string();
  }

  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>(kT0);
  std::shared_ptr<Store> store_;
  std::unique_ptr<Guard> guard_;
};

TEST_F(GuardTest, OpenRejectsMissingOrBadOptions) {
  EXPECT_EQ(Guard::Open({}).status().code(), absl::StatusCode::kInvalidArgument);
  GuardOptions no_keys;
  no_keys.store = store_;
  EXPECT_EQ(Guard::Open(no_keys).status().code(), absl::StatusCode::kInvalidArgument);
  GuardOptions bad_deadline;
  bad_deadline.store = store_;
  bad_deadline.keyring = *Keyring::Generate();
  bad_deadline.scorer_deadline = absl::ZeroDuration();
  EXPECT_EQ(Guard::Open(bad_deadline).status().code(), absl::StatusCode::kInvalidArgument);
  GuardOptions bad_scoring;
  bad_scoring.store = store_;
  bad_scoring.keyring = *Keyring::Generate();
  bad_scoring.scoring.secondary_weight = -1;
  EXPECT_EQ(Guard::Open(bad_scoring).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(GuardTest, ValidTokenFromTheUsualBrowserIsVerified) {
  const std::string token = MustIssue("ev1", "g1");
  Decision d = MustCheck(token, UsualBrowser(kT0));
  EXPECT_EQ(d.token_status, TokenStatus::kValid);
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.band, Band::kLow);
  EXPECT_EQ(d.label(), "Verified");
  EXPECT_EQ(d.event_id, "ev1");
  EXPECT_EQ(d.guest_id, "g1");
  ASSERT_FALSE(d.access_log_id.empty());
  auto record = store_->GetAccess("ev1", d.access_log_id);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->guest_id, "g1");
  EXPECT_EQ(record->client_ip, "203.0.113.42");
}

TEST_F(GuardTest, AVerifiedTokenIsCheckedWithoutVerifyingAgainAndOnlyByItsGuard) {
  const std::string token = MustIssue("ev1", "g1");
  const VerifiedToken verified = guard_->Verify(token);
  ASSERT_EQ(verified.status(), TokenStatus::kValid);
  EXPECT_EQ(verified.claims().guest_id, "g1");
  auto d = guard_->Check(verified, UsualBrowser(kT0));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->band, Band::kLow);
  EXPECT_EQ(d->guest_id, "g1");

  // Another guard with the same keys must not take this guard's word for it.
  GuardOptions options;
  options.store = store_;
  options.keyring = *Keyring::Parse("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
  options.clock = clock_;
  auto other = Guard::Open(std::move(options));
  ASSERT_TRUE(other.ok()) << other.status();
  auto refused = (*other)->Check(verified, UsualBrowser(kT0));
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ(refused->token_status, TokenStatus::kMalformed);
  EXPECT_TRUE(refused->access_log_id.empty());
  EXPECT_EQ(store_->ListAccesses("ev1", 10)->size(), 1u);
}

TEST_F(GuardTest, MalformedOrForgedTokensAreRefusedAndRecordNothing) {
  const std::string token = MustIssue("ev1", "g1");
  std::string forged = token;
  forged[10] = forged[10] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string("not-a-token"), forged, std::string(1024, 'x')}) {
    Decision d = MustCheck(bad, UsualBrowser(kT0));
    EXPECT_FALSE(d.allowed());
    EXPECT_NE(d.token_status, TokenStatus::kValid);
    EXPECT_EQ(d.band, Band::kBlock);
    EXPECT_TRUE(d.access_log_id.empty());
    EXPECT_TRUE(d.event_id.empty());
  }
  EXPECT_TRUE(store_->ListAccesses("ev1", 10)->empty());
}

TEST_F(GuardTest, RotationRevokesTheOldTokenAndRecordsItsReplay) {
  const std::string old_token = MustIssue("ev1", "g1");
  auto new_token = guard_->RotateToken("ev1", "g1");
  ASSERT_TRUE(new_token.ok()) << new_token.status();
  Decision replay = MustCheck(old_token, UsualBrowser(kT0));
  EXPECT_EQ(replay.token_status, TokenStatus::kRevoked);
  EXPECT_FALSE(replay.allowed());
  EXPECT_EQ(replay.band, Band::kBlock);
  EXPECT_TRUE(HasReason(replay, reason::kTokenRevoked));
  ASSERT_FALSE(replay.access_log_id.empty());
  EXPECT_TRUE(store_->GetAccess("ev1", replay.access_log_id)->blocked);

  EXPECT_TRUE(MustCheck(*new_token, UsualBrowser(kT0)).allowed());
  // The replay taught the baseline nothing.
  EXPECT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.accesses(), 1u);
}

TEST_F(GuardTest, ExpiredTokenIsRefusedOnTheFakeClock) {
  Open([](GuardOptions& o) { o.token_ttl = absl::Hours(1); });
  const std::string token = MustIssue("ev1", "g1");
  clock_->Advance(absl::Minutes(59));
  EXPECT_TRUE(MustCheck(token, UsualBrowser(clock_->Now())).allowed());
  clock_->Advance(absl::Minutes(2));
  Decision d = MustCheck(token, UsualBrowser(clock_->Now()));
  EXPECT_EQ(d.token_status, TokenStatus::kExpired);
  EXPECT_FALSE(d.allowed());
  EXPECT_TRUE(HasReason(d, reason::kTokenExpired));
}

TEST_F(GuardTest, NotAfterBoundsTheLinkBelowTheTtl) {
  Open([](GuardOptions& o) { o.token_ttl = absl::Hours(10); });
  auto token = guard_->IssueToken("ev1", "g1", clock_->Now() + absl::Hours(2));
  ASSERT_TRUE(token.ok()) << token.status();
  auto rotated = guard_->RotateToken("ev2", "g1", clock_->Now() + absl::Hours(20));
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  clock_->Advance(absl::Hours(2) + absl::Seconds(1));
  EXPECT_EQ(MustCheck(*token, UsualBrowser(clock_->Now())).token_status, TokenStatus::kExpired);
  EXPECT_TRUE(MustCheck(*rotated, UsualBrowser(clock_->Now())).allowed());
  clock_->Advance(absl::Hours(8));  // The TTL (10 h) comes before not_after (20 h).
  EXPECT_EQ(MustCheck(*rotated, UsualBrowser(clock_->Now())).token_status, TokenStatus::kExpired);
  EXPECT_EQ(guard_->IssueToken("ev1", "g1", clock_->Now()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(GuardTest, InvalidClientIpIsAnErrorNotADecision) {
  const std::string token = MustIssue("ev1", "g1");
  AccessAttempt a = UsualBrowser(kT0);
  a.client_ip = "300.1.1.1";
  EXPECT_EQ(guard_->Check(token, a).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->ListAccesses("ev1", 10)->empty());
}

// Headers may carry any bytes; what is recorded is text every store keeps.
TEST_F(GuardTest, SignalsAreRecordedWithBytesThatAreNotUtf8AndNulsReplaced) {
  const std::string token = MustIssue("ev1", "g1");
  AccessAttempt a = UsualBrowser(kT0);
  a.signals.user_agent = std::string("Mozilla/5.0 \xff\xc0\xafx\0y \xc3\xa9", 21);
  a.signals.language = "de\xfe";
  MustCheck(token, a);
  auto accesses = store_->ListAccesses("ev1", 10);
  ASSERT_TRUE(accesses.ok() && accesses->size() == 1u);
  // 0xff, the overlong 0xc0 0xaf (two bytes) and NUL each become U+FFFD; é stays.
  EXPECT_EQ(accesses->front().signals.user_agent,
            "Mozilla/5.0 \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBDy \xc3\xa9");
  EXPECT_EQ(accesses->front().signals.language, "de\xEF\xBF\xBD");
  EXPECT_EQ(accesses->front().signals.fingerprint, a.signals.fingerprint);
}

TEST_F(GuardTest, AllowlistedAddressShortCircuitsScoring) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(
      store_->AddAllowlistEntry("ev1", {*Cidr::Parse("198.51.100.0/24"), "office", kT0}).ok());
  AccessAttempt scripted = UsualBrowser(kT0);
  scripted.client_ip = "198.51.100.20";
  scripted.signals = ClientSignals();
  scripted.signals.user_agent = "curl/8.4.0";  // Would score on its own.
  Decision d = MustCheck(token, scripted);
  EXPECT_TRUE(d.allowlisted);
  EXPECT_EQ(d.score, 0);
  EXPECT_EQ(d.band, Band::kLow);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].code, reason::kAllowlisted);
  // v4-mapped IPv6 from a dual-stack proxy matches too.
  scripted.client_ip = "::ffff:198.51.100.20";
  EXPECT_TRUE(MustCheck(token, scripted).allowlisted);
  // Allowlisted accesses are not scored, so they teach the baseline nothing.
  EXPECT_TRUE(store_->LoadGuestState("ev1", "g1")->baseline.empty());
}

TEST_F(GuardTest, AllowlistChangesApplyToTheNextCheck) {
  const std::string token = MustIssue("ev1", "g1");
  AccessAttempt a = UsualBrowser(kT0);
  EXPECT_FALSE(MustCheck(token, a).allowlisted);
  ASSERT_TRUE(store_->AddAllowlistEntry("ev1", {*Cidr::Parse("203.0.113.42"), "", kT0}).ok());
  EXPECT_TRUE(MustCheck(token, a).allowlisted);
  ASSERT_TRUE(store_->RemoveAllowlistEntry("ev1", *Cidr::Parse("203.0.113.42")).ok());
  EXPECT_FALSE(MustCheck(token, a).allowlisted);
}

TEST_F(GuardTest, DecisionsAreRebandedAgainstEachEventsThresholds) {
  ASSERT_TRUE(store_->SetThresholds("lenient", {50, 70, 90}).ok());
  AccessAttempt no_user_agent = UsualBrowser(kT0);
  no_user_agent.signals.user_agent.clear();  // Scores 40.
  Decision strict = MustCheck(MustIssue("default", "g1"), no_user_agent);
  Decision lenient = MustCheck(MustIssue("lenient", "g1"), no_user_agent);
  EXPECT_EQ(strict.score, lenient.score);
  EXPECT_EQ(strict.band, Band::kMedium);
  EXPECT_EQ(lenient.band, Band::kLow);
  // One signal never reaches an event's high band, wherever that is.
  ASSERT_TRUE(store_->SetThresholds("lenient", {10, 20, 30}).ok());
  Decision capped = MustCheck(MustIssue("lenient", "g2"), no_user_agent);
  EXPECT_EQ(capped.score, 19);
  EXPECT_EQ(capped.band, Band::kMedium);
}

TEST_F(GuardTest, BlockedAccessIsRefusedAndDoesNotTeachTheBaseline) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0)).allowed());
  const Baseline before = store_->LoadGuestState("ev1", "g1")->baseline;

  AccessAttempt attacker = OtherDevice(kT0 + absl::Minutes(5));
  attacker.signals.user_agent = "python-requests/2.31.0";
  Decision d = MustCheck(token, attacker);
  EXPECT_EQ(d.band, Band::kBlock);
  EXPECT_FALSE(d.allowed());
  EXPECT_TRUE(store_->GetAccess("ev1", d.access_log_id)->blocked);
  const Baseline after = store_->LoadGuestState("ev1", "g1")->baseline;
  EXPECT_TRUE(std::equal(after.devices().begin(), after.devices().end(), before.devices().begin(),
                         before.devices().end()));
  EXPECT_TRUE(std::equal(after.networks().begin(), after.networks().end(),
                         before.networks().begin(), before.networks().end()));
  // It is in the link's history, marked blocked.
  ASSERT_EQ(after.uses().size(), 2u);
  EXPECT_TRUE(after.uses()[0].blocked);
}

TEST_F(GuardTest, LinkPreviewsAreRecordedButNeverScoredLearnedOrCounted) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0)).allowed());
  for (const char* ua :
       {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "WhatsApp/2.23.18.78 i", "TelegramBot (like TwitterBot)"}) {
    AccessAttempt bot = OtherDevice(kT0 + absl::Minutes(1));
    bot.signals = {.user_agent = ua};
    Decision d = MustCheck(token, bot);
    EXPECT_TRUE(d.preview) << ua;
    EXPECT_TRUE(d.allowed()) << ua;
    EXPECT_EQ(d.band, Band::kLow) << ua;
    ASSERT_FALSE(d.reasons.empty());
    EXPECT_EQ(d.reasons[0].code, reason::kLinkPreview);
    EXPECT_FALSE(d.access_log_id.empty()) << "recorded for the host";
  }
  const Baseline b = store_->LoadGuestState("ev1", "g1")->baseline;
  EXPECT_EQ(b.uses().size(), 1u) << "previews are not uses";
  EXPECT_EQ(b.devices().size(), 1u);
  EXPECT_EQ(MustCheck(token, UsualBrowser(kT0 + absl::Minutes(2))).band, Band::kLow);
}

TEST_F(GuardTest, CheckInsBeyondTheLinksPartyAreRefusedButTheSameDeviceMayRetry) {
  const std::string token = MustIssue("ev1", "g1");
  AccessAttempt guest = UsualBrowser(kT0);
  guest.kind = AccessKind::kCheckin;
  guest.max_checkins = 2;  // The guest and one plus-one.
  ASSERT_TRUE(MustCheck(token, guest).allowed());
  guest.at += absl::Seconds(20);
  ASSERT_TRUE(MustCheck(token, guest).allowed()) << "a retry is a re-admission";
  AccessAttempt plus_one = guest;
  plus_one.signals.fingerprint = "fp-partner";
  plus_one.signals.screen = "390x844";
  plus_one.signals.platform = "iPhone";
  ASSERT_TRUE(MustCheck(token, plus_one).allowed());
  AccessAttempt surplus = plus_one;
  surplus.signals.fingerprint = "fp-stranger";
  Decision refused = MustCheck(token, surplus);
  EXPECT_FALSE(refused.allowed());
  ASSERT_FALSE(refused.reasons.empty());
  EXPECT_EQ(refused.reasons[0].code, reason::kCheckinLimit);
  // Even from the allowlisted venue network.
  ASSERT_TRUE(
      store_->AddAllowlistEntry("ev1", {*Cidr::Parse("203.0.113.0/24"), "venue", kT0}).ok());
  surplus.signals.fingerprint = "fp-stranger-2";
  EXPECT_FALSE(MustCheck(token, surplus).allowed());
  EXPECT_TRUE(MustCheck(token, guest).allowed());
}

TEST_F(GuardTest, DoorRetriesFromAnAdmittedNewPhoneAreLowButTeachNothing) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0)).allowed());
  AccessAttempt phone = OtherDevice(kT0 + absl::Hours(24 * 30));
  phone.signals.timezone = "Europe/Paris";
  phone.signals.language = "fr-FR";
  phone.kind = AccessKind::kCheckin;
  phone.max_checkins = 1;
  clock_->Set(phone.at);
  const Decision first = MustCheck(token, phone);
  ASSERT_TRUE(first.allowed());
  EXPECT_EQ(first.band, Band::kMedium) << "a phone the guest never used";
  for (int i = 1; i <= 8; ++i) {  // A slow venue network: retries, hopping addresses.
    phone.at += absl::Seconds(30);
    phone.client_ip = absl::StrCat("192.0.", i, ".7");
    clock_->Set(phone.at);
    const Decision retry = MustCheck(token, phone);
    EXPECT_TRUE(retry.allowed());
    EXPECT_EQ(retry.band, Band::kLow) << "retry " << i;
  }
  auto state = store_->LoadGuestState("ev1", "g1");
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->baseline.devices().size(), 1u) << "a retry teaches nothing";
}

TEST_F(GuardTest, ALegitimateVerdictReseatsABaselineThatOnlyTheFirstOpenerTaught) {
  const std::string token = MustIssue("ev1", "g1");
  // Someone else opened the forwarded link first...
  ASSERT_EQ(MustCheck(token, OtherDevice(kT0)).band, Band::kLow);
  // ...the real guest is the stranger now.
  Decision guest = MustCheck(token, UsualBrowser(kT0 + absl::Hours(2)));
  ASSERT_GE(guest.band, Band::kMedium);
  ASSERT_TRUE(
      guard_->RecordFeedback("ev1", guest.access_log_id, FeedbackVerdict::kLegitimate).ok());
  const Baseline b = store_->LoadGuestState("ev1", "g1")->baseline;
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_TRUE(b.devices()[0].confirmed);
  EXPECT_EQ(MustCheck(token, UsualBrowser(kT0 + absl::Hours(3))).band, Band::kLow);
  EXPECT_GE(MustCheck(token, OtherDevice(kT0 + absl::Hours(4))).band, Band::kMedium);
}

// A stranger of a public post: another device, network and locale.
AccessAttempt Visitor(int n, absl::Time at) {
  AccessAttempt a = OtherDevice(at);
  a.signals.fingerprint = absl::StrCat("fp-visitor-", n);
  a.client_ip = absl::StrCat("198.51.", 100 + n, ".9");
  return a;
}

TEST_F(GuardTest, ALinkFoundSharedForgetsTheLookAlikeItLearnedDuringTheLeak) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_EQ(MustCheck(token, UsualBrowser(kT0)).band, Band::kLow);
  const absl::Time post = kT0 + absl::Hours(24 * 30);
  ASSERT_GE(MustCheck(token, Visitor(1, post)).band, Band::kMedium);
  // A visitor with the guest's model and locale, a month later with another
  // browser version: taken for the guest's device after an update.
  AccessAttempt look_alike = UsualBrowser(post + absl::Minutes(1));
  look_alike.signals.fingerprint = "fp-look-alike";
  look_alike.signals.user_agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15";
  look_alike.client_ip = "192.0.2.50";
  ASSERT_EQ(MustCheck(token, look_alike).band, Band::kLow);
  ASSERT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 2u);
  MustCheck(token, Visitor(2, post + absl::Minutes(2)));
  const Decision shared = MustCheck(token, Visitor(3, post + absl::Minutes(3)));
  ASSERT_TRUE(HasReason(shared, reason::kLinkShared));
  const Baseline b = store_->LoadGuestState("ev1", "g1")->baseline;
  ASSERT_EQ(b.devices().size(), 1u) << "the look-alike learned during the leak is forgotten";
  EXPECT_EQ(b.devices()[0].fingerprint, AccessFeatures::From(UsualBrowser(kT0))->device);
  EXPECT_EQ(b.networks().size(), 1u);
}

TEST_F(GuardTest, ATravelledCopyOfTheGuestsDeviceOnANewNetworkCountsWhileTheLinkIsShared) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_EQ(MustCheck(token, UsualBrowser(kT0)).band, Band::kLow);
  const absl::Time post = kT0 + absl::Hours(24 * 30);
  for (int n = 1; n <= 3; ++n) MustCheck(token, Visitor(n, post + absl::Minutes(n)));
  // The guest's model elsewhere in the world: alone it is the guest
  // travelling; during a public post it is one more visitor.
  AccessAttempt far = UsualBrowser(post + absl::Minutes(5));
  far.signals.fingerprint = "fp-far";
  far.signals.timezone = "Asia/Tokyo";
  far.client_ip = "192.0.2.77";
  const Decision d = MustCheck(token, far);
  EXPECT_TRUE(HasReason(d, reason::kLinkShared));
  EXPECT_EQ(d.band, Band::kBlock);
}

TEST_F(GuardTest, ABurstOfUsesForgetsWhatItTaught) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_EQ(MustCheck(token, UsualBrowser(kT0)).band, Band::kLow);
  // A phone of the guest's model, a month later with another browser
  // version, taken for the guest's device after an update...
  AccessAttempt griefer = UsualBrowser(kT0 + absl::Hours(24 * 30));
  griefer.signals.fingerprint = "fp-griefer";
  griefer.signals.user_agent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Safari/605.1.15";
  griefer.client_ip = "192.0.2.50";
  ASSERT_EQ(MustCheck(token, griefer).band, Band::kLow);
  ASSERT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 2u);
  // ...hammers the link: six opens in ten minutes is no guest's habit.
  for (int i = 1; i <= 5; ++i) {
    griefer.at += absl::Minutes(1);
    MustCheck(token, griefer);
  }
  const Baseline b = store_->LoadGuestState("ev1", "g1")->baseline;
  ASSERT_EQ(b.devices().size(), 1u);
  EXPECT_EQ(b.devices()[0].fingerprint, AccessFeatures::From(UsualBrowser(kT0))->device);
}

TEST_F(GuardTest, APlusOnesPhoneAtTheDoorIsAdmittedButNotLearned) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_EQ(MustCheck(token, UsualBrowser(kT0)).band, Band::kLow);
  AccessAttempt guest = UsualBrowser(kT0 + absl::Hours(24 * 30));
  guest.kind = AccessKind::kCheckin;
  guest.max_checkins = 2;
  guest.client_ip = "192.0.2.10";  // The venue.
  ASSERT_TRUE(MustCheck(token, guest).allowed());
  AccessAttempt plus_one = OtherDevice(guest.at + absl::Minutes(2));
  plus_one.kind = AccessKind::kCheckin;
  plus_one.max_checkins = 2;
  plus_one.client_ip = "192.0.2.11";
  plus_one.signals.timezone = "Europe/Paris";
  plus_one.signals.language = "fr-FR";
  const Decision d = MustCheck(token, plus_one);
  ASSERT_TRUE(d.allowed());
  EXPECT_EQ(d.band, Band::kLow) << "a plus-one's phone while the party arrives";
  const Baseline b = store_->LoadGuestState("ev1", "g1")->baseline;
  EXPECT_EQ(b.admitted().size(), 2u);
  EXPECT_EQ(b.devices().size(), 1u) << "the baseline is the guest, not who came along";
}

TEST_F(GuardTest, TheGuestAdmittedAtTheDoorUnseatsTheFirstOpenerTheyKeptContesting) {
  const std::string token = MustIssue("ev1", "g1");
  // Someone opened the link before the guest (a hijack, a scanner)...
  ASSERT_EQ(MustCheck(token, OtherDevice(kT0)).band, Band::kLow);
  // ...the guest then opens and RSVPs over two days, flagged each time...
  ASSERT_GE(MustCheck(token, UsualBrowser(kT0 + absl::Hours(24))).band, Band::kMedium);
  AccessAttempt rsvp = UsualBrowser(kT0 + absl::Hours(48));
  rsvp.kind = AccessKind::kRsvp;
  ASSERT_GE(MustCheck(token, rsvp).band, Band::kMedium);
  ASSERT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 1u);
  // ...and is admitted at the door.
  AccessAttempt door = UsualBrowser(kT0 + absl::Hours(24 * 20));
  door.kind = AccessKind::kCheckin;
  door.max_checkins = 1;
  const Decision d = MustCheck(token, door);
  ASSERT_TRUE(d.allowed());
  ASSERT_GE(d.band, Band::kMedium);
  const Baseline b = store_->LoadGuestState("ev1", "g1")->baseline;
  EXPECT_TRUE(b.devices().empty()) << "the first opener is not the guest";
  EXPECT_TRUE(b.networks().empty());
}

TEST_F(GuardTest, LegitimateFeedbackTeachesTheBaseline) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0)).allowed());
  const AccessAttempt phone = OtherDevice(kT0 + absl::Hours(1));
  Decision flagged = MustCheck(token, phone);
  ASSERT_GE(flagged.band, Band::kMedium);
  // Not learned yet: the same phone again is still flagged.
  ASSERT_GE(MustCheck(token, OtherDevice(kT0 + absl::Hours(2))).band, Band::kMedium);

  ASSERT_TRUE(
      guard_
          ->RecordFeedback("ev1", flagged.access_log_id, FeedbackVerdict::kLegitimate, "her phone")
          .ok());
  Decision after = MustCheck(token, OtherDevice(kT0 + absl::Hours(3)));
  EXPECT_EQ(after.band, Band::kLow);
  EXPECT_EQ(after.score, 0);
}

TEST_F(GuardTest, SuspiciousFeedbackTeachesNothing) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0)).allowed());
  Decision flagged = MustCheck(token, OtherDevice(kT0 + absl::Hours(1)));
  const Baseline before = store_->LoadGuestState("ev1", "g1")->baseline;
  ASSERT_TRUE(
      guard_->RecordFeedback("ev1", flagged.access_log_id, FeedbackVerdict::kSuspicious).ok());
  EXPECT_EQ(store_->LoadGuestState("ev1", "g1")->baseline, before);
}

TEST_F(GuardTest, SuspiciousFeedbackForgetsWhatAnAccessTaughtUnlessVouchedFor) {
  const std::string token = MustIssue("ev1", "g1");
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0)).allowed());
  ASSERT_TRUE(MustCheck(token, UsualBrowser(kT0 + absl::Hours(8))).allowed());  // Confirmed.
  Decision intruder = MustCheck(token, OtherDevice(kT0 + absl::Hours(30)));
  ASSERT_TRUE(
      guard_->RecordFeedback("ev1", intruder.access_log_id, FeedbackVerdict::kLegitimate).ok());
  ASSERT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 2u);
  // Re-marked: the host changed their mind; a vouched entry stays (the host said so).
  ASSERT_TRUE(
      guard_->RecordFeedback("ev1", intruder.access_log_id, FeedbackVerdict::kSuspicious).ok());
  EXPECT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 2u);
  // One learned by a low access is forgotten.
  AccessAttempt household = OtherDevice(kT0 + absl::Hours(31));
  household.client_ip = "203.0.113.42";
  household.signals.fingerprint = "fp-household";
  household.signals.timezone = "Europe/Paris";
  household.signals.language = "fr-FR";
  Decision h = MustCheck(token, household);
  ASSERT_EQ(h.band, Band::kLow);
  ASSERT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 3u);
  ASSERT_TRUE(guard_->RecordFeedback("ev1", h.access_log_id, FeedbackVerdict::kSuspicious).ok());
  EXPECT_EQ(store_->LoadGuestState("ev1", "g1")->baseline.devices().size(), 2u);
}

TEST_F(GuardTest, FeedbackOnAnotherEventsAccessIsRefused) {
  Decision d = MustCheck(MustIssue("ev1", "g1"), UsualBrowser(kT0));
  absl::Status s = guard_->RecordFeedback("ev2", d.access_log_id, FeedbackVerdict::kLegitimate);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_TRUE(store_->ListFeedback("ev1")->empty());
  EXPECT_TRUE(store_->ListFeedback("ev2")->empty());
}

TEST_F(GuardTest, RemarkingReplacesTheVerdictAndTheCorpusExportsIt) {
  Decision d = MustCheck(MustIssue("ev1", "g1"), OtherDevice(kT0));
  ASSERT_TRUE(guard_->RecordFeedback("ev1", d.access_log_id, FeedbackVerdict::kSuspicious).ok());
  ASSERT_TRUE(
      guard_->RecordFeedback("ev1", d.access_log_id, FeedbackVerdict::kLegitimate, "known \"VIP\"")
          .ok());
  EXPECT_EQ(guard_
                ->RecordFeedback("ev1", d.access_log_id, FeedbackVerdict::kLegitimate,
                                 std::string(kMaxFeedbackNoteLength + 1, 'x'))
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto corpus = guard_->ExportLabelledCorpus("ev1");
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  EXPECT_EQ(std::count(corpus->begin(), corpus->end(), '\n'), 1);
  EXPECT_NE(corpus->find("\"verdict\":\"legitimate\""), std::string::npos) << *corpus;
  EXPECT_NE(corpus->find("known \\\"VIP\\\""), std::string::npos) << *corpus;
  EXPECT_NE(corpus->find("\"id\":\"" + d.access_log_id + "\""), std::string::npos);
}

TEST_F(GuardTest, SlowScorerFailsOpenWithinTheDeadline) {
  auto scorer =
      std::make_shared<FakeScorer>(FakeScorer::Mode::kBlockUntilReleased,
                                   Verdict{.score = 99, .band = Band::kBlock, .reasons = {}});
  Open([&](GuardOptions& o) {
    o.scorer = scorer;
    o.scorer_deadline = absl::Milliseconds(50);
  });
  const std::string token = MustIssue("ev1", "g1");
  AccessAttempt a = UsualBrowser(kT0);
  a.signals.user_agent.clear();  // Heuristic: 40.
  const absl::Time start = absl::Now();
  Decision d = MustCheck(token, a);
  const absl::Duration took = absl::Now() - start;
  EXPECT_GE(took, absl::Milliseconds(50));
  EXPECT_LT(took, absl::Seconds(5));  // Generous: it must not wait for the scorer.
  EXPECT_TRUE(HasReason(d, reason::kScorerTimeout));
  EXPECT_TRUE(HasReason(d, reason::kMissingUserAgent));
  EXPECT_EQ(d.score, 40);
  EXPECT_EQ(d.band, Band::kMedium);
  scorer->Release();
  guard_.reset();  // Joins the scorer thread.
  EXPECT_EQ(scorer->calls(), 1);
}

TEST_F(GuardTest, BusyScorerFailsOpenWithoutWaiting) {
  auto scorer = std::make_shared<FakeScorer>(FakeScorer::Mode::kBlockUntilReleased);
  Open([&](GuardOptions& o) {
    o.scorer = scorer;
    o.scorer_threads = 1;
    o.scorer_deadline = absl::Milliseconds(20);
  });
  const std::string token = MustIssue("ev1", "g1");
  MustCheck(token, UsualBrowser(kT0));  // Times out; its call still holds the only thread.
  Decision d = MustCheck(token, UsualBrowser(kT0));
  EXPECT_TRUE(HasReason(d, reason::kScorerUnavailable));
  EXPECT_EQ(scorer->calls(), 1);
  scorer->Release();
}

TEST_F(GuardTest, FailingScorerFailsOpen) {
  auto scorer = std::make_shared<FakeScorer>(FakeScorer::Mode::kFail);
  Open([&](GuardOptions& o) { o.scorer = scorer; });
  Decision d = MustCheck(MustIssue("ev1", "g1"), UsualBrowser(kT0));
  EXPECT_TRUE(HasReason(d, reason::kScorerUnavailable));
  EXPECT_EQ(d.band, Band::kLow);
}

TEST_F(GuardTest, ScorerThatGivesUpOnItsOwnDeadlineIsATimeout) {
  auto scorer = std::make_shared<FakeScorer>(FakeScorer::Mode::kOwnDeadline);
  Open([&](GuardOptions& o) { o.scorer = scorer; });
  Decision d = MustCheck(MustIssue("ev1", "g1"), UsualBrowser(kT0));
  EXPECT_TRUE(HasReason(d, reason::kScorerTimeout));
  EXPECT_FALSE(HasReason(d, reason::kScorerUnavailable));
  EXPECT_EQ(d.band, Band::kLow);
}

TEST_F(GuardTest, ScorerVerdictReplacesTheHeuristicAndIsRebanded) {
  // The scorer says 90 and claims "low": the event's thresholds decide.
  Verdict answer{.score = 90, .band = Band::kLow, .reasons = {{"model", 90, "Model says so."}}};
  auto scorer = std::make_shared<FakeScorer>(FakeScorer::Mode::kAnswer, answer);
  Open([&](GuardOptions& o) { o.scorer = scorer; });
  Decision d = MustCheck(MustIssue("ev1", "g1"), UsualBrowser(kT0));
  EXPECT_EQ(d.score, 90);
  EXPECT_EQ(d.band, Band::kBlock);
  ASSERT_EQ(d.reasons.size(), 1u);
  EXPECT_EQ(d.reasons[0].code, "model");
}

TEST_F(GuardTest, PublishesEachScoredAccessOnTheBus) {
  std::shared_ptr<Bus> bus = *NewInProcessBus({});
  absl::Mutex mu;
  std::vector<Message> received;
  auto sub = bus->Subscribe("guestguard.access.scored", "test", [&](const Message& m) {
    absl::MutexLock lock(&mu);
    received.push_back(m);
    return absl::OkStatus();
  });
  ASSERT_TRUE(sub.ok());
  Open([&](GuardOptions& o) { o.bus = bus; });
  Decision d = MustCheck(MustIssue("ev1", "g1"), UsualBrowser(kT0));
  absl::MutexLock lock(&mu);
  ASSERT_TRUE(
      mu.AwaitWithTimeout(absl::Condition(
                              +[](std::vector<Message>* v) { return !v->empty(); }, &received),
                          absl::Seconds(5)));
  EXPECT_EQ(received[0].id, "access:" + d.access_log_id);
  EXPECT_NE(received[0].payload.find("\"band\":\"low\""), std::string::npos);
  EXPECT_NE(received[0].payload.find("\"event_id\":\"ev1\""), std::string::npos);
  EXPECT_EQ(guard_->publish_failures(), 0u);
}

TEST_F(GuardTest, ConcurrentChecksAreSafeAndAllRecorded) {
  constexpr int kThreads = 4;
  constexpr int kChecks = 100;
  std::vector<std::string> tokens;
  for (int t = 0; t < kThreads; ++t) tokens.push_back(MustIssue("ev1", "g" + std::to_string(t)));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kChecks; ++i) {
        auto d = guard_->Check(tokens[t], UsualBrowser(kT0 + absl::Hours(i)));
        if (d.ok() && d->token_status == TokenStatus::kValid) ok.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kChecks);
  EXPECT_EQ(store_->ListAccesses("ev1", 10000)->size(), static_cast<size_t>(kThreads * kChecks));
  EXPECT_EQ(store_->LoadGuestState("ev1", "g0")->baseline.accesses(),
            static_cast<uint32_t>(kChecks));
}

}  // namespace
}  // namespace guestguard
