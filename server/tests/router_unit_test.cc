// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/router.h: the route table, target parsing and the
// 500 for a throwing handler.
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/log.h"
#include "server/router.h"

namespace guestguard::server {
namespace {

Request Get(std::string method, std::string target) {
  Request request;
  request.method = std::move(method);
  request.target = target;
  EXPECT_TRUE(ParseTarget(target, &request.path, &request.query));
  return request;
}

TEST(Router, MatchesNamedParameters) {
  Router router;
  router.Add("GET", "/events/{id}/guests/{guest_id}", [](const Request&, const Params& p) {
    return Response::Json(200, {{"id", p.at("id")}, {"guest", p.at("guest_id")}});
  });
  Response res = router.Dispatch(Get("GET", "/events/e%201/guests/g2?x=1"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"id":"e 1","guest":"g2"})");
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  Router router;
  auto ok = [](const Request&, const Params&) { return Response::Json(200, nullptr); };
  router.Add("GET", "/events/{id}", ok);
  router.Add("PATCH", "/events/{id}", ok);
  EXPECT_EQ(router.Dispatch(Get("GET", "/events")).status, 404);
  EXPECT_EQ(router.Dispatch(Get("GET", "/events/")).status, 404);
  Response res = router.Dispatch(Get("DELETE", "/events/1"));
  EXPECT_EQ(res.status, 405);
  ASSERT_EQ(res.headers.size(), 1u);
  EXPECT_EQ(res.headers[0].first, "Allow");
  EXPECT_EQ(res.headers[0].second, "GET, PATCH");
  EXPECT_NE(res.body.find(R"("code":"method_not_allowed")"), std::string::npos);
}

TEST(Router, TableIsInspectable) {
  Router router;
  auto ok = [](const Request&, const Params&) { return Response::Json(200, nullptr); };
  router.Add("GET", "/healthz", ok);
  router.Add("POST", "/events", ok);
  std::vector<Router::RouteInfo> routes = router.routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[1].method, "POST");
  EXPECT_EQ(routes[1].pattern, "/events");
}

TEST(Router, ThrowingHandlerBecomes500Internal) {
  Router router;
  router.Add("GET", "/boom", [](const Request&, const Params&) -> Response {
    throw std::runtime_error("database exploded");
  });
  std::FILE* sink = std::tmpfile();
  Logger logger(LogLevel::kInfo, sink);
  Response res = DispatchOrInternalError(router, Get("GET", "/boom"), logger);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body, R"({"error":{"code":"internal","message":"internal server error"}})");
  std::fclose(sink);
}

TEST(ParseTarget, DecodesQueryAndRejectsBadEscapes) {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  ASSERT_TRUE(ParseTarget("/a/b?token=x%2By&name=a+b&flag", &path, &query));
  EXPECT_EQ(path, "/a/b");
  EXPECT_EQ(query["token"], "x+y");
  EXPECT_EQ(query["name"], "a b");
  EXPECT_EQ(query["flag"], "");
  ASSERT_TRUE(ParseTarget("/a%2fb/%72svp/c%25d", &path, &query));
  EXPECT_EQ(path, "/a%2Fb/rsvp/c%25d");
  EXPECT_FALSE(ParseTarget("/a%zz", &path, &query));
  EXPECT_FALSE(ParseTarget("/a%2", &path, &query));
  EXPECT_FALSE(ParseTarget("http://x/a", &path, &query));
  EXPECT_FALSE(ParseTarget("/a%FF", &path, &query));  // Not UTF-8.
  EXPECT_FALSE(ParseTarget("/a?q=%E9t%E9", &path, &query));
  EXPECT_TRUE(ParseTarget("/a%C3%A9?q=%C3%A9", &path, &query));
}

TEST(Router, EncodedSlashIsPartOfItsSegment) {
  Router router;
  router.Add("GET", "/a/b", [](const Request&, const Params&) { return Response::Json(200, 1); });
  router.Add("GET", "/x/{id}", [](const Request&, const Params& p) {
    return Response::Json(200, {{"id", p.at("id")}});
  });
  EXPECT_EQ(router.Dispatch(Get("GET", "/a%2Fb")).status, 404);
  EXPECT_EQ(router.Dispatch(Get("GET", "/a/b")).status, 200);
  Response res = router.Dispatch(Get("GET", "/x/1%2F2%2525"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, R"({"id":"1/2%25"})");
  EXPECT_EQ(router.Dispatch(Get("GET", "/x/1%2F..%2Fa")).status, 200);  // One segment.
  EXPECT_EQ(router.Dispatch(Get("GET", "/%61/%62")).status, 200);
}

TEST(Router, RouteIndexNamesTheRouteDispatchCalls) {
  // The index labels metrics, including 500s whose handler threw: it must
  // decode the path as Dispatch does.
  Router router;
  router.Add("GET", "/a/b", [](const Request&, const Params&) { return Response::Json(200, 1); });
  router.Add("GET", "/x/{id}",
             [](const Request&, const Params&) { return Response::Json(200, 2); });
  for (const char* path : {"/a/b", "/%61/%62", "/a%2Fb", "/x/1%2F2", "/x/", "/nope"}) {
    EXPECT_EQ(router.RouteIndex("GET", path), router.Dispatch(Get("GET", path)).route) << path;
  }
  EXPECT_EQ(router.RouteIndex("GET", "/%61/%62"), 0);
  EXPECT_EQ(router.RouteIndex("POST", "/a/b"), -1);
}

TEST(Router, RunsInlineOnlyForRoutesAddedInline) {
  Router router;
  auto ok = [](const Request&, const Params&) { return Response::Json(200, 1); };
  router.AddInline("GET", "/healthz", ok);
  router.Add("GET", "/events/{id}", ok);
  EXPECT_TRUE(router.RunsInline(Get("GET", "/healthz")));
  EXPECT_TRUE(router.RunsInline(Get("GET", "/%68ealthz")));
  EXPECT_FALSE(router.RunsInline(Get("GET", "/events/1")));
  EXPECT_FALSE(router.RunsInline(Get("POST", "/healthz")));  // 405: no route.
  EXPECT_FALSE(router.RunsInline(Get("GET", "/nope")));
  EXPECT_EQ(router.Dispatch(Get("GET", "/healthz")).status, 200);
}

}  // namespace
}  // namespace guestguard::server
