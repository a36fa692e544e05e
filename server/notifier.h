// Copyright 2026 GuestGuard authors.
//
// Outgoing notifications (collaborator invites now; RSVP confirmations and
// fraud alerts later) behind one small interface, so that a real sender, or
// an outbox drained by a worker, can replace the default without touching the
// handlers.
//
//   Notification n{"collaborator_invite", "bob@example.com", "Join ...", "... <link>"};
//   absl::Status sent = app.notifier->Send(n);
//
// The default, LogNotificationSender, writes each notification to the log at
// info level, link included: a development default, not a delivery channel.
#ifndef GUESTGUARD_SERVER_NOTIFIER_H_
#define GUESTGUARD_SERVER_NOTIFIER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "server/log.h"

namespace guestguard::server {

// One message to one recipient. The text may hold a secret link (an invite
// token): senders deliver it but must not log it anywhere but the message.
struct Notification {
  std::string type;       // "collaborator_invite", ...
  std::string recipient;  // A normalised email address.
  std::string subject;
  std::string text;  // Plain text.
};

// Thread-safe: Send may be called concurrently.
class NotificationSender {
 public:
  virtual ~NotificationSender() = default;
  // OK once the notification is handed over for delivery; an error when it
  // was not (the caller decides whether that fails its request).
  [[nodiscard]] virtual absl::Status Send(const Notification& notification) = 0;
};

// Writes every notification as one info line
//   {"msg":"notification","type":...,"recipient":...,"subject":...,"text":...}
// on `logger`. Never fails. Thread-safe.
class LogNotificationSender final : public NotificationSender {
 public:
  explicit LogNotificationSender(std::shared_ptr<Logger> logger) : logger_(std::move(logger)) {}
  absl::Status Send(const Notification& notification) override;

 private:
  const std::shared_ptr<Logger> logger_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_NOTIFIER_H_
