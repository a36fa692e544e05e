// Copyright 2026 GuestGuard authors.
#include "server/email_mime.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool PrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F;
  });
}

// The input's lines, whatever their ending (LF, CRLF, lone CR).
std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

// `n` (at most 16) random bytes in hex.
std::string RandomHex(size_t n) {
  unsigned char bytes[16];
  randombytes_buf(bytes, n);
  char hex[sizeof(bytes) * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), bytes, n);
  return hex;
}

std::string NewBoundary() {
  const std::string hex = RandomHex(12);
  // "=_" never occurs in quoted-printable output ('=' is always followed by
  // a hex digit or a line break there), so no body line can match.
  return absl::StrCat("=_gg_", hex);
}

}  // namespace

std::string AddressOf(std::string_view mailbox) {
  const size_t open = mailbox.rfind('<');
  const size_t close = mailbox.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    return std::string(mailbox.substr(open + 1, close - open - 1));
  }
  return std::string(mailbox);
}

std::string NewMessageId(std::string_view from) {
  const std::string address = AddressOf(from);
  const size_t at = address.find('@');
  const std::string host = at == std::string::npos ? "localhost" : address.substr(at + 1);
  return absl::StrCat("<", RandomHex(16), "@", host, ">");
}

std::string EncodeHeaderText(std::string_view text) {
  if (PrintableAscii(text)) return std::string(text);
  // "=?UTF-8?B?" + base64 + "?=" is at most 75: 12 characters of framing
  // leave 63, so 60 base64 characters, which carry 45 bytes.
  constexpr size_t kMaxBytesPerWord = 45;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + kMaxBytesPerWord);
    // Back off to a character boundary (not in the middle of a sequence).
    while (end < text.size() && end > i + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    std::string b64(sodium_base64_encoded_len(end - i, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(&text[i]),
                      end - i, sodium_base64_VARIANT_ORIGINAL);
    b64.resize(std::strlen(b64.c_str()));
    if (!out.empty()) out += "\r\n ";
    absl::StrAppend(&out, "=?UTF-8?B?", b64, "?=");
    i = end;
  }
  return out;
}

std::string EncodeMailbox(std::string_view mailbox) {
  const size_t open = mailbox.rfind('<');
  if (open == std::string_view::npos || mailbox.back() != '>') return std::string(mailbox);
  std::string_view name = TrimSpaces(mailbox.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  const std::string address(mailbox.substr(open));
  if (name.empty()) return std::string(address);
  if (!PrintableAscii(name)) return absl::StrCat(EncodeHeaderText(name), " ", address);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return absl::StrCat(quoted, "\" ", address);
}

std::string QuotedPrintable(std::string_view text) {
  constexpr size_t kMaxLine = 76;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::string_view line : Lines(text)) {
    size_t width = 0;  // Characters on the current encoded line.
    for (size_t i = 0; i < line.size(); ++i) {
      const auto c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      const std::string token = literal ? std::string(1, static_cast<char>(c))
                                        : std::string{'=', kHex[c >> 4], kHex[c & 0xF]};
      // Leave room for the soft break's '=' unless this token ends the line.
      const size_t room = last ? kMaxLine : kMaxLine - 1;
      if (width + token.size() > room) {
        out += "=\r\n";
        width = 0;
      }
      out += token;
      width += token.size();
    }
    out += "\r\n";
  }
  return out;
}

absl::StatusOr<std::string> BuildMimeMessage(const MailMessage& m) {
  for (std::string_view value : {std::string_view(m.from), std::string_view(m.to),
                                 std::string_view(m.subject), std::string_view(m.message_id)}) {
    if (HasLineBreak(value)) {
      return absl::InvalidArgumentError("a mail header value holds a line break");
    }
  }
  if (m.subject.size() > 998) return absl::InvalidArgumentError("the subject is too long");
  std::string out = absl::StrCat(
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", m.date, absl::UTCTimeZone()),
      "\r\nFrom: ", EncodeMailbox(m.from), "\r\nTo: <", m.to, ">\r\nMessage-ID: ", m.message_id,
      "\r\nSubject: ", EncodeHeaderText(m.subject), "\r\nMIME-Version: 1.0\r\n");
  constexpr char kTextHeaders[] =
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  if (m.html.empty()) {
    absl::StrAppend(&out, kTextHeaders, QuotedPrintable(m.text));
    return out;
  }
  const std::string boundary = NewBoundary();
  absl::StrAppend(&out, "Content-Type: multipart/alternative; boundary=\"", boundary,
                  "\"\r\n\r\nThis is a message in text and HTML.\r\n", "--", boundary, "\r\n",
                  kTextHeaders, QuotedPrintable(m.text), "--", boundary, "\r\n",
                  "Content-Type: text/html; charset=utf-8\r\n"
                  "Content-Transfer-Encoding: quoted-printable\r\n\r\n",
                  QuotedPrintable(m.html), "--", boundary, "--\r\n");
  return out;
}

}  // namespace guestguard::server
