// Copyright 2026 GuestGuard authors.
//
// Unit tests of the Beast-free parts of the server: route table, target
// parsing, configuration precedence and validation, log redaction.
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "server/config.h"
#include "server/log.h"
#include "server/router.h"
#include "server/wire.h"

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

TEST(Log, SecretFieldNamesAreRedacted) {
  EXPECT_TRUE(IsSecretFieldName("token"));
  EXPECT_TRUE(IsSecretFieldName("Authorization"));
  EXPECT_TRUE(IsSecretFieldName("session_token"));
  EXPECT_FALSE(IsSecretFieldName("request_id"));
  EXPECT_FALSE(IsSecretFieldName("path"));
}

TEST(Log, TokenPathSegmentsAreRedacted) {
  EXPECT_EQ(PathForLog("/rsvp/gg1.abc.def"), "/rsvp/[redacted]");
  EXPECT_EQ(PathForLog("/checkin/gg1.abc.def"), "/checkin/[redacted]");
  EXPECT_EQ(PathForLog("/invites/AbC_-123"), "/invites/[redacted]");
  EXPECT_EQ(PathForLog("/invites/AbC_-123/accept"), "/invites/[redacted]/accept");
  EXPECT_EQ(PathForLog("/events/7/guests"), "/events/7/guests");
  EXPECT_EQ(PathForLog("/rsvpx/abc"), "/rsvpx/abc");
  EXPECT_EQ(PathForLog("/"), "/");
}

TEST(Log, EncodedTokenRoutesAreRedactedToo) {
  EXPECT_EQ(PathForLog("/%72svp/gg1.abc.def"), "/rsvp/[redacted]");
  EXPECT_EQ(PathForLog("/%63heck%69n/gg1.abc"), "/checkin/[redacted]");
  EXPECT_EQ(PathForLog("/invite%73/AbC/accept"), "/invites/[redacted]/accept");
  EXPECT_EQ(PathForLog("/rsvp/gg1.a%2Fb/x"), "/rsvp/[redacted]/x");
  EXPECT_EQ(PathForLog("/%zzsvp/abc"), "/%zzsvp/abc");
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

TEST(Wire, Utf8ValidationFollowsRfc3629) {
  EXPECT_TRUE(IsUtf8("plain"));
  EXPECT_TRUE(IsUtf8("Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x8E\x89"));
  EXPECT_EQ(InvalidUtf8Offset("ab\xEB"), 2u);            // Windows-1252 "ë".
  EXPECT_EQ(InvalidUtf8Offset("\xC0\xAF"), 0u);          // Overlong "/".
  EXPECT_EQ(InvalidUtf8Offset("\xED\xA0\x80"), 0u);      // Surrogate.
  EXPECT_EQ(InvalidUtf8Offset("\xF4\x90\x80\x80"), 0u);  // Above U+10FFFF.
  EXPECT_EQ(InvalidUtf8Offset("x\xE2\x82"), 1u);         // Truncated.
  EXPECT_TRUE(HasControlCharacter("a\r\nBcc: x"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_FALSE(HasControlCharacter("Zo\xC3\xAB's party"));
}

TEST(Log, UrlCredentialsAreStripped) {
  EXPECT_EQ(StripUrlCredentials("nats://alice:s3cret@bus.internal:4222"),
            "nats://bus.internal:4222");
  EXPECT_EQ(StripUrlCredentials("postgresql://gg:pw@db/gg?sslmode=require"),
            "postgresql://db/gg?sslmode=require");
  EXPECT_EQ(StripUrlCredentials("cannot reach nats://u:p@h:1 nor https://x:y@z/q"),
            "cannot reach nats://h:1 nor https://z/q");
  EXPECT_EQ(StripUrlCredentials("https://example.com/a@b"), "https://example.com/a@b");
  EXPECT_EQ(StripUrlCredentials("inprocess"), "inprocess");
  EXPECT_EQ(StripUrlCredentials("://@"), "://");
}

TEST(Log, LoggedUrlsCarryNoCredentials) {
  std::FILE* out = std::tmpfile();
  ASSERT_NE(out, nullptr);
  Logger logger(LogLevel::kInfo, out);
  logger.Info("notifier running", {{"bus", "nats://alice:s3cret@bus.internal:4222"}});
  std::rewind(out);
  char buffer[512] = {};
  const size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, out);
  std::fclose(out);
  const std::string line(buffer, n);
  EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
  EXPECT_NE(line.find("nats://bus.internal:4222"), std::string::npos) << line;
}

}  // namespace
}  // namespace guestguard::server
