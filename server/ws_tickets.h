// Copyright 2026 GuestGuard authors.
//
// WsTickets: the short-lived, single-use tickets that open the live monitor
// WebSocket (a browser cannot send an Authorization header on an upgrade, and
// a session token must not travel in a URL). A ticket is 32 random bytes
// (base64url), bound to one user and one event, valid for `ttl` (at most
// 30 s), and consumed by its first presentation, whatever its outcome.
//
// Tickets live in the database (table ws_tickets, server migration 0015), so
// any node on the same database accepts a ticket another node issued: no
// sticky routing, and a restart forgets nothing. A row holds the ticket's
// SHA-256 (never the ticket), the user, the event, the issuing session's hash
// and the expiry. Redeem is one statement (DELETE ... RETURNING): of any
// number of presentations of one ticket, on any nodes at once, exactly one
// gets the row. Expiry is judged by the clock of the node that redeems
// against the time the issuing node wrote (node clocks are assumed to agree
// to well within the TTL).
//
// At most `capacity` unexpired tickets are outstanding in the whole
// deployment (all users, all nodes; not per account — per-account issuing is
// limited separately, by AppState::ws_tickets_per_account). The check and the
// insert are not serialised across concurrent issuers, so the table may
// exceed `capacity` by at most the number of issues running at that moment.
// Each Issue first deletes up to kSweepBatch expired rows, so expired rows
// never accumulate (one issue adds one row and sweeps up to kSweepBatch).
//
//   auto issued = tickets.Issue(user_id, event_id, user.session_hash);  // POST .../ws-ticket
//   auto redeemed = tickets.Redeem(t, event_id);                        // the upgrade
//   if (!redeemed.ok()) ... 503; if (!*redeemed) ... 401
//
// Thread-safe (the database serialises what needs it).
#ifndef GUESTGUARD_SERVER_WS_TICKETS_H_
#define GUESTGUARD_SERVER_WS_TICKETS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/clock.h"
#include "guestguard/sql/sql.h"

namespace guestguard::server {

class WsTickets {
 public:
  // Expired rows one Issue deletes at most.
  static constexpr int64_t kSweepBatch = 64;
  // Longer presented tickets are refused without a database round trip.
  static constexpr size_t kMaxTicketLength = 128;

  struct Issued {
    std::string ticket;  // Shown once to the client; never stored or logged.
    absl::Time expires_at;
  };

  struct Redeemed {
    int64_t user_id = 0;
    std::string session_hash;  // The issuing session's hash.
  };

  // `db` holds the server's tables (migrated). `clock` null: SystemClock().
  // `ttl` must be positive, `capacity` at least 1.
  WsTickets(std::shared_ptr<sql::Database> db, absl::Duration ttl, size_t capacity,
            std::shared_ptr<Clock> clock = nullptr);

  // A new ticket for `user_id` on `event_id`, remembering `session_hash` (the
  // hash of the session that asked, so the socket can be closed when that
  // session ends). ResourceExhausted when `capacity` unexpired tickets are
  // outstanding; NotFound when the user or the event no longer exists;
  // Unavailable/Internal when the database fails.
  [[nodiscard]] absl::StatusOr<Issued> Issue(int64_t user_id, int64_t event_id,
                                             std::string_view session_hash);

  // Consumes `ticket` (deletes its row, whatever follows): who it was issued
  // to when it is unexpired and bound to `event_id`; nullopt otherwise
  // (unknown, reused, expired, other event, empty or over kMaxTicketLength).
  // Unavailable/Internal when the database fails.
  [[nodiscard]] absl::StatusOr<std::optional<Redeemed>> Redeem(std::string_view ticket,
                                                               int64_t event_id);

 private:
  const std::shared_ptr<sql::Database> db_;
  const absl::Duration ttl_;
  const int64_t capacity_;
  const std::shared_ptr<Clock> clock_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WS_TICKETS_H_
