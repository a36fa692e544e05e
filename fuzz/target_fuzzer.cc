// Copyright 2026 GuestGuard authors.
//
// Fuzzes the request-target parser (ParseTarget, server/router.h), the
// router's segment matching (Router::Dispatch) and the log redaction of
// paths (PathForLog, server/log.h) with the whole input as a target.
// Invariants:
//   - a target that parses gives a UTF-8 path starting with '/' in which
//     every '%' starts "%25" or "%2F", and UTF-8 query keys and values;
//   - the path re-parses to itself (when it holds no '?', which ends a path);
//   - the router hands a handler each segment decoded exactly as a
//     reference decoder here decodes the target's segment (so "%2F" never
//     splits a segment and nothing is decoded twice);
//   - the log form of /rsvp/, /checkin/ and /invites/ paths (whatever the
//     encoding of that first segment) never shows the token segment.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "server/log.h"
#include "server/router.h"
#include "server/wire.h"

namespace {

using guestguard::server::Params;
using guestguard::server::Request;
using guestguard::server::Response;
using guestguard::server::Router;

constexpr size_t kMaxSegments = 6;

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;
  while (true) {
    const size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == path.npos ? path.npos : slash - start));
    if (slash == path.npos) return out;
    start = slash + 1;
  }
}

// Plain RFC 3986 percent-decoding of one segment; nullopt when malformed.
// Written here on purpose, apart from the server's decoders: it is the
// reference the router is compared with.
std::optional<std::string> Decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Routes "/{a}", "/{a}/{b}", ... answering with their segments (params a, b,
// ... in a "\n"-terminated body), for up to kMaxSegments segments.
const Router& EchoRouter() {
  static const Router* const router = [] {
    static constexpr std::string_view kNames = "abcdef";
    static_assert(kNames.size() == kMaxSegments);
    auto* r = new Router;
    std::string pattern;
    for (size_t n = 0; n < kMaxSegments; ++n) {
      pattern.append("/{").append(kNames.substr(n, 1)).append("}");
      r->Add("GET", pattern, [n](const Request&, const Params& params) {
        Response response;
        for (size_t i = 0; i <= n; ++i) {
          response.body.append(params.find(kNames.substr(i, 1))->second).append("\n");
        }
        return response;
      });
    }
    return r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  if (!guestguard::server::ParseTarget(target, &path, &query)) return 0;

  FUZZ_CHECK(!path.empty() && path.front() == '/');
  FUZZ_CHECK(guestguard::server::IsUtf8(path));
  for (size_t i = path.find('%'); i != path.npos; i = path.find('%', i + 1)) {
    const std::string_view code = std::string_view(path).substr(i, 3);
    FUZZ_CHECK(code == "%25" || code == "%2F");
  }
  for (const auto& [key, value] : query) {
    FUZZ_CHECK(guestguard::server::IsUtf8(key) && guestguard::server::IsUtf8(value));
  }
  if (path.find('?') == path.npos) {
    std::string again;
    std::map<std::string, std::string, std::less<>> no_query;
    FUZZ_CHECK(guestguard::server::ParseTarget(path, &again, &no_query));
    FUZZ_CHECK(again == path);
    FUZZ_CHECK(no_query.empty());
  }

  const std::string_view raw_path = target.substr(0, target.find('?'));
  const std::vector<std::string_view> raw = Split(raw_path);
  std::vector<std::string> want;
  for (std::string_view s : raw) {
    std::optional<std::string> d = Decode(s);
    FUZZ_CHECK(d.has_value());
    want.push_back(*d);
  }
  FUZZ_CHECK(Split(path).size() == raw.size());

  bool empty_segment = false;
  std::string body;
  for (const std::string& s : want) {
    empty_segment = empty_segment || s.empty();
    body += s + "\n";
  }
  if (raw.size() <= kMaxSegments && !empty_segment) {
    Request request;
    request.method = "GET";
    request.target = std::string(target);
    request.path = path;
    Response response = EchoRouter().Dispatch(request);
    FUZZ_CHECK(response.status == 200);
    FUZZ_CHECK(response.body == body);
  }

  if (want.size() >= 2 && (want[0] == "rsvp" || want[0] == "checkin" || want[0] == "invites")) {
    const std::string logged = guestguard::server::PathForLog(path);
    const std::vector<std::string_view> parts = Split(logged);
    FUZZ_CHECK(parts.size() >= 2 && parts[1] == "[redacted]");
    // The raw target as the HTTP layer logs it (path_ is the undecoded path).
    const std::string logged_raw = guestguard::server::PathForLog(raw_path);
    FUZZ_CHECK(Split(logged_raw).size() >= 2 && Split(logged_raw)[1] == "[redacted]");
  }
  return 0;
}
