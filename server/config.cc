// Copyright 2026 GuestGuard authors.
#include "server/config.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <sstream>
#include <system_error>
#include <tuple>

#include "server/client_ip.h"
#include "server/remote_scorer.h"

namespace guestguard::server {
namespace {

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

ConfigParse Fail(std::string message) {
  ConfigParse result;
  result.exit_code = 2;
  result.message = "guestguard-server: " + message + "\n";
  return result;
}

std::string_view TrimmedView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool ValidSubjectPrefix(std::string_view p) {
  if (p.empty() || p.size() > 64 || p.front() == '.' || p.back() == '.') return false;
  char previous = 0;
  for (char c : p) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

// "scheme://host[:port]" with scheme http or https, nothing after the authority.
bool ValidOrigin(std::string_view o) {
  size_t start = 0;
  if (o.rfind("http://", 0) == 0) {
    start = 7;
  } else if (o.rfind("https://", 0) == 0) {
    start = 8;
  } else {
    return false;
  }
  if (o.size() == start || o.size() > 255) return false;
  return o.find_first_of("/?# \t", start) == std::string_view::npos;
}

// The origin of an http(s) URL: scheme and authority, lower-cased.
std::string OriginOf(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return Lowered(url);
  const size_t path = url.find('/', scheme_end + 3);
  return Lowered(url.substr(0, path));
}

}  // namespace

EnvLookup EnvFromProcess() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

bool ParseListen(std::string_view text, std::string* host, uint16_t* port) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view h = text.substr(0, colon);
  std::string_view p = text.substr(colon + 1);
  if (h.front() == '[') {
    if (h.size() < 3 || h.back() != ']') return false;
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return false;  // A bare IPv6 address needs brackets.
  }
  if (!ParseNumber(p, port)) return false;
  *host = std::string(h);
  return true;
}

ConfigParse ParseConfig(const std::vector<std::string>& args, const EnvLookup& env) {
  // Every option is read as text, then validated here, so that flags and
  // environment variables share one set of checks and messages.
  struct Raw {
    const char* flag;
    const char* env;
    const char* help;
    bool hidden;
  };
  std::vector<Raw> raw = {
      {"--listen", "GUESTGUARD_LISTEN", "HOST:PORT to listen on (default 127.0.0.1:8080)", false},
      {"--database", "GUESTGUARD_DATABASE",
       "database URL: sqlite:PATH or postgresql://... (default sqlite:guestguard.db)", false},
      {"--keyring", "GUESTGUARD_KEYRING",
       "signing keys \"kid:BASE64,...\" (first is active); pass them in the environment "
       "(GUESTGUARD_KEYRING), not as a flag: command lines are visible to every local user",
       false},
      {"--env", "GUESTGUARD_ENV", "development|production (default development)", false},
      {"--threads", "GUESTGUARD_THREADS",
       "threads serving requests; handlers block on the database (default 8)", false},
      {"--log-level", "GUESTGUARD_LOG_LEVEL", "debug|info|warn|error (default info)", false},
      {"--max-body", "GUESTGUARD_MAX_BODY", "largest request body in bytes (default 1048576)",
       false},
      {"--header-timeout-ms", "GUESTGUARD_HEADER_TIMEOUT_MS", "", true},
      {"--request-timeout-ms", "GUESTGUARD_REQUEST_TIMEOUT_MS", "", true},
      {"--shutdown-timeout-ms", "GUESTGUARD_SHUTDOWN_TIMEOUT_MS", "", true},
      {"--public-url", "GUESTGUARD_PUBLIC_URL",
       "base URL of guest links, e.g. https://rsvp.example.com (default http://<listen address>)",
       false},
      {"--trusted-proxies", "GUESTGUARD_TRUSTED_PROXIES",
       "CIDR,... of reverse proxies whose X-Forwarded-For is believed (default none)", false},
      {"--rate-limit-per-minute", "GUESTGUARD_RATE_LIMIT_PER_MINUTE",
       "guest endpoint requests per minute per client IP (default 60)", false},
      {"--rate-limit-burst", "GUESTGUARD_RATE_LIMIT_BURST",
       "guest endpoint burst per client IP (default 20)", false},
      {"--auth-rate-limit-per-minute", "GUESTGUARD_AUTH_RATE_LIMIT_PER_MINUTE",
       "signup/login requests per minute per client IP (default 10)", false},
      {"--auth-rate-limit-burst", "GUESTGUARD_AUTH_RATE_LIMIT_BURST",
       "signup/login burst per client IP (default 5)", false},
      {"--bus", "GUESTGUARD_BUS", "event bus: inprocess (default inprocess)", false},
      {"--subject-prefix", "GUESTGUARD_SUBJECT_PREFIX",
       "prefix of published subjects (default guestguard)", false},
      {"--allowed-origins", "GUESTGUARD_ALLOWED_ORIGINS",
       "origins allowed to open the live monitor WebSocket, comma-separated "
       "(default: the public URL's origin)",
       false},
      {"--ws-send-queue", "GUESTGUARD_WS_SEND_QUEUE",
       "messages queued per monitor WebSocket before a slow client is closed (default 256)", false},
      {"--ws-ticket-ttl-ms", "GUESTGUARD_WS_TICKET_TTL_MS", "", true},
      {"--ws-idle-timeout-ms", "GUESTGUARD_WS_IDLE_TIMEOUT_MS", "", true},
      {"--outbox-poll-ms", "GUESTGUARD_OUTBOX_POLL_MS", "", true},
      {"--notifier", "GUESTGUARD_NOTIFIER",
       "on|off: run the notification worker in this process (default on)", false},
      {"--smtp-url", "GUESTGUARD_SMTP_URL",
       "smtp://HOST:PORT or smtps://HOST:PORT to send email (default: none, log sender)", false},
      {"--smtp-tls", "GUESTGUARD_SMTP_TLS", "none|try|required: STARTTLS (default required)",
       false},
      {"--smtp-username", "GUESTGUARD_SMTP_USERNAME", "SMTP AUTH user (default none)", false},
      {"--smtp-password", "GUESTGUARD_SMTP_PASSWORD",
       "SMTP AUTH password (prefer the environment variable)", false},
      {"--smtp-from", "GUESTGUARD_SMTP_FROM",
       "sender address (default \"GuestGuard <guestguard@localhost>\")", false},
      {"--notify-max-attempts", "GUESTGUARD_NOTIFY_MAX_ATTEMPTS",
       "delivery attempts per notification before it fails (default 6)", false},
      {"--notify-backoff-ms", "GUESTGUARD_NOTIFY_BACKOFF_MS", "", true},
      {"--notify-poll-ms", "GUESTGUARD_NOTIFY_POLL_MS", "", true},
      {"--ui-dir", "GUESTGUARD_UI_DIR",
       "serve the web UI from this directory (default: the copy built into the binary)", false},
      {"--scorer-url", "GUESTGUARD_SCORER_URL",
       "http://HOST:PORT/PATH of a remote scorer each check asks (default: none)", false},
      {"--scorer-deadline-ms", "GUESTGUARD_SCORER_DEADLINE_MS",
       "how long a check waits for the remote scorer before the built-in verdict stands "
       "(default 250)",
       false},
      {"--scorer-connections", "GUESTGUARD_SCORER_CONNECTIONS",
       "connections to the remote scorer, and calls in flight, at most (default 8)", false},
      {"--metrics-listen", "GUESTGUARD_METRICS_LISTEN",
       "HOST:PORT serving GET /metrics apart from the public listener (default: none; "
       "development serves /metrics on the public listener, production nowhere)",
       false},
      {"--max-events-per-account", "GUESTGUARD_MAX_EVENTS_PER_ACCOUNT",
       "events an account may have created, at most (default 100)", false},
      {"--max-guests-per-event", "GUESTGUARD_MAX_GUESTS_PER_EVENT",
       "guests an event may have, at most (default 10000)", false},
      {"--max-imports-per-hour", "GUESTGUARD_MAX_IMPORTS_PER_HOUR",
       "CSV imports per event per hour, at most (default 20)", false},
      {"--mail-dir", "GUESTGUARD_MAIL_DIR",
       "development mail sink: write each email as an .eml file (mode 0600) into DIR instead "
       "of logging it (default: none; not with --smtp-url, not in production)",
       false},
      {"--session-lifetime-ms", "GUESTGUARD_SESSION_LIFETIME_MS", "", true},
      {"--session-idle-timeout-ms", "GUESTGUARD_SESSION_IDLE_TIMEOUT_MS", "", true},
      {"--monitor-recheck-ms", "GUESTGUARD_MONITOR_RECHECK_MS", "", true},
      {"--max-connections", "GUESTGUARD_MAX_CONNECTIONS",
       "connections open at once; more are closed on arrival (default 10000)", false},
      {"--max-connections-per-address", "GUESTGUARD_MAX_CONNECTIONS_PER_ADDRESS",
       "connections open at once per client address (IPv6: per /64; trusted proxies exempt) "
       "(default 256)",
       false},
      {"--login-max-failures", "GUESTGUARD_LOGIN_MAX_FAILURES",
       "failed logins per account in 15 minutes before each attempt waits 1, 2, 4 ... s "
       "(default 5)",
       false},
      {"--account-rate-limit-per-minute", "GUESTGUARD_ACCOUNT_RATE_LIMIT_PER_MINUTE",
       "authenticated writes per minute per account (default 300)", false},
      {"--account-rate-limit-burst", "GUESTGUARD_ACCOUNT_RATE_LIMIT_BURST",
       "authenticated write burst per account (default 100)", false},
      {"--ws-ticket-rate-limit-per-minute", "GUESTGUARD_WS_TICKET_RATE_LIMIT_PER_MINUTE",
       "live monitor tickets per minute per account (default 20)", false},
      {"--alert-digest-minutes", "GUESTGUARD_ALERT_DIGEST_MINUTES",
       "at most one fraud alert email per guest in this many minutes; 0 sends every alert "
       "(default 10)",
       false},
      {"--invites-per-address-per-hour", "GUESTGUARD_INVITES_PER_ADDRESS_PER_HOUR",
       "collaborator invites and guest invitations sent to one address per hour (default 3)",
       false},
      {"--allow-log-sender", "GUESTGUARD_ALLOW_LOG_SENDER",
       "on|off: allow production without --smtp-url (emails go to the log, links redacted) "
       "(default off)",
       false},
      {"--link-ttl-days", "GUESTGUARD_LINK_TTL_DAYS",
       "guest links also expire this many days after they are issued; 0: only the day after "
       "the event (default 0)",
       false},
      {"--access-log-retention-days", "GUESTGUARD_ACCESS_LOG_RETENTION_DAYS",
       "delete access-log entries older than this many days; 0 keeps them (default 180)", false},
      {"--retention-interval-ms", "GUESTGUARD_RETENTION_INTERVAL_MS", "", true},
  };
  constexpr size_t kUiDir = 32;

  CLI::App app(
      "GuestGuard reference server. Every flag can also be set with the "
      "GUESTGUARD_* environment variable named after it.",
      "guestguard-server");
  app.footer(
      "Also: guestguard-server migrate [flags] (apply pending migrations, exit), "
      "guestguard-server notifier [flags] (the notification worker alone), "
      "guestguard-server keygen [--kid ID] [--rotate SPEC|-], guestguard-server --version.");
  std::vector<CLI::Option*> options;
  std::vector<std::string> flag_values(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    const Raw& r = raw[i];
    CLI::Option* opt = app.add_option(r.flag, flag_values[i], r.help);
    if (r.hidden) opt->group("");
    options.push_back(opt);
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed.
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    ConfigParse result;
    result.message = app.help();
    return result;
  } catch (const CLI::ParseError& e) {
    return Fail(e.what());
  }
  // Flag beats environment beats default.
  std::vector<std::optional<std::string>> values;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (options[i]->count() > 0) {
      values.push_back(flag_values[i]);
    } else {
      values.push_back(env(raw[i].env));
    }
  }
  auto source = [&](size_t i) {
    return options[i]->count() > 0 ? std::string(raw[i].flag) : std::string(raw[i].env);
  };

  Config config;
  if (values[0] && !ParseListen(*values[0], &config.listen_host, &config.listen_port)) {
    return Fail(source(0) + ": expected HOST:PORT (e.g. 127.0.0.1:8080), got \"" + *values[0] +
                "\"");
  }
  if (values[1]) {
    const std::string& url = *values[1];
    if (url.rfind("sqlite:", 0) != 0 && url.rfind("postgresql://", 0) != 0 &&
        url.rfind("postgres://", 0) != 0) {
      return Fail(source(1) +
                  ": the database URL must start with sqlite:, postgresql:// or postgres://");
    }
    if (url == "sqlite:") return Fail(source(1) + ": the sqlite URL has no file path");
    config.database_url = url;
  }
  if (values[3]) {
    if (*values[3] == "development") {
      config.env = Environment::kDevelopment;
    } else if (*values[3] == "production") {
      config.env = Environment::kProduction;
    } else {
      return Fail(source(3) + ": expected development or production, got \"" + *values[3] + "\"");
    }
  }
  if (values[2] && !values[2]->empty()) {
    absl::StatusOr<Keyring> keyring = Keyring::Parse(*values[2]);
    // The parser's message names the entry and the problem, never the secret.
    if (!keyring.ok()) {
      return Fail(source(2) + ": invalid keyring: " + std::string(keyring.status().message()));
    }
    config.keyring = *std::move(keyring);
  } else if (config.env == Environment::kProduction) {
    return Fail(
        "refusing to start in production without a keyring: set --keyring or "
        "GUESTGUARD_KEYRING");
  }
  if (values[4]) {
    if (!ParseNumber(*values[4], &config.threads) || config.threads < 1 || config.threads > 256) {
      return Fail(source(4) + ": expected a thread count from 1 to 256, got \"" + *values[4] +
                  "\"");
    }
  }
  if (values[5]) {
    std::optional<LogLevel> level = ParseLogLevel(*values[5]);
    if (!level) {
      return Fail(source(5) + ": expected debug, info, warn or error, got \"" + *values[5] + "\"");
    }
    config.log_level = *level;
  }
  if (values[6]) {
    if (!ParseNumber(*values[6], &config.max_body) || config.max_body == 0) {
      return Fail(source(6) + ": expected a positive number of bytes, got \"" + *values[6] + "\"");
    }
  }
  absl::Duration* durations[] = {&config.header_timeout, &config.request_timeout,
                                 &config.shutdown_timeout};
  for (size_t i = 7; i < 10; ++i) {
    if (!values[i]) continue;
    int64_t ms = 0;
    if (!ParseNumber(*values[i], &ms) || ms <= 0) {
      return Fail(source(i) + ": expected a positive number of milliseconds, got \"" + *values[i] +
                  "\"");
    }
    *durations[i - 7] = absl::Milliseconds(ms);
  }
  if (values[10]) {
    std::string url = *values[10];
    while (!url.empty() && url.back() == '/') url.pop_back();
    const bool http = url.rfind("http://", 0) == 0 && url.size() > 7;
    const bool https = url.rfind("https://", 0) == 0 && url.size() > 8;
    const bool clean = url.find_first_of(" \t\r\n?#") == std::string::npos;
    if ((!http && !https) || !clean) {
      return Fail(source(10) + ": expected an http:// or https:// URL without query, got \"" +
                  *values[10] + "\"");
    }
    config.public_url = std::move(url);
  } else {
    const bool v6 = config.listen_host.find(':') != std::string::npos;
    config.public_url = "http://" + (v6 ? "[" + config.listen_host + "]" : config.listen_host) +
                        ":" + std::to_string(config.listen_port);
  }
  if (values[11]) {
    absl::StatusOr<CidrSet> trusted = ParseTrustedProxies(*values[11]);
    if (!trusted.ok()) return Fail(source(11) + ": " + std::string(trusted.status().message()));
    config.trusted_proxies = *std::move(trusted);
  }
  int64_t* limits[] = {&config.rate_limit_per_minute, &config.rate_limit_burst,
                       &config.auth_rate_limit_per_minute, &config.auth_rate_limit_burst};
  for (size_t i = 12; i < 16; ++i) {
    if (!values[i]) continue;
    if (!ParseNumber(*values[i], limits[i - 12]) || *limits[i - 12] < 1 ||
        *limits[i - 12] > 1000000) {
      return Fail(source(i) + ": expected a number from 1 to 1000000, got \"" + *values[i] + "\"");
    }
  }
  if (values[16]) {
    if (*values[16] != "inprocess" &&
        (values[16]->rfind("nats://", 0) != 0 || values[16]->size() <= 7 ||
         values[16]->find_first_of(" \t\r\n") != std::string::npos)) {
      return Fail(source(16) + ": expected inprocess or nats://HOST:PORT");
    }
    config.bus_url = *values[16];
  }
  if (values[17]) {
    if (!ValidSubjectPrefix(*values[17])) {
      return Fail(source(17) +
                  ": expected letters, digits, '-', '_' and inner dots (at most 64 bytes), got \"" +
                  *values[17] + "\"");
    }
    config.subject_prefix = *values[17];
  }
  if (values[18]) {
    std::string_view rest = *values[18];
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string origin = Lowered(TrimmedView(rest.substr(0, comma)));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (origin.empty()) continue;
      if (!ValidOrigin(origin)) {
        return Fail(source(18) + ": expected origins like https://app.example.com, got \"" +
                    origin + "\"");
      }
      config.allowed_origins.push_back(std::move(origin));
    }
  } else {
    config.allowed_origins.push_back(OriginOf(config.public_url));
  }
  if (values[19]) {
    if (!ParseNumber(*values[19], &config.ws_send_queue) || config.ws_send_queue < 1 ||
        config.ws_send_queue > 100000) {
      return Fail(source(19) + ": expected a number from 1 to 100000, got \"" + *values[19] + "\"");
    }
  }
  absl::Duration* ws_durations[] = {&config.ws_ticket_ttl, &config.ws_idle_timeout,
                                    &config.outbox_poll_interval};
  for (size_t i = 20; i < 23; ++i) {
    if (!values[i]) continue;
    int64_t ms = 0;
    if (!ParseNumber(*values[i], &ms) || ms <= 0 || (i == 20 && ms > 30000)) {
      return Fail(source(i) + ": expected a positive number of milliseconds" +
                  (i == 20 ? std::string(" up to 30000") : std::string()) + ", got \"" +
                  *values[i] + "\"");
    }
    *ws_durations[i - 20] = absl::Milliseconds(ms);
  }
  if (values[23]) {
    if (*values[23] != "on" && *values[23] != "off") {
      return Fail(source(23) + ": expected on or off, got \"" + *values[23] + "\"");
    }
    config.notifier = *values[23] == "on";
  }
  if (values[24]) config.smtp.url = *values[24];
  if (values[25]) {
    const std::pair<const char*, SmtpTls> modes[] = {
        {"none", SmtpTls::kNone}, {"try", SmtpTls::kTry}, {"required", SmtpTls::kRequired}};
    auto mode = std::find_if(std::begin(modes), std::end(modes),
                             [&](const auto& m) { return *values[25] == m.first; });
    if (mode == std::end(modes)) {
      return Fail(source(25) + ": expected none, try or required, got \"" + *values[25] + "\"");
    }
    config.smtp.tls = mode->second;
  }
  if (values[26]) config.smtp.username = *values[26];
  if (values[27]) config.smtp.password = *values[27];
  config.smtp.from = values[28] ? *values[28] : "GuestGuard <guestguard@localhost>";
  if (!config.smtp.url.empty()) {
    // The message names the problem, never the password.
    if (absl::Status s = ValidateSmtpOptions(config.smtp); !s.ok()) {
      return Fail(source(24) + ": invalid SMTP settings: " + std::string(s.message()));
    }
  }
  if (values[29]) {
    if (!ParseNumber(*values[29], &config.notify_max_attempts) || config.notify_max_attempts < 1 ||
        config.notify_max_attempts > 100) {
      return Fail(source(29) + ": expected a number from 1 to 100, got \"" + *values[29] + "\"");
    }
  }
  absl::Duration* notify_durations[] = {&config.notify_backoff, &config.notify_poll_interval};
  for (size_t i = 30; i < 32; ++i) {
    if (!values[i]) continue;
    int64_t ms = 0;
    if (!ParseNumber(*values[i], &ms) || ms <= 0 || ms > 3600000) {
      return Fail(source(i) + ": expected milliseconds from 1 to 3600000, got \"" + *values[i] +
                  "\"");
    }
    *notify_durations[i - 30] = absl::Milliseconds(ms);
  }
  if (values[kUiDir] && !values[kUiDir]->empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*values[kUiDir], ec)) {
      return Fail(source(kUiDir) + ": not a directory: \"" + *values[kUiDir] + "\"");
    }
    config.ui_dir = *values[kUiDir];
  }
  // The scorer's options by name, so that options added around them keep their indices.
  auto index_of = [&](std::string_view flag) {
    return static_cast<size_t>(
        std::find_if(raw.begin(), raw.end(), [&](const Raw& r) { return r.flag == flag; }) -
        raw.begin());
  };
  const size_t url_i = index_of("--scorer-url");
  const size_t deadline_i = index_of("--scorer-deadline-ms");
  const size_t connections_i = index_of("--scorer-connections");
  if (values[url_i] && !values[url_i]->empty()) {
    absl::StatusOr<ScorerUrl> url = ParseScorerUrl(*values[url_i]);
    if (!url.ok()) return Fail(source(url_i) + ": " + std::string(url.status().message()));
    config.scorer_url = *values[url_i];
  }
  if (values[deadline_i]) {
    int64_t ms = 0;
    if (!ParseNumber(*values[deadline_i], &ms) || ms < 1 || ms > 10000) {
      return Fail(source(deadline_i) + ": expected milliseconds from 1 to 10000, got \"" +
                  *values[deadline_i] + "\"");
    }
    config.scorer_deadline = absl::Milliseconds(ms);
  }
  if (values[connections_i]) {
    if (!ParseNumber(*values[connections_i], &config.scorer_connections) ||
        config.scorer_connections < 1 || config.scorer_connections > 256) {
      return Fail(source(connections_i) + ": expected a number from 1 to 256, got \"" +
                  *values[connections_i] + "\"");
    }
  }
  const size_t metrics_i = index_of("--metrics-listen");
  if (values[metrics_i] && !values[metrics_i]->empty()) {
    if (!ParseListen(*values[metrics_i], &config.metrics_host, &config.metrics_port)) {
      return Fail(source(metrics_i) + ": expected HOST:PORT (e.g. 127.0.0.1:9090), got \"" +
                  *values[metrics_i] + "\"");
    }
    config.metrics_listen = true;
  }
  const size_t mail_i = index_of("--mail-dir");
  if (values[mail_i] && !values[mail_i]->empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*values[mail_i], ec)) {
      return Fail(source(mail_i) + ": not a directory: \"" + *values[mail_i] + "\"");
    }
    if (!config.smtp.url.empty()) {
      return Fail(source(mail_i) + ": choose one of the mail sink and --smtp-url");
    }
    if (config.env == Environment::kProduction) {
      return Fail(source(mail_i) +
                  ": the mail directory is a development sink; production sends with --smtp-url");
    }
    config.mail_dir = *values[mail_i];
  }
  // Hidden duration flags: {flag, target, smallest, largest}.
  const struct {
    const char* flag;
    absl::Duration* target;
    int64_t min_ms, max_ms;
  } durations_ms[] = {
      {"--session-lifetime-ms", &config.session_lifetime, 1, int64_t{365} * 24 * 3600 * 1000},
      {"--session-idle-timeout-ms", &config.session_idle_timeout, 1,
       int64_t{365} * 24 * 3600 * 1000},
      {"--monitor-recheck-ms", &config.monitor_recheck_interval, 10, 60000},
  };
  for (const auto& d : durations_ms) {
    const size_t i = index_of(d.flag);
    if (!values[i]) continue;
    int64_t ms = 0;
    if (!ParseNumber(*values[i], &ms) || ms < d.min_ms || ms > d.max_ms) {
      return Fail(source(i) + ": expected milliseconds from " + std::to_string(d.min_ms) + " to " +
                  std::to_string(d.max_ms) + ", got \"" + *values[i] + "\"");
    }
    *d.target = absl::Milliseconds(ms);
  }
  // A whole number in [low, high] from the option `flag`, into *out (kept when unset).
  auto number = [&](std::string_view flag, int64_t low, int64_t high,
                    int64_t* out) -> std::optional<ConfigParse> {
    const size_t i = index_of(flag);
    if (!values[i]) return std::nullopt;
    if (!ParseNumber(*values[i], out) || *out < low || *out > high) {
      return Fail(source(i) + ": expected a number from " + std::to_string(low) + " to " +
                  std::to_string(high) + ", got \"" + *values[i] + "\"");
    }
    return std::nullopt;
  };
  int64_t max_connections = config.max_connections;
  int64_t per_address = config.max_connections_per_address;
  int64_t login_failures = config.login_max_failures;
  int64_t digest_minutes = absl::ToInt64Minutes(config.alert_digest_window);
  int64_t invites = config.invites_per_address_per_hour;
  int64_t link_days = 0;
  int64_t retention_days = absl::ToInt64Hours(config.access_log_retention) / 24;
  int64_t retention_ms = absl::ToInt64Milliseconds(config.retention_interval);
  const std::tuple<const char*, int64_t, int64_t, int64_t*> numbers[] = {
      {"--max-connections", 1, 1000000, &max_connections},
      {"--max-connections-per-address", 1, 1000000, &per_address},
      {"--login-max-failures", 1, 1000, &login_failures},
      {"--account-rate-limit-per-minute", 1, 1000000, &config.account_rate_limit_per_minute},
      {"--account-rate-limit-burst", 1, 1000000, &config.account_rate_limit_burst},
      {"--ws-ticket-rate-limit-per-minute", 1, 1000000, &config.ws_ticket_rate_limit_per_minute},
      {"--alert-digest-minutes", 0, 1440, &digest_minutes},
      {"--invites-per-address-per-hour", 1, 1000, &invites},
      {"--link-ttl-days", 0, 3650, &link_days},
      {"--access-log-retention-days", 0, 36500, &retention_days},
      {"--retention-interval-ms", 1, 86400000, &retention_ms},
      {"--max-events-per-account", 1, 1000000, &config.max_events_per_account},
      {"--max-guests-per-event", 1, 1000000, &config.max_guests_per_event},
      {"--max-imports-per-hour", 1, 1000000, &config.max_imports_per_hour},
  };
  for (const auto& [flag, low, high, out] : numbers) {
    if (std::optional<ConfigParse> failed = number(flag, low, high, out)) return *failed;
  }
  config.max_connections = static_cast<int>(max_connections);
  config.max_connections_per_address = static_cast<int>(per_address);
  config.login_max_failures = static_cast<int>(login_failures);
  config.alert_digest_window = absl::Minutes(digest_minutes);
  config.invites_per_address_per_hour = static_cast<int>(invites);
  config.link_ttl = absl::Hours(24 * link_days);
  config.access_log_retention = absl::Hours(24 * retention_days);
  config.retention_interval = absl::Milliseconds(retention_ms);
  const size_t allow_i = index_of("--allow-log-sender");
  if (values[allow_i]) {
    if (*values[allow_i] != "on" && *values[allow_i] != "off") {
      return Fail(source(allow_i) + ": expected on or off, got \"" + *values[allow_i] + "\"");
    }
    config.allow_log_sender = *values[allow_i] == "on";
  }
  if (config.env == Environment::kProduction && config.smtp.url.empty() &&
      !config.allow_log_sender) {
    return Fail(
        "refusing to start in production without --smtp-url: the log sender would write every "
        "email to the log. Set --smtp-url / GUESTGUARD_SMTP_URL, or --allow-log-sender on / "
        "GUESTGUARD_ALLOW_LOG_SENDER=on to accept that (links are redacted)");
  }
  ConfigParse result;
  result.config = std::move(config);
  return result;
}

}  // namespace guestguard::server
