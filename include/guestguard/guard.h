// Copyright 2026 GuestGuard authors.
//
// Guard: the one object an embedder talks to. `Check(token, attempt)`:
//   1. format check (no crypto, no store) → 2. tag and expiry → 3. generation
//   (revoked?) → 4. event thresholds + allowlist → 5. allowlisted: low,
//   reason "allowlisted" → 6. heuristic score against the guest's baseline,
//   then the pluggable scorer if any, with a deadline (fail-open to the
//   heuristic verdict) → 7. re-band against the event's thresholds →
//   8. record the access → 9. learn the baseline if the access ended low →
//   10. publish "<prefix>.access.scored".
// Token, store and threshold failures fail closed (an error or a refusal);
// only the pluggable scorer fails open.
//
//   guestguard::GuardOptions options;
//   options.store = std::shared_ptr<guestguard::Store>(*guestguard::NewMemoryStore({}));
//   options.keyring = *guestguard::Keyring::Parse(keyring_spec);
//   auto guard = guestguard::Guard::Open(std::move(options));
//   auto token = (*guard)->IssueToken("ev1", "g1");
//   auto decision = (*guard)->Check(*token, {.client_ip = "203.0.113.9", .signals = {...}});
//   if (!decision->allowed()) Refuse();
#ifndef GUESTGUARD_GUARD_H_
#define GUESTGUARD_GUARD_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/access.h"
#include "guestguard/bus.h"
#include "guestguard/clock.h"
#include "guestguard/scoring.h"
#include "guestguard/store.h"
#include "guestguard/thresholds.h"
#include "guestguard/token.h"

namespace guestguard {

struct GuardOptions {
  std::shared_ptr<Store> store;  // Required.
  Keyring keyring;               // Required; Open() fails on an empty keyring.
  // Where "<prefix>.access.scored" goes. Default (null): nothing is published
  // (the reference server publishes through its outbox instead).
  std::shared_ptr<Bus> bus;
  std::string subject_prefix = std::string(kDefaultSubjectPrefix);  // Default: "guestguard".
  std::shared_ptr<Clock> clock;  // Default (null): SystemClock().
  ScoringOptions scoring;        // The built-in heuristic. Default: ScoringOptions{}.
  // An extra scorer whose verdict replaces the heuristic one when it answers
  // in time — except that it cannot lower a verdict with a conclusive finding
  // (IsConclusiveReason). Default (null): heuristic only.
  std::shared_ptr<Scorer> scorer;
  // How long Check waits for `scorer`. Default: 250 ms. Must be > 0.
  absl::Duration scorer_deadline = absl::Milliseconds(250);
  // Scorer calls in flight at once; a check finding all busy does not wait
  // (heuristic verdict, reason "scorer_unavailable"). Default: 8. Must be >= 1.
  int scorer_threads = 8;
  // Lifetime of issued tokens. Default: zero = no expiry. Must be >= 0.
  absl::Duration token_ttl = absl::ZeroDuration();
};

// The answer to one Check.
struct Decision {
  TokenStatus token_status = TokenStatus::kMalformed;
  // From the token; empty unless it was authentic (valid, expired or revoked).
  std::string event_id;
  std::string guest_id;
  int score = 100;
  Band band = Band::kBlock;
  bool allowlisted = false;
  // A recognised link preview or mail scanner (kind open only): recorded with
  // reason "link_preview", allowed, never scored, learned or counted as a use.
  bool preview = false;
  std::vector<Reason> reasons;
  // The recorded access; empty when nothing was recorded (an inauthentic token).
  std::string access_log_id;

  // A valid token whose access did not land in the block band.
  bool allowed() const { return token_status == TokenStatus::kValid && band != Band::kBlock; }
  std::string_view label() const { return BandLabel(band); }
};

// A token as one Guard verified it (Guard::Verify): its status and claims,
// for a caller that needs the claims before the check (to load its own rows)
// and must not pay for a second verification in Check. Only a Guard makes one,
// so Check never trusts claims it did not verify; it is bound to the Guard
// that made it (another Guard's check refuses it as malformed).
class VerifiedToken {
 public:
  const TokenVerification& verification() const { return verification_; }
  TokenStatus status() const { return verification_.status; }
  const TokenClaims& claims() const { return verification_.claims; }

 private:
  friend class Guard;
  VerifiedToken(TokenVerification v, const void* verifier)
      : verification_(std::move(v)), verifier_(verifier) {}

  TokenVerification verification_;
  const void* verifier_;
};

// Thread-safe: every method may be called concurrently.
class Guard {
 public:
  // InvalidArgument naming the missing or bad option.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Guard>> Open(GuardOptions options);
  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  // A token for the guest's current generation, expiring after token_ttl if
  // set, and at `not_after` at the latest (e.g. the day after the event;
  // InfiniteFuture: no such bound). InvalidArgument when `not_after` is not
  // after now (a link that never works).
  [[nodiscard]] absl::StatusOr<std::string> IssueToken(
      std::string_view event_id, std::string_view guest_id,
      absl::Time not_after = absl::InfiniteFuture());
  // Bumps the guest's generation (revoking every earlier token) and issues a
  // new one (with IssueToken's expiry).
  [[nodiscard]] absl::StatusOr<std::string> RotateToken(
      std::string_view event_id, std::string_view guest_id,
      absl::Time not_after = absl::InfiniteFuture());

  // Scores one use of `token`. A refused access is a Decision, not an error:
  // errors mean the check could not be made (store down, bad client_ip →
  // InvalidArgument) and the caller must refuse.
  [[nodiscard]] absl::StatusOr<Decision> Check(std::string_view token, AccessAttempt attempt);
  // The same for a token Verify checked already (the expiry it saw stands). A
  // token another Guard verified is malformed here. `preloaded`, when given,
  // must be what this guard's store's LoadCheckState returned for the token's
  // event and guest during this request (e.g. read with LoadCheckStateWith,
  // guestguard/sql_store.h, beside the caller's own row); Check then does not
  // read it again.
  [[nodiscard]] absl::StatusOr<Decision> Check(const VerifiedToken& token, AccessAttempt attempt,
                                               const CheckState* preloaded = nullptr);

  // Verifies `token` with this guard's keyring and clock (format, key, tag,
  // expiry; the generation is Check's business). Never an error: a bad token
  // is a status.
  VerifiedToken Verify(std::string_view token) const;

  // Records a host's verdict on an access of `event_id` (re-marking replaces
  // it). NotFound for an access of another event; InvalidArgument for a note
  // over kMaxFeedbackNoteLength. `legitimate` folds the access into the
  // guest's baseline as vouched for, and re-seats it: provisional entries
  // learned before it (whoever opened a forwarded link first) are dropped;
  // `suspicious` forgets the device and network that access taught unless a
  // host vouched for them.
  [[nodiscard]] absl::Status RecordFeedback(std::string_view event_id,
                                            std::string_view access_log_id, FeedbackVerdict verdict,
                                            std::string_view note = "");

  // The event's labelled corpus as JSON lines, one {"access": ..., "feedback": ...} per verdict.
  [[nodiscard]] absl::StatusOr<std::string> ExportLabelledCorpus(std::string_view event_id);

  // Publishes that failed since Open (the decision stood regardless).
  uint64_t publish_failures() const { return publish_failures_.load(std::memory_order_relaxed); }

 private:
  struct Impl;
  explicit Guard(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> publish_failures_{0};
};

}  // namespace guestguard

#endif  // GUESTGUARD_GUARD_H_
