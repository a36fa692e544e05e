// Copyright 2026 GuestGuard authors.
//
// Internet Message Format for outgoing email (RFC 5322 with MIME, RFC 2045-2047):
// headers with RFC 2047 encoded-words for non-ASCII text (Subject, display
// names), bodies in quoted-printable UTF-8, CRLF line endings, and
// multipart/alternative (text first, then HTML) when there is an HTML part.
//
//   MailMessage m{.from = "GuestGuard <noreply@example.com>", .to = "ana@example.com",
//                 .subject = "Your RSVP to Café Gala", .message_id = "<1@example.com>",
//                 .date = absl::Now(), .text = "...", .html = "<!doctype html>..."};
//   absl::StatusOr<std::string> wire = BuildMimeMessage(m);   // for SMTP DATA
//
// Stateless functions; thread-safe.
#ifndef GUESTGUARD_SERVER_EMAIL_MIME_H_
#define GUESTGUARD_SERVER_EMAIL_MIME_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace guestguard::server {

struct MailMessage {
  std::string from;        // "addr@host" or "Display Name <addr@host>" (name may be UTF-8).
  std::string to;          // A bare address.
  std::string subject;     // UTF-8, one line.
  std::string message_id;  // "<unique@host>".
  absl::Time date;
  std::string text;  // The plain-text part (UTF-8; any line ending).
  std::string html;  // The HTML part (UTF-8); empty: a text/plain message.
};

// The message as SMTP DATA carries it (before dot-stuffing, which the SMTP
// client does). InvalidArgument when a header value holds CR or LF (header
// injection) or the subject is longer than 998 bytes; nothing is built then.
// The multipart boundary is random and cannot occur in a quoted-printable body.
[[nodiscard]] absl::StatusOr<std::string> BuildMimeMessage(const MailMessage& message);

// The bare address of "Name <addr>" or "addr".
std::string AddressOf(std::string_view mailbox);

// A new, random Message-ID "<hex@host>", the host taken from `from`'s
// address ("localhost" when it has none).
std::string NewMessageId(std::string_view from);

// A header's free text: printable ASCII as is; anything else as RFC 2047
// "=?UTF-8?B?...?=" encoded-words of at most 75 characters, never splitting a
// UTF-8 character, folded onto continuation lines ("\r\n "). `text` must not
// hold CR or LF.
std::string EncodeHeaderText(std::string_view text);

// A From/To mailbox: "addr" as is; "Name <addr>" with the name quoted
// (RFC 5322 quoted-string) when ASCII, RFC 2047-encoded otherwise.
std::string EncodeMailbox(std::string_view mailbox);

// `text` in quoted-printable (RFC 2045 §6.7): lines end in CRLF (LF, CRLF or
// a lone CR in the input end a line), at most 76 characters per encoded line
// with soft breaks ("=\r\n"), '=', control characters and bytes >= 0x80 as
// =XX, and a space or tab at the end of a line encoded.
std::string QuotedPrintable(std::string_view text);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_EMAIL_MIME_H_
