// Copyright 2026 GuestGuard authors.
#include "server/ws_tickets.h"

#include <utility>

#include "guestguard/status_macros.h"
#include "server/auth.h"

namespace guestguard::server {

WsTickets::WsTickets(std::shared_ptr<sql::Database> db, absl::Duration ttl, size_t capacity,
                     std::shared_ptr<Clock> clock)
    : db_(std::move(db)),
      ttl_(ttl),
      capacity_(static_cast<int64_t>(capacity)),
      clock_(clock ? std::move(clock) : SystemClock()) {}

absl::StatusOr<WsTickets::Issued> WsTickets::Issue(int64_t user_id, int64_t event_id,
                                                   std::string_view session_hash) {
  Issued issued;
  issued.ticket = NewSessionToken();
  const std::string ticket_hash = HashSessionToken(issued.ticket);
  const absl::Time now = clock_->Now();
  issued.expires_at = now + ttl_;
  bool full = false;
  absl::Status status = db_->Transact([&](sql::Connection& c) -> absl::Status {
    full = false;
    GG_RETURN_IF_ERROR(c.Exec("DELETE FROM ws_tickets WHERE ticket_hash IN (SELECT ticket_hash"
                              " FROM ws_tickets WHERE expires_at <= ? LIMIT ?)",
                              {now, sql::Int(kSweepBatch)})
                           .status());
    // Counts at most `capacity_` rows, however many there are.
    GG_ASSIGN_OR_RETURN(sql::Rows live, c.Query("SELECT COUNT(*) FROM (SELECT 1 FROM ws_tickets"
                                                " WHERE expires_at > ? LIMIT ?) AS live",
                                                {now, sql::Int(capacity_)}));
    GG_ASSIGN_OR_RETURN(int64_t outstanding, live.Int(0, 0));
    if (outstanding >= capacity_) {
      full = true;
      return absl::OkStatus();  // Keeps the sweep.
    }
    return c
        .Exec(
            "INSERT INTO ws_tickets (ticket_hash, user_id, event_id, session_hash, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            {sql::Text(ticket_hash), sql::Int(user_id), sql::Int(event_id), sql::Text(session_hash),
             issued.expires_at})
        .status();
  });
  if (absl::IsFailedPrecondition(status)) {
    return absl::NotFoundError("the event or the account no longer exists");
  }
  if (!status.ok()) return status;
  if (full) {
    return absl::ResourceExhaustedError("too many monitor tickets outstanding; retry shortly");
  }
  return issued;
}

absl::StatusOr<std::optional<WsTickets::Redeemed>> WsTickets::Redeem(std::string_view ticket,
                                                                     int64_t event_id) {
  if (ticket.empty() || ticket.size() > kMaxTicketLength) return std::nullopt;
  const std::string ticket_hash = HashSessionToken(ticket);
  const absl::Time now = clock_->Now();
  sql::Rows rows;
  // One statement: concurrent presentations of one ticket (on any nodes)
  // cannot both receive the row.
  GG_RETURN_IF_ERROR(db_->Autocommit([&](sql::Connection& c) -> absl::Status {
    GG_ASSIGN_OR_RETURN(rows, c.Query("DELETE FROM ws_tickets WHERE ticket_hash = ?"
                                      " RETURNING user_id, event_id, session_hash, expires_at",
                                      {sql::Text(ticket_hash)}));
    return absl::OkStatus();
  }));
  if (rows.empty()) return std::nullopt;
  GG_ASSIGN_OR_RETURN(int64_t user_id, rows.Int(0, 0));
  GG_ASSIGN_OR_RETURN(int64_t bound_event, rows.Int(0, 1));
  GG_ASSIGN_OR_RETURN(std::string session_hash, rows.Text(0, 2));
  GG_ASSIGN_OR_RETURN(absl::Time expires_at, rows.Time(0, 3));
  if (now >= expires_at || bound_event != event_id) return std::nullopt;
  return Redeemed{user_id, std::move(session_hash)};
}

}  // namespace guestguard::server
