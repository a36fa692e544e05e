// Copyright 2026 GuestGuard authors.
//
// WsTickets: the short-lived, single-use tickets that open the live monitor
// WebSocket (a browser cannot send an Authorization header on an upgrade, and
// a session token must not travel in a URL). A ticket is 32 random bytes
// (base64url), bound to one user and one event, valid for `ttl` (at most
// 30 s), and consumed by its first presentation, whatever its outcome.
// Tickets live in this process's memory, keyed by their SHA-256: the WebSocket
// must reach the process that issued the ticket (sticky routing behind a load
// balancer); a restart forgets them. At most `capacity` are outstanding
// (expired ones are swept as new ones are issued).
//
//   auto issued = tickets.Issue(user.id, event_id);          // POST .../ws-ticket
//   std::optional<std::string> user_id = tickets.Redeem(t, event_id);   // the upgrade
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_WS_TICKETS_H_
#define GUESTGUARD_SERVER_WS_TICKETS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/clock.h"

namespace guestguard::server {

class WsTickets {
 public:
  struct Issued {
    std::string ticket;  // Shown once to the client; never stored or logged.
    absl::Time expires_at;
    std::string session_hash;
  };

  // `clock` null: SystemClock(). `ttl` must be positive.
  WsTickets(absl::Duration ttl, size_t capacity, std::shared_ptr<Clock> clock = nullptr);

  // A new ticket for `user_id` on `event_id`, remembering the hash of the
  // session that asked (so the socket can be closed when that session ends).
  // ResourceExhausted when `capacity` unexpired tickets are outstanding.
  [[nodiscard]] absl::StatusOr<Issued> Issue(std::string_view user_id, int64_t event_id,
                                             std::string_view session_hash = {});

  // Consumes `ticket`; the user id it was issued to when it is unexpired and
  // bound to `event_id`, nullopt otherwise (unknown, reused, expired, other
  // event). On success, `*session_hash` (when not null) is the issuing
  // session's hash.
  std::optional<std::string> Redeem(std::string_view ticket, int64_t event_id,
                                    std::string* session_hash = nullptr);

 private:
  struct Entry {
    std::string user_id;
    int64_t event_id = 0;
    absl::Time expires_at;
    std::string session_hash;
  };

  const absl::Duration ttl_;
  const size_t capacity_;
  const std::shared_ptr<Clock> clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> by_hash_ ABSL_GUARDED_BY(mu_);
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_WS_TICKETS_H_
