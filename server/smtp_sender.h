// Copyright 2026 GuestGuard authors.
//
// Email delivery over SMTP through libcurl: one connection per message (no
// pooling: notification volume is low and a fresh connection never inherits a
// broken one), STARTTLS per SmtpOptions::tls, optional AUTH, bounded connect
// and total timeouts. The message is built by email_mime.h: text, or text and
// HTML as multipart/alternative, quoted-printable UTF-8, with Date, From, To,
// Subject and Message-ID headers; the Message-ID is the provider id returned.
//
//   SmtpNotificationSender smtp({.url = "smtp://mail.example.com:587",
//                                .from = "GuestGuard <noreply@example.com>"});
//   absl::StatusOr<std::string> id = smtp.Send(notification);
//
// Thread-safe: every Send uses its own curl handle.
#ifndef GUESTGUARD_SERVER_SMTP_SENDER_H_
#define GUESTGUARD_SERVER_SMTP_SENDER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/notifier.h"

namespace guestguard::server {

enum class SmtpTls {
  kNone,      // Plain SMTP (a local relay or a test sink).
  kTry,       // STARTTLS when the server offers it.
  kRequired,  // STARTTLS or fail (smtps:// URLs use implicit TLS regardless).
};

struct SmtpOptions {
  // "smtp://host:port" or "smtps://host:port".
  std::string url;
  SmtpTls tls = SmtpTls::kRequired;
  // Empty: no AUTH. Secrets: never logged.
  std::string username;
  std::string password;
  // The envelope sender and From header: "addr@host" or "Name <addr@host>".
  std::string from = "guestguard@localhost";
  absl::Duration connect_timeout = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(30);
};

class SmtpNotificationSender final : public NotificationSender {
 public:
  explicit SmtpNotificationSender(SmtpOptions options);
  std::string_view channel() const override { return "email"; }
  // InvalidArgument for a recipient, subject or message id that cannot go in
  // a header (CR, LF, not an address, a subject over 998 bytes); Unavailable when the SMTP exchange
  // fails (connection, TLS, a 4xx/5xx reply: the message says which), so the worker retries.
  absl::StatusOr<std::string> Send(const Notification& notification) override;

 private:
  const SmtpOptions options_;
};

// Validates options (URL scheme, from address); InvalidArgument naming the problem.
[[nodiscard]] absl::Status ValidateSmtpOptions(const SmtpOptions& options);

// Initialises libcurl once per process (call before threads start).
void InitCurl();

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_SMTP_SENDER_H_
