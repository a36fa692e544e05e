// Copyright 2026 GuestGuard authors.
//
// The two Status helpers Abseil 20220623 does not ship, for code that calls
// the library (the SQL layer's Transact bodies, the server) and the library
// itself. GG_-prefixed so they do not clash with other projects' macros.
#ifndef GUESTGUARD_STATUS_MACROS_H_
#define GUESTGUARD_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define GG_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status gg_status_ = (expr);      \
    if (!gg_status_.ok()) return gg_status_; \
  } while (false)

#define GG_STATUS_CONCAT_INNER_(a, b) a##b
#define GG_STATUS_CONCAT_(a, b) GG_STATUS_CONCAT_INNER_(a, b)

// `GG_ASSIGN_OR_RETURN(auto x, StatusOrExpr());` — declares/assigns the value,
// or returns the error from the enclosing function.
#define GG_ASSIGN_OR_RETURN(lhs, expr) \
  GG_ASSIGN_OR_RETURN_IMPL_(GG_STATUS_CONCAT_(gg_statusor_, __LINE__), lhs, expr)
#define GG_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(*tmp)

#endif  // GUESTGUARD_STATUS_MACROS_H_
