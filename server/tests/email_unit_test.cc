// Copyright 2026 GuestGuard authors.
//
// The emails (email_templates.h) and their wire format (email_mime.h): every
// email has a text and an HTML part with its facts, values are HTML-escaped,
// non-ASCII subjects and names are RFC 2047-encoded, bodies are
// quoted-printable with CRLF, header injection is refused.
//
// With GUESTGUARD_EMAIL_PREVIEW_DIR set, the HTML parts of the sample emails
// are written there as email-<type>.html (docs/images screenshots).
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "server/email_mime.h"
#include "server/email_templates.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

const absl::Time kStarts = absl::FromUnixSeconds(1780768800);  // Saturday 6 June 2026, 18:00 UTC.

// Decodes quoted-printable (test oracle, written from RFC 2045 §6.7).
std::string DecodeQp(std::string_view qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] != '=') {
      out += qp[i];
    } else if (qp.substr(i + 1, 2) == "\r\n") {
      i += 2;  // Soft break.
    } else {
      int byte = 0;
      EXPECT_TRUE(absl::SimpleHexAtoi(std::string(qp.substr(i + 1, 2)), &byte)) << qp.substr(i, 3);
      out += static_cast<char>(byte);
      i += 2;
    }
  }
  return out;
}

std::vector<std::pair<std::string, RenderedEmail>> Samples() {
  return {
      {"guest-invitation",
       RenderEmail(GuestInvitationEmail{.guest = "Ana Lima",
                                        .event = "Summer Gala 2026",
                                        .host = "Grace Hopper",
                                        .starts_at = kStarts,
                                        .venue = "The Glasshouse, 12 Garden Row",
                                        .link = "https://guests.example.com/rsvp/gg1.AbC_123"})},
      {"guest-reminder",
       RenderEmail(GuestInvitationEmail{.guest = "Ana Lima",
                                        .event = "Summer Gala 2026",
                                        .host = "Grace Hopper",
                                        .starts_at = kStarts,
                                        .venue = "",
                                        .link = "https://guests.example.com/rsvp/gg1.AbC_123",
                                        .reminder = true})},
      {"rsvp-confirmation",
       RenderEmail(RsvpConfirmationEmail{.guest = "Ana Lima",
                                         .event = "Summer Gala 2026",
                                         .host = "Grace Hopper",
                                         .starts_at = kStarts,
                                         .venue = "The Glasshouse, 12 Garden Row",
                                         .response = "yes",
                                         .plus_ones = 2})},
      {"collaborator-invite",
       RenderEmail(CollaboratorInviteEmail{.event = "Summer Gala 2026",
                                           .inviter = "Grace Hopper",
                                           .role = "editor",
                                           .link = "https://guests.example.com/invites/inv_XyZ",
                                           .expires_at = "2026-05-08T09:00:00Z"})},
      {"fraud-alert",
       RenderEmail(FraudAlertEmail{
           .event = "Summer Gala 2026",
           .guest = "Ana Lima",
           .kind = "open",
           .client_ip = "198.51.100.23",
           .score = 92,
           .label = "Blocked",
           .blocked = true,
           .reasons = {{"new_network", 45, "A network this guest never used before."},
                       {"automation_user_agent", 90,
                        "The user agent is an automation tool (curl), not a browser."},
                       {"remote_only_code", 20, ""}},
           .console_link = "https://guests.example.com/console/events/7/activity?guest=42"})},
  };
}

TEST(EmailTemplates, EveryEmailHasATextAndAnHtmlPartWithItsFacts) {
  const char* preview_dir = std::getenv("GUESTGUARD_EMAIL_PREVIEW_DIR");
  for (const auto& [name, e] : Samples()) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(e.subject.empty());
    EXPECT_TRUE(absl::StrContains(e.text, "Summer Gala 2026"));
    EXPECT_TRUE(absl::StrContains(e.html, "Summer Gala 2026"));
    EXPECT_TRUE(absl::StartsWith(e.html, "<!DOCTYPE html>"));
    EXPECT_TRUE(absl::StrContains(e.html, "<meta charset=\"utf-8\">"));
    EXPECT_FALSE(absl::StrContains(e.text, "<"));  // Text is text.
    if (preview_dir != nullptr) {
      std::ofstream(std::string(preview_dir) + "/email-" + name + ".html") << e.html;
    }
  }
  const auto samples = Samples();
  const RenderedEmail& invitation = samples[0].second;
  EXPECT_EQ(invitation.subject, "You are invited to Summer Gala 2026");
  for (const std::string& part : {invitation.text, invitation.html}) {
    EXPECT_TRUE(absl::StrContains(part, "Grace Hopper invites you")) << part;
    EXPECT_TRUE(absl::StrContains(part, "Saturday 6 June 2026, 18:00 UTC")) << part;
    EXPECT_TRUE(absl::StrContains(part, "The Glasshouse, 12 Garden Row")) << part;
    EXPECT_TRUE(absl::StrContains(part, "do not forward it")) << part;
  }
  EXPECT_TRUE(
      absl::StrContains(invitation.text, "\nhttps://guests.example.com/rsvp/gg1.AbC_123\n"));
  EXPECT_TRUE(
      absl::StrContains(invitation.html, "href=\"https://guests.example.com/rsvp/gg1.AbC_123\""));
  EXPECT_EQ(samples[1].second.subject, "Reminder: will you come to Summer Gala 2026?");
  EXPECT_FALSE(absl::StrContains(samples[1].second.text, "Where:"));  // No venue, no line.
  EXPECT_TRUE(
      absl::StrContains(samples[2].second.text, "Your answer: Yes, I will come, with 2 guests"));
  EXPECT_TRUE(absl::StrContains(samples[3].second.text, "as an editor (guests, links"));
  EXPECT_TRUE(absl::StrContains(samples[3].second.html,
                                "href=\"https://guests.example.com/invites/inv_XyZ\""));
}

TEST(EmailTemplates, FraudAlertNamesGuestLabelReasonsInWordsStrongestFirstAndTheConsole) {
  const RenderedEmail alert = Samples()[4].second;
  EXPECT_EQ(alert.subject, "Blocked: Ana Lima's invitation to Summer Gala 2026");
  const std::string& t = alert.text;
  EXPECT_TRUE(absl::StrContains(t, "Someone opened the invitation with Ana Lima's personal link"));
  EXPECT_TRUE(absl::StrContains(t, "scored it 92 of 100: Blocked. It was refused."));
  const size_t strongest = t.find("- The user agent is an automation tool");
  const size_t weaker = t.find("- A network this guest never used before.");
  const size_t by_code = t.find("- remote only code");
  ASSERT_NE(strongest, std::string::npos) << t;
  EXPECT_LT(strongest, weaker);
  EXPECT_LT(weaker, by_code);
  EXPECT_TRUE(absl::StrContains(t, "From: 198.51.100.23"));
  EXPECT_TRUE(absl::StrContains(
      alert.html, "href=\"https://guests.example.com/console/events/7/activity?guest=42\""));
  EXPECT_TRUE(absl::StrContains(alert.html, "<li style=\"margin:0 0 4px;\">The user agent"));
}

TEST(EmailTemplates, InterpolatedValuesAreHtmlEscaped) {
  const std::string nasty = "<script>&\"'";
  const RenderedEmail e = RenderEmail(RsvpConfirmationEmail{.guest = nasty,
                                                            .event = "<b>Gala</b>",
                                                            .host = nasty,
                                                            .starts_at = kStarts,
                                                            .venue = "<img src=x onerror=1>",
                                                            .response = "yes"});
  EXPECT_FALSE(absl::StrContains(e.html, "<script>"));
  EXPECT_FALSE(absl::StrContains(e.html, "<b>"));
  EXPECT_FALSE(absl::StrContains(e.html, "<img"));
  EXPECT_TRUE(absl::StrContains(e.html, "Hello &lt;script&gt;&amp;&quot;&#39;,"));
  EXPECT_TRUE(absl::StrContains(e.html, "&lt;b&gt;Gala&lt;/b&gt;"));
  EXPECT_TRUE(absl::StrContains(e.text, "Hello <script>&\"',"));  // Text stays as typed.
  // A link is escaped in the attribute too: it cannot close it.
  const RenderedEmail invite =
      RenderEmail(GuestInvitationEmail{.guest = "A",
                                       .event = "E",
                                       .host = "H",
                                       .starts_at = kStarts,
                                       .link = "https://x.example/rsvp/\"><script>"});
  EXPECT_TRUE(
      absl::StrContains(invite.html, "href=\"https://x.example/rsvp/&quot;&gt;&lt;script&gt;\""));
  EXPECT_FALSE(absl::StrContains(invite.html, "<script>"));
}

TEST(EmailTemplates, SubjectIsOneLineWhateverTheNames) {
  const RenderedEmail e =
      RenderEmail(CollaboratorInviteEmail{.event = "Gala\r\nBcc: everyone@example.com",
                                          .inviter = "Eve",
                                          .role = "viewer",
                                          .link = "https://x.example/invites/t",
                                          .expires_at = "2026-05-08T09:00:00Z"});
  EXPECT_EQ(e.subject.find_first_of("\r\n"), std::string::npos) << e.subject;
}

TEST(EmailMime, NonAsciiHeaderTextIsRfc2047Encoded) {
  EXPECT_EQ(EncodeHeaderText("You're invited"), "You're invited");
  EXPECT_EQ(EncodeHeaderText("Caf\xC3\xA9"), "=?UTF-8?B?Q2Fmw6k=?=");
  std::string long_subject;
  for (int i = 0; i < 40; ++i) long_subject += "\xC3\xA9";  // 40 × "é", 80 bytes.
  const std::string encoded = EncodeHeaderText(long_subject);
  std::string decoded;
  size_t start = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n ", start);
    if (end == std::string::npos) end = encoded.size();
    const std::string word = encoded.substr(start, end - start);
    EXPECT_LE(word.size(), 75u) << word;
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    ASSERT_EQ(word.substr(word.size() - 2), "?=") << word;
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(word.substr(10, word.size() - 12), &bytes)) << word;
    EXPECT_TRUE(IsUtf8(bytes)) << word;  // No character split across words.
    decoded += bytes;
    start = end == encoded.size() ? end : end + 3;
  }
  EXPECT_EQ(decoded, long_subject);
}

TEST(EmailMime, DisplayNamesAreQuotedOrEncoded) {
  EXPECT_EQ(EncodeMailbox("noreply@example.com"), "noreply@example.com");
  EXPECT_EQ(EncodeMailbox("GuestGuard <noreply@example.com>"),
            "\"GuestGuard\" <noreply@example.com>");
  EXPECT_EQ(EncodeMailbox("\"Gala, \\\"Team\\\"\" <a@example.com>"),
            "\"Gala, \\\\\\\"Team\\\\\\\"\" <a@example.com>");
  EXPECT_EQ(EncodeMailbox("Z\xC3\xBC"
                          "rich Events <a@example.com>"),
            "=?UTF-8?B?WsO8cmljaCBFdmVudHM=?= <a@example.com>");
}

TEST(EmailMime, QuotedPrintableHasShortCrlfLinesAndRoundTrips) {
  const std::string text = std::string(200, 'a') + " = caf\xC3\xA9 \nsecond line \t\nthird\r\n.dot";
  const std::string qp = QuotedPrintable(text);
  for (absl::string_view line : absl::StrSplit(qp, "\r\n")) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(absl::EndsWith(line, " ") || absl::EndsWith(line, "\t")) << line;
    EXPECT_EQ(line.find('\n'), absl::string_view::npos);
  }
  EXPECT_TRUE(absl::StrContains(qp, "caf=C3=A9"));
  EXPECT_TRUE(absl::StrContains(qp, " =3D "));
  std::string expected = text;
  absl::StrReplaceAll({{"\r\n", "\n"}}, &expected);
  expected = absl::StrReplaceAll(expected, {{"\n", "\r\n"}}) + "\r\n";
  EXPECT_EQ(DecodeQp(qp), expected);
}

TEST(EmailMime, MultipartAlternativeCarriesTextThenHtml) {
  const RenderedEmail e =
      RenderEmail(GuestInvitationEmail{.guest = "Zo\xC3\xAB",
                                       .event = "F\xC3\xAAte d'\xC3\xA9t\xC3\xA9",
                                       .host = "Ana",
                                       .starts_at = kStarts,
                                       .link = "https://x.example/rsvp/t"});
  absl::StatusOr<std::string> wire = BuildMimeMessage({.from = "GuestGuard <noreply@example.com>",
                                                       .to = "zoe@example.com",
                                                       .subject = e.subject,
                                                       .message_id = "<n-1@guestguard>",
                                                       .date = kStarts,
                                                       .text = e.text,
                                                       .html = e.html});
  ASSERT_TRUE(wire.ok()) << wire.status();
  const std::string& m = *wire;
  // CRLF everywhere, 7-bit on the wire, lines within 998.
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << i;
    ASSERT_LT(static_cast<unsigned char>(m[i]), 0x80) << i;
  }
  const size_t blank = m.find("\r\n\r\n");
  const std::string headers = m.substr(0, blank + 2);
  EXPECT_TRUE(absl::StrContains(headers, "Subject: =?UTF-8?B?"));
  EXPECT_TRUE(absl::StrContains(headers, "From: \"GuestGuard\" <noreply@example.com>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "To: <zoe@example.com>\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "Date: Sat, 06 Jun 2026 18:00:00 +0000\r\n"));
  EXPECT_TRUE(absl::StrContains(headers, "MIME-Version: 1.0\r\n"));
  const std::string marker = "Content-Type: multipart/alternative; boundary=\"";
  const size_t at = headers.find(marker);
  ASSERT_NE(at, std::string::npos) << headers;
  const std::string boundary = headers.substr(
      at + marker.size(), headers.find('"', at + marker.size()) - at - marker.size());
  // Subject decodes back to the event name.
  const size_t subject_at = headers.find("Subject: ") + 9;
  std::string subject;
  for (absl::string_view word :
       absl::StrSplit(headers.substr(subject_at, headers.find("\r\nMIME") - subject_at), "\r\n ")) {
    std::string bytes;
    ASSERT_TRUE(absl::Base64Unescape(word.substr(10, word.size() - 12), &bytes));
    subject += bytes;
  }
  EXPECT_EQ(subject, "You are invited to F\xC3\xAAte d'\xC3\xA9t\xC3\xA9");
  // Two parts, text then HTML, each quoted-printable UTF-8, then the closing delimiter.
  std::vector<std::string> parts = absl::StrSplit(m.substr(blank + 4), "--" + boundary);
  ASSERT_EQ(parts.size(), 4u) << m;
  EXPECT_EQ(parts[3], "--\r\n");
  const std::string text_headers =
      "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\n";
  const std::string html_headers =
      "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: "
      "quoted-printable\r\n\r\n";
  ASSERT_TRUE(absl::StartsWith(parts[1], text_headers)) << parts[1];
  ASSERT_TRUE(absl::StartsWith(parts[2], html_headers)) << parts[2];
  const std::string text = DecodeQp(parts[1].substr(text_headers.size()));
  const std::string html = DecodeQp(parts[2].substr(html_headers.size()));
  EXPECT_TRUE(absl::StrContains(text, "Hello Zo\xC3\xAB,\r\n"));
  EXPECT_TRUE(absl::StrContains(html, "Hello Zo\xC3\xAB,</p>"));
  EXPECT_TRUE(absl::StrContains(html, "F\xC3\xAAte d&#39;\xC3\xA9t\xC3\xA9"));
}

TEST(EmailMime, RefusesLineBreaksInHeaderValuesAndBuildsNothing) {
  MailMessage m{.from = "a@example.com",
                .to = "b@example.com",
                .subject = "Hi",
                .message_id = "<1@x>",
                .date = kStarts,
                .text = "t",
                .html = ""};
  for (std::string MailMessage::*field :
       {&MailMessage::from, &MailMessage::to, &MailMessage::subject, &MailMessage::message_id}) {
    MailMessage bad = m;
    bad.*field += "\r\nBcc: victim@example.com";
    absl::StatusOr<std::string> wire = BuildMimeMessage(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(wire.status())) << wire.status();
  }
  absl::StatusOr<std::string> plain = BuildMimeMessage(m);
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(absl::StrContains(*plain, "Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_FALSE(absl::StrContains(*plain, "multipart"));
}

}  // namespace
}  // namespace guestguard::server
