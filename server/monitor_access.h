// Copyright 2026 GuestGuard authors.
//
// MonitorAccess: access to a live monitor is checked again while the socket
// is open (issue 15 fault 7), not only when it opens. Every `interval` a
// thread looks up, for each watched socket, the session that opened it (by
// its hash, as the ws ticket recorded it) and the user's role on the event,
// and closes the socket
//   4401 "session ended"        when the session is gone (sign-out, sign-out
//                               everywhere, password change elsewhere),
//                               expired or idle longer than `idle_timeout`;
//   4403 "access removed"       when the user no longer has a role that may
//                               watch (viewer or higher) on the event.
// So access is lost within one interval (default 3 s). A database error
// leaves sockets open until the next pass (logged).
//
//   auto access = MonitorAccess::Start(db, absl::Seconds(3), absl::Hours(24 * 7), logger);
//   std::shared_ptr<void> watch = access->Watch(peer, event_id, user_id, session_hash);
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_MONITOR_ACCESS_H_
#define GUESTGUARD_SERVER_MONITOR_ACCESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/sql/sql.h"
#include "server/log.h"
#include "server/websocket.h"

namespace guestguard::server {

inline constexpr uint16_t kCloseSessionEnded = 4401;
inline constexpr uint16_t kCloseAccessRemoved = 4403;

class MonitorAccess {
 public:
  // Starts the checking thread. `interval` and `idle_timeout` must be positive.
  static std::unique_ptr<MonitorAccess> Start(std::shared_ptr<sql::Database> db,
                                              absl::Duration interval, absl::Duration idle_timeout,
                                              std::shared_ptr<Logger> logger);
  MonitorAccess(const MonitorAccess&) = delete;
  MonitorAccess& operator=(const MonitorAccess&) = delete;
  // Stops and joins the thread.
  ~MonitorAccess();

  // Checks `peer` (watching `event_id` for `user_id`, opened by the session
  // whose token hash is `session_hash`) until the returned object is
  // destroyed. May outlive this object.
  std::shared_ptr<void> Watch(std::shared_ptr<WebSocketPeer> peer, int64_t event_id,
                              int64_t user_id, std::string session_hash);

  // One pass on the calling thread; returns how many sockets it closed.
  int CheckNow();

  struct Registry;  // Shared with watches.

 private:
  MonitorAccess(std::shared_ptr<sql::Database> db, absl::Duration interval,
                absl::Duration idle_timeout, std::shared_ptr<Logger> logger);
  void Run();

  const std::shared_ptr<sql::Database> db_;
  const absl::Duration interval_;
  const absl::Duration idle_timeout_;
  const std::shared_ptr<Logger> logger_;
  const std::shared_ptr<Registry> registry_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_MONITOR_ACCESS_H_
