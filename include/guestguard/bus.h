// Copyright 2026 GuestGuard authors.
//
// Bus: publish/subscribe of domain events with at-least-once, explicit-ack
// delivery. A handler that returns OK acks the message; a handler that fails
// gets it again after a backoff; after `max_deliveries` failed attempts the
// message is dead-lettered (handed to the dead-letter sink and not redelivered).
// Every message carries an id; consumers make themselves idempotent by it (see
// IdempotentHandler).
//
//   auto sub = bus->Subscribe("guestguard.access.scored", "alerts",
//       [](const guestguard::Message& m) { return Notify(m.payload); });
//   absl::Status s = bus->Publish({.id = "access:42", .subject = "guestguard.access.scored",
//                                  .payload = json});
#ifndef GUESTGUARD_BUS_H_
#define GUESTGUARD_BUS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace guestguard {

// Subjects the library and server publish, relative to a configurable prefix
// (default "guestguard"): "<prefix>.access.scored", ...
inline constexpr std::string_view kDefaultSubjectPrefix = "guestguard";
inline constexpr std::string_view kSubjectRsvpConfirmed = "rsvp.confirmed";
inline constexpr std::string_view kSubjectAccessScored = "access.scored";
inline constexpr std::string_view kSubjectCollaboratorInvited = "collaborator.invited";
inline constexpr std::string_view kSubjectGuestInvited = "guest.invited";
// The reference server's account emails (email verification, signup notices).
inline constexpr std::string_view kSubjectAccountEmail = "account.email";

struct Message {
  std::string id;       // Unique per logical event; duplicates are the same event.
  std::string subject;  // Dot-separated, e.g. "guestguard.access.scored".
  std::string payload;  // Opaque bytes (the library publishes JSON).
  int attempt = 1;      // 1 on first delivery, incremented on each redelivery.
};

// Returns OK to ack; any error asks for redelivery. Must be thread-safe when
// the bus delivers concurrently (the in-process bus delivers one message at a
// time per subscription).
using Handler = std::function<absl::Status(const Message&)>;

// Called once for a message that exhausted its deliveries, with the last error.
using DeadLetterSink = std::function<void(const Message&, const absl::Status& last_error)>;

struct SubscribeOptions {
  // Deliveries before a message is dead-lettered. Default: 5. Must be >= 1.
  int max_deliveries = 5;
  // Delay before the first redelivery; doubles each time. Default: 100 ms. Must be > 0.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  // Upper bound of the backoff. Default: 30 s. Must be >= initial_backoff.
  absl::Duration max_backoff = absl::Seconds(30);
  // Where dead letters go. Default (null): one line on stderr.
  DeadLetterSink dead_letter;
  // Where a durable consumer created by this call starts: false (default) at
  // the next message published; true at the oldest message the transport
  // still keeps, so a consumer that must see every event (notifications)
  // misses none published before its very first start. An existing durable
  // always resumes where it stopped. The in-process bus keeps no history.
  bool from_oldest = false;
};

// Returned by Subscribe(); destroying it stops delivery to its handler and
// waits for a handler call in progress to return.
class Subscription {
 public:
  virtual ~Subscription() = default;
};

// Thread-safe: all methods may be called from any thread.
class Bus {
 public:
  virtual ~Bus() = default;

  // Queues `message` for every matching subscription. Errors: Unavailable when
  // the transport is down, ResourceExhausted when a bounded queue is full,
  // InvalidArgument for an empty id or subject. A message whose id was already
  // published within the duplicate window is accepted and dropped.
  [[nodiscard]] virtual absl::Status Publish(const Message& message) = 0;

  // Publishes every message of `messages` and returns one status per message
  // (same index), each meaning what Publish's would. A backend may keep many
  // in flight at once (NATS publishes asynchronously, then waits for every
  // ack); the default calls Publish for each in turn and, once the transport
  // refuses one (any error but InvalidArgument, which concerns that message
  // only), sends none of the rest (Unavailable "not sent"), so a synchronous
  // bus never lets a message overtake a refused one. Errors are per message:
  // the caller re-publishes the failed ones (with the same ids).
  [[nodiscard]] virtual std::vector<absl::Status> PublishBatch(std::span<const Message> messages);

  // OK when the bus can publish right now; Unavailable while its transport is
  // down (e.g. NATS reconnecting). Cheap, never blocks: meant for readiness
  // checks. The default (in-process) is always OK.
  [[nodiscard]] virtual absl::Status Ping();

  // Delivers messages whose subject equals `subject`, or starts with the part
  // before a trailing ".>" wildcard (NATS style: "guestguard.>"). `durable_name`
  // names the consumer (durable where the backend supports it).
  [[nodiscard]] virtual absl::StatusOr<std::unique_ptr<Subscription>> Subscribe(
      std::string_view subject, std::string_view durable_name, Handler handler,
      SubscribeOptions options = {}) = 0;
};

// Wraps `handler` so that a message id it already handled successfully is
// acked without calling it again. Remembers the last `capacity` ids (default
// 100,000) in memory; thread-safe.
Handler IdempotentHandler(Handler handler, size_t capacity = 100000);

// True when `subject` matches `pattern` (exact, or "prefix.>" wildcard).
bool SubjectMatches(std::string_view pattern, std::string_view subject);

}  // namespace guestguard

#endif  // GUESTGUARD_BUS_H_
