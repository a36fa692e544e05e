// Copyright 2026 GuestGuard authors.
#include "server/config.h"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <limits>
#include <system_error>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/client_ip.h"
#include "server/remote_scorer.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

std::string Got(absl::string_view text) { return absl::StrCat(", got \"", text, "\""); }

// A check that does not change the value: `problem` returns what is wrong
// ("expected ..."), or "" when the value is good.
CLI::Validator Check(std::function<std::string(const std::string&)> problem) {
  return CLI::Validator([problem = std::move(problem)](std::string& text) { return problem(text); },
                        "");
}

// Decimal digits only (no sign, space, base prefix or overflow) naming a whole
// number in [low, high]. The value is rewritten without leading zeros, since
// CLI11 reads "010" as octal.
CLI::Validator Range(int64_t low, int64_t high, absl::string_view what = "a number") {
  return CLI::Validator(
      [=, what = std::string(what)](std::string& text) -> std::string {
        const std::optional<int64_t> n = ParseDecimal(text);
        if (!n || *n < low || *n > high) {
          return high == kNoLimit
                     ? absl::StrCat("expected a positive number of ", what, Got(text))
                     : absl::StrCat("expected ", what, " from ", low, " to ", high, Got(text));
        }
        text = absl::StrCat(*n);
        return std::string();
      },
      high == kNoLimit ? std::string() : absl::StrCat(low, "-", high));
}

// One of `names` (exactly); the value becomes the matching enumerator's (or
// bool's) number, which is what CLI11 stores into an enum or bool option.
template <typename T>
CLI::Validator Named(std::vector<std::pair<std::string, T>> names, std::string expected) {
  return CLI::Validator(
      [names = std::move(names), expected = std::move(expected)](std::string& text) {
        for (const auto& [name, value] : names) {
          if (text == name) {
            text = absl::StrCat(static_cast<int>(value));
            return std::string();
          }
        }
        return absl::StrCat("expected ", expected, Got(text));
      },
      "");
}

CLI::Validator OnOff() { return Named<bool>({{"on", true}, {"off", false}}, "on or off"); }

// An existing directory, or empty (unset).
CLI::Validator Directory() {
  return Check([](const std::string& path) {
    std::error_code ec;
    if (path.empty() || std::filesystem::is_directory(path, ec)) return std::string();
    return absl::StrCat("not a directory: \"", path, "\"");
  });
}

// "HOST:PORT", or empty (unset).
CLI::Validator HostPort(absl::string_view example) {
  return Check([example = std::string(example)](const std::string& text) {
    std::string host;
    uint16_t port = 0;
    if (text.empty() || ParseListen(text, &host, &port)) return std::string();
    return absl::StrCat("expected HOST:PORT (e.g. ", example, ")", Got(text));
  });
}

bool ValidSubjectPrefix(absl::string_view p) {
  if (p.empty() || p.size() > 64 || p.front() == '.' || p.back() == '.') return false;
  if (absl::StrContains(p, "..")) return false;
  return absl::c_all_of(
      p, [](char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

// "scheme://host[:port]" with scheme http or https, nothing after the authority.
bool ValidOrigin(absl::string_view o) {
  if (o.size() > 255) return false;
  if (!absl::ConsumePrefix(&o, "http://") && !absl::ConsumePrefix(&o, "https://")) return false;
  return !o.empty() && o.find_first_of("/?# \t") == absl::string_view::npos;
}

// The comma-separated origins of --allowed-origins, trimmed and lower-cased;
// empty entries are skipped.
std::vector<std::string> SplitOrigins(absl::string_view text) {
  std::vector<std::string> origins;
  for (absl::string_view entry : absl::StrSplit(text, ',')) {
    std::string origin = absl::AsciiStrToLower(absl::StripAsciiWhitespace(entry));
    if (!origin.empty()) origins.push_back(std::move(origin));
  }
  return origins;
}

// The origin of an http(s) URL: scheme and authority, lower-cased.
std::string OriginOf(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  const size_t path =
      scheme_end == absl::string_view::npos ? url.size() : url.find('/', scheme_end + 3);
  return absl::AsciiStrToLower(url.substr(0, path));
}

std::string WithoutTrailingSlashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

ConfigParse Fail(absl::string_view message) {
  ConfigParse result;
  result.exit_code = 2;
  result.message = absl::StrCat("guestguard-server: ", message, "\n");
  return result;
}

// The name a message gives the option's value: its flag when given on the
// command line, else its environment variable.
std::string Source(const CLI::App& app, const CLI::Option* option) {
  return absl::c_linear_search(app.parse_order(), option) ? option->get_name()
                                                          : option->get_envname();
}

// CLI11's messages name the flag ("--threads: expected ..."); a value that
// came from the environment is named by its variable instead.
std::string NameTheSource(const CLI::App& app, std::string message) {
  for (const CLI::Option* option : app.get_options()) {
    const std::string flag = option->get_name();
    if (!flag.empty() && !option->get_envname().empty() && absl::StartsWith(message, flag + ": ")) {
      return absl::StrCat(Source(app, option), message.substr(flag.size()));
    }
  }
  return message;
}

}  // namespace

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
  const std::optional<int64_t> number = ParseDecimal(p, 5);
  if (!number || *number > 65535) return false;
  *host = std::string(h);
  *port = static_cast<uint16_t>(*number);
  return true;
}

ConfigParse ParseConfig(const std::vector<std::string>& args) {
  Config config;
  CLI::App app(
      "GuestGuard reference server. Every flag can also be set with the "
      "GUESTGUARD_* environment variable named after it; a flag beats its variable.",
      "guestguard-server");
  app.footer(
      "Also: guestguard-server keygen [--kid ID] [--rotate SPEC|-] (a new keyring entry), "
      "guestguard-server --version.");
  CLI::App* migrate =
      app.add_subcommand("migrate", "apply pending migrations and exit (takes the server's flags)");
  CLI::App* notifier = app.add_subcommand(
      "notifier",
      "run the notification worker and the outbox relay without HTTP (takes the server's flags)");
  for (CLI::App* sub : {migrate, notifier}) sub->fallthrough();
  app.require_subcommand(0, 1);

  // Every option has the variable named after its flag.
  auto env_of = [](absl::string_view flag) {
    std::string name = absl::AsciiStrToUpper(absl::StripPrefix(flag, "--"));
    absl::c_replace(name, '-', '_');
    return absl::StrCat("GUESTGUARD_", name);
  };
  auto option = [&](std::string flag, auto& target, std::string help) {
    return app.add_option(flag, target, std::move(help))->envname(env_of(flag));
  };
  auto text = [&](std::string flag, std::string help, std::function<void(std::string)> store) {
    return app.add_option_function<std::string>(flag, std::move(store), std::move(help))
        ->envname(env_of(flag));
  };
  // Options without help are left out of --help. They are hidden only then:
  // CLI11 gives a hidden option no name in its messages.
  std::vector<CLI::Option*> hidden;
  // A duration given as a whole number of `unit`s in [low, high].
  auto duration = [&](std::string flag, std::string help, absl::Duration* target,
                      absl::Duration unit, int64_t low, int64_t high, absl::string_view what) {
    CLI::Option* o = app.add_option_function<int64_t>(
                            flag, [target, unit](int64_t n) { *target = n * unit; }, help)
                         ->envname(env_of(flag))
                         ->transform(Range(low, high, what));
    if (help.empty()) hidden.push_back(o);
    return o;
  };
  constexpr int64_t kYearMs = int64_t{365} * 24 * 3600 * 1000;

  text("--listen", "HOST:PORT to listen on (default 127.0.0.1:8080)", [&](const std::string& v) {
    ParseListen(v, &config.listen_host, &config.listen_port);
  })->check(HostPort("127.0.0.1:8080"));
  option("--database", config.database_url,
         "database URL: sqlite:PATH or postgresql://... (default sqlite:guestguard.db)")
      ->check(Check([](const std::string& url) -> std::string {
        if (!absl::StartsWith(url, "sqlite:") && !absl::StartsWith(url, "postgresql://") &&
            !absl::StartsWith(url, "postgres://")) {
          return "the database URL must start with sqlite:, postgresql:// or postgres://";
        }
        return url == "sqlite:" ? "the sqlite URL has no file path" : "";
      }));
  text("--keyring",
       "signing keys \"kid:BASE64,...\" (first is active); pass them in the environment "
       "(GUESTGUARD_KEYRING), not as a flag: command lines are visible to every local user",
       [&](const std::string& spec) {
         if (!spec.empty()) config.keyring = *Keyring::Parse(spec);  // Checked below.
       })
      ->check(Check([](const std::string& spec) -> std::string {
        if (spec.empty()) return "";
        absl::StatusOr<Keyring> parsed = Keyring::Parse(spec);
        // The parser's message names the entry and the problem, never the secret.
        return parsed.ok() ? "" : absl::StrCat("invalid keyring: ", parsed.status().message());
      }));
  option("--env", config.env, "development|production (default development)")
      ->transform(Named<Environment>(
          {{"development", Environment::kDevelopment}, {"production", Environment::kProduction}},
          "development or production"));
  CLI::Option* threads =
      option("--threads", config.threads,
             "handler threads: requests handled at once; handlers block on the database "
             "(default 64 on SQLite, 8 on PostgreSQL)")
          ->transform(Range(1, 256, "a thread count"));
  option("--io-threads", config.io_threads,
         "threads that parse, route and write, and serve /healthz and the web files "
         "(default 0: one per core, at most 16)")
      ->transform(Range(0, 64, "a thread count"));
  option("--log-level", config.log_level, "debug|info|warn|error (default info)")
      ->transform(Named<LogLevel>({{"debug", LogLevel::kDebug},
                                   {"info", LogLevel::kInfo},
                                   {"warn", LogLevel::kWarn},
                                   {"warning", LogLevel::kWarn},
                                   {"error", LogLevel::kError}},
                                  "debug, info, warn or error"));
  option("--max-body", config.max_body, "largest request body in bytes (default 1048576)")
      ->transform(Range(1, kNoLimit, "bytes"));
  duration("--header-timeout-ms", "", &config.header_timeout, absl::Milliseconds(1), 1, kNoLimit,
           "milliseconds");
  duration("--request-timeout-ms", "", &config.request_timeout, absl::Milliseconds(1), 1, kNoLimit,
           "milliseconds");
  duration("--shutdown-timeout-ms", "", &config.shutdown_timeout, absl::Milliseconds(1), 1,
           kNoLimit, "milliseconds");
  CLI::Option* public_url = text(
      "--public-url",
      "base URL of guest links, e.g. https://rsvp.example.com (default http://<listen address>)",
      [&](const std::string& url) { config.public_url = WithoutTrailingSlashes(url); });
  public_url->check(Check([](const std::string& given) -> std::string {
    const std::string url = WithoutTrailingSlashes(given);
    const bool http = absl::StartsWith(url, "http://") && url.size() > 7;
    const bool https = absl::StartsWith(url, "https://") && url.size() > 8;
    if ((http || https) && url.find_first_of(" \t\r\n?#") == std::string::npos) return "";
    return absl::StrCat("expected an http:// or https:// URL without query", Got(given));
  }));
  text("--trusted-proxies",
       "CIDR,... of reverse proxies whose X-Forwarded-For is believed (default none)",
       [&](const std::string& v) { config.trusted_proxies = *ParseTrustedProxies(v); })
      ->check(Check([](const std::string& v) {
        absl::StatusOr<CidrSet> parsed = ParseTrustedProxies(v);
        return parsed.ok() ? std::string() : std::string(parsed.status().message());
      }));
  const CLI::Validator kMillion = Range(1, 1000000);
  option("--rate-limit-per-minute", config.rate_limit_per_minute,
         "guest endpoint requests per minute per client IP (default 60)")
      ->transform(kMillion);
  option("--rate-limit-burst", config.rate_limit_burst,
         "guest endpoint burst per client IP (default 20)")
      ->transform(kMillion);
  option("--auth-rate-limit-per-minute", config.auth_rate_limit_per_minute,
         "signup/login requests per minute per client IP (default 10)")
      ->transform(kMillion);
  option("--auth-rate-limit-burst", config.auth_rate_limit_burst,
         "signup/login burst per client IP (default 5)")
      ->transform(kMillion);
  option("--bus", config.bus_url, "event bus: inprocess (default inprocess)")
      ->check(Check([](const std::string& url) -> std::string {
        if (url == "inprocess" || (absl::StartsWith(url, "nats://") && url.size() > 7 &&
                                   url.find_first_of(" \t\r\n") == std::string::npos)) {
          return "";
        }
        return "expected inprocess or nats://HOST:PORT";
      }));
  option("--subject-prefix", config.subject_prefix,
         "prefix of published subjects (default guestguard)")
      ->check(Check([](const std::string& p) {
        return ValidSubjectPrefix(p) ? std::string()
                                     : absl::StrCat(
                                           "expected letters, digits, '-', '_' and inner "
                                           "dots (at most 64 bytes)",
                                           Got(p));
      }));
  CLI::Option* origins =
      text("--allowed-origins",
           "origins allowed to open the live monitor WebSocket, comma-separated "
           "(default: the public URL's origin)",
           [&](const std::string& v) { config.allowed_origins = SplitOrigins(v); })
          ->check(Check([](const std::string& v) {
            for (const std::string& origin : SplitOrigins(v)) {
              if (!ValidOrigin(origin)) {
                return absl::StrCat("expected origins like https://app.example.com", Got(origin));
              }
            }
            return std::string();
          }));
  option("--ws-send-queue", config.ws_send_queue,
         "messages queued per monitor WebSocket before a slow client is closed (default 256)")
      ->transform(Range(1, 100000));
  duration("--ws-ticket-ttl-ms", "", &config.ws_ticket_ttl, absl::Milliseconds(1), 1, 30000,
           "milliseconds");
  duration("--ws-idle-timeout-ms", "", &config.ws_idle_timeout, absl::Milliseconds(1), 1, kNoLimit,
           "milliseconds");
  duration("--outbox-poll-ms", "", &config.outbox_poll_interval, absl::Milliseconds(1), 1, kNoLimit,
           "milliseconds");
  option("--notifier", config.notifier,
         "on|off: run the notification worker in this process (default on)")
      ->transform(OnOff());
  CLI::Option* smtp_url =
      option("--smtp-url", config.smtp.url,
             "smtp://HOST:PORT or smtps://HOST:PORT to send email (default: none, log sender)");
  option("--smtp-tls", config.smtp.tls, "none|try|required: STARTTLS (default required)")
      ->transform(Named<SmtpTls>(
          {{"none", SmtpTls::kNone}, {"try", SmtpTls::kTry}, {"required", SmtpTls::kRequired}},
          "none, try or required"));
  option("--smtp-username", config.smtp.username, "SMTP AUTH user (default none)");
  option("--smtp-password", config.smtp.password,
         "SMTP AUTH password (prefer the environment variable)");
  config.smtp.from = "GuestGuard <guestguard@localhost>";
  option("--smtp-from", config.smtp.from,
         "sender address (default \"GuestGuard <guestguard@localhost>\")");
  option("--notify-max-attempts", config.notify_max_attempts,
         "delivery attempts per notification before it fails (default 6)")
      ->transform(Range(1, 100));
  duration("--notify-backoff-ms", "", &config.notify_backoff, absl::Milliseconds(1), 1, 3600000,
           "milliseconds");
  duration("--notify-poll-ms", "", &config.notify_poll_interval, absl::Milliseconds(1), 1, 3600000,
           "milliseconds");
  option("--ui-dir", config.ui_dir,
         "serve the web UI from this directory (default: the copy built into the binary)")
      ->check(Directory());
  option("--scorer-url", config.scorer_url,
         "http://HOST:PORT/PATH of a remote scorer each check asks (default: none)")
      ->check(Check([](const std::string& url) {
        if (url.empty()) return std::string();
        absl::StatusOr<ScorerUrl> parsed = ParseScorerUrl(url);
        return parsed.ok() ? std::string() : std::string(parsed.status().message());
      }));
  duration("--scorer-deadline-ms",
           "how long a check waits for the remote scorer before the built-in verdict stands "
           "(default 250)",
           &config.scorer_deadline, absl::Milliseconds(1), 1, 10000, "milliseconds");
  option("--scorer-connections", config.scorer_connections,
         "connections to the remote scorer, and calls in flight, at most (default 8)")
      ->transform(Range(1, 256));
  text("--metrics-listen",
       "HOST:PORT serving GET /metrics apart from the public listener (default: none; "
       "development serves /metrics on the public listener, production nowhere)",
       [&](const std::string& v) {
         config.metrics_listen =
             !v.empty() && ParseListen(v, &config.metrics_host, &config.metrics_port);
       })
      ->check(HostPort("127.0.0.1:9090"));
  option("--max-events-per-account", config.max_events_per_account,
         "events an account may have created, at most (default 100)")
      ->transform(kMillion);
  option("--max-guests-per-event", config.max_guests_per_event,
         "guests an event may have, at most (default 10000)")
      ->transform(kMillion);
  option("--max-imports-per-hour", config.max_imports_per_hour,
         "CSV imports per event per hour, at most (default 20)")
      ->transform(kMillion);
  CLI::Option* mail_dir =
      option("--mail-dir", config.mail_dir,
             "development mail sink: write each email as an .eml file (mode 0600) into DIR "
             "instead of logging it (default: none; not with --smtp-url, not in production)")
          ->check(Directory());
  duration("--session-lifetime-ms", "", &config.session_lifetime, absl::Milliseconds(1), 1, kYearMs,
           "milliseconds");
  duration("--session-idle-timeout-ms", "", &config.session_idle_timeout, absl::Milliseconds(1), 1,
           kYearMs, "milliseconds");
  duration("--monitor-recheck-ms", "", &config.monitor_recheck_interval, absl::Milliseconds(1), 10,
           60000, "milliseconds");
  option("--max-connections", config.max_connections,
         "connections open at once; more are closed on arrival (default 10000)")
      ->transform(kMillion);
  option("--max-connections-per-address", config.max_connections_per_address,
         "connections open at once per client address (IPv6: per /64; trusted proxies exempt) "
         "(default 256)")
      ->transform(kMillion);
  option("--login-max-failures", config.login_max_failures,
         "failed logins per account in 15 minutes before each attempt waits 1, 2, 4 ... s "
         "(default 5)")
      ->transform(Range(1, 1000));
  option("--account-rate-limit-per-minute", config.account_rate_limit_per_minute,
         "authenticated writes per minute per account (default 300)")
      ->transform(kMillion);
  option("--account-rate-limit-burst", config.account_rate_limit_burst,
         "authenticated write burst per account (default 100)")
      ->transform(kMillion);
  option("--ws-ticket-rate-limit-per-minute", config.ws_ticket_rate_limit_per_minute,
         "live monitor tickets per minute per account (default 20)")
      ->transform(kMillion);
  duration("--alert-digest-minutes",
           "at most one fraud alert email per guest in this many minutes; 0 sends every alert "
           "(default 10)",
           &config.alert_digest_window, absl::Minutes(1), 0, 1440, "a number");
  option("--invites-per-address-per-hour", config.invites_per_address_per_hour,
         "collaborator invites and guest invitations sent to one address per hour (default 3)")
      ->transform(Range(1, 1000));
  option("--allow-log-sender", config.allow_log_sender,
         "on|off: allow production without --smtp-url (emails go to the log, links redacted) "
         "(default off)")
      ->transform(OnOff());
  duration("--link-ttl-days",
           "guest links also expire this many days after they are issued; 0: only the day after "
           "the event (default 0)",
           &config.link_ttl, absl::Hours(24), 0, 3650, "a number");
  duration("--access-log-retention-days",
           "delete access-log entries older than this many days; 0 keeps them (default 180)",
           &config.access_log_retention, absl::Hours(24), 0, 36500, "a number");
  duration("--retention-interval-ms", "", &config.retention_interval, absl::Milliseconds(1), 1,
           86400000, "a number");

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed.
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    for (CLI::Option* o : hidden) o->group("");
    ConfigParse result;
    // The whole help, also for `migrate --help`: the subcommands take every flag.
    result.message =
        app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal);
    return result;
  } catch (const CLI::ParseError& e) {
    return Fail(NameTheSource(app, e.what()));
  }

  // What no single option can check.
  if (config.keyring.size() == 0 && config.env == Environment::kProduction) {
    return Fail(
        "refusing to start in production without a keyring: set --keyring or "
        "GUESTGUARD_KEYRING");
  }
  if (threads->count() == 0) {
    // SQLite's one writer commits the writes of every handler waiting on it
    // together, so more handlers make bigger groups (one fsync for up to 64);
    // PostgreSQL runs them in parallel, and more handlers only queue inside
    // it (p99).
    config.threads = absl::StartsWith(config.database_url, "sqlite:") ? 64 : 8;
  }
  if (public_url->count() == 0) {
    const bool v6 = absl::StrContains(config.listen_host, ':');
    config.public_url = absl::StrCat("http://", v6 ? "[" : "", config.listen_host, v6 ? "]" : "",
                                     ":", config.listen_port);
  }
  if (origins->count() == 0) config.allowed_origins = {OriginOf(config.public_url)};
  if (!config.smtp.url.empty()) {
    // The message names the problem, never the password.
    if (absl::Status s = ValidateSmtpOptions(config.smtp); !s.ok()) {
      return Fail(absl::StrCat(Source(app, smtp_url), ": invalid SMTP settings: ", s.message()));
    }
  }
  if (!config.mail_dir.empty() && !config.smtp.url.empty()) {
    return Fail(
        absl::StrCat(Source(app, mail_dir), ": choose one of the mail sink and --smtp-url"));
  }
  if (!config.mail_dir.empty() && config.env == Environment::kProduction) {
    return Fail(absl::StrCat(
        Source(app, mail_dir),
        ": the mail directory is a development sink; production sends with --smtp-url"));
  }
  if (config.env == Environment::kProduction && config.smtp.url.empty() &&
      !config.allow_log_sender) {
    return Fail(
        "refusing to start in production without --smtp-url: the log sender would write every "
        "email to the log. Set --smtp-url / GUESTGUARD_SMTP_URL, or --allow-log-sender on / "
        "GUESTGUARD_ALLOW_LOG_SENDER=on to accept that (links are redacted)");
  }
  ConfigParse result;
  result.command = migrate->parsed()    ? Command::kMigrate
                   : notifier->parsed() ? Command::kNotifier
                                        : Command::kServe;
  result.config = std::move(config);
  return result;
}

}  // namespace guestguard::server
