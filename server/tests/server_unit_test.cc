// Copyright 2026 GuestGuard authors.
//
// Unit tests of the Beast-free parts of the server: route table, target
// parsing, configuration precedence and validation, log redaction.
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/config.h"
#include "server/log.h"
#include "server/router.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

Request Get(std::string method, std::string target) {
  Request request;
  request.method = std::move(method);
  request.target = target;
  EXPECT_TRUE(ParseTarget(target, &request.path, &request.query));
  return request;
}

TEST(Router, MatchesNamedParameters) {
  Router router;
  router.Add("GET", "/events/{id}/guests/{guest_id}", [](const Request&, const Params& p) {
    return Response::Json(200, {{"id", p.at("id")}, {"guest", p.at("guest_id")}});
  });
  Response res = router.Dispatch(Get("GET", "/events/e%201/guests/g2?x=1"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"id":"e 1","guest":"g2"})");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  auto ok = [](const Request&, const Params&) { return Response::Json(200, nullptr); };
  router.Add("GET", "/events/{id}", ok);
  router.Add("PATCH", "/events/{id}", ok);
  EXPECT_EQ(router.Dispatch(Get("GET", "/events")).status, 404);
  EXPECT_EQ(router.Dispatch(Get("GET", "/events/")).status, 404);
  Response res = router.Dispatch(Get("DELETE", "/events/1"));
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Allow");
  EXPECT_EQ(res.headers[0].second, "GET, PATCH");
  EXPECT_NE(res.body.find(R"("code":"method_not_allowed")"), std::string::npos);
}

TEST(Router, TableIsInspectable) {
  Router router;
  auto ok = [](const Request&, const Params&) { return Response::Json(200, nullptr); };
  router.Add("GET", "/healthz", ok);
  router.Add("POST", "/events", ok);
  std::vector<Router::RouteInfo> routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_EQ(routes[1].pattern, "/events");
}

TEST(Router, ThrowingHandlerBecomes500Internal) {
  Router router;
  router.Add("GET", "/boom", [](const Request&, const Params&) -> Response {
    throw std::runtime_error("database exploded");
  });
  std::FILE* sink = std::tmpfile();
  Logger logger(LogLevel::kInfo, sink);
  Response res = DispatchOrInternalError(router, Get("GET", "/boom"), logger);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body, R"({"error":{"code":"internal","message":"internal server error"}})");
  std::fclose(sink);
}

TEST(ParseTarget, DecodesQueryAndRejectsBadEscapes) {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  ASSERT_TRUE(ParseTarget("/a/b?token=x%2By&name=a+b&flag", &path, &query));
  EXPECT_EQ(path, "/a/b");
  EXPECT_EQ(query["token"], "x+y");
  EXPECT_EQ(query["name"], "a b");
  EXPECT_EQ(query["flag"], "");
  ASSERT_TRUE(ParseTarget("/a%2fb/%72svp/c%25d", &path, &query));
  EXPECT_EQ(path, "/a%2Fb/rsvp/c%25d");
  EXPECT_FALSE(ParseTarget("/a%zz", &path, &query));
  EXPECT_FALSE(ParseTarget("/a%2", &path, &query));
  EXPECT_FALSE(ParseTarget("http://x/a", &path, &query));
  EXPECT_FALSE(ParseTarget("/a%FF", &path, &query));  // Not UTF-8.
  EXPECT_FALSE(ParseTarget("/a?q=%E9t%E9", &path, &query));
  EXPECT_TRUE(ParseTarget("/a%C3%A9?q=%C3%A9", &path, &query));
}

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Config, DefaultsWhenNothingIsSet) {
  ConfigParse parsed = ParseConfig({}, FakeEnv({}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->listen_host, "127.0.0.1");
  EXPECT_EQ(parsed.config->listen_port, 8080);
  EXPECT_EQ(parsed.config->database_url, "sqlite:guestguard.db");
  EXPECT_EQ(parsed.config->threads, 8);
  EXPECT_EQ(parsed.config->max_body, 1024u * 1024u);
  EXPECT_EQ(parsed.config->keyring.size(), 0u);
}

TEST(Config, FlagBeatsEnvironmentBeatsDefault) {
  ConfigParse parsed = ParseConfig({"--threads", "3"}, FakeEnv({{"GUESTGUARD_THREADS", "0"},
                                                                {"GUESTGUARD_MAX_BODY", "10"},
                                                                {"GUESTGUARD_LISTEN", "[::1]:9"}}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 3);
  EXPECT_EQ(parsed.config->max_body, 10u);
  EXPECT_EQ(parsed.config->listen_host, "::1");
  EXPECT_EQ(parsed.config->listen_port, 9);
}

TEST(Config, SessionLimitsAndMonitorRecheckDefaultAndParse) {
  ConfigParse defaults = ParseConfig({}, FakeEnv({}));
  ASSERT_TRUE(defaults.config) << defaults.message;
  EXPECT_EQ(defaults.config->session_lifetime, absl::Hours(24 * 30));
  EXPECT_EQ(defaults.config->session_idle_timeout, absl::Hours(24 * 7));
  EXPECT_EQ(defaults.config->monitor_recheck_interval, absl::Seconds(3));
  EXPECT_EQ(defaults.config->mail_dir, "");
  ConfigParse parsed = ParseConfig({"--session-idle-timeout-ms", "1500", "--mail-dir", "/tmp"},
                                   FakeEnv({{"GUESTGUARD_SESSION_LIFETIME_MS", "4000"},
                                            {"GUESTGUARD_MONITOR_RECHECK_MS", "250"}}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->session_idle_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(parsed.config->session_lifetime, absl::Milliseconds(4000));
  EXPECT_EQ(parsed.config->monitor_recheck_interval, absl::Milliseconds(250));
  EXPECT_EQ(parsed.config->mail_dir, "/tmp");
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--monitor-recheck-ms", "5"},
           {"--monitor-recheck-ms", "60001"},
           {"--session-lifetime-ms", "0"},
           {"--session-idle-timeout-ms", "x"},
           {"--mail-dir", "/nonexistent/gg"},
           {"--mail-dir", "/tmp", "--smtp-url", "smtp://127.0.0.1:25"}}) {
    ConfigParse bad = ParseConfig(args, FakeEnv({}));
    EXPECT_FALSE(bad.config) << args[0];
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.message.find(args[0]), std::string::npos) << bad.message;
  }
}

TEST(Config, ProductionWithoutKeyringIsExit2) {
  ConfigParse parsed = ParseConfig({"--env", "production"}, FakeEnv({}));
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("keyring"), std::string::npos);
}

TEST(Config, ProductionRefusesTheLogSenderUnlessAllowed) {
  const std::string keyring = "k1:" + std::string(43, 'A') + "=";
  ConfigParse parsed =
      ParseConfig({"--env", "production"}, FakeEnv({{"GUESTGUARD_KEYRING", keyring}}));
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("--allow-log-sender"), std::string::npos) << parsed.message;
  parsed = ParseConfig({"--env", "production", "--allow-log-sender", "on"},
                       FakeEnv({{"GUESTGUARD_KEYRING", keyring}}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_TRUE(parsed.config->allow_log_sender);
  parsed = ParseConfig(
      {"--env", "production", "--smtp-url", "smtp://mail.example.com:25", "--smtp-tls", "none"},
      FakeEnv({{"GUESTGUARD_KEYRING", keyring}}));
  EXPECT_TRUE(parsed.config) << parsed.message;
  parsed = ParseConfig({}, FakeEnv({}));  // Development keeps the log sender.
  EXPECT_TRUE(parsed.config) << parsed.message;
}

TEST(Config, LimitFlagsHaveDefaultsAndBounds) {
  ConfigParse parsed = ParseConfig({}, FakeEnv({}));
  ASSERT_TRUE(parsed.config);
  EXPECT_EQ(parsed.config->max_connections, 10000);
  EXPECT_EQ(parsed.config->max_connections_per_address, 256);
  EXPECT_EQ(parsed.config->login_max_failures, 5);
  EXPECT_EQ(parsed.config->account_rate_limit_per_minute, 300);
  EXPECT_EQ(parsed.config->account_rate_limit_burst, 100);
  EXPECT_EQ(parsed.config->ws_ticket_rate_limit_per_minute, 20);
  EXPECT_EQ(parsed.config->alert_digest_window, absl::Minutes(10));
  EXPECT_EQ(parsed.config->invites_per_address_per_hour, 3);
  EXPECT_EQ(parsed.config->link_ttl, absl::ZeroDuration());
  EXPECT_EQ(parsed.config->access_log_retention, absl::Hours(24 * 180));
  parsed = ParseConfig(
      {"--max-connections", "7", "--link-ttl-days", "2", "--access-log-retention-days", "0"},
      FakeEnv({{"GUESTGUARD_MAX_CONNECTIONS_PER_ADDRESS", "3"},
               {"GUESTGUARD_ALERT_DIGEST_MINUTES", "0"}}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->max_connections, 7);
  EXPECT_EQ(parsed.config->max_connections_per_address, 3);
  EXPECT_EQ(parsed.config->alert_digest_window, absl::ZeroDuration());
  EXPECT_EQ(parsed.config->link_ttl, absl::Hours(48));
  EXPECT_EQ(parsed.config->access_log_retention, absl::ZeroDuration());
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--max-connections", "0"},
                                             {"--login-max-failures", "x"},
                                             {"--alert-digest-minutes", "1441"},
                                             {"--allow-log-sender", "yes"}}) {
    parsed = ParseConfig(args, FakeEnv({}));
    EXPECT_FALSE(parsed.config) << args[0];
    EXPECT_NE(parsed.message.find(args[0]), std::string::npos) << parsed.message;
  }
}

TEST(Config, InvalidValuesAreExit2NamingTheSource) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--threads", "x"},
                                             {"--listen", "1.2.3.4"},
                                             {"--log-level", "loud"},
                                             {"--keyring", "k1:short"},
                                             {"--header-timeout-ms", "0"},
                                             {"--bogus"}}) {
    ConfigParse parsed = ParseConfig(args, FakeEnv({}));
    EXPECT_FALSE(parsed.config) << args[0];
    EXPECT_EQ(parsed.exit_code, 2) << args[0];
    EXPECT_NE(parsed.message.find(args[0]), std::string::npos) << parsed.message;
  }
  ConfigParse parsed = ParseConfig({}, FakeEnv({{"GUESTGUARD_LOG_LEVEL", "loud"}}));
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("GUESTGUARD_LOG_LEVEL"), std::string::npos);
}

TEST(Config, MonitorAndBusSettings) {
  ConfigParse defaults =
      ParseConfig({"--public-url", "https://RSVP.example.com/base"}, FakeEnv({}));
  ASSERT_TRUE(defaults.config) << defaults.message;
  EXPECT_EQ(defaults.config->bus_url, "inprocess");
  EXPECT_EQ(defaults.config->subject_prefix, "guestguard");
  EXPECT_EQ(defaults.config->allowed_origins, std::vector<std::string>{"https://rsvp.example.com"});
  EXPECT_EQ(defaults.config->ws_send_queue, 256u);
  EXPECT_EQ(defaults.config->ws_ticket_ttl, absl::Seconds(30));

  ConfigParse set =
      ParseConfig({"--allowed-origins", " https://A.example.com,,http://b.example.com:8080 ",
                   "--ws-send-queue", "9", "--ws-ticket-ttl-ms", "500"},
                  FakeEnv({{"GUESTGUARD_SUBJECT_PREFIX", "acme.gg"}}));
  ASSERT_TRUE(set.config) << set.message;
  EXPECT_EQ(set.config->allowed_origins,
            (std::vector<std::string>{"https://a.example.com", "http://b.example.com:8080"}));
  EXPECT_EQ(set.config->subject_prefix, "acme.gg");
  EXPECT_EQ(set.config->ws_send_queue, 9u);
  EXPECT_EQ(set.config->ws_ticket_ttl, absl::Milliseconds(500));

  const std::vector<std::vector<std::string>> bad = {
      {"--bus", "kafka://x"},           {"--subject-prefix", "a..b"},
      {"--subject-prefix", "a b"},      {"--allowed-origins", "https://a.example.com/path"},
      {"--allowed-origins", "ftp://a"}, {"--ws-send-queue", "0"},
      {"--ws-ticket-ttl-ms", "30001"},  {"--outbox-poll-ms", "0"}};
  for (const auto& args : bad) {
    ConfigParse parsed = ParseConfig(args, FakeEnv({}));
    EXPECT_FALSE(parsed.config) << args[0] << " " << args[1];
    EXPECT_EQ(parsed.exit_code, 2);
    EXPECT_NE(parsed.message.find(args[0]), std::string::npos) << parsed.message;
  }
}

TEST(Config, PublicUrlDefaultsToTheListenAddress) {
  ConfigParse parsed = ParseConfig({"--listen", "0.0.0.0:9000"}, FakeEnv({}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "http://0.0.0.0:9000");
  parsed = ParseConfig({"--listen", "[::1]:9"}, FakeEnv({}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "http://[::1]:9");
}

TEST(Config, PublicUrlFromFlagOrEnvironment) {
  ConfigParse parsed =
      ParseConfig({}, FakeEnv({{"GUESTGUARD_PUBLIC_URL", "https://rsvp.example.com/"}}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "https://rsvp.example.com");
  parsed = ParseConfig({"--public-url", "http://a.test:81/app"},
                       FakeEnv({{"GUESTGUARD_PUBLIC_URL", "https://b.test"}}));
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "http://a.test:81/app");
  for (const char* bad :
       {"rsvp.example.com", "ftp://x.test", "https://", "https://x.test/?a=1", "https://x .test"}) {
    parsed = ParseConfig({"--public-url", bad}, FakeEnv({}));
    EXPECT_FALSE(parsed.config) << bad;
    EXPECT_EQ(parsed.exit_code, 2) << bad;
    EXPECT_NE(parsed.message.find("--public-url"), std::string::npos) << parsed.message;
  }
}

TEST(Log, SecretFieldNamesAreRedacted) {
  EXPECT_TRUE(IsSecretFieldName("token"));
  EXPECT_TRUE(IsSecretFieldName("Authorization"));
  EXPECT_TRUE(IsSecretFieldName("session_token"));
  EXPECT_FALSE(IsSecretFieldName("request_id"));
  EXPECT_FALSE(IsSecretFieldName("path"));
}

TEST(Log, TokenPathSegmentsAreRedacted) {
  EXPECT_EQ(PathForLog("/rsvp/gg1.abc.def"), "/rsvp/[redacted]");
  EXPECT_EQ(PathForLog("/checkin/gg1.abc.def"), "/checkin/[redacted]");
  EXPECT_EQ(PathForLog("/invites/AbC_-123"), "/invites/[redacted]");
  EXPECT_EQ(PathForLog("/invites/AbC_-123/accept"), "/invites/[redacted]/accept");
  EXPECT_EQ(PathForLog("/events/7/guests"), "/events/7/guests");
  EXPECT_EQ(PathForLog("/rsvpx/abc"), "/rsvpx/abc");
  EXPECT_EQ(PathForLog("/"), "/");
}

TEST(Log, EncodedTokenRoutesAreRedactedToo) {
  EXPECT_EQ(PathForLog("/%72svp/gg1.abc.def"), "/rsvp/[redacted]");
  EXPECT_EQ(PathForLog("/%63heck%69n/gg1.abc"), "/checkin/[redacted]");
  EXPECT_EQ(PathForLog("/invite%73/AbC/accept"), "/invites/[redacted]/accept");
  EXPECT_EQ(PathForLog("/rsvp/gg1.a%2Fb/x"), "/rsvp/[redacted]/x");
  EXPECT_EQ(PathForLog("/%zzsvp/abc"), "/%zzsvp/abc");
}

TEST(Router, EncodedSlashIsPartOfItsSegment) {
  Router router;
  router.Add("GET", "/a/b", [](const Request&, const Params&) { return Response::Json(200, 1); });
  router.Add("GET", "/x/{id}", [](const Request&, const Params& p) {
    return Response::Json(200, {{"id", p.at("id")}});
  });
  EXPECT_EQ(router.Dispatch(Get("GET", "/a%2Fb")).status, 404);
  EXPECT_EQ(router.Dispatch(Get("GET", "/a/b")).status, 200);
  Response res = router.Dispatch(Get("GET", "/x/1%2F2%2525"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"id":"1/2%25"})");
  EXPECT_EQ(router.Dispatch(Get("GET", "/x/1%2F..%2Fa")).status, 200);  // One segment.
  EXPECT_EQ(router.Dispatch(Get("GET", "/%61/%62")).status, 200);
}

TEST(Router, RouteIndexNamesTheRouteDispatchCalls) {
  // The index labels metrics, including 500s whose handler threw: it must
  // decode the path as Dispatch does.
  Router router;
  router.Add("GET", "/a/b", [](const Request&, const Params&) { return Response::Json(200, 1); });
  router.Add("GET", "/x/{id}",
             [](const Request&, const Params&) { return Response::Json(200, 2); });
  for (const char* path : {"/a/b", "/%61/%62", "/a%2Fb", "/x/1%2F2", "/x/", "/nope"}) {
    EXPECT_EQ(router.RouteIndex("GET", path), router.Dispatch(Get("GET", path)).route) << path;
  }
  EXPECT_EQ(router.RouteIndex("GET", "/%61/%62"), 0);
  EXPECT_EQ(router.RouteIndex("POST", "/a/b"), -1);
}

TEST(Router, RunsInlineOnlyForRoutesAddedInline) {
  Router router;
  auto ok = [](const Request&, const Params&) { return Response::Json(200, 1); };
  router.AddInline("GET", "/healthz", ok);
  router.Add("GET", "/events/{id}", ok);
  EXPECT_TRUE(router.RunsInline(Get("GET", "/healthz")));
  EXPECT_TRUE(router.RunsInline(Get("GET", "/%68ealthz")));
  EXPECT_FALSE(router.RunsInline(Get("GET", "/events/1")));
  EXPECT_FALSE(router.RunsInline(Get("POST", "/healthz")));  // 405: no route.
  EXPECT_FALSE(router.RunsInline(Get("GET", "/nope")));
  EXPECT_EQ(router.Dispatch(Get("GET", "/healthz")).status, 200);
}

TEST(Wire, Utf8ValidationFollowsRfc3629) {
  EXPECT_TRUE(IsUtf8("plain"));
  EXPECT_TRUE(IsUtf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x8E\x89"));
  EXPECT_EQ(InvalidUtf8Offset("ab\xEB"), 2u);            // Windows-1252 "ë".
  EXPECT_EQ(InvalidUtf8Offset("\xC0\xAF"), 0u);          // Overlong "/".
  EXPECT_EQ(InvalidUtf8Offset("\xED\xA0\x80"), 0u);      // Surrogate.
  EXPECT_EQ(InvalidUtf8Offset("\xF4\x90\x80\x80"), 0u);  // Above U+10FFFF.
  EXPECT_EQ(InvalidUtf8Offset("x\xE2\x82"), 1u);         // Truncated.
  EXPECT_TRUE(HasControlCharacter("a\r\nBcc: x"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_FALSE(HasControlCharacter("Zo\xC3\xAB's party"));
}

TEST(Log, UrlCredentialsAreStripped) {
  EXPECT_EQ(StripUrlCredentials("nats://alice:s3cret@bus.internal:4222"),
            "nats://bus.internal:4222");
  EXPECT_EQ(StripUrlCredentials("postgresql://gg:pw@db/gg?sslmode=require"),
            "postgresql://db/gg?sslmode=require");
  EXPECT_EQ(StripUrlCredentials("cannot reach nats://u:p@h:1 nor https://x:y@z/q"),
            "cannot reach nats://h:1 nor https://z/q");
  EXPECT_EQ(StripUrlCredentials("https://example.com/a@b"), "https://example.com/a@b");
  EXPECT_EQ(StripUrlCredentials("inprocess"), "inprocess");
  EXPECT_EQ(StripUrlCredentials("://@"), "://");
}

TEST(Log, LoggedUrlsCarryNoCredentials) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  Logger logger(LogLevel::kInfo, out);
  logger.Info("notifier running", {{"bus", "nats://alice:s3cret@bus.internal:4222"}});
  std::rewind(out);
  char buffer[512] = {};
  const size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, out);
  std::fclose(out);
  const std::string line(buffer, n);
  EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
  EXPECT_NE(line.find("nats://bus.internal:4222"), std::string::npos) << line;
}

}  // namespace
}  // namespace guestguard::server
