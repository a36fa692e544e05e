// Copyright 2026 GuestGuard authors.
#include "server/router.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <set>

#include "absl/strings/match.h"
#include "boost/json/serialize.hpp"
#include "server/wire.h"

namespace guestguard::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out->push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;  // Skip the leading '/'.
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

// The path's segments, each percent-decoded on its own (so "%2F" stays inside
// its segment); a segment that does not decode is matched as written.
std::vector<std::string> DecodedSegments(std::string_view path) {
  std::vector<std::string> decoded;
  for (std::string_view raw : SplitPath(path)) {
    std::string segment;
    decoded.push_back(PercentDecode(raw, /*plus_is_space=*/false, &segment) ? std::move(segment)
                                                                            : std::string(raw));
  }
  return decoded;
}

}  // namespace

const std::string* Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, AbslView(name))) {
      return &value;
    }
  }
  return nullptr;
}

Response Response::Json(int status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(value);
  return response;
}

Response Response::Error(int status, std::string_view code, std::string_view message) {
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  boost::json::object body;
  body["error"] = std::move(error);
  return Json(status, body);
}

bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string, std::less<>>* query) {
  if (target.empty() || target.front() != '/') return false;
  size_t q = target.find('?');
  // Segment by segment: an encoded '/' (%2F) is part of its segment, never a
  // separator, and stays encoded in `path` (as does '%', so that the router
  // can split `path` and decode each segment back exactly).
  path->clear();
  std::string segment;
  for (std::string_view raw : SplitPath(target.substr(0, q))) {
    if (!PercentDecode(raw, /*plus_is_space=*/false, &segment) || !IsUtf8(segment)) return false;
    path->push_back('/');
    for (char c : segment) {
      if (c == '%') {
        path->append("%25");
      } else if (c == '/') {
        path->append("%2F");
      } else {
        path->push_back(c);
      }
    }
  }
  query->clear();
  if (q == std::string_view::npos) return true;
  std::string_view rest = target.substr(q + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    if (!PercentDecode(pair.substr(0, eq), true, &key)) return false;
    if (eq != std::string_view::npos && !PercentDecode(pair.substr(eq + 1), true, &value)) {
      return false;
    }
    if (!IsUtf8(key) || !IsUtf8(value)) return false;
    (*query)[key] = std::move(value);
  }
  return true;
}

void Router::Add(std::string method, std::string pattern, Handler handler) {
  AddRoute(std::move(method), std::move(pattern), std::move(handler), /*runs_inline=*/false);
}

void Router::AddInline(std::string method, std::string pattern, Handler handler) {
  AddRoute(std::move(method), std::move(pattern), std::move(handler), /*runs_inline=*/true);
}

void Router::AddRoute(std::string method, std::string pattern, Handler handler, bool runs_inline) {
  if (pattern.empty() || pattern.front() != '/' || !handler) {
    std::fprintf(stderr, "Router::Add: bad route %s %s\n", method.c_str(), pattern.c_str());
    std::abort();
  }
  Route route;
  for (std::string_view segment : SplitPath(pattern)) {
    if (!segment.empty() && segment.front() == '{' &&
        (segment.back() != '}' || segment.size() < 3)) {
      std::fprintf(stderr, "Router::Add: bad parameter in %s\n", pattern.c_str());
      std::abort();
    }
    route.segments.emplace_back(segment);
  }
  for (const Route& existing : routes_) {
    if (existing.method == method && existing.segments == route.segments) {
      std::fprintf(stderr, "Router::Add: duplicate route %s %s\n", method.c_str(), pattern.c_str());
      std::abort();
    }
  }
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.runs_inline = runs_inline;
  routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& segments,
                   Params* params) {
  if (route.segments.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() >= 3 && want.front() == '{' && want.back() == '}') {
      if (segments[i].empty()) return false;
      params->emplace(want.substr(1, want.size() - 2), std::string(segments[i]));
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

Response Router::Dispatch(const Request& request) const {
  const std::vector<std::string> decoded = DecodedSegments(request.path);
  std::vector<std::string_view> segments(decoded.begin(), decoded.end());
  std::set<std::string> allowed;
  Params params;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    if (!Match(route, segments, &params)) continue;
    if (route.method == request.method) {
      Response response = route.handler(request, params);
      response.route = static_cast<int>(i);
      return response;
    }
    allowed.insert(route.method);
  }
  if (allowed.empty()) {
    return Response::Error(404, "not_found", "no such resource");
  }
  std::string allow;
  for (const std::string& method : allowed) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  Response response =
      Response::Error(405, "method_not_allowed",
                      "method " + request.method + " is not allowed here; allowed: " + allow);
  response.headers.emplace_back("Allow", allow);
  return response;
}

Response DispatchOrInternalError(const Router& router, const Request& request, Logger& logger) {
  try {
    return router.Dispatch(request);
  } catch (const std::exception& e) {
    logger.Error("handler failed", {{"request_id", request.request_id},
                                    {"method", request.method},
                                    {"path", PathForLog(request.path)},
                                    {"error", e.what()}});
  } catch (...) {
    logger.Error("handler failed", {{"request_id", request.request_id},
                                    {"method", request.method},
                                    {"path", PathForLog(request.path)}});
  }
  Response response = Response::Error(500, "internal", "internal server error");
  response.route = router.RouteIndex(request.method, request.path);
  return response;
}

bool Router::RunsInline(const Request& request) const {
  const int index = RouteIndex(request.method, request.path);
  return index >= 0 && routes_[static_cast<size_t>(index)].runs_inline;
}

int Router::RouteIndex(std::string_view method, std::string_view path) const {
  const std::vector<std::string> decoded = DecodedSegments(path);
  std::vector<std::string_view> segments(decoded.begin(), decoded.end());
  Params params;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method == method && Match(routes_[i], segments, &params)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back({route.method, route.pattern});
  return out;
}

}  // namespace guestguard::server
