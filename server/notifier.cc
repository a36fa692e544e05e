// Copyright 2026 GuestGuard authors.
#include "server/notifier.h"

namespace guestguard::server {

absl::Status LogNotificationSender::Send(const Notification& notification) {
  // Field names stay clear of IsSecretFieldName (which would redact them):
  // the whole point of this sender is that the link can be read in the log.
  logger_->Info("notification", {{"type", notification.type},
                                 {"recipient", notification.recipient},
                                 {"subject", notification.subject},
                                 {"text", notification.text}});
  return absl::OkStatus();
}

}  // namespace guestguard::server
