// Copyright 2026 GuestGuard authors.
#include "server/notifier.h"

namespace guestguard::server {

absl::StatusOr<std::string> LogNotificationSender::Send(const Notification& notification) {
  // Field names stay clear of IsSecretFieldName (which would redact them
  // whole): in development the point of this sender is that the link can be
  // read in the log; in production only the link tokens are hidden.
  logger_->Info(
      "notification",
      {{"type", notification.type},
       {"recipient", notification.recipient},
       {"subject", redact_links_ ? RedactLinkTokens(notification.subject) : notification.subject},
       {"text", redact_links_ ? RedactLinkTokens(notification.text) : notification.text}});
  return notification.message_id;
}

}  // namespace guestguard::server
