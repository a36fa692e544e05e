// Copyright 2026 GuestGuard authors.
//
// The server's configuration: command-line flags, then GUESTGUARD_* environment
// variables, then defaults (a flag beats its variable, which beats the default).
//
//   flag                  variable                    default
//   --listen HOST:PORT    GUESTGUARD_LISTEN           127.0.0.1:8080
//   --database URL        GUESTGUARD_DATABASE         sqlite:guestguard.db
//   --keyring SPEC        GUESTGUARD_KEYRING          (none; required in production)
//   --env NAME            GUESTGUARD_ENV              development
//   --threads N           GUESTGUARD_THREADS          64 on SQLite, 8 on PostgreSQL
//   --io-threads N        GUESTGUARD_IO_THREADS       0 (one per core, at most 16)
//   --log-level LEVEL     GUESTGUARD_LOG_LEVEL        info
//   --max-body BYTES      GUESTGUARD_MAX_BODY         1048576
//   --public-url URL      GUESTGUARD_PUBLIC_URL       http://<listen address>
//   --trusted-proxies CIDR,...  GUESTGUARD_TRUSTED_PROXIES  (none)
//   --rate-limit-per-minute N   GUESTGUARD_RATE_LIMIT_PER_MINUTE  60
//   --rate-limit-burst N        GUESTGUARD_RATE_LIMIT_BURST       20
//   --auth-rate-limit-per-minute N  GUESTGUARD_AUTH_RATE_LIMIT_PER_MINUTE  10
//   --auth-rate-limit-burst N       GUESTGUARD_AUTH_RATE_LIMIT_BURST       5
//   --bus URL             GUESTGUARD_BUS              inprocess (or nats://HOST:PORT)
//   --subject-prefix P    GUESTGUARD_SUBJECT_PREFIX   guestguard
//   --allowed-origins O,...  GUESTGUARD_ALLOWED_ORIGINS  (the public URL's origin only)
//   --ws-send-queue N     GUESTGUARD_WS_SEND_QUEUE    256
//   --notifier on|off     GUESTGUARD_NOTIFIER         on (run the notification worker here)
//   --smtp-url URL        GUESTGUARD_SMTP_URL         (none: the log sender)
//   --smtp-tls MODE       GUESTGUARD_SMTP_TLS         required (none|try|required)
//   --smtp-username U     GUESTGUARD_SMTP_USERNAME    (none)
//   --smtp-password P     GUESTGUARD_SMTP_PASSWORD    (none; prefer the variable)
//   --smtp-from ADDR      GUESTGUARD_SMTP_FROM        GuestGuard <guestguard@localhost>
//   --notify-max-attempts N  GUESTGUARD_NOTIFY_MAX_ATTEMPTS  6
//   --ui-dir DIR          GUESTGUARD_UI_DIR           (none: the web UI embedded at build time)
//   --scorer-url URL      GUESTGUARD_SCORER_URL       (none: heuristic only; http:// only)
//   --scorer-deadline-ms N   GUESTGUARD_SCORER_DEADLINE_MS   250
//   --scorer-connections N   GUESTGUARD_SCORER_CONNECTIONS   8
//   --metrics-listen HOST:PORT  GUESTGUARD_METRICS_LISTEN  (none; see metrics_listen)
//   --max-events-per-account N  GUESTGUARD_MAX_EVENTS_PER_ACCOUNT  100 (409 beyond)
//   --max-guests-per-event N    GUESTGUARD_MAX_GUESTS_PER_EVENT    10000 (409 beyond)
//   --max-imports-per-hour N    GUESTGUARD_MAX_IMPORTS_PER_HOUR    20 (per event; 429 beyond)
//   --mail-dir DIR        GUESTGUARD_MAIL_DIR         (none; development mail sink)
//   --max-connections N   GUESTGUARD_MAX_CONNECTIONS  10000
//   --max-connections-per-address N  GUESTGUARD_MAX_CONNECTIONS_PER_ADDRESS  256
//   --login-max-failures N  GUESTGUARD_LOGIN_MAX_FAILURES  5
//   --account-rate-limit-per-minute N  GUESTGUARD_ACCOUNT_RATE_LIMIT_PER_MINUTE  300
//   --account-rate-limit-burst N       GUESTGUARD_ACCOUNT_RATE_LIMIT_BURST       100
//   --ws-ticket-rate-limit-per-minute N  GUESTGUARD_WS_TICKET_RATE_LIMIT_PER_MINUTE  20
//   --alert-digest-minutes N  GUESTGUARD_ALERT_DIGEST_MINUTES  10 (0: every alert)
//   --invites-per-address-per-hour N  GUESTGUARD_INVITES_PER_ADDRESS_PER_HOUR  3
//   --allow-log-sender    GUESTGUARD_ALLOW_LOG_SENDER  off (production refuses the log sender)
//   --link-ttl-days N     GUESTGUARD_LINK_TTL_DAYS    0 (links expire the day after the event)
//   --access-log-retention-days N  GUESTGUARD_ACCESS_LOG_RETENTION_DAYS  180 (0: keep forever)
// Hidden (tests and operators tuning timeouts), in milliseconds:
//   --header-timeout-ms   GUESTGUARD_HEADER_TIMEOUT_MS    10000
//   --request-timeout-ms  GUESTGUARD_REQUEST_TIMEOUT_MS   30000
//   --shutdown-timeout-ms GUESTGUARD_SHUTDOWN_TIMEOUT_MS  10000
//   --ws-ticket-ttl-ms    GUESTGUARD_WS_TICKET_TTL_MS     30000 (at most 30000)
//   --ws-idle-timeout-ms  GUESTGUARD_WS_IDLE_TIMEOUT_MS   60000
//   --outbox-poll-ms      GUESTGUARD_OUTBOX_POLL_MS       1000
//   --notify-backoff-ms   GUESTGUARD_NOTIFY_BACKOFF_MS    2000 (first retry; doubles)
//   --notify-poll-ms      GUESTGUARD_NOTIFY_POLL_MS       1000
//   --session-lifetime-ms      GUESTGUARD_SESSION_LIFETIME_MS      2592000000 (30 days)
//   --session-idle-timeout-ms  GUESTGUARD_SESSION_IDLE_TIMEOUT_MS  604800000 (7 days)
//   --monitor-recheck-ms       GUESTGUARD_MONITOR_RECHECK_MS       3000
//   --retention-interval-ms  GUESTGUARD_RETENTION_INTERVAL_MS  3600000 (the prune job's period)
//
// The variables are read from the process environment; an empty variable
// counts as unset. `migrate` and `notifier` are subcommands taking the same
// flags (ConfigParse::command says which was given).
//
//   ConfigParse parsed = ParseConfig(args);
//   if (!parsed.config) { std::fputs(parsed.message.c_str(), stderr); return parsed.exit_code; }
#ifndef GUESTGUARD_SERVER_CONFIG_H_
#define GUESTGUARD_SERVER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "guestguard/cidr.h"
#include "guestguard/token.h"
#include "server/log.h"
#include "server/smtp_sender.h"

namespace guestguard::server {

enum class Environment { kDevelopment, kProduction };

// A validated configuration. A value type; thread-compatible.
struct Config {
  // Where to listen. Default: 127.0.0.1:8080. Port 0 picks a free port.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  // "sqlite:PATH", "sqlite::memory:", "postgresql://..." or "postgres://...".
  // Default: sqlite:guestguard.db.
  std::string database_url = "sqlite:guestguard.db";
  // The signing keys. Default: empty (development uses the keyring file next
  // to the SQLite database, see keys.h; production refuses to start).
  Keyring keyring;
  Environment env = Environment::kDevelopment;
  // Threads running the handlers of routes that may block (database, Argon2,
  // network): how many requests are handled at once, and so how many can wait
  // on the database. Requests beyond these queue, up to max_connections, then
  // get 503. Default (set by ParseConfig when not given): 64 on SQLite, 8 on
  // PostgreSQL. Must be 1-256.
  int threads = 8;
  // Threads running the io_context: they only parse, route, write and run the
  // inline routes (/healthz, the web files). 0: one per CPU core (at most 16).
  // Must be 0-64.
  int io_threads = 0;
  LogLevel log_level = LogLevel::kInfo;
  // Largest request body accepted (413 above). Default: 1 MiB. Must be > 0.
  size_t max_body = 1024 * 1024;
  // The base URL guests reach the server at (guest links are
  // "<public_url>/rsvp/<token>"): http:// or https://, no trailing '/'.
  // Default: "http://<listen_host>:<listen_port>" ("[v6]" for IPv6 hosts).
  std::string public_url;
  // Largest request header accepted (431 above). Default: 8 KiB.
  size_t max_header = 8 * 1024;
  // Time allowed to receive a request's header, idle keep-alive time included.
  // Default: 10 s.
  absl::Duration header_timeout = absl::Seconds(10);
  // Time allowed for a whole request (header, body, response). Default: 30 s.
  absl::Duration request_timeout = absl::Seconds(30);
  // Time in-flight requests get to finish after SIGINT/SIGTERM. Default: 10 s.
  absl::Duration shutdown_timeout = absl::Seconds(10);
  // Requests a client may pipeline ahead of its responses; beyond, the
  // connection is closed. Default: 8.
  int max_pipelined = 8;
  // Peers whose X-Forwarded-For is believed (see client_ip.h). Default: none.
  CidrSet trusted_proxies;
  // Per-client-IP token bucket on the public guest endpoints (GET/POST
  // /rsvp/{token}, POST /checkin/{token}): refill per minute and bucket size.
  // Defaults: 60 and 20. Both must be >= 1.
  int64_t rate_limit_per_minute = 60;
  int64_t rate_limit_burst = 20;
  // The same, separately, for POST /auth/signup and POST /auth/login.
  // Defaults: 10 and 5. Both must be 1-1000000.
  int64_t auth_rate_limit_per_minute = 10;
  int64_t auth_rate_limit_burst = 5;
  // The transport of domain events: "inprocess" (the embedded default; one
  // process only) or "nats://HOST:PORT" (NATS JetStream; shared by every
  // process of a deployment). Default: "inprocess".
  std::string bus_url = "inprocess";
  // Subjects are "<subject_prefix>.rsvp.confirmed", ... Default: "guestguard".
  // Letters, digits, '-', '_' and inner dots; at most 64 bytes.
  std::string subject_prefix = "guestguard";
  // Origins ("scheme://host[:port]", lower-cased) a browser may open the live
  // monitor WebSocket from; a request without an Origin header (not a
  // browser) is allowed. Default: the origin of public_url only.
  std::vector<std::string> allowed_origins;
  // Messages waiting to be written per monitor WebSocket; a client that lets
  // more pile up is closed with 1008. Default: 256. Must be 1-100000.
  size_t ws_send_queue = 256;
  // Lifetime of a monitor ticket. Default: 30 s. Must be 1 ms - 30 s.
  absl::Duration ws_ticket_ttl = absl::Seconds(30);
  // A monitor WebSocket is pinged after half of this without incoming data and
  // closed after all of it. Default: 60 s.
  absl::Duration ws_idle_timeout = absl::Seconds(60);
  // How often the outbox relay looks for rows other processes wrote (local
  // writes wake it at once). Default: 1 s.
  absl::Duration outbox_poll_interval = absl::Seconds(1);
  // Run the notification worker in this process (off when a separate
  // `guestguard-server notifier` process does it). Default: true.
  bool notifier = true;
  // Email delivery; an empty url means the log sender (development).
  SmtpOptions smtp;
  // Delivery attempts per notification before it is failed (1-100), the first
  // retry's backoff (doubling, with jitter) and the delivery loop's poll.
  int notify_max_attempts = 6;
  absl::Duration notify_backoff = absl::Seconds(2);
  absl::Duration notify_poll_interval = absl::Seconds(1);
  // Serve the web UI (the web/ tree) from this directory, read at every
  // request, instead of the copy embedded at build time (development).
  // Default: empty (embedded). Must be an existing directory.
  std::string ui_dir;
  // A remote model service every check asks (see remote_scorer.h): a URL
  // ParseScorerUrl accepts, or empty for the built-in heuristic only.
  std::string scorer_url;
  // How long a check waits for it before the heuristic verdict stands
  // (fail-open). Default: 250 ms. Must be 1 ms - 10 s.
  absl::Duration scorer_deadline = absl::Milliseconds(250);
  // Connections to it (and scorer calls in flight) at once. Default: 8. 1-256.
  int scorer_connections = 8;
  // Serve GET /metrics on metrics_host:metrics_port (only there) when set.
  // Default: unset — development serves /metrics on the public listener,
  // production serves it nowhere (MetricsOnPublicListener).
  bool metrics_listen = false;
  std::string metrics_host;
  uint16_t metrics_port = 0;
  // Quotas (server/quotas.h), each 1-1000000: events an account may have
  // created (that still exist), guests per event (a CSV import that would
  // pass it is refused whole), and CSV imports committed per event in any
  // hour. Defaults: 100, 10000, 20.
  int64_t max_events_per_account = 100;
  int64_t max_guests_per_event = 10000;
  int64_t max_imports_per_hour = 20;
  // Development mail sink: every notification is written as an RFC 5322
  // .eml file (mode 0600) into this directory instead of being logged
  // (mail_dir_sender.h). Default: empty (off). Must be an existing directory;
  // refused together with smtp.url and in production.
  std::string mail_dir;
  // A session ends this long after sign-in. Default: 30 days. 1 ms - 365 days.
  absl::Duration session_lifetime = absl::Hours(24 * 30);
  // ... or after this long without a request. Default: 7 days. 1 ms - 365 days.
  absl::Duration session_idle_timeout = absl::Hours(24 * 7);
  // How often every open monitor WebSocket's session and role are checked
  // again (monitor_access.h). Default: 3 s. 10 ms - 60 s.
  absl::Duration monitor_recheck_interval = absl::Seconds(3);
  // Connections open at once (HTTP and WebSocket), in total and per client
  // address (the socket peer's RateLimitKey: IPv4, or an IPv6 /64; peers in
  // trusted_proxies are exempt from the per-address cap). A connection over
  // either cap is accepted and closed at once, without an answer. Defaults:
  // 10000 and 256. Both 1-1000000.
  int max_connections = 10000;
  int max_connections_per_address = 256;
  // Failed logins of one account (by email, whatever the client IP) allowed
  // within 15 minutes; each further attempt within the window first waits 1,
  // 2, 4, ... s (at most 15 min; 429 with Retry-After meanwhile). A successful
  // login resets it. Default: 5. 1-1000.
  int login_max_failures = 5;
  // Per-account token bucket on every authenticated write (POST, PUT, PATCH,
  // DELETE with a bearer session): refill per minute and bucket size. Door
  // staff scanning passes on one shared account are writes too: 5 a second
  // sustained is a busy door, not an attack. Defaults: 300 and 100. Both
  // 1-1000000.
  int64_t account_rate_limit_per_minute = 300;
  int64_t account_rate_limit_burst = 100;
  // Monitor tickets (POST /events/{id}/ws-ticket) per account per minute; as
  // many may be taken at once. Default: 20. 1-1000000.
  int64_t ws_ticket_rate_limit_per_minute = 20;
  // At most one fraud alert email per guest within this window; the next one
  // says how many suspicious accesses came since. Default: 10 min. Zero: every
  // alert is sent. At most 24 h.
  absl::Duration alert_digest_window = absl::Minutes(10);
  // Invitations (collaborator invites, guest invitations and reminders) sent
  // to one address per hour, in this process. Default: 3. 1-1000.
  int invites_per_address_per_hour = 3;
  // Production refuses to start with the log sender (no smtp.url) unless this
  // is set: the log would hold what the emails say. Default: false.
  bool allow_log_sender = false;
  // Guest links expire the day after their event starts (starts_at + 1 day);
  // with a positive link_ttl they also expire this long after they are issued,
  // whichever comes first (GuardOptions.token_ttl). Default: zero (the event
  // alone decides). At most 3650 days.
  absl::Duration link_ttl = absl::ZeroDuration();
  // Access-log entries (with their feedback) older than this are deleted by a
  // background job running every retention_interval. Defaults: 180 days and
  // 1 h. Zero retention keeps them forever.
  absl::Duration access_log_retention = absl::Hours(24 * 180);
  absl::Duration retention_interval = absl::Hours(1);
};

// True when GET /metrics belongs on the public listener: development without
// --metrics-listen.
inline bool MetricsOnPublicListener(const Config& config) {
  return !config.metrics_listen && config.env == Environment::kDevelopment;
}

// The largest WebSocket message the server reads (bigger ones close the socket
// with 1009).
inline constexpr size_t kMaxWebSocketMessage = 64 * 1024;

// What the command line asks for: serve HTTP (no subcommand), `migrate`
// (migrate_command.h) or `notifier` (the notification worker without HTTP).
enum class Command { kServe, kMigrate, kNotifier };

// The outcome of parsing: a Config to run with and the command, or an exit
// code and a message (help text for --help with code 0; the reason for an
// invalid value with code 2, naming the flag, or the variable when the value
// came from the environment).
struct ConfigParse {
  std::optional<Config> config;
  Command command = Command::kServe;
  int exit_code = 0;
  std::string message;
};

// `args` excludes the program name. Reads the GUESTGUARD_* variables of the
// process environment.
ConfigParse ParseConfig(const std::vector<std::string>& args);

// "host:port" or "[v6]:port" → host and port. False when malformed.
bool ParseListen(std::string_view text, std::string* host, uint16_t* port);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_CONFIG_H_
