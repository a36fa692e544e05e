// Copyright 2026 GuestGuard authors.
//
// The server's side of the transactional outbox (DESIGN §2.8): a handler that
// changes the domain enqueues the event on the same sql::Connection, inside
// the same Transact, so both commit or neither does. The relay
// (guestguard/outbox_relay.h) publishes the row later with message id "outbox:<row id>".
//
//   absl::Status s = app.db->Transact([&](sql::Connection& c) -> absl::Status {
//     GG_RETURN_IF_ERROR(c.Exec("INSERT INTO ...", {...}).status());
//     return EnqueueEvent(c, app.config.subject_prefix, kSubjectCollaboratorInvited,
//                         payload_json).status();
//   });
//   if (s.ok()) app.NotifyOutbox();   // wake the relay now rather than at its next poll
//
// Thread-safe (stateless).
#ifndef GUESTGUARD_SERVER_OUTBOX_H_
#define GUESTGUARD_SERVER_OUTBOX_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "guestguard/sql/sql.h"

namespace guestguard::server {

// Largest payload an outbox row may carry (InvalidArgument above).
inline constexpr size_t kMaxOutboxPayload = 256 * 1024;

// Enqueues "<prefix>.<subject>" (e.g. subject kSubjectRsvpConfirmed) with
// `payload` (JSON) on `c`. Returns the row id. Errors: InvalidArgument for an
// empty subject or an oversized payload; the statement's error otherwise
// (which fails the caller's transaction).
[[nodiscard]] absl::StatusOr<int64_t> EnqueueEvent(sql::Connection& c, std::string_view prefix,
                                                   std::string_view subject,
                                                   std::string_view payload);

// As EnqueueEvent, together with `write` (one INSERT/UPDATE/DELETE without
// RETURNING, with `params`): ExecWithOutbox (guestguard/outbox_relay.h) — one
// statement on PostgreSQL, so run it in Database::Autocommit. Returns the rows
// `write` changed; the event is enqueued only when it changed one.
[[nodiscard]] absl::StatusOr<int64_t> ExecWithEvent(sql::Connection& c, std::string_view write,
                                                    const std::vector<sql::Value>& params,
                                                    std::string_view prefix,
                                                    std::string_view subject,
                                                    std::string_view payload);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_OUTBOX_H_
