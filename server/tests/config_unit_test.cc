// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/config.h: defaults, flag over variable over default,
// every bound, and messages that name the flag or the variable.
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "server/config.h"
#include "server/log.h"
#include "server/smtp_sender.h"

namespace guestguard::server {
namespace {

// Sets GUESTGUARD_* variables of this process for one ParseConfig call and
// unsets them again: ParseConfig reads the real environment.
class ScopedEnv {
 public:
  explicit ScopedEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {
    for (const auto& [name, value] : vars_) setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : vars_) unsetenv(name.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::map<std::string, std::string> vars_;
};

using ::guestguard::server::ParseConfig;
ConfigParse ParseConfig(const std::vector<std::string>& args,
                        std::map<std::string, std::string> vars) {
  ScopedEnv env(std::move(vars));
  return ParseConfig(args);
}

TEST(Config, DefaultsWhenNothingIsSet) {
  ConfigParse parsed = ParseConfig({});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->listen_host, "127.0.0.1");
  EXPECT_EQ(parsed.config->listen_port, 8080);
  EXPECT_EQ(parsed.config->database_url, "sqlite:guestguard.db");
  EXPECT_EQ(parsed.config->threads, 64);  // SQLite's default.
  EXPECT_EQ(parsed.config->max_body, 1024u * 1024u);
  EXPECT_EQ(parsed.config->keyring.size(), 0u);
}

TEST(Config, HandlerThreadsDefaultToTheBackendsAndAGivenCountWins) {
  ConfigParse parsed = ParseConfig({"--database", "postgresql://h/db"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 8);
  parsed = ParseConfig({"--database", "sqlite:x.db"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 64);
  parsed = ParseConfig({"--database", "sqlite:x.db"}, {{"GUESTGUARD_THREADS", "8"}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 8);
  parsed = ParseConfig({"--database", "postgres://h/db", "--threads", "32"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 32);
}

TEST(Config, FlagBeatsEnvironmentBeatsDefault) {
  ConfigParse parsed = ParseConfig({"--threads", "3"}, {{"GUESTGUARD_THREADS", "0"},
                                                        {"GUESTGUARD_MAX_BODY", "10"},
                                                        {"GUESTGUARD_LISTEN", "[::1]:9"}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 3);
  EXPECT_EQ(parsed.config->max_body, 10u);
  EXPECT_EQ(parsed.config->listen_host, "::1");
  EXPECT_EQ(parsed.config->listen_port, 9);
}

TEST(Config, SessionLimitsAndMonitorRecheckDefaultAndParse) {
  ConfigParse defaults = ParseConfig({});
  ASSERT_TRUE(defaults.config) << defaults.message;
  EXPECT_EQ(defaults.config->session_lifetime, absl::Hours(24 * 30));
  EXPECT_EQ(defaults.config->session_idle_timeout, absl::Hours(24 * 7));
  EXPECT_EQ(defaults.config->monitor_recheck_interval, absl::Seconds(3));
  EXPECT_EQ(defaults.config->mail_dir, "");
  ConfigParse parsed = ParseConfig(
      {"--session-idle-timeout-ms", "1500", "--mail-dir", "/tmp"},
      {{"GUESTGUARD_SESSION_LIFETIME_MS", "4000"}, {"GUESTGUARD_MONITOR_RECHECK_MS", "250"}});
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
    ConfigParse bad = ParseConfig(args);
    EXPECT_FALSE(bad.config) << args[0];
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.message.find(args[0]), std::string::npos) << bad.message;
  }
}

TEST(Config, ProductionWithoutKeyringIsExit2) {
  ConfigParse parsed = ParseConfig({"--env", "production"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("keyring"), std::string::npos);
}

TEST(Config, ProductionRefusesTheLogSenderUnlessAllowed) {
  const std::string keyring = "k1:" + std::string(43, 'A') + "=";
  ConfigParse parsed = ParseConfig({"--env", "production"}, {{"GUESTGUARD_KEYRING", keyring}});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("--allow-log-sender"), std::string::npos) << parsed.message;
  parsed = ParseConfig({"--env", "production", "--allow-log-sender", "on"},
                       {{"GUESTGUARD_KEYRING", keyring}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_TRUE(parsed.config->allow_log_sender);
  parsed = ParseConfig(
      {"--env", "production", "--smtp-url", "smtp://mail.example.com:25", "--smtp-tls", "none"},
      {{"GUESTGUARD_KEYRING", keyring}});
  EXPECT_TRUE(parsed.config) << parsed.message;
  parsed = ParseConfig({});  // Development keeps the log sender.
  EXPECT_TRUE(parsed.config) << parsed.message;
}

TEST(Config, LimitFlagsHaveDefaultsAndBounds) {
  ConfigParse parsed = ParseConfig({});
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
      {{"GUESTGUARD_MAX_CONNECTIONS_PER_ADDRESS", "3"}, {"GUESTGUARD_ALERT_DIGEST_MINUTES", "0"}});
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
    parsed = ParseConfig(args);
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
    ConfigParse parsed = ParseConfig(args);
    EXPECT_FALSE(parsed.config) << args[0];
    EXPECT_EQ(parsed.exit_code, 2) << args[0];
    EXPECT_NE(parsed.message.find(args[0]), std::string::npos) << parsed.message;
  }
  ConfigParse parsed = ParseConfig({}, {{"GUESTGUARD_LOG_LEVEL", "loud"}});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("GUESTGUARD_LOG_LEVEL"), std::string::npos);
}

TEST(Config, MonitorAndBusSettings) {
  ConfigParse defaults = ParseConfig({"--public-url", "https://RSVP.example.com/base"});
  ASSERT_TRUE(defaults.config) << defaults.message;
  EXPECT_EQ(defaults.config->bus_url, "inprocess");
  EXPECT_EQ(defaults.config->subject_prefix, "guestguard");
  EXPECT_EQ(defaults.config->allowed_origins, std::vector<std::string>{"https://rsvp.example.com"});
  EXPECT_EQ(defaults.config->ws_send_queue, 256u);
  EXPECT_EQ(defaults.config->ws_ticket_ttl, absl::Seconds(30));

  ConfigParse set =
      ParseConfig({"--allowed-origins", " https://A.example.com,,http://b.example.com:8080 ",
                   "--ws-send-queue", "9", "--ws-ticket-ttl-ms", "500"},
                  {{"GUESTGUARD_SUBJECT_PREFIX", "acme.gg"}});
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
    ConfigParse parsed = ParseConfig(args);
    EXPECT_FALSE(parsed.config) << args[0] << " " << args[1];
    EXPECT_EQ(parsed.exit_code, 2);
    EXPECT_NE(parsed.message.find(args[0]), std::string::npos) << parsed.message;
  }
}

TEST(Config, PublicUrlDefaultsToTheListenAddress) {
  ConfigParse parsed = ParseConfig({"--listen", "0.0.0.0:9000"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "http://0.0.0.0:9000");
  parsed = ParseConfig({"--listen", "[::1]:9"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "http://[::1]:9");
}

TEST(Config, PublicUrlFromFlagOrEnvironment) {
  ConfigParse parsed = ParseConfig({}, {{"GUESTGUARD_PUBLIC_URL", "https://rsvp.example.com/"}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "https://rsvp.example.com");
  parsed = ParseConfig({"--public-url", "http://a.test:81/app"},
                       {{"GUESTGUARD_PUBLIC_URL", "https://b.test"}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->public_url, "http://a.test:81/app");
  for (const char* bad :
       {"rsvp.example.com", "ftp://x.test", "https://", "https://x.test/?a=1", "https://x .test"}) {
    parsed = ParseConfig({"--public-url", bad});
    EXPECT_FALSE(parsed.config) << bad;
    EXPECT_EQ(parsed.exit_code, 2) << bad;
    EXPECT_NE(parsed.message.find("--public-url"), std::string::npos) << parsed.message;
  }
}

TEST(Config, TrustedProxiesAndGuestRateLimitsFromFlagOrEnvironment) {
  ConfigParse parsed = ParseConfig({"--trusted-proxies", "127.0.0.1/32,10.0.0.0/8"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->trusted_proxies.size(), 2u);
  EXPECT_EQ(parsed.config->rate_limit_per_minute, 60);
  EXPECT_EQ(parsed.config->rate_limit_burst, 20);
  parsed = ParseConfig({"--trusted-proxies", "nope"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, 2);
  parsed = ParseConfig({}, {{"GUESTGUARD_TRUSTED_PROXIES", "1.2.3.4/40"}});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("GUESTGUARD_TRUSTED_PROXIES"), std::string::npos);
  parsed = ParseConfig({"--rate-limit-burst", "0"});
  EXPECT_EQ(parsed.exit_code, 2);
  parsed = ParseConfig({"--rate-limit-burst", "3", "--rate-limit-per-minute", "6"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->rate_limit_burst, 3);
  EXPECT_EQ(parsed.config->rate_limit_per_minute, 6);
}

TEST(Config, EveryVariableIsNamedAfterItsFlag) {
  ConfigParse parsed = ParseConfig({}, {{"GUESTGUARD_WS_TICKET_RATE_LIMIT_PER_MINUTE", "7"},
                                        {"GUESTGUARD_NOTIFY_POLL_MS", "30"},
                                        {"GUESTGUARD_LINK_TTL_DAYS", "3"},
                                        {"GUESTGUARD_SMTP_TLS", "try"},
                                        {"GUESTGUARD_NOTIFIER", "off"},
                                        {"GUESTGUARD_ENV", "development"},
                                        {"GUESTGUARD_LOG_LEVEL", "warning"},
                                        {"GUESTGUARD_METRICS_LISTEN", "[::1]:9464"}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->ws_ticket_rate_limit_per_minute, 7);
  EXPECT_EQ(parsed.config->notify_poll_interval, absl::Milliseconds(30));
  EXPECT_EQ(parsed.config->link_ttl, absl::Hours(72));
  EXPECT_EQ(parsed.config->smtp.tls, SmtpTls::kTry);
  EXPECT_FALSE(parsed.config->notifier);
  EXPECT_EQ(parsed.config->log_level, LogLevel::kWarn);
  EXPECT_TRUE(parsed.config->metrics_listen);
  EXPECT_EQ(parsed.config->metrics_host, "::1");
  EXPECT_EQ(parsed.config->metrics_port, 9464);
}

TEST(Config, AFlagBeatsABadVariableAndAnEmptyVariableIsUnset) {
  ConfigParse parsed = ParseConfig({"--log-level", "debug", "--allow-log-sender=on"},
                                   {{"GUESTGUARD_LOG_LEVEL", "loud"},
                                    {"GUESTGUARD_ALLOW_LOG_SENDER", "maybe"},
                                    {"GUESTGUARD_THREADS", ""},
                                    {"GUESTGUARD_KEYRING", ""}});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->log_level, LogLevel::kDebug);
  EXPECT_TRUE(parsed.config->allow_log_sender);
  EXPECT_EQ(parsed.config->threads, 64);
  EXPECT_EQ(parsed.config->keyring.size(), 0u);
}

TEST(Config, NumbersAreDecimalDigitsWithinTheirBounds) {
  // CLI11 alone would read "010" as octal and accept signs and spaces.
  ConfigParse parsed = ParseConfig({"--threads", "010", "--max-body", "0000123"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.config->threads, 10);
  EXPECT_EQ(parsed.config->max_body, 123u);
  for (const char* bad :
       {"+5", "-5", " 5", "5 ", "0x10", "1e2", "", "257", "0", "99999999999999999999999"}) {
    parsed = ParseConfig({"--threads", bad});
    EXPECT_FALSE(parsed.config) << bad;
    EXPECT_EQ(parsed.exit_code, 2) << bad;
    EXPECT_EQ(parsed.message, std::string("guestguard-server: --threads: expected a thread count "
                                          "from 1 to 256, got \"") +
                                  bad + "\"\n");
  }
}

TEST(Config, RangeErrorsNameTheBoundsAndTheSource) {
  ConfigParse parsed = ParseConfig({"--login-max-failures", "1001"});
  EXPECT_EQ(parsed.message,
            "guestguard-server: --login-max-failures: expected a number from 1 to 1000, got "
            "\"1001\"\n");
  parsed = ParseConfig({}, {{"GUESTGUARD_MONITOR_RECHECK_MS", "9"}});
  EXPECT_EQ(parsed.message,
            "guestguard-server: GUESTGUARD_MONITOR_RECHECK_MS: expected milliseconds from 10 to "
            "60000, got \"9\"\n");
  parsed = ParseConfig({}, {{"GUESTGUARD_MAX_BODY", "-1"}});
  EXPECT_EQ(parsed.message,
            "guestguard-server: GUESTGUARD_MAX_BODY: expected a positive number of bytes, got "
            "\"-1\"\n");
  parsed = ParseConfig({"--smtp-tls", "maybe"});
  EXPECT_EQ(parsed.message,
            "guestguard-server: --smtp-tls: expected none, try or required, got \"maybe\"\n");
  parsed = ParseConfig({"--env", "production", "--mail-dir", "/tmp"},
                       {{"GUESTGUARD_KEYRING", "k1:" + std::string(43, 'A') + "="}});
  EXPECT_NE(parsed.message.find("--mail-dir: the mail directory is a development sink"),
            std::string::npos)
      << parsed.message;
  parsed = ParseConfig({"--smtp-url", "smtp://127.0.0.1:25"}, {{"GUESTGUARD_MAIL_DIR", "/tmp"}});
  EXPECT_NE(parsed.message.find("GUESTGUARD_MAIL_DIR: choose one"), std::string::npos)
      << parsed.message;
}

TEST(Config, MigrateAndNotifierAreSubcommandsTakingTheServersFlags) {
  ConfigParse parsed = ParseConfig({"migrate", "--database", "sqlite:/tmp/x.db"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.command, Command::kMigrate);
  EXPECT_EQ(parsed.config->database_url, "sqlite:/tmp/x.db");
  parsed = ParseConfig({"notifier", "--threads", "2"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.command, Command::kNotifier);
  EXPECT_EQ(parsed.config->threads, 2);
  parsed = ParseConfig({"--threads", "2"});
  ASSERT_TRUE(parsed.config) << parsed.message;
  EXPECT_EQ(parsed.command, Command::kServe);
  parsed = ParseConfig({"migrate", "--database", "mysql://x"});
  EXPECT_EQ(parsed.exit_code, 2);
  EXPECT_NE(parsed.message.find("--database"), std::string::npos) << parsed.message;
  parsed = ParseConfig({"migrate", "notifier"});
  EXPECT_EQ(parsed.exit_code, 2);
}

TEST(Config, HelpListsEveryVisibleOptionWithItsVariable) {
  ConfigParse parsed = ParseConfig({"--help"});
  EXPECT_FALSE(parsed.config);
  EXPECT_EQ(parsed.exit_code, 0);
  for (const char* text :
       {"--listen", "GUESTGUARD_LISTEN", "--access-log-retention-days",
        "GUESTGUARD_ACCESS_LOG_RETENTION_DAYS", "not as a flag", "migrate", "notifier", "keygen"}) {
    EXPECT_NE(parsed.message.find(text), std::string::npos) << text << "\n" << parsed.message;
  }
  EXPECT_EQ(parsed.message.find("--session-lifetime-ms"), std::string::npos);  // Hidden.
  ConfigParse migrate = ParseConfig({"migrate", "--help"});
  EXPECT_EQ(migrate.exit_code, 0);
  EXPECT_EQ(migrate.message, parsed.message);
}

}  // namespace
}  // namespace guestguard::server
