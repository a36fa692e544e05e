// Copyright 2026 GuestGuard authors.
//
// The NATS JetStream bus (target guestguard::nats): the production transport,
// shared by every server node. Messages are stored in one JetStream stream
// covering "<subject_prefix>.>" (file storage), so they survive a restart of
// the NATS server and of the process.
//
// Publish is a JetStream publish that waits for the stream's ack, with the
// message id as the `Nats-Msg-Id` header: the server drops an id it already
// stored within `duplicate_window`. PublishBatch publishes asynchronously
// (many messages in flight) and then waits for every ack.
//
// Subscribe creates (or updates) the durable pull consumer `durable_name`
// with explicit acks, and runs one delivery thread per subscription that
// fetches small batches and calls the handler one message at a time: OK acks,
// an error naks with the SubscribeOptions backoff as delay, and a failure on
// the max_deliveries-th delivery hands the message to the dead-letter sink and
// terminates it (never redelivered). Message.attempt is JetStream's delivery
// count. A pull consumer (rather than push) because the delivery thread asks
// for messages only when the handler is free: nothing piles up in the client,
// and flow control needs no server-side tuning. A new durable starts with the
// messages published after its creation (as the in-process bus); an existing
// one resumes where it stopped, so several processes sharing a durable name
// share its messages (work queue), and distinct names each get every message.
//
// The connection reconnects on its own (reconnect_wait, max_reconnects); while
// it is down Publish, PublishBatch and Subscribe fail fast with Unavailable,
// and running subscriptions resume once it is back. Consumers must be idempotent
// (IdempotentHandler): a message is redelivered when its ack was lost or the handler outlived
// `ack_wait`.
//
//   auto bus = guestguard::NewNatsBus({.url = "nats://127.0.0.1:4222"});
//   if (!bus.ok()) return bus.status();  // Unavailable: no server at the URL.
#ifndef GUESTGUARD_NATS_BUS_H_
#define GUESTGUARD_NATS_BUS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"

namespace guestguard {

struct NatsBusOptions {
  // Server URL(s), comma-separated ("nats://host:4222,nats://other:4222");
  // credentials in the URL are never logged or returned in an error.
  // Default: "nats://127.0.0.1:4222".
  std::string url = "nats://127.0.0.1:4222";
  // First subject token(s); the stream covers "<subject_prefix>.>" and every
  // published or subscribed subject must lie under it. Default: "guestguard".
  // NATS subject tokens: [A-Za-z0-9_-], dot-separated, at most 64 characters.
  std::string subject_prefix = "guestguard";
  // The JetStream stream, created or updated at open. Default: "GUESTGUARD".
  // [A-Za-z0-9_-], 1-64 characters.
  std::string stream_name = "GUESTGUARD";
  // A message id published again within this window is dropped by the server.
  // Default: 2 min (JetStream's default). Must be 1 s - 1 day and <= max_age.
  absl::Duration duplicate_window = absl::Minutes(2);
  // The stream drops messages older than this. Default: 7 days. Must be >= 1 min.
  absl::Duration max_age = absl::Hours(24 * 7);
  // The stream drops its oldest messages beyond this size; JetStream reserves
  // it in the server's store when the stream is created (ResourceExhausted at
  // open when the store lacks room). Default: 1 GiB. Must be >= 1 MiB.
  int64_t max_bytes = int64_t{1} << 30;
  // Connecting at open (per server in `url`). Default: 2 s. Must be 100 ms - 60 s.
  absl::Duration connect_timeout = absl::Seconds(2);
  // Waiting for a publish ack or a JetStream API reply. Default: 5 s. Must be
  // 100 ms - 60 s. Publish never blocks longer than this.
  absl::Duration request_timeout = absl::Seconds(5);
  // Pause between reconnection attempts. Default: 500 ms. Must be 10 ms - 60 s.
  absl::Duration reconnect_wait = absl::Milliseconds(500);
  // Reconnection attempts after a disconnect before the bus gives up for good
  // (then every call fails with Unavailable). Default: -1, forever.
  int max_reconnects = -1;
  // A delivered message that is neither acked nor nacked within this time is
  // redelivered (the handler took too long, or the process died). Default:
  // 30 s. Must be 1 s - 1 hour.
  absl::Duration ack_wait = absl::Seconds(30);
};

// Connects, then creates the stream or updates its settings. Errors:
// InvalidArgument for bad options (naming the field), Unavailable when no
// server answers within connect_timeout or JetStream is not enabled on it,
// FailedPrecondition when the stream cannot be created or updated (e.g. its
// subjects overlap another stream's). The returned bus is thread-safe; its
// subscriptions may outlive it.
//
// On top of the Bus contract: an id must be 1-256 printable ASCII characters
// (it travels in a header), a subject must lie under the prefix and contain no
// wildcard, a payload must fit the server's max_payload (1 MiB by default), a
// durable name must be 1-64 characters of [A-Za-z0-9_-]; each violation is
// InvalidArgument. A durable that exists with another subject is
// FailedPrecondition.
[[nodiscard]] absl::StatusOr<std::unique_ptr<Bus>> NewNatsBus(NatsBusOptions options = {});

}  // namespace guestguard

#endif  // GUESTGUARD_NATS_BUS_H_
