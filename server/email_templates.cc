// Copyright 2026 GuestGuard authors.
#include "server/email_templates.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace guestguard::server {
namespace {

// What every email is made of; Render is the one place that turns it into
// text and HTML. Fields are plain text (escaped by Render).
struct Layout {
  std::string subject;
  std::string preheader;  // The preview line mail clients show after the subject.
  std::string heading;
  std::string greeting;  // "Hello Ana," or empty.
  std::vector<std::string> paragraphs;
  std::vector<std::pair<std::string, std::string>> facts;  // Label, value.
  std::string list_title;
  std::vector<std::string> list;
  std::string action_label;  // With action_url: the one button.
  std::string action_url;
  std::vector<std::string> after;  // Paragraphs after the button.
  std::string small_print;
};

constexpr char kBrand[] = "#16a34a";
constexpr char kInk[] = "#1f2937";
constexpr char kMuted[] = "#6b7280";

// A subject is one line: control characters (line breaks included) become spaces.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

std::string Paragraph(std::string_view text, const std::string& style) {
  return absl::StrCat("<p style=\"margin:0 0 16px;", style, "\">", HtmlEscape(text), "</p>\n");
}

RenderedEmail Render(const Layout& l) {
  RenderedEmail out;
  out.subject = OneLine(l.subject);

  // Text part.
  std::string& t = out.text;
  absl::StrAppend(&t, l.heading, "\n\n");
  if (!l.greeting.empty()) absl::StrAppend(&t, l.greeting, "\n\n");
  for (const std::string& p : l.paragraphs) absl::StrAppend(&t, p, "\n\n");
  if (!l.facts.empty()) {
    for (const auto& [label, value] : l.facts) absl::StrAppend(&t, label, ": ", value, "\n");
    t += "\n";
  }
  if (!l.list.empty()) {
    absl::StrAppend(&t, l.list_title, "\n");
    for (const std::string& item : l.list) absl::StrAppend(&t, "- ", item, "\n");
    t += "\n";
  }
  if (!l.action_url.empty()) absl::StrAppend(&t, l.action_label, ":\n", l.action_url, "\n\n");
  for (const std::string& p : l.after) absl::StrAppend(&t, p, "\n\n");
  if (!l.small_print.empty()) absl::StrAppend(&t, l.small_print, "\n\n");
  t += "-- \nGuestGuard\n";

  // HTML part: one centred card, at most 560 px wide, readable at 320 px.
  std::string& h = out.html;
  absl::StrAppend(
      &h,
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"color-scheme\" content=\"light\">\n<title>",
      HtmlEscape(out.subject),
      "</title>\n</head>\n"
      "<body style=\"margin:0;padding:0;background:#f3f4f6;\">\n"
      "<div style=\"display:none;max-height:0;overflow:hidden;\">",
      HtmlEscape(l.preheader),
      "</div>\n"
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "style=\"background:#f3f4f6;\"><tr><td align=\"center\" style=\"padding:24px 12px;\">\n"
      "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
      "style=\"max-width:560px;background:#ffffff;border-radius:12px;border-top:6px solid ",
      kBrand,
      ";\"><tr><td style=\"padding:28px 24px;font-family:-apple-system,'Segoe UI',Roboto,"
      "Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:",
      kInk, ";\">\n<p style=\"margin:0 0 20px;font-size:14px;font-weight:700;color:", kBrand,
      ";letter-spacing:0.02em;\">GuestGuard</p>\n"
      "<h1 style=\"margin:0 0 20px;font-size:22px;line-height:1.3;\">",
      HtmlEscape(l.heading), "</h1>\n");
  if (!l.greeting.empty()) h += Paragraph(l.greeting, "");
  for (const std::string& p : l.paragraphs) h += Paragraph(p, "");
  if (!l.facts.empty()) {
    h += "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" "
         "style=\"margin:0 0 16px;border-collapse:collapse;\">\n";
    for (const auto& [label, value] : l.facts) {
      absl::StrAppend(&h,
                      "<tr><td style=\"padding:4px 16px 4px 0;vertical-align:top;color:", kMuted,
                      ";white-space:nowrap;\">", HtmlEscape(label),
                      "</td><td style=\"padding:4px 0;vertical-align:top;font-weight:600;"
                      "word-break:break-word;\">",
                      HtmlEscape(value), "</td></tr>\n");
    }
    h += "</table>\n";
  }
  if (!l.list.empty()) {
    absl::StrAppend(&h, "<p style=\"margin:0 0 8px;font-weight:600;\">", HtmlEscape(l.list_title),
                    "</p>\n<ul style=\"margin:0 0 16px;padding-left:20px;\">\n");
    for (const std::string& item : l.list) {
      absl::StrAppend(&h, "<li style=\"margin:0 0 4px;\">", HtmlEscape(item), "</li>\n");
    }
    h += "</ul>\n";
  }
  if (!l.action_url.empty()) {
    const std::string href = HtmlEscape(l.action_url);
    absl::StrAppend(
        &h, "<p style=\"margin:24px 0;\"><a href=\"", href,
        "\" style=\"display:inline-block;padding:12px 20px;border-radius:8px;background:", kBrand,
        ";color:#ffffff;font-weight:700;text-decoration:none;\">", HtmlEscape(l.action_label),
        "</a></p>\n<p style=\"margin:0 0 16px;font-size:13px;color:", kMuted,
        ";word-break:break-all;\">Or open this link: <a href=\"", href, "\" style=\"color:", kBrand,
        ";\">", href, "</a></p>\n");
  }
  for (const std::string& p : l.after) h += Paragraph(p, "");
  if (!l.small_print.empty()) {
    h += Paragraph(l.small_print, absl::StrCat("font-size:13px;color:", kMuted, ";"));
  }
  h += "</td></tr></table>\n</td></tr></table>\n</body>\n</html>\n";
  return out;
}

std::string RoleInWords(std::string_view role) {
  if (role == "owner") return "an owner (everything, including the team)";
  if (role == "editor") return "an editor (guests, links and security settings)";
  if (role == "viewer") return "a viewer (sees everything, changes nothing)";
  if (role == "door") return "door staff (checks guests in at the door)";
  return std::string(role);
}

std::string KindInWords(std::string_view kind) {
  if (kind == "open") return "opened the invitation";
  if (kind == "rsvp") return "answered the invitation";
  if (kind == "checkin") return "checked in at the door";
  return std::string(kind);
}

std::string AnswerInWords(std::string_view response, int64_t plus_ones) {
  std::string answer = response == "yes"     ? "Yes, I will come"
                       : response == "no"    ? "No, I cannot come"
                       : response == "maybe" ? "Maybe"
                                             : std::string(response);
  if (response != "no" && plus_ones > 0) {
    absl::StrAppend(&answer, ", with ", plus_ones, plus_ones == 1 ? " guest" : " guests");
  }
  return answer;
}

void AddWhenWhere(Layout& l, absl::Time starts_at, const std::string& venue) {
  l.facts.push_back({"When", FormatEventTime(starts_at)});
  if (!venue.empty()) l.facts.push_back({"Where", venue});
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string FormatEventTime(absl::Time at) {
  std::string day = absl::FormatTime("%d", at, absl::UTCTimeZone());
  if (day.size() == 2 && day[0] == '0') day.erase(0, 1);
  return absl::StrCat(absl::FormatTime("%A ", at, absl::UTCTimeZone()), day,
                      absl::FormatTime(" %B %Y, %H:%M UTC", at, absl::UTCTimeZone()));
}

RenderedEmail RenderEmail(const CollaboratorInviteEmail& e) {
  Layout l;
  const std::string inviter = e.inviter.empty() ? "Someone" : e.inviter;
  l.subject = absl::StrCat(inviter, " invited you to \"", e.event, "\" on GuestGuard");
  l.preheader = absl::StrCat("Help run ", e.event, " as ", RoleInWords(e.role), ".");
  l.heading = absl::StrCat("Join the team of ", e.event);
  l.paragraphs.push_back(absl::StrCat(inviter, " invited you to help run ", e.event, " as ",
                                      RoleInWords(e.role), "."));
  l.facts = {{"Event", e.event}, {"Role", e.role}, {"Link expires", e.expires_at}};
  l.action_label = "Accept the invitation";
  l.action_url = e.link;
  l.after.push_back(
      "Sign in (or create an account) with this email address, then open the link. It works "
      "once.");
  l.small_print = "If you did not expect this invitation, ignore this message: nothing happens.";
  return Render(l);
}

RenderedEmail RenderEmail(const GuestInvitationEmail& e) {
  Layout l;
  const std::string host = e.host.empty() ? "Your host" : e.host;
  if (e.reminder) {
    l.subject = absl::StrCat("Reminder: will you come to ", e.event, "?");
    l.heading = absl::StrCat("Will you come to ", e.event, "?");
    l.paragraphs.push_back(absl::StrCat("A reminder: ", host,
                                        " would like to know whether you are coming to ", e.event,
                                        ". It takes a few seconds to answer."));
  } else {
    l.subject = absl::StrCat("You are invited to ", e.event);
    l.heading = absl::StrCat("You are invited to ", e.event);
    l.paragraphs.push_back(absl::StrCat(host, " invites you to ", e.event,
                                        ". Please let them know whether you can come."));
  }
  l.preheader =
      absl::StrCat(host, " invites you to ", e.event, ", ", FormatEventTime(e.starts_at), ".");
  l.greeting = absl::StrCat("Hello ", e.guest, ",");
  AddWhenWhere(l, e.starts_at, e.venue);
  l.action_label = "Open your invitation";
  l.action_url = e.link;
  l.after.push_back(
      "This link is yours alone: please do not forward it. On the day it also shows your door "
      "pass.");
  l.small_print = absl::StrCat("You receive this because ", host,
                               " added you to the guest list of ", e.event, ".");
  return Render(l);
}

RenderedEmail RenderEmail(const RsvpConfirmationEmail& e) {
  Layout l;
  const std::string host = e.host.empty() ? "Your host" : e.host;
  l.subject = absl::StrCat("Your RSVP to ", e.event);
  l.heading = "We have your answer";
  l.preheader = absl::StrCat(AnswerInWords(e.response, e.plus_ones), " — ", e.event, ".");
  l.greeting = absl::StrCat("Hello ", e.guest, ",");
  l.paragraphs.push_back(absl::StrCat("Thank you. ", host, " has your answer to ", e.event, "."));
  l.facts.push_back({"Your answer", AnswerInWords(e.response, e.plus_ones)});
  AddWhenWhere(l, e.starts_at, e.venue);
  l.after.push_back(
      "Plans change: you can change your answer with your personal link, in the invitation "
      "email, until the event.");
  l.small_print =
      "Did not answer this invitation yourself? Tell your host: someone may have "
      "your link.";
  return Render(l);
}

RenderedEmail RenderEmail(const FraudAlertEmail& e) {
  Layout l;
  const std::string label = e.label.empty() ? (e.blocked ? "Blocked" : "Suspicious") : e.label;
  const std::string whose = e.guest.empty() ? "a guest's" : absl::StrCat(e.guest, "'s");
  l.subject = absl::StrCat(label, ": ", whose, " invitation to ", e.event);
  l.heading = absl::StrCat(label, " use of ", whose, " invitation");
  l.preheader = absl::StrCat("Scored ", e.score, " of 100 at ", e.event, ".");
  if (e.more_since_last > 0) {
    l.paragraphs.push_back(absl::StrCat(
        e.more_since_last, " more suspicious ", e.more_since_last == 1 ? "access" : "accesses",
        " to ", whose, " invitation since the last alert (one alert per guest every ",
        absl::ToInt64Minutes(e.digest_window), " minutes)."));
  }
  l.paragraphs.push_back(absl::StrCat(
      "Someone ", KindInWords(e.kind), " with ", whose, " personal link to ", e.event,
      ". GuestGuard scored it ", e.score, " of 100: ", label, ".",
      e.blocked ? " It was refused." : " It was let through; look at it before the event."));
  l.facts = {{"Guest", e.guest.empty() ? "(deleted since)" : e.guest},
             {"Event", e.event},
             {"Label", label},
             {"Score", absl::StrCat(e.score, " of 100")},
             {"From", e.client_ip.empty() ? "unknown address" : e.client_ip}};
  std::vector<FraudAlertEmail::Reason> reasons = e.reasons;
  std::stable_sort(reasons.begin(), reasons.end(),
                   [](const auto& a, const auto& b) { return a.score > b.score; });
  l.list_title = "Why:";
  for (const FraudAlertEmail::Reason& r : reasons) {
    // The engine's sentence; a reason without one (a remote scorer's) by its code.
    l.list.push_back(r.message.empty() ? absl::StrReplaceAll(r.code, {{"_", " "}}) : r.message);
  }
  l.action_label = "Review it in the console";
  l.action_url = e.console_link;
  l.after.push_back(
      "If it was the guest (a new phone, a trip), mark the access legitimate: GuestGuard learns "
      "the device. If it was not, rotate the guest's link so the one in circulation stops "
      "working, and send the new one.");
  l.small_print = "You receive fraud alerts as an owner or editor of this event.";
  return Render(l);
}

}  // namespace guestguard::server
