// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/app.h: what AppState::Open wires together, on a real
// in-memory SQLite database.
#include <cstdio>
#include <memory>
#include <string>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "guestguard/clock.h"
#include "server/app.h"
#include "server/config.h"
#include "server/log.h"
#include "server/router.h"
#include "server/routes.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

Request Call(std::string method, std::string path, std::string body, std::string token = "") {
  Request request;
  request.method = std::move(method);
  request.target = path;
  request.path = std::move(path);
  request.body = std::move(body);
  request.headers = {{"content-type", "application/json"}};
  if (!token.empty()) request.headers.emplace_back("authorization", "Bearer " + token);
  request.client_ip = "192.0.2.1";
  request.request_id = "test";
  return request;
}

TEST(AppState, SessionsReadTheClockItIsOpenedWith) {
  Config config;
  config.database_url = "sqlite::memory:";
  config.notifier = false;
  config.access_log_retention = absl::ZeroDuration();
  config.session_idle_timeout = absl::Hours(1);
  auto clock = std::make_shared<ManualClock>(absl::FromUnixSeconds(1'800'000'000));
  std::FILE* log = std::tmpfile();
  absl::StatusOr<std::unique_ptr<AppState>> app =
      AppState::Open(config, std::make_shared<Logger>(LogLevel::kError, log), clock);
  ASSERT_TRUE(app.ok()) << app.status();
  EXPECT_EQ((*app)->clock, clock);
  Router router;
  RegisterRoutes(router, **app);

  const std::string credentials =
      R"({"email":"a@example.com","password":"twelve chars ok","name":"A"})";
  ASSERT_EQ(router.Dispatch(Call("POST", "/auth/signup", credentials)).status, 202);
  ASSERT_TRUE(
      (*app)
          ->db
          ->Autocommit([&](sql::Connection& c) {
            return c.Exec("UPDATE users SET email_verified_at = ?", {NowMicros(*clock)}).status();
          })
          .ok());
  Response login = router.Dispatch(Call("POST", "/auth/login", credentials));
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token(boost::json::parse(login.body).at("token").as_string());

  clock->Advance(absl::Minutes(59));
  EXPECT_EQ(router.Dispatch(Call("GET", "/me", "", token)).status, 200);
  // Idle for longer than the timeout by the injected clock alone.
  clock->Advance(absl::Hours(2));
  EXPECT_EQ(router.Dispatch(Call("GET", "/me", "", token)).status, 401);
  (*app)->Close();
  std::fclose(log);
}

}  // namespace
}  // namespace guestguard::server
