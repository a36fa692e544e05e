// Copyright 2026 GuestGuard authors.
#include "server/log.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/serialize.hpp"

namespace guestguard::server {

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

bool IsSecretFieldName(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(absl::string_view(name.data(), name.size()));
  static constexpr std::array<std::string_view, 7> kSecret = {
      "token", "password", "secret", "key", "authorization", "cookie", "keyring"};
  return std::any_of(kSecret.begin(), kSecret.end(),
                     [&](std::string_view s) { return lower.find(s) != std::string::npos; });
}

namespace {

// The percent-decoding of one path segment; `raw` itself when malformed.
std::string DecodeSegment(std::string_view raw) {
  auto hex = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '%') {
      out.push_back(raw[i]);
      continue;
    }
    if (i + 2 >= raw.size() || hex(raw[i + 1]) < 0 || hex(raw[i + 2]) < 0) return std::string(raw);
    out.push_back(static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2])));
    i += 2;
  }
  return out;
}

}  // namespace

std::string PathForLog(std::string_view path) {
  // Compared on the decoded first segment, so "/%72svp/<token>" (which the
  // router serves as /rsvp/<token>) is redacted too.
  if (path.empty() || path.front() != '/') return std::string(path);
  const size_t first_end = path.find('/', 1);
  if (first_end == std::string_view::npos) return std::string(path);
  const std::string first = DecodeSegment(path.substr(1, first_end - 1));
  if (first != "rsvp" && first != "checkin" && first != "invites") return std::string(path);
  const size_t end = path.find('/', first_end + 1);
  std::string out = "/" + first + "/[redacted]";
  if (end != std::string_view::npos) out += path.substr(end);
  return out;
}

namespace {

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '~' || c == '%' || c == '+';
}

bool EndsUrl(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '<' ||
         c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' ||
         c == ',';
}

// Calls `piece(run, is_token_run)` for the alternating runs of token and
// other characters of `text`, appending what it returns.
template <typename Piece>
std::string MapRuns(std::string_view text, Piece piece) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const bool token = IsTokenChar(text[i]);
    size_t j = i;
    while (j < text.size() && IsTokenChar(text[j]) == token) ++j;
    out += piece(text.substr(i, j - i), token);
    i = j;
  }
  return out;
}

std::string RedactGuestTokens(std::string_view text) {
  return MapRuns(text, [](std::string_view run, bool token) {
    return token && run.substr(0, 4) == "gg1." ? std::string("[redacted]") : std::string(run);
  });
}

// The part of a URL after "scheme://".
std::string RedactUrlTail(std::string_view tail) {
  size_t authority = 0;
  while (authority < tail.size() && tail[authority] != '/' && tail[authority] != '?' &&
         tail[authority] != '#') {
    ++authority;
  }
  std::string out(tail.substr(0, authority));
  std::string previous;  // The last token run, to spot /rsvp/<token>.
  out += MapRuns(tail.substr(authority), [&](std::string_view run, bool token) {
    if (!token) return std::string(run);
    const bool credential_route = previous == "rsvp" || previous == "checkin" ||
                                  previous == "invites" || previous.rfind("verify", 0) == 0;
    previous = std::string(run);
    if (run.size() >= 16 || credential_route || run.substr(0, 4) == "gg1.") {
      return std::string("[redacted]");
    }
    return std::string(run);
  });
  return out;
}

}  // namespace

std::string RedactLinkTokens(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t found = text.find("://", i);
    const size_t stop = found == std::string_view::npos ? text.size() : found + 3;
    out += RedactGuestTokens(text.substr(i, stop - i));
    if (found == std::string_view::npos) break;
    size_t end = stop;
    while (end < text.size() && !EndsUrl(text[end])) ++end;
    out += RedactUrlTail(text.substr(stop, end - stop));
    i = end;
  }
  return out;
}

std::string StripUrlCredentials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (true) {
    const size_t scheme_end = text.find("://", pos);
    if (scheme_end == std::string_view::npos) break;
    const size_t authority = scheme_end + 3;
    out.append(text.substr(pos, authority - pos));
    // The authority ends at the first '/', '?', '#' or whitespace; its
    // userinfo is everything up to the last '@' inside it.
    size_t end = authority;
    while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
           !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
           text[end] != '\'' && text[end] != ',') {
      ++end;
    }
    const size_t at = text.substr(authority, end - authority).rfind('@');
    pos = at == std::string_view::npos ? authority : authority + at + 1;
  }
  out.append(text.substr(pos));
  return out;
}

Logger::Logger(LogLevel min_level, std::FILE* out) : min_level_(min_level), out_(out) {}

void Logger::Log(LogLevel level, std::string_view msg, boost::json::object fields) {
  if (!Enabled(level)) return;
  boost::json::object line;
  line["time"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LogLevelName(level);
  line["msg"] = msg;
  for (auto& [name, value] : fields) {
    if (name == "time" || name == "level" || name == "msg") continue;
    if (IsSecretFieldName(name)) {
      line[name] = "[redacted]";
    } else if (value.is_string() && value.get_string().find("://") != std::string::npos) {
      line[name] = StripUrlCredentials(value.get_string());
    } else {
      line[name] = std::move(value);
    }
  }
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  absl::MutexLock lock(&mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace guestguard::server
