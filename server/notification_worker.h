// Copyright 2026 GuestGuard authors.
//
// The notification worker (DESIGN §3 Notifications worker). Two halves:
//
//  1. Consumers on the bus (durable names "notifier.<subject>"):
//       <prefix>.rsvp.confirmed       → "rsvp_confirmation" to the guest (when
//                                       the guest has an email);
//       <prefix>.access.scored        → "fraud_alert" to every owner and editor
//                                       of the event, when the decision's band
//                                       is high or block — at most one per
//                                       guest per alert_digest_window;
//       <prefix>.collaborator.invited → "collaborator_invite" (with the link)
//                                       to the invited email;
//       <prefix>.guest.invited        → "guest_invitation" or "guest_reminder"
//                                       (with the guest's personal link) to
//                                       the guest's email, on the guest's row;
//       <prefix>.account.email        → "email_verification" (with the
//                                       verification link, sealed) or
//                                       "signup_notice" to an account's email.
//     Each message that notifies someone becomes notification rows and an
//     `inbox` row in ONE transaction (one that notifies nobody — a low-band
//     access — writes nothing); a message id already in the inbox is acked
//     without effect,
//     so a redelivered event never notifies twice. A message that cannot be
//     used fails and, after the bus's bounded redeliveries, is dead-lettered:
//     logged and recorded in `dead_letters`.
//  2. Delivery: a thread claims due `pending` rows (a lease, and FOR UPDATE
//     SKIP LOCKED on PostgreSQL, so several workers never send the same row
//     at once), hands each to the NotificationSender and records the attempt:
//     `sent` with the provider id; or, on failure, the error and the next
//     attempt after an exponential backoff with jitter; `failed` for good
//     after max_attempts (or at once for an error no retry can fix).
//     Delivery is at least once: a crash between a send and its record sends
//     that one message again after the lease.
//
//   auto worker = NotificationWorker::Start(db, store, bus, sender, sealer, logger, {});
//   ...
//   (*worker)->Stop();   // also done by the destructor
//
// Thread-safe.
#ifndef GUESTGUARD_SERVER_NOTIFICATION_WORKER_H_
#define GUESTGUARD_SERVER_NOTIFICATION_WORKER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/bus.h"
#include "guestguard/sql/sql.h"
#include "guestguard/store.h"
#include "server/log.h"
#include "server/notifier.h"
#include "server/secret_seal.h"

namespace guestguard::server {

struct NotificationWorkerOptions {
  std::string subject_prefix = "guestguard";
  // Base URL for links in messages (the server's public URL).
  std::string public_url = "http://127.0.0.1:8080";
  // Delivery attempts per notification before it is `failed`. Must be >= 1.
  int max_attempts = 6;
  // Backoff after the first failed attempt; doubles per attempt up to
  // max_backoff; each delay is drawn uniformly from [delay/2, delay].
  absl::Duration initial_backoff = absl::Seconds(2);
  absl::Duration max_backoff = absl::Minutes(15);
  // How often the delivery thread looks for due rows without being woken
  // (rows written by other processes, retries coming due).
  absl::Duration poll_interval = absl::Seconds(1);
  // A claimed row is claimable again after this (the worker holding it died).
  absl::Duration lease = absl::Minutes(5);
  // Rows claimed per pass.
  int batch = 20;
  // Bus deliveries of one message before it is dead-lettered.
  int max_deliveries = 8;
  // At most one fraud alert email per guest within this window (see
  // alert_digest.h). Zero: every alert.
  absl::Duration alert_digest_window = absl::Minutes(10);
};

class NotificationWorker {
 public:
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<NotificationWorker>> Start(
      std::shared_ptr<sql::Database> db, std::shared_ptr<Store> store, Bus& bus,
      std::shared_ptr<NotificationSender> sender, SecretSealer sealer,
      std::shared_ptr<Logger> logger, NotificationWorkerOptions options);

  NotificationWorker(const NotificationWorker&) = delete;
  NotificationWorker& operator=(const NotificationWorker&) = delete;
  ~NotificationWorker();

  // Stops consuming (waits for a handler in progress), lets the send in
  // progress finish (the pass's other claimed rows are handed back), joins
  // the thread. Idempotent.
  void Stop();

  // Makes the delivery thread look for due rows now.
  void Wake();

  // One delivery pass on the calling thread: claims up to `batch` due rows
  // and attempts each. Returns how many were attempted.
  [[nodiscard]] absl::StatusOr<int> DeliverDue();

  // The bus handlers (public for tests): message → notification rows.
  [[nodiscard]] absl::Status HandleRsvpConfirmed(const Message& message);
  [[nodiscard]] absl::Status HandleAccessScored(const Message& message);
  [[nodiscard]] absl::Status HandleCollaboratorInvited(const Message& message);
  [[nodiscard]] absl::Status HandleGuestInvited(const Message& message);
  [[nodiscard]] absl::Status HandleAccountEmail(const Message& message);

 private:
  struct Pending;  // One notification to insert.
  NotificationWorker(std::shared_ptr<sql::Database> db, std::shared_ptr<Store> store,
                     std::shared_ptr<NotificationSender> sender, SecretSealer sealer,
                     std::shared_ptr<Logger> logger, NotificationWorkerOptions options);
  absl::Status Record(std::string_view consumer, const Message& message,
                      const std::vector<Pending>& notifications);
  void RecordDeadLetter(std::string_view consumer, const Message& message,
                        const absl::Status& error);
  absl::Duration Backoff(int attempts) const;
  bool Stopping();
  void Run();

  const std::shared_ptr<sql::Database> db_;
  const std::shared_ptr<Store> store_;  // The library's store on db_ (the access log).
  const std::shared_ptr<NotificationSender> sender_;
  const SecretSealer sealer_;
  const std::shared_ptr<Logger> logger_;
  const NotificationWorkerOptions options_;
  std::vector<std::unique_ptr<Subscription>> subscriptions_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_NOTIFICATION_WORKER_H_
