// Copyright 2026 GuestGuard authors.
//
// The development mail sink (--mail-dir DIR): every notification becomes one
// RFC 5322 message (Date, From, To, Message-ID, Subject — RFC 2047 when not
// ASCII —, MIME-Version, a text/plain UTF-8 body with CRLF line ends) written
// as "DIR/<UTC time>-<16 random hex>.eml", mode 0600. The file is written
// under a dot-name and renamed, so a reader of "*.eml" never sees half a
// message. Nothing leaves the machine and nothing is logged: the links in the
// mail (verification, invites) are read by whoever can read DIR — the
// developer, or a test — exactly as a mailbox would be.
//
//   MailDirNotificationSender sink("/tmp/gg-mail", "GuestGuard <noreply@localhost>");
//   absl::StatusOr<std::string> id = sink.Send(notification);   // the Message-ID
//
// Thread-safe: every Send writes its own file.
#ifndef GUESTGUARD_SERVER_MAIL_DIR_SENDER_H_
#define GUESTGUARD_SERVER_MAIL_DIR_SENDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "server/notifier.h"

namespace guestguard::server {

class MailDirNotificationSender final : public NotificationSender {
 public:
  // `dir` must exist (Config checks it); `from` is the From header.
  MailDirNotificationSender(std::string dir, std::string from)
      : dir_(std::move(dir)), from_(std::move(from)) {}
  std::string_view channel() const override { return "mail-dir"; }
  // The message id (the notification's, or a new random one). InvalidArgument
  // when the recipient or subject cannot go in a header (CR, LF); Unavailable
  // when the file cannot be written (the worker retries).
  absl::StatusOr<std::string> Send(const Notification& notification) override;

 private:
  const std::string dir_;
  const std::string from_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_MAIL_DIR_SENDER_H_
