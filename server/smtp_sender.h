// Copyright 2026 GuestGuard authors.
//
// Email delivery over SMTP through libcurl: one connection per message (no
// pooling: notification volume is low and a fresh connection never inherits a
// broken one), STARTTLS per SmtpOptions::tls, optional AUTH, bounded connect
// and total timeouts. The message is plain text, UTF-8, with Date, From, To,
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
  // InvalidArgument for a recipient or subject that cannot go in a header (CR,
  // LF, not an address); Unavailable when the SMTP exchange fails (connection,
  // TLS, a 4xx/5xx reply: the message says which), so the worker retries.
  absl::StatusOr<std::string> Send(const Notification& notification) override;

 private:
  const SmtpOptions options_;
};

// Validates options (URL scheme, from address); InvalidArgument naming the problem.
[[nodiscard]] absl::Status ValidateSmtpOptions(const SmtpOptions& options);

// A Subject header value: printable ASCII as is; anything else as RFC 2047
// "=?UTF-8?B?...?=" encoded-words of at most 75 characters, never splitting a
// UTF-8 character, folded onto continuation lines ("\r\n "). `subject` must
// not hold CR or LF.
std::string EncodeSubject(std::string_view subject);

// Initialises libcurl once per process (call before threads start).
void InitCurl();

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_SMTP_SENDER_H_
