// Copyright 2026 GuestGuard authors.
#include "server/log.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <string>

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
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  static constexpr std::array<std::string_view, 7> kSecret = {
      "token", "password", "secret", "key", "authorization", "cookie", "keyring"};
  return std::any_of(kSecret.begin(), kSecret.end(),
                     [&](std::string_view s) { return lower.find(s) != std::string::npos; });
}

std::string PathForLog(std::string_view path) {
  for (std::string_view prefix : {"/rsvp/", "/checkin/", "/invites/"}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    const size_t end = path.find('/', prefix.size());
    std::string out(prefix);
    out += "[redacted]";
    if (end != std::string_view::npos) out += path.substr(end);
    return out;
  }
  return std::string(path);
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
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace guestguard::server
