// Copyright 2026 GuestGuard authors.
//
// Unit tests of server/http_errors.h: the status → HTTP mapping.
#include <string>

#include "absl/status/status.h"
#include "boost/json/object.hpp"
#include "gtest/gtest.h"
#include "server/http_errors.h"

namespace guestguard::server {
namespace {

TEST(HttpErrors, MapsStatusCodes) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500);
  EXPECT_EQ(ErrorCodeFor(absl::StatusCode::kAlreadyExists), "already_exists");

  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::kInfo, sink);
  Request r;
  Response res = ErrorResponse(absl::InternalError("secret detail"), r, logger);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body.find("secret detail"), std::string::npos);
  res = ErrorResponse(absl::InvalidArgumentError("email is bad"), r, logger);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("email is bad"), std::string::npos);
  std::fclose(sink);
}

TEST(HttpErrors, ToResponsePassesAResponseAndMapsAnErrorLikeErrorResponse) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::kInfo, sink);
  Request r;
  Response ok = ToResponse(Response::Json(201, boost::json::object{{"x", 1}}), r, logger);
  EXPECT_EQ(ok.status, 201);
  EXPECT_EQ(ok.body, "{\"x\":1}");
  const absl::Status errors[] = {absl::InvalidArgumentError("limit must be 1-100"),
                                 absl::UnauthenticatedError("sign in"),
                                 absl::InternalError("secret detail")};
  for (const absl::Status& e : errors) {
    const Response mapped = ToResponse(e, r, logger);
    const Response direct = ErrorResponse(e, r, logger);
    EXPECT_EQ(mapped.status, direct.status);
    EXPECT_EQ(mapped.body, direct.body);
    EXPECT_EQ(mapped.headers, direct.headers);
  }
  std::fclose(sink);
}

TEST(HttpErrors, ClientErrorsNeverCarryDatabaseLayerText) {
  std::FILE* sink = std::tmpfile();
  ASSERT_NE(sink, nullptr);
  Logger logger(LogLevel::kInfo, sink);
  Request r;
  const absl::Status driver_errors[] = {
      absl::AlreadyExistsError(
          "sqlite: UNIQUE constraint failed: users.email (in: INSERT INTO users (email) ...)"),
      absl::FailedPreconditionError("postgres: insert or update on table \"guests\" violates "
                                    "foreign key constraint [SQLSTATE 23503] in: INSERT INTO"),
      absl::PermissionDeniedError("sqlite: attempt to write a readonly database (in: UPDATE)"),
      absl::InvalidArgumentError("sqlite: statement takes 3 parameters, got 2"),
      absl::NotFoundError("postgres: database \"gg\" does not exist"),
      absl::AlreadyExistsError("sql store: duplicate key in access_log"),
  };
  for (const absl::Status& status : driver_errors) {
    Response res = ErrorResponse(status, r, logger);
    EXPECT_GE(res.status, 400);
    EXPECT_LT(res.status, 500);
    for (std::string_view leak : {"sqlite", "postgres", "SQLSTATE", "INSERT", "UPDATE", "users",
                                  "guests", "constraint", "sql store"}) {
      EXPECT_EQ(res.body.find(leak), std::string::npos) << res.body;
    }
  }
  // Handler-written messages are still shown.
  Response res =
      ErrorResponse(absl::AlreadyExistsError("10.0.0.0/8 is already on the allowlist"), r, logger);
  EXPECT_NE(res.body.find("already on the allowlist"), std::string::npos);
  std::fclose(sink);
}

}  // namespace
}  // namespace guestguard::server
