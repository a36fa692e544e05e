// Copyright 2026 GuestGuard authors.
//
// MonitorHub: the fan-out behind WebSocket /events/{id}/monitor. It subscribes
// to "<prefix>.>" on the bus under a name unique to this process (so every
// process sees every event: the live monitor works across server nodes), turns
// "rsvp.confirmed" and "access.scored" messages into activity items (the shape
// of GET /events/{id}/activity, see handlers/activity.h) and queues each, as
// one shared string, on every socket registered for the item's event. Sockets
// are copied out under the lock and sent to outside it; a socket's own bounded
// queue protects the hub from slow clients. Messages for events nobody watches
// are dropped without touching the database. Duplicate deliveries (same
// message id) are shown once.
//
//   auto hub = MonitorHub::Start(bus, db, "guestguard", logger);
//   std::shared_ptr<void> registration = (*hub)->Register(event_id, peer);
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_MONITOR_HUB_H_
#define GUESTGUARD_SERVER_MONITOR_HUB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "guestguard/bus.h"
#include "guestguard/sql/sql.h"
#include "server/log.h"
#include "server/websocket.h"

namespace guestguard::server {

class MonitorHub {
 public:
  // Subscribes to "<prefix>.>" on `bus`. `db` names guests in access items.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<MonitorHub>> Start(
      std::shared_ptr<Bus> bus, std::shared_ptr<sql::Database> db, std::string prefix,
      std::shared_ptr<Logger> logger);

  MonitorHub(const MonitorHub&) = delete;
  MonitorHub& operator=(const MonitorHub&) = delete;
  // Unsubscribes (waiting for a delivery in progress).
  ~MonitorHub();

  // Streams the activity of `event_id` to `peer` until the returned object is
  // destroyed. May outlive the hub.
  std::shared_ptr<void> Register(int64_t event_id, std::shared_ptr<WebSocketPeer> peer);

  // Sockets registered now.
  size_t watchers() const;

  // The event id and the activity item (JSON text) of `message`; nullopt for a
  // subject the monitor does not show. InvalidArgument for a malformed payload.
  // The guest's name is looked up for access items. With `only_watched`, also
  // nullopt (before any lookup) when nobody watches the event. Exposed for tests.
  [[nodiscard]] absl::StatusOr<std::optional<std::pair<int64_t, std::string>>> ItemOf(
      const Message& message, bool only_watched = false);

  struct Registry;  // Shared with registrations.

 private:
  MonitorHub(std::shared_ptr<sql::Database> db, std::string prefix, std::shared_ptr<Logger> logger);
  absl::Status Deliver(const Message& message);

  const std::shared_ptr<sql::Database> db_;
  const std::string prefix_;
  const std::shared_ptr<Logger> logger_;
  const std::shared_ptr<Registry> registry_;
  std::unique_ptr<Subscription> subscription_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_MONITOR_HUB_H_
