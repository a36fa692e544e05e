// Copyright 2026 GuestGuard authors.
//
// Outgoing notifications (collaborator invites, RSVP confirmations, fraud
// alerts) behind one small interface. The notification worker
// (notification_worker.h) decides what to send and retries; a sender only
// delivers one message.
//
//   Notification n{"collaborator_invite", "bob@example.com", "Join ...", "... <link>"};
//   absl::StatusOr<std::string> provider_id = sender->Send(n);
//
// The default, LogNotificationSender, writes each notification to the log at
// info level, link included: a development default, not a delivery channel.
// SmtpNotificationSender (smtp_sender.h) delivers email.
#ifndef GUESTGUARD_SERVER_NOTIFIER_H_
#define GUESTGUARD_SERVER_NOTIFIER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "server/log.h"
#include "server/metrics.h"

namespace guestguard::server {

// One message to one recipient. The text may hold a secret link (an invite
// token): senders deliver it but must not log it anywhere but the message.
struct Notification {
  std::string type;       // "collaborator_invite", "guest_invitation", "rsvp_confirmation", ...
  std::string recipient;  // A normalised email address.
  std::string subject;
  std::string text;        // Plain text.
  std::string html;        // The same message in HTML; empty: text only. Not logged.
  std::string message_id;  // Unique per notification ("<id@host>" for email); may be empty.
};

// Thread-safe: Send may be called concurrently.
class NotificationSender {
 public:
  virtual ~NotificationSender() = default;
  // The channel recorded with each notification: "log", "email".
  virtual std::string_view channel() const = 0;
  // Delivers `notification`; returns the provider's id for it (may be empty).
  // Unavailable (or any error) when it was not delivered: the worker retries.
  [[nodiscard]] virtual absl::StatusOr<std::string> Send(const Notification& notification) = 0;
};

// Writes every notification as one info line
//   {"msg":"notification","type":...,"recipient":...,"subject":...,"text":...}
// on `logger`. With `redact_links` (production, which needs
// --allow-log-sender for it), the subject and text go through
// RedactLinkTokens: the log never holds a guest, invite or verification
// link; without (development), links are shown so a developer can follow
// them. Never fails; the provider id is the notification's message_id.
class LogNotificationSender final : public NotificationSender {
 public:
  LogNotificationSender(std::shared_ptr<Logger> logger, bool redact_links)
      : logger_(std::move(logger)), redact_links_(redact_links) {}
  std::string_view channel() const override { return "log"; }
  absl::StatusOr<std::string> Send(const Notification& notification) override;

 private:
  const std::shared_ptr<Logger> logger_;
  const bool redact_links_;
};

// Counts every Send of `inner` in `metrics` (by type, delivered or not) and
// passes it on unchanged.
class MeteredNotificationSender final : public NotificationSender {
 public:
  MeteredNotificationSender(std::shared_ptr<NotificationSender> inner,
                            std::shared_ptr<ServerMetrics> metrics)
      : inner_(std::move(inner)), metrics_(std::move(metrics)) {}
  std::string_view channel() const override { return inner_->channel(); }
  absl::StatusOr<std::string> Send(const Notification& notification) override {
    absl::StatusOr<std::string> sent = inner_->Send(notification);
    metrics_->RecordNotificationSend(notification.type, sent.ok());
    return sent;
  }

 private:
  const std::shared_ptr<NotificationSender> inner_;
  const std::shared_ptr<ServerMetrics> metrics_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_NOTIFIER_H_
