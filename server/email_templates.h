// Copyright 2026 GuestGuard authors.
//
// The emails the notification worker sends, each rendered as a subject, a
// plain-text part and an HTML part from one layout (one renderer: heading,
// greeting, paragraphs, facts, a list, one action link, small print). Every
// interpolated value is HTML-escaped in the HTML part; the subject is one line
// (control characters become spaces). email_mime.h turns the result into a
// message.
//
//   RenderedEmail e = RenderEmail(GuestInvitationEmail{.guest = "Ana", .event = "Gala", ...});
//
// Stateless functions; thread-safe.
#ifndef GUESTGUARD_SERVER_EMAIL_TEMPLATES_H_
#define GUESTGUARD_SERVER_EMAIL_TEMPLATES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace guestguard::server {

struct RenderedEmail {
  std::string subject;  // One line, UTF-8.
  std::string text;     // LF line endings (the MIME layer writes CRLF).
  std::string html;     // A whole HTML document, inline styles (mail clients drop <style>).
};

// To the invited address: join an event's team (the link holds the invite token).
struct CollaboratorInviteEmail {
  std::string event;
  std::string inviter;     // Display name of who invited.
  std::string role;        // "owner", "editor", "viewer", "door".
  std::string link;        // <public URL>/invites/<token>.
  std::string expires_at;  // RFC 3339.
};

// To a guest: their personal invitation link, or a reminder to answer.
struct GuestInvitationEmail {
  std::string guest;
  std::string event;
  std::string host;  // Who invites; "" reads "Your host".
  absl::Time starts_at;
  std::string venue;  // May be empty.
  std::string link;   // The guest's personal link.
  bool reminder = false;
};

// To a guest: the answer we recorded.
struct RsvpConfirmationEmail {
  std::string guest;
  std::string event;
  std::string host;
  absl::Time starts_at;
  std::string venue;
  std::string response;  // "yes", "no", "maybe".
  int64_t plus_ones = 0;
};

// To each owner and editor: an access landed in the high band or above.
struct FraudAlertEmail {
  struct Reason {
    std::string code;
    int64_t score = 0;
    std::string message;  // The engine's sentence for this reason (may be empty).
  };
  std::string event;
  std::string guest;  // "" when the guest was deleted since.
  std::string kind;   // "open", "rsvp", "checkin".
  std::string client_ip;
  int64_t score = 0;
  std::string label;  // "Suspicious" or "Blocked".
  bool blocked = false;
  std::vector<Reason> reasons;
  std::string console_link;  // The guest's timeline in the console.
  // Digest (alert_digest.h): alerts about this guest held back since the last
  // email, and the window that holds them back; 0 says nothing about it.
  int64_t more_since_last = 0;
  absl::Duration digest_window;
};

RenderedEmail RenderEmail(const CollaboratorInviteEmail& email);
RenderedEmail RenderEmail(const GuestInvitationEmail& email);
RenderedEmail RenderEmail(const RsvpConfirmationEmail& email);
RenderedEmail RenderEmail(const FraudAlertEmail& email);

// "Saturday 6 June 2026, 18:00 UTC": event times in emails (events keep UTC).
std::string FormatEventTime(absl::Time at);

// `text` safe in HTML text and in a double- or single-quoted attribute.
std::string HtmlEscape(std::string_view text);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_EMAIL_TEMPLATES_H_
