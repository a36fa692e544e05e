// Copyright 2026 GuestGuard authors.
//
// The route table: method + path pattern → handler, over plain project types
// so that handlers never see Beast. Patterns are literal segments and named
// parameters: "/events/{id}/guests/{guest_id}". A path no route matches is a
// 404; a path some route matches with another method is a 405 with an Allow
// header. Every error body is {"error":{"code":"...","message":"..."}}.
//
//   Router router;
//   router.Add("GET", "/events/{id}", [&](const Request& req, const Params& p) {
//     return Response::Json(200, {{"id", p.at("id")}});
//   });
//   Response res = router.Dispatch(request);
//
// Thread-safety: Add() before serving; Dispatch() and routes() may then run
// concurrently (handlers must be thread-safe themselves).
#ifndef GUESTGUARD_SERVER_ROUTER_H_
#define GUESTGUARD_SERVER_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boost/json/value.hpp"
#include "server/log.h"
#include "server/websocket.h"

namespace guestguard::server {

// One HTTP request, decoded.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // As sent: path and query (may hold secrets: never log it).
  // Percent-decoded path without the query, except that a '/' or '%' inside
  // a segment stays encoded (%2F, %25): "/a%2Fb" is one segment "a/b".
  std::string path;
  std::map<std::string, std::string, std::less<>> query;  // Decoded; last value wins.
  // Header names lower-cased, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string client_ip;
  std::string request_id;

  // The first header named `name` (case-insensitive); nullptr when absent.
  const std::string* Header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // Extra headers.
  // With status 101: accept the WebSocket upgrade and call this once it is open
  // (see websocket.h). Ignored otherwise.
  WebSocketOpen websocket;
  // The index (in Router::routes()) of the route that answered; set by
  // Router::Dispatch, -1 when no route matched. For metrics labels.
  int route = -1;

  static Response Json(int status, const boost::json::value& value);
  // {"error":{"code":code,"message":message}}.
  static Response Error(int status, std::string_view code, std::string_view message);
};

using Params = std::map<std::string, std::string, std::less<>>;
using Handler = std::function<Response(const Request&, const Params&)>;

class Router {
 public:
  struct RouteInfo {
    std::string method;
    std::string pattern;
  };

  // Registers a route. Aborts (a programming error) on a malformed pattern or a
  // duplicate method + pattern. The HTTP server runs its handler on the
  // handler pool: it may block (database, Argon2, network).
  void Add(std::string method, std::string pattern, Handler handler);
  // The same for a handler that never blocks (it reads only memory, or a
  // local file): the HTTP server runs it on the I/O thread, so it answers at
  // once even while the handler pool is saturated (/healthz, the web files).
  void AddInline(std::string method, std::string pattern, Handler handler);

  // True when the route Dispatch would call for `request` was added with
  // AddInline (false when none matches).
  bool RunsInline(const Request& request) const;

  // Finds the route and calls its handler. Exceptions thrown by the handler
  // propagate to the caller (the HTTP layer turns them into 500 internal).
  Response Dispatch(const Request& request) const;

  // Every registered route, in registration order.
  std::vector<RouteInfo> routes() const;

  // The index of the route Dispatch would call for `method` and `path`; -1
  // when none (404 or 405).
  int RouteIndex(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for a parameter.
    Handler handler;
    bool runs_inline = false;
  };
  void AddRoute(std::string method, std::string pattern, Handler handler, bool runs_inline);
  static bool Match(const Route& route, const std::vector<std::string_view>& segments,
                    Params* params);

  std::vector<Route> routes_;
};

// router.Dispatch(request), except that an exception thrown by the handler is
// logged (error level, with the request id and path) and answered 500
// {"error":{"code":"internal",...}} without its text reaching the client (with
// `route` still naming the route that threw).
Response DispatchOrInternalError(const Router& router, const Request& request, Logger& logger);

// Splits a request target into a path (decoded segment by segment; see
// Request::path) and a decoded query map. False when the target is not
// origin-form ("/...") or its percent-encoding is malformed or decodes to
// something that is not UTF-8.
bool ParseTarget(std::string_view target, std::string* path,
                 std::map<std::string, std::string, std::less<>>* query);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_ROUTER_H_
