// Copyright 2026 GuestGuard authors.
//
// The remote scorer's URL and JSON codec (no Beast here: remote_scorer.cc
// holds the HTTP client). Contracts in remote_scorer.h; the wire format in
// docs/operations.md ("Remote scorer").
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "guestguard/baseline.h"
#include "guestguard/cidr.h"
#include "server/remote_scorer.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr size_t kMaxUrlLength = 2048;
constexpr size_t kMaxReasonCode = 64;

absl::Status BadUrl(std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(why), " (expected http://HOST:PORT/PATH)"));
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

// Lower-case hex of the low `digits` nibbles of `v`.
std::string Hex(uint64_t v, int digits) {
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4)
    out[static_cast<size_t>(i)] = "0123456789abcdef"[v & 0xf];
  return out;
}

// The hash as hex, or null when the signal was not sent (hash 0).
boost::json::value HexOrNull(uint64_t v, int digits) {
  if (v == 0) return nullptr;
  return boost::json::value(Hex(v, digits));
}

boost::json::array ReasonsJson(const std::vector<Reason>& reasons) {
  boost::json::array out;
  for (const Reason& r : reasons) {
    out.emplace_back(
        boost::json::object{{"code", r.code}, {"score", r.score}, {"message", r.message}});
  }
  return out;
}

bool ValidReasonCode(std::string_view code) {
  if (code.empty() || code.size() > kMaxReasonCode) return false;
  return std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// An integer JSON number in [0, 100]; doubles (42.0), booleans and strings are not.
bool ScoreOf(const boost::json::value* v, int* out) {
  if (v == nullptr) return false;
  if (v->is_int64() && v->get_int64() >= 0 && v->get_int64() <= 100) {
    *out = static_cast<int>(v->get_int64());
    return true;
  }
  if (v->is_uint64() && v->get_uint64() <= 100) {
    *out = static_cast<int>(v->get_uint64());
    return true;
  }
  return false;
}

absl::Status BadAnswer(std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("scorer answer: ", std::string(why)));
}

}  // namespace

absl::StatusOr<ScorerUrl> ParseScorerUrl(std::string_view url) {
  if (url.size() > kMaxUrlLength) return BadUrl("the URL is longer than 2048 bytes");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return BadUrl("the URL holds a space or a non-ASCII character");
  }
  if (url.rfind("https://", 0) == 0) {
    return absl::InvalidArgumentError(
        "https:// is not supported: run a local TLS sidecar (stunnel, Envoy, ...) and point the "
        "flag at its http://127.0.0.1:PORT/PATH");
  }
  if (url.rfind("http://", 0) != 0) return BadUrl("the URL must start with http://");
  if (url.find('#') != std::string_view::npos) return BadUrl("the URL has a fragment");
  std::string_view rest = url.substr(7);
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl("the URL has user info; credentials do not belong in it");
  }
  ScorerUrl out;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("unclosed '[' in the host");
    out.host = std::string(authority.substr(1, close - 1));
    if (!IpAddress::Parse(out.host).ok() || out.host.find(':') == std::string::npos) {
      return BadUrl("the bracketed host is not an IPv6 address");
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return BadUrl("junk after the bracketed host");
      port_text = after.substr(1);
      if (port_text.empty()) return BadUrl("empty port");
    }
  } else {
    const size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return BadUrl("empty port");
    }
    if (out.host.empty()) return BadUrl("the URL has no host");
    if (out.host.size() > 253 || !std::all_of(out.host.begin(), out.host.end(), IsHostNameChar)) {
      return BadUrl("the host must be a name, an IPv4 address or a bracketed IPv6 address");
    }
  }
  if (!port_text.empty()) {
    const std::optional<int64_t> port = ParseDecimal(port_text);
    if (!port || *port == 0 || *port > 65535) {
      return BadUrl("the port must be a number from 1 to 65535");
    }
    out.port = static_cast<uint16_t>(*port);
  }
  out.host_header = std::string(authority);
  if (tail.empty()) {
    out.target = "/";
  } else if (tail.front() == '?') {
    out.target = "/" + std::string(tail);
  } else {
    out.target = std::string(tail);
  }
  return out;
}

std::string EncodeScoreRequest(const ScoringContext& ctx) {
  const AccessAttempt& a = ctx.attempt;
  const AccessFeatures& f = ctx.features;
  const Baseline& b = ctx.baseline;
  boost::json::array components;
  for (uint32_t c : f.components) components.push_back(HexOrNull(c, 8));
  const bool known_device =
      f.device != 0 && std::any_of(b.devices().begin(), b.devices().end(),
                                   [&](const auto& d) { return d.fingerprint == f.device; });
  const bool known_network =
      f.has_ip && std::any_of(b.networks().begin(), b.networks().end(),
                              [&](const auto& n) { return n.network == f.network; });
  // The link's use history (every scored use, learned or not): how widely it travelled.
  std::vector<uint64_t> history_devices;
  std::vector<uint64_t> history_networks;
  for (const Baseline::Use& u : b.uses()) {
    if (u.device != 0) history_devices.push_back(u.device);
    if (u.network != 0) history_networks.push_back(u.network);
  }
  auto distinct = [](std::vector<uint64_t>& keys) {
    std::sort(keys.begin(), keys.end());
    return static_cast<int64_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
  };
  boost::json::value heuristic = nullptr;
  if (ctx.heuristic != nullptr) {
    heuristic = boost::json::object{{"score", ctx.heuristic->score},
                                    {"band", BandName(ctx.heuristic->band)},
                                    {"reasons", ReasonsJson(ctx.heuristic->reasons)}};
  }
  boost::json::object request{
      {"version", 1},
      {"event_id", a.event_id},
      {"guest_id", a.guest_id},
      {"kind", AccessKindName(a.kind)},
      {"at", FormatRfc3339(a.at)},
      {"client_ip", a.client_ip},
      {"signals", boost::json::object{{"user_agent", a.signals.user_agent},
                                      {"fingerprint", a.signals.fingerprint},
                                      {"timezone", a.signals.timezone},
                                      {"language", a.signals.language},
                                      {"screen", a.signals.screen},
                                      {"platform", a.signals.platform}}},
      {"features", boost::json::object{{"fingerprint", HexOrNull(f.fingerprint, 16)},
                                       {"device", HexOrNull(f.device, 16)},
                                       {"device_from_headers", f.device_from_headers},
                                       {"components", std::move(components)},
                                       {"network", f.has_ip ? boost::json::value(Hex(f.network, 16))
                                                            : boost::json::value(nullptr)},
                                       {"address", f.has_ip ? boost::json::value(Hex(f.address, 16))
                                                            : boost::json::value(nullptr)}}},
      {"baseline",
       boost::json::object{
           {"accesses", b.accesses()},
           {"devices", b.devices().size()},
           {"networks", b.networks().size()},
           {"first_seen", b.empty() ? boost::json::value(nullptr)
                                    : boost::json::value(FormatRfc3339(b.first_seen()))},
           {"last_seen", b.empty() ? boost::json::value(nullptr)
                                   : boost::json::value(FormatRfc3339(b.last_seen()))},
           {"known_device", known_device},
           {"known_network", known_network},
           {"confirmed_device", b.has_confirmed_device()},
           {"link_uses", b.uses().size()},
           {"link_devices", distinct(history_devices)},
           {"link_networks", distinct(history_networks)}}},
      {"recent_uses", ctx.recent_uses},
      {"thresholds", boost::json::object{{"medium", ctx.thresholds.medium},
                                         {"high", ctx.thresholds.high},
                                         {"block", ctx.thresholds.block}}},
      {"heuristic", std::move(heuristic)},
  };
  return boost::json::serialize(request);
}

absl::StatusOr<Verdict> ParseScoreAnswer(std::string_view body, const Thresholds& thresholds) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);  // Rejects invalid UTF-8.
  if (ec) return BadAnswer("not JSON");
  const boost::json::object* object = parsed.if_object();
  if (object == nullptr) return BadAnswer("not a JSON object");
  Verdict verdict;
  if (!ScoreOf(object->if_contains("score"), &verdict.score)) {
    return BadAnswer("score must be an integer from 0 to 100");
  }
  const boost::json::value* reasons = object->if_contains("reasons");
  if (reasons == nullptr || !reasons->is_array()) return BadAnswer("reasons must be an array");
  if (reasons->get_array().size() > kMaxAnswerReasons) {
    return BadAnswer(absl::StrCat("more than ", kMaxAnswerReasons, " reasons"));
  }
  for (const boost::json::value& item : reasons->get_array()) {
    const boost::json::object* r = item.if_object();
    if (r == nullptr) return BadAnswer("a reason is not an object");
    Reason reason;
    const boost::json::value* code = r->if_contains("code");
    if (code == nullptr || !code->is_string() || !ValidReasonCode(code->get_string())) {
      return BadAnswer("a reason code must be 1-64 characters of [a-z0-9_.-]");
    }
    reason.code = std::string(code->get_string());
    if (!ScoreOf(r->if_contains("score"), &reason.score)) {
      return BadAnswer("a reason score must be an integer from 0 to 100");
    }
    const boost::json::value* message = r->if_contains("message");
    if (message == nullptr || !message->is_string() ||
        message->get_string().size() > kMaxAnswerMessage) {
      return BadAnswer(absl::StrCat("a reason message must be a string of at most ",
                                    kMaxAnswerMessage, " bytes"));
    }
    reason.message = std::string(message->get_string());
    verdict.reasons.push_back(std::move(reason));
  }
  verdict.band = thresholds.BandOf(verdict.score);
  return verdict;
}

}  // namespace guestguard::server
