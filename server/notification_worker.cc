// Copyright 2026 GuestGuard authors.
#include "server/notification_worker.h"

#include <sodium.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "guestguard/access_scored.h"
#include "guestguard/status_macros.h"
#include "server/alert_digest.h"
#include "server/email_templates.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxPayload = 256 * 1024;
constexpr size_t kMaxErrorText = 1000;
constexpr char kSealedPrefix[] = "gs1.";
// A stored body holding both parts: "gm1." + {"text": ..., "html": ...}.
// Rows written before emails had HTML hold the text alone.
constexpr char kEmailPrefix[] = "gm1.";

std::string StoreEmail(const RenderedEmail& email) {
  return kEmailPrefix +
         boost::json::serialize(boost::json::object{{"text", email.text}, {"html", email.html}});
}

// Fills n->text (and n->html) from a stored body; DataLoss for a damaged one.
absl::Status ReadStoredEmail(std::string body, Notification* n) {
  if (!absl::StartsWith(body, kEmailPrefix)) {
    n->text = std::move(body);
    return absl::OkStatus();
  }
  boost::system::error_code ec;
  boost::json::value v =
      boost::json::parse(std::string_view(body).substr(sizeof(kEmailPrefix) - 1), ec);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  const boost::json::value* text = o != nullptr ? o->if_contains("text") : nullptr;
  const boost::json::value* html = o != nullptr ? o->if_contains("html") : nullptr;
  if (text == nullptr || !text->is_string() || html == nullptr || !html->is_string()) {
    return absl::DataLossError("a stored email body is damaged");
  }
  n->text = std::string(text->as_string());
  n->html = std::string(html->as_string());
  return absl::OkStatus();
}

absl::StatusOr<boost::json::object> ParsePayload(const Message& message) {
  if (message.payload.size() > kMaxPayload) return absl::InvalidArgumentError("payload too large");
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(message.payload, ec);
  if (ec || !v.is_object()) return absl::InvalidArgumentError("payload is not a JSON object");
  return std::move(v.as_object());
}

// An id carried as a decimal string (as the access.scored payload's ids are):
// a positive integer.
absl::StatusOr<int64_t> PositiveId(absl::string_view text, std::string_view name) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(text, &id) || id <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("payload lacks a valid ", std::string(name)));
  }
  return id;
}

// An id field: a positive integer, as a JSON number or a decimal string.
absl::StatusOr<int64_t> IdField(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  if (v != nullptr && v->is_string()) {
    return PositiveId(absl::string_view(v->as_string().data(), v->as_string().size()), name);
  }
  if (v != nullptr && v->is_int64() && v->as_int64() > 0) return v->as_int64();
  return absl::InvalidArgumentError(absl::StrCat("payload lacks a valid ", std::string(name)));
}

std::string TextField(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string Clip(absl::string_view s, size_t n) { return std::string(s.substr(0, n)); }

// The guest and event a guest notification speaks of; nullopt when the guest
// was deleted since (nobody to tell).
struct GuestContact {
  std::string email;
  std::string guest;
  std::string event;
  absl::Time starts_at;
  std::string venue;
  std::string host;  // The name of the event's creator ("" if the account is gone).
};

absl::StatusOr<std::optional<GuestContact>> LoadGuestContact(sql::Database& db, int64_t event_id,
                                                             int64_t guest_id) {
  sql::Rows rows;
  GG_RETURN_IF_ERROR(db.Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT g.email, g.name, e.name, e.starts_at, e.venue,"
                                      " u.name FROM guests g JOIN events e ON e.id = g.event_id"
                                      " LEFT JOIN users u ON u.id = e.created_by"
                                      " WHERE g.id = ? AND g.event_id = ?",
                                      {sql::Int(guest_id), sql::Int(event_id)}));
    return absl::OkStatus();
  }));
  if (rows.empty()) return std::optional<GuestContact>();
  GuestContact g;
  GG_ASSIGN_OR_RETURN(g.email, rows.Text(0, 0));
  GG_ASSIGN_OR_RETURN(g.guest, rows.Text(0, 1));
  GG_ASSIGN_OR_RETURN(g.event, rows.Text(0, 2));
  GG_ASSIGN_OR_RETURN(g.starts_at, rows.Time(0, 3));
  GG_ASSIGN_OR_RETURN(g.venue, rows.Text(0, 4));
  GG_ASSIGN_OR_RETURN(g.host, rows.Text(0, 5));  // NULL reads as "".
  return std::optional<GuestContact>(std::move(g));
}

}  // namespace

struct NotificationWorker::Pending {
  std::optional<int64_t> event_id;
  std::string recipient;
  std::string type;
  std::string subject;
  std::string body;                                     // Sealed when it holds a secret.
  std::optional<int64_t> guest_id = std::nullopt;       // The guest it is about, if any.
  std::optional<int64_t> access_log_id = std::nullopt;  // The access (fraud alerts).
};

NotificationWorker::NotificationWorker(std::shared_ptr<sql::Database> db,
                                       std::shared_ptr<Store> store,
                                       std::shared_ptr<NotificationSender> sender,
                                       SecretSealer sealer, std::shared_ptr<Logger> logger,
                                       NotificationWorkerOptions options)
    : db_(std::move(db)),
      store_(std::move(store)),
      sender_(std::move(sender)),
      sealer_(std::move(sealer)),
      logger_(std::move(logger)),
      options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<NotificationWorker>> NotificationWorker::Start(
    std::shared_ptr<sql::Database> db, std::shared_ptr<Store> store, Bus& bus,
    std::shared_ptr<NotificationSender> sender, SecretSealer sealer, std::shared_ptr<Logger> logger,
    NotificationWorkerOptions options) {
  if (!db || !store) return absl::InvalidArgumentError("notification worker: db and store");
  if (options.max_attempts < 1 || options.batch < 1 || options.max_deliveries < 1 ||
      options.initial_backoff <= absl::ZeroDuration() ||
      options.max_backoff < options.initial_backoff ||
      options.poll_interval <= absl::ZeroDuration() || options.lease <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("invalid notification worker options");
  }
  std::unique_ptr<NotificationWorker> w(
      new NotificationWorker(std::move(db), std::move(store), std::move(sender), std::move(sealer),
                             std::move(logger), std::move(options)));
  NotificationWorker* self = w.get();
  using HandlerMethod = absl::Status (NotificationWorker::*)(const Message&);
  const std::pair<std::string_view, HandlerMethod> consumers[] = {
      {kSubjectRsvpConfirmed, &NotificationWorker::HandleRsvpConfirmed},
      {kSubjectAccessScored, &NotificationWorker::HandleAccessScored},
      {kSubjectCollaboratorInvited, &NotificationWorker::HandleCollaboratorInvited},
      {kSubjectGuestInvited, &NotificationWorker::HandleGuestInvited},
      {kSubjectAccountEmail, &NotificationWorker::HandleAccountEmail},
  };
  for (const auto& [subject, method] : consumers) {
    const std::string consumer = "notifier." + std::string(subject);
    SubscribeOptions sub;
    sub.max_deliveries = self->options_.max_deliveries;
    sub.initial_backoff = absl::Milliseconds(200);
    sub.max_backoff = absl::Seconds(30);
    sub.from_oldest = true;  // First start after web nodes published: miss nothing.
    sub.dead_letter = [self, consumer](const Message& m, const absl::Status& error) {
      self->RecordDeadLetter(consumer, m, error);
    };
    // The consumer name is a NATS durable name: no dots.
    std::string durable = consumer;
    std::replace(durable.begin(), durable.end(), '.', '-');
    GG_ASSIGN_OR_RETURN(
        std::unique_ptr<Subscription> s,
        bus.Subscribe(
            self->options_.subject_prefix + "." + std::string(subject), durable,
            [self, method = method](const Message& m) { return (self->*method)(m); }, sub));
    w->subscriptions_.push_back(std::move(s));
  }
  w->thread_ = std::thread([self] { self->Run(); });
  return w;
}

NotificationWorker::~NotificationWorker() { Stop(); }

void NotificationWorker::Stop() {
  subscriptions_.clear();  // Waits for a handler in progress.
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

bool NotificationWorker::Stopping() {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void NotificationWorker::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void NotificationWorker::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || woken_; };
      mu_.AwaitWithTimeout(absl::Condition(&ready), options_.poll_interval);
      if (stopping_) return;
      woken_ = false;
    }
    absl::StatusOr<int> attempted = DeliverDue();
    if (!attempted.ok()) {
      logger_->Warn("notification delivery pass failed",
                    {{"error", std::string(attempted.status().message())}});
    } else if (*attempted == options_.batch) {
      Wake();  // A full batch: more may be due.
    }
  }
}

absl::Duration NotificationWorker::Backoff(int attempts) const {
  absl::Duration delay = options_.initial_backoff;
  for (int i = 1; i < attempts && delay < options_.max_backoff; ++i) delay *= 2;
  delay = std::min(delay, options_.max_backoff);
  // Uniform in [delay/2, delay]: retries of many messages spread out.
  const int64_t half = absl::ToInt64Microseconds(delay) / 2;
  const uint32_t r =
      randombytes_uniform(static_cast<uint32_t>(std::min<int64_t>(half, 1 << 30)) + 1);
  return absl::Microseconds(half + static_cast<int64_t>(r));
}

absl::StatusOr<int> NotificationWorker::DeliverDue() {
  const absl::Time now = NowMicros(*SystemClock());
  const bool postgres = db_->dialect() == sql::Dialect::kPostgres;
  sql::Rows claimed;
  GG_RETURN_IF_ERROR(db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(
        claimed, c.Query(absl::StrCat("UPDATE notifications SET attempts = attempts + 1,"
                                      " next_attempt_at = ?, updated_at = ?"
                                      " WHERE id IN (SELECT id FROM notifications"
                                      " WHERE status = 'pending' AND next_attempt_at <= ?"
                                      " ORDER BY next_attempt_at, id LIMIT ?",
                                      postgres ? " FOR UPDATE SKIP LOCKED" : "",
                                      ")"
                                      " RETURNING id, recipient, type, subject, body, attempts"),
                         {now + options_.lease, now, now, sql::Int(options_.batch)}));
    return absl::OkStatus();
  }));
  for (size_t i = 0; i < claimed.size(); ++i) {
    GG_ASSIGN_OR_RETURN(const int64_t id, claimed.Int(i, 0));
    if (Stopping()) {
      // Shutting down: hand the claims not attempted back at once, uncounted.
      GG_RETURN_IF_ERROR(db_->Autocommit([&](sql::Connection& c) -> absl::Status {
        return c
            .Exec(
                "UPDATE notifications SET attempts = attempts - 1, next_attempt_at = ?"
                " WHERE id = ?",
                {now, sql::Int(id)})
            .status();
      }));
      continue;
    }
    Notification n;
    GG_ASSIGN_OR_RETURN(n.recipient, claimed.Text(i, 1));
    GG_ASSIGN_OR_RETURN(n.type, claimed.Text(i, 2));
    GG_ASSIGN_OR_RETURN(n.subject, claimed.Text(i, 3));
    GG_ASSIGN_OR_RETURN(std::string body, claimed.Text(i, 4));
    GG_ASSIGN_OR_RETURN(const int64_t attempts, claimed.Int(i, 5));
    const bool sealed = absl::StartsWith(body, kSealedPrefix);
    n.message_id = absl::StrCat("<notification-", id, "@guestguard>");
    absl::StatusOr<std::string> opened = sealed ? sealer_.Open(body) : std::move(body);
    const absl::Status readable =
        opened.ok() ? ReadStoredEmail(*std::move(opened), &n) : opened.status();
    const absl::StatusOr<std::string> provider_id =
        readable.ok() ? sender_->Send(n) : absl::StatusOr<std::string>(readable);
    const absl::Time at = NowMicros(*SystemClock());
    // Errors no retry can fix (a bad address, a retired sealing key) fail at once.
    const bool permanent = !provider_id.ok() && !absl::IsUnavailable(provider_id.status()) &&
                           !absl::IsDeadlineExceeded(provider_id.status());
    std::string status = "pending";
    if (provider_id.ok()) {
      status = "sent";
    } else if (permanent || attempts >= options_.max_attempts) {
      status = "failed";
    }
    const std::string error =
        provider_id.ok() ? std::string() : Clip(provider_id.status().message(), kMaxErrorText);
    absl::Status recorded = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
      return c
          .Exec(absl::StrCat("UPDATE notifications SET status = ?, provider_id = ?, last_error = ?,"
                             " next_attempt_at = ?, updated_at = ?",
                             sealed && status != "pending" ? ", body = ''" : "", " WHERE id = ?"),
                {sql::Text(status), provider_id.ok() ? sql::Text(*provider_id) : sql::Null(),
                 error.empty() ? sql::Null() : sql::Text(error),
                 status == "pending" ? at + Backoff(static_cast<int>(attempts)) : at, at,
                 sql::Int(id)})
          .status();
    });
    boost::json::object fields{
        {"notification_id", id}, {"type", n.type}, {"attempt", attempts}, {"status", status}};
    if (!error.empty()) fields["error"] = error;
    if (status == "failed") {
      logger_->Error("notification failed", std::move(fields));
    } else if (status == "pending") {
      logger_->Warn("notification attempt failed; will retry", std::move(fields));
    } else {
      logger_->Info("notification sent", std::move(fields));
    }
    if (!recorded.ok()) return recorded;  // The lease brings the row back.
  }
  return static_cast<int>(claimed.size());
}

absl::Status NotificationWorker::Record(std::string_view consumer, const Message& message,
                                        const std::vector<Pending>& notifications) {
  // A message that notifies nobody (most accesses score low) has no effect to
  // repeat on redelivery: no inbox row, no write at all.
  if (notifications.empty()) return absl::OkStatus();
  const absl::Time now = NowMicros(*SystemClock());
  GG_RETURN_IF_ERROR(db_->Transact([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(const int64_t fresh,
                        c.Exec("INSERT INTO inbox (consumer, message_id, processed_at)"
                               " VALUES (?, ?, ?) ON CONFLICT (consumer, message_id) DO NOTHING",
                               {sql::Text(consumer), sql::Text(message.id), now}));
    if (fresh == 0) return absl::OkStatus();  // Handled before: a redelivery.
    for (const Pending& p : notifications) {
      GG_RETURN_IF_ERROR(
          c.Exec("INSERT INTO notifications (event_id, source_id, recipient, channel, type,"
                 " subject, body, status, next_attempt_at, created_at, updated_at, guest_id,"
                 " access_log_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)"
                 " ON CONFLICT (source_id, type, recipient) DO NOTHING",
                 {p.event_id ? sql::Int(*p.event_id) : sql::Null(), sql::Text(message.id),
                  sql::Text(p.recipient), sql::Text(sender_->channel()), sql::Text(p.type),
                  sql::Text(p.subject), sql::Text(p.body), now, now, now,
                  p.guest_id ? sql::Int(*p.guest_id) : sql::Null(),
                  p.access_log_id ? sql::Int(*p.access_log_id) : sql::Null()})
              .status());
    }
    return absl::OkStatus();
  }));
  Wake();
  return absl::OkStatus();
}

void NotificationWorker::RecordDeadLetter(std::string_view consumer, const Message& message,
                                          const absl::Status& error) {
  logger_->Error("message dead-lettered", {{"consumer", std::string(consumer)},
                                           {"message_id", message.id},
                                           {"subject", message.subject},
                                           {"attempts", message.attempt},
                                           {"error", std::string(error.message())}});
  absl::Status s = db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    return c
        .Exec(
            "INSERT INTO dead_letters (consumer, message_id, subject, payload, error, attempts,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {sql::Text(consumer), sql::Text(message.id), sql::Text(message.subject),
             sql::Text(Clip(message.payload, 64 * 1024)),
             sql::Text(Clip(error.message(), kMaxErrorText)), sql::Int(message.attempt),
             NowMicros(*SystemClock())})
        .status();
  });
  if (!s.ok()) {
    logger_->Error("cannot record a dead letter", {{"error", std::string(s.message())}});
  }
}

absl::Status NotificationWorker::HandleRsvpConfirmed(const Message& message) {
  GG_ASSIGN_OR_RETURN(boost::json::object payload, ParsePayload(message));
  GG_ASSIGN_OR_RETURN(const int64_t event_id, IdField(payload, "event_id"));
  GG_ASSIGN_OR_RETURN(const int64_t guest_id, IdField(payload, "guest_id"));
  GG_ASSIGN_OR_RETURN(const std::optional<GuestContact> contact,
                      LoadGuestContact(*db_, event_id, guest_id));
  std::vector<Pending> out;
  if (contact && !contact->email.empty()) {
    const boost::json::value* plus = payload.if_contains("plus_ones");
    const RenderedEmail email = RenderEmail(RsvpConfirmationEmail{
        .guest = contact->guest,
        .event = contact->event,
        .host = contact->host,
        .starts_at = contact->starts_at,
        .venue = contact->venue,
        .response = TextField(payload, "response"),
        .plus_ones = plus != nullptr && plus->is_int64() ? plus->as_int64() : 0});
    out.push_back(
        Pending{event_id, contact->email, "rsvp_confirmation", email.subject, StoreEmail(email)});
  }
  return Record("notifier.rsvp.confirmed", message, out);
}

absl::Status NotificationWorker::HandleAccessScored(const Message& message) {
  // The library's one codec (guestguard/access_scored.h), as the monitor reads it.
  GG_ASSIGN_OR_RETURN(const AccessRecord record, DecodeAccessScored(message.payload));
  GG_ASSIGN_OR_RETURN(const int64_t event_id, PositiveId(record.event_id, "event_id"));
  std::vector<Pending> out;
  if (record.band == Band::kHigh || record.band == Band::kBlock) {
    const int64_t guest_id = PositiveId(record.guest_id, "guest_id").value_or(0);
    const int64_t access_id = PositiveId(record.id, "access_log_id").value_or(0);
    sql::Rows members, names;
    GG_ASSIGN_OR_RETURN(const AlertDigest digest,
                        DecideFraudAlert(*db_, *store_, event_id, guest_id, access_id,
                                         NowMicros(*SystemClock()), options_.alert_digest_window));
    GG_RETURN_IF_ERROR(db_->Autocommit([&](sql::Connection& c) -> absl::Status {
      if (!digest.send) return absl::OkStatus();
      GG_ASSIGN_OR_RETURN(members, c.Query("SELECT u.email FROM event_members m"
                                           " JOIN users u ON u.id = m.user_id"
                                           " WHERE m.event_id = ? AND m.role IN ('owner', 'editor')"
                                           " ORDER BY u.id",
                                           {sql::Int(event_id)}));
      GG_ASSIGN_OR_RETURN(names, c.Query("SELECT e.name, g.name FROM events e"
                                         " LEFT JOIN guests g ON g.id = ? AND g.event_id = e.id"
                                         " WHERE e.id = ?",
                                         {sql::Int(guest_id), sql::Int(event_id)}));
      return absl::OkStatus();
    }));
    if (!digest.send) {
      logger_->Info("fraud alert held back (digest window)",
                    {{"event_id", event_id}, {"guest_id", guest_id}});
    } else if (!names.empty()) {  // An event deleted since: nobody to alert.
      FraudAlertEmail alert;
      GG_ASSIGN_OR_RETURN(alert.event, names.Text(0, 0));
      if (!names.IsNull(0, 1)) alert.guest = names.Text(0, 1).value_or("");
      alert.kind = std::string(AccessKindName(record.kind));
      alert.client_ip = record.client_ip;
      alert.score = record.score;
      alert.blocked = record.blocked;
      alert.label = record.band == Band::kBlock ? "Blocked" : "Suspicious";
      alert.more_since_last = digest.more_since_last;
      alert.digest_window = options_.alert_digest_window;
      for (const Reason& reason : record.reasons) {
        alert.reasons.push_back({reason.code, reason.score, reason.message});
      }
      // The guest's timeline in the console (web/console/lib/route.js).
      alert.console_link =
          absl::StrCat(options_.public_url, "/console/events/", event_id, "/activity",
                       guest_id > 0 ? absl::StrCat("?guest=", guest_id) : std::string());
      const RenderedEmail email = RenderEmail(alert);
      const std::string body = StoreEmail(email);
      for (size_t i = 0; i < members.size(); ++i) {
        GG_ASSIGN_OR_RETURN(std::string recipient, members.Text(i, 0));
        Pending p{event_id, recipient, "fraud_alert", email.subject, body};
        if (!names.IsNull(0, 1)) p.guest_id = guest_id;  // The digest's key.
        if (access_id > 0) p.access_log_id = access_id;
        out.push_back(std::move(p));
      }
    }
  }
  return Record("notifier.access.scored", message, out);
}

absl::Status NotificationWorker::HandleCollaboratorInvited(const Message& message) {
  GG_ASSIGN_OR_RETURN(boost::json::object payload, ParsePayload(message));
  GG_ASSIGN_OR_RETURN(const int64_t event_id, IdField(payload, "event_id"));
  const std::string email = TextField(payload, "email");
  if (email.empty()) return absl::InvalidArgumentError("payload lacks the email");
  // The link holds the invite token: it travels sealed and is stored sealed.
  GG_ASSIGN_OR_RETURN(std::string link, sealer_.Open(TextField(payload, "link_sealed")));
  const RenderedEmail rendered =
      RenderEmail(CollaboratorInviteEmail{.event = TextField(payload, "event_name"),
                                          .inviter = TextField(payload, "inviter_name"),
                                          .role = TextField(payload, "role"),
                                          .link = std::move(link),
                                          .expires_at = TextField(payload, "expires_at")});
  std::vector<Pending> out;
  out.push_back(Pending{event_id, email, "collaborator_invite", rendered.subject,
                        sealer_.Seal(StoreEmail(rendered))});
  return Record("notifier.collaborator.invited", message, out);
}

absl::Status NotificationWorker::HandleGuestInvited(const Message& message) {
  GG_ASSIGN_OR_RETURN(boost::json::object payload, ParsePayload(message));
  GG_ASSIGN_OR_RETURN(const int64_t event_id, IdField(payload, "event_id"));
  GG_ASSIGN_OR_RETURN(const int64_t guest_id, IdField(payload, "guest_id"));
  const std::string kind = TextField(payload, "kind");
  if (kind != "invitation" && kind != "reminder") {
    return absl::InvalidArgumentError("payload lacks a valid kind");
  }
  // The guest's link is their credential: it travels sealed and is stored sealed.
  GG_ASSIGN_OR_RETURN(std::string link, sealer_.Open(TextField(payload, "link_sealed")));
  GG_ASSIGN_OR_RETURN(const std::optional<GuestContact> contact,
                      LoadGuestContact(*db_, event_id, guest_id));
  std::vector<Pending> out;
  if (contact && !contact->email.empty()) {
    const bool reminder = kind == "reminder";
    const RenderedEmail email =
        RenderEmail(GuestInvitationEmail{.guest = contact->guest,
                                         .event = contact->event,
                                         .host = TextField(payload, "host_name"),
                                         .starts_at = contact->starts_at,
                                         .venue = contact->venue,
                                         .link = std::move(link),
                                         .reminder = reminder});
    Pending p{event_id, contact->email, reminder ? "guest_reminder" : "guest_invitation",
              email.subject, sealer_.Seal(StoreEmail(email))};
    p.guest_id = guest_id;
    out.push_back(std::move(p));
  }
  return Record("notifier.guest.invited", message, out);
}

absl::Status NotificationWorker::HandleAccountEmail(const Message& message) {
  GG_ASSIGN_OR_RETURN(boost::json::object payload, ParsePayload(message));
  const std::string email = TextField(payload, "email");
  if (email.empty()) return absl::InvalidArgumentError("payload lacks the email");
  const std::string kind = TextField(payload, "kind");
  const std::string name = TextField(payload, "name");
  const std::string sign_in = TextField(payload, "sign_in_url");
  std::vector<Pending> out;
  if (kind == "verify") {
    // The link signs in: it travels sealed and is stored sealed.
    GG_ASSIGN_OR_RETURN(std::string link, sealer_.Open(TextField(payload, "link_sealed")));
    const std::string text = absl::StrCat(
        "Hello ", name,
        ",\n\nPlease verify your email address for GuestGuard by opening this "
        "link. It works once, signs you in, and expires at ",
        TextField(payload, "expires_at"), ":\n", link,
        "\n\nIf you did not sign up for GuestGuard, ignore this message: without this link "
        "nobody can use the account.\n");
    out.push_back(Pending{std::nullopt, email, "email_verification",
                          "Verify your email address for GuestGuard", sealer_.Seal(text)});
  } else if (kind == "signup_attempt") {
    const std::string text = absl::StrCat(
        "Hello ", name,
        ",\n\nSomeone just tried to create a GuestGuard account with this email address, which "
        "already has one. Nothing was changed.\n\nIf it was you, sign in with your existing "
        "password: ",
        sign_in,
        "\nGuestGuard has no password reset yet: if you forgot your password, ask the operator "
        "of this GuestGuard server.\n\nIf it was not you, you can ignore this message.\n");
    out.push_back(Pending{std::nullopt, email, "signup_notice",
                          "Someone tried to sign up with your email address", text});
  } else {
    return absl::InvalidArgumentError("payload lacks a valid kind");
  }
  return Record("notifier.account.email", message, out);
}

}  // namespace guestguard::server
