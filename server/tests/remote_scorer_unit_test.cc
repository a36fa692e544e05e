// Copyright 2026 GuestGuard authors.
//
// The remote scorer's codec (URL, request document, answer parsing) and its
// behaviour when nothing listens. Talking to a real scorer process is
// test_remote_scorer.py's job.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "guestguard/baseline.h"
#include "server/remote_scorer.h"

namespace guestguard::server {
namespace {

TEST(ParseScorerUrl, ReadsHostPortAndTarget) {
  absl::StatusOr<ScorerUrl> url = ParseScorerUrl("http://127.0.0.1:9090/v1/score?model=a");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 9090);
  EXPECT_EQ(url->target, "/v1/score?model=a");
  EXPECT_EQ(url->host_header, "127.0.0.1:9090");
}

TEST(ParseScorerUrl, DefaultsPortAndPathAndKeepsIpv6Brackets) {
  absl::StatusOr<ScorerUrl> url = ParseScorerUrl("http://scorer.internal");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/");
  url = ParseScorerUrl("http://[::1]:8000/score");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8000);
  EXPECT_EQ(url->host_header, "[::1]:8000");
  url = ParseScorerUrl("http://scorer?x=1");
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->target, "/?x=1");
}

TEST(ParseScorerUrl, RefusesWhatItCannotOrMustNotSpeak) {
  const struct {
    const char* url;
    const char* says;
  } cases[] = {
      {"https://scorer/score", "sidecar"},
      {"ftp://scorer/score", "must start with http://"},
      {"scorer:9000/score", "must start with http://"},
      {"http://user:secret@scorer/score", "user info"},
      {"http://scorer/score#x", "fragment"},
      {"http://scor er/score", "space"},
      {"http:///score", "no host"},
      {"http://:9000/score", "no host"},
      {"http://scorer:/score", "empty port"},
      {"http://scorer:0/score", "port"},
      {"http://scorer:65536/score", "port"},
      {"http://scorer:90a/score", "port"},
      {"http://[::1/score", "unclosed"},
      {"http://[not-v6]/score", "not an IPv6"},
      {"http://[127.0.0.1]/score", "not an IPv6"},
      {"http://sc_orer/score", "must be a name"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<ScorerUrl> url = ParseScorerUrl(c.url);
    ASSERT_FALSE(url.ok()) << c.url;
    EXPECT_TRUE(absl::IsInvalidArgument(url.status())) << c.url;
    EXPECT_NE(url.status().message().find(c.says), absl::string_view::npos)
        << c.url << ": " << url.status();
    EXPECT_EQ(url.status().message().find("secret"), absl::string_view::npos);
  }
}

struct Fixture {
  AccessAttempt attempt;
  AccessFeatures features;
  Baseline baseline;
  Verdict heuristic;

  Fixture() {
    attempt.event_id = "7";
    attempt.guest_id = "42";
    attempt.kind = AccessKind::kRsvp;
    attempt.at = absl::FromUnixSeconds(1798761600);  // 2027-01-01T00:00:00Z
    attempt.client_ip = "203.0.113.9";
    attempt.signals.user_agent = "Mozilla/5.0";
    attempt.signals.fingerprint = "fp-1";
    attempt.signals.language = "en-GB";
    features = *AccessFeatures::From(attempt);
    AccessAttempt earlier = attempt;
    earlier.at -= absl::Hours(1);
    const AccessFeatures before = *AccessFeatures::From(earlier);
    baseline.Learn(before);
    baseline.RecordUse({.device = before.device,
                        .network = before.network,
                        .at = static_cast<uint32_t>(absl::ToUnixSeconds(earlier.at))});
    baseline.RecordUse({.device = 99, .network = before.network, .at = 1798760000});
    heuristic.score = 15;
    heuristic.band = Band::kLow;
    heuristic.reasons = {{"ip_changed_same_network", 15, "New address \"nearby\"."}};
  }
};

TEST(EncodeScoreRequest, WritesTheDocumentedFields) {
  Fixture f;
  ScoringContext ctx{f.attempt, f.features, f.baseline, 3, Thresholds{20, 50, 90}, &f.heuristic};
  const boost::json::object doc = boost::json::parse(EncodeScoreRequest(ctx)).as_object();
  EXPECT_EQ(doc.at("version"), 1);
  EXPECT_EQ(doc.at("event_id"), "7");
  EXPECT_EQ(doc.at("guest_id"), "42");
  EXPECT_EQ(doc.at("kind"), "rsvp");
  EXPECT_EQ(doc.at("at"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(doc.at("client_ip"), "203.0.113.9");
  EXPECT_EQ(doc.at("signals").at("fingerprint"), "fp-1");
  EXPECT_EQ(doc.at("signals").at("timezone"), "");
  const boost::json::object& features = doc.at("features").as_object();
  EXPECT_EQ(features.at("fingerprint").as_string().size(), 16u);
  const boost::json::array& components = features.at("components").as_array();
  ASSERT_EQ(components.size(), 4u);
  EXPECT_TRUE(components[0].is_null());             // timezone: not sent.
  EXPECT_EQ(components[1].as_string().size(), 8u);  // language.
  EXPECT_EQ(features.at("network").as_string().size(), 16u);
  const boost::json::object& baseline = doc.at("baseline").as_object();
  EXPECT_EQ(baseline.at("accesses"), 1);
  EXPECT_EQ(baseline.at("devices"), 1);
  EXPECT_EQ(baseline.at("networks"), 1);
  EXPECT_EQ(baseline.at("first_seen"), "2026-12-31T23:00:00Z");
  EXPECT_EQ(baseline.at("known_device"), true);
  EXPECT_EQ(baseline.at("known_network"), true);
  EXPECT_EQ(baseline.at("confirmed_device"), false);  // Learned once: provisional.
  EXPECT_EQ(baseline.at("link_uses"), 2);
  EXPECT_EQ(baseline.at("link_devices"), 2);
  EXPECT_EQ(baseline.at("link_networks"), 1);
  EXPECT_EQ(features.at("device"), features.at("fingerprint"));  // From the fingerprint.
  EXPECT_EQ(features.at("device_from_headers"), false);
  EXPECT_EQ(doc.at("recent_uses"), 3);
  EXPECT_EQ(doc.at("thresholds"), boost::json::parse(R"({"medium":20,"high":50,"block":90})"));
  EXPECT_EQ(doc.at("heuristic"), boost::json::parse(R"({"score":15,"band":"low","reasons":[{"code":
                "ip_changed_same_network","score":15,"message":"New address \"nearby\"."}]})"));
}

TEST(EncodeScoreRequest, SendsNullsForWhatIsNotKnown) {
  Fixture f;
  f.attempt.client_ip.clear();
  f.attempt.signals = {};
  f.features = *AccessFeatures::From(f.attempt);
  ScoringContext ctx{f.attempt, f.features, Baseline(), 1, Thresholds()};
  const boost::json::object doc = boost::json::parse(EncodeScoreRequest(ctx)).as_object();
  EXPECT_TRUE(doc.at("heuristic").is_null());
  EXPECT_TRUE(doc.at("features").at("fingerprint").is_null());
  EXPECT_TRUE(doc.at("features").at("network").is_null());
  EXPECT_TRUE(doc.at("features").at("address").is_null());
  EXPECT_TRUE(doc.at("baseline").at("first_seen").is_null());
  EXPECT_EQ(doc.at("baseline").at("known_device"), false);
}

TEST(ParseScoreAnswer, ReadsScoreAndReasonsAndBandsAgainstTheThresholds) {
  absl::StatusOr<Verdict> v = ParseScoreAnswer(
      R"({"score": 72, "reasons": [{"code": "model.v2", "score": 72, "message": "Learned."}],
          "model_version": "ignored"})",
      Thresholds{30, 60, 85});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->score, 72);
  EXPECT_EQ(v->band, Band::kHigh);
  ASSERT_EQ(v->reasons.size(), 1u);
  EXPECT_EQ(v->reasons[0], (Reason{"model.v2", 72, "Learned."}));
  v = ParseScoreAnswer(R"({"score": 0, "reasons": []})", Thresholds());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->band, Band::kLow);
}

TEST(ParseScoreAnswer, RefusesAnythingElse) {
  const std::string many_reasons = [] {
    std::string out = R"({"score": 1, "reasons": [)";
    for (size_t i = 0; i <= kMaxAnswerReasons; ++i) {
      out += std::string(i ? "," : "") + R"({"code":"a","score":1,"message":""})";
    }
    return out + "]}";
  }();
  const std::string long_message = R"({"score": 1, "reasons": [{"code":"a","score":1,"message":")" +
                                   std::string(kMaxAnswerMessage + 1, 'm') + R"("}]})";
  const struct {
    std::string body;
    const char* says;
  } cases[] = {
      {"", "not JSON"},
      {"{score: 1}", "not JSON"},
      {"{\"score\": 1, \"reasons\": [], \"x\": \"\xff\"}", "not JSON"},
      {"[1]", "not a JSON object"},
      {R"({"reasons": []})", "score must be"},
      {R"({"score": 101, "reasons": []})", "score must be"},
      {R"({"score": -1, "reasons": []})", "score must be"},
      {R"({"score": 42.0, "reasons": []})", "score must be"},
      {R"({"score": "42", "reasons": []})", "score must be"},
      {R"({"score": true, "reasons": []})", "score must be"},
      {R"({"score": 18446744073709551615, "reasons": []})", "score must be"},
      {R"({"score": 1})", "reasons must be an array"},
      {R"({"score": 1, "reasons": {}})", "reasons must be an array"},
      {many_reasons, "more than 16 reasons"},
      {R"({"score": 1, "reasons": [7]})", "not an object"},
      {R"({"score": 1, "reasons": [{"score": 1, "message": ""}]})", "code"},
      {R"({"score": 1, "reasons": [{"code": "", "score": 1, "message": ""}]})", "code"},
      {R"({"score": 1, "reasons": [{"code": "Upper", "score": 1, "message": ""}]})", "code"},
      {R"({"score": 1, "reasons": [{"code": "a", "score": 200, "message": ""}]})", "reason score"},
      {R"({"score": 1, "reasons": [{"code": "a", "score": 1}]})", "message"},
      {R"({"score": 1, "reasons": [{"code": "a", "score": 1, "message": 5}]})", "message"},
      {long_message, "message"},
  };
  for (const auto& c : cases) {
    absl::StatusOr<Verdict> v = ParseScoreAnswer(c.body, Thresholds());
    ASSERT_FALSE(v.ok()) << c.body;
    EXPECT_TRUE(absl::IsInvalidArgument(v.status())) << c.body;
    EXPECT_NE(v.status().message().find(c.says), absl::string_view::npos)
        << c.body.substr(0, 80) << ": " << v.status();
  }
}

TEST(RemoteScorer, CreateValidatesItsOptions) {
  auto logger = std::make_shared<Logger>(LogLevel::kError);
  const ScorerUrl url = *ParseScorerUrl("http://127.0.0.1:9/score");
  EXPECT_FALSE(RemoteScorer::Create({}, logger).ok());
  EXPECT_FALSE(RemoteScorer::Create({.url = url, .timeout = absl::ZeroDuration()}, logger).ok());
  EXPECT_FALSE(RemoteScorer::Create({.url = url, .max_connections = 0}, logger).ok());
  EXPECT_FALSE(RemoteScorer::Create({.url = url, .max_connections = 257}, logger).ok());
  EXPECT_FALSE(RemoteScorer::Create({.url = url}, nullptr).ok());
  EXPECT_TRUE(RemoteScorer::Create({.url = url}, logger).ok());
}

// A loopback port that is bound but not listening: connecting is refused.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      ADD_FAILURE() << "cannot bind a loopback port";
    }
    port_ = ntohs(address.sin_port);
  }
  ~RefusingPort() {
    if (fd_ >= 0) close(fd_);
  }
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

TEST(RemoteScorer, AnUnreachableScorerFailsWithinTheTimeoutAndKeepsNoConnection) {
  auto logger = std::make_shared<Logger>(LogLevel::kError);
  RefusingPort refusing;
  auto scorer = *RemoteScorer::Create(
      {.url = *ParseScorerUrl("http://127.0.0.1:" + std::to_string(refusing.port()) + "/score"),
       .timeout = absl::Milliseconds(500)},
      logger);
  Fixture f;
  ScoringContext ctx{f.attempt, f.features, f.baseline, 1, Thresholds(), &f.heuristic};
  const absl::Time start = absl::Now();
  absl::StatusOr<Verdict> v = scorer->Score(ctx);
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(absl::IsUnavailable(v.status())) << v.status();
  EXPECT_EQ(scorer->open_connections(), 0);
}

}  // namespace
}  // namespace guestguard::server
