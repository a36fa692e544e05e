// Copyright 2026 GuestGuard authors.
//
// Store: everything the library persists — per-event thresholds and allowlists,
// per-guest token generations and baselines, the access log and host feedback.
// Backends: memory (memory_store.h), SQLite and PostgreSQL (own targets).
// Event and guest ids are opaque to the store; the library never creates events.
//
// Every backend passes the same parameterised test suite. Errors are canonical:
// NotFound, AlreadyExists, InvalidArgument, Unavailable (backend unreachable),
// Internal.
#ifndef GUESTGUARD_STORE_H_
#define GUESTGUARD_STORE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/access.h"
#include "guestguard/baseline.h"
#include "guestguard/cidr.h"
#include "guestguard/thresholds.h"

namespace guestguard {

struct AllowlistEntry {
  Cidr cidr;
  std::string note;
  absl::Time created_at;
};

// What Guard needs of an event on every check, in one call.
struct EventPolicy {
  Thresholds thresholds;                     // The defaults when never set.
  std::shared_ptr<const CidrSet> allowlist;  // Never null.
};

// What Guard needs of a guest on every check, in one call.
struct GuestState {
  uint32_t generation = 0;  // 0 until the first bump.
  Baseline baseline;        // Learned profile and use history; empty until the first use.
};

struct CheckState {
  EventPolicy policy;
  GuestState guest;
};

// One recorded use of a guest link.
// Most ids Store::GetAccesses takes at once.
inline constexpr size_t kMaxAccessBatch = 1000;

struct AccessRecord {
  std::string id;  // Assigned by AppendAccess; unique within the store.
  std::string event_id;
  std::string guest_id;
  AccessKind kind = AccessKind::kOpen;
  absl::Time at;
  std::string client_ip;
  ClientSignals signals;
  int score = 0;
  Band band = Band::kLow;
  bool allowlisted = false;
  bool blocked = false;
  std::vector<Reason> reasons;
};

enum class FeedbackVerdict { kLegitimate, kSuspicious };
// Wire name: "legitimate", "suspicious".
std::string_view FeedbackVerdictName(FeedbackVerdict verdict);
std::optional<FeedbackVerdict> ParseFeedbackVerdict(std::string_view name);

inline constexpr size_t kMaxFeedbackNoteLength = 2000;

// A host's verdict on one access; one per access (re-marking replaces it).
struct Feedback {
  std::string event_id;
  std::string access_log_id;
  FeedbackVerdict verdict = FeedbackVerdict::kSuspicious;
  std::string note;
  absl::Time created_at;  // When this verdict was (last) given.
};

struct LabelledAccess {
  AccessRecord access;
  Feedback feedback;
};

// Where a page of Store::ListAccessPage starts. Pages run newest first by
// (at, id), ids in the order the store issued them.
struct AccessPosition {
  absl::Time at;
  // Set: the page starts after this access (one the store returned) at `at`.
  // Unset: after every access at `at` (the page starts strictly before it).
  std::optional<std::string> id;
};

// Most accesses one Store::ListAccessPage returns.
inline constexpr size_t kMaxAccessPage = 1000;

struct AccessPageQuery {
  // Accesses at most. Default: 100. Must be 1-kMaxAccessPage.
  size_t limit = 100;
  // Set: only this guest's accesses. Default: every guest's.
  std::optional<std::string> guest_id;
  // Set: only accesses after this position. Default: from the newest.
  std::optional<AccessPosition> after;
};

// What a guest list shows of one guest's accesses (Store::SummarizeGuests).
struct GuestAccessSummary {
  AccessRecord latest;      // The guest's newest access, by (at, id).
  bool checked_in = false;  // Some check-in access of the guest is not in band kBlock.
};

// A change to one guest's baseline; may run more than once (retries) and must
// not block.
using BaselineMutation = absl::FunctionRef<void(Baseline&)>;

// Thread-safe: every method may be called concurrently from any thread.
class Store {
 public:
  virtual ~Store() = default;

  // --- Event policy -------------------------------------------------------
  // The event's thresholds; the defaults when never set.
  [[nodiscard]] virtual absl::StatusOr<Thresholds> GetThresholds(std::string_view event_id) = 0;
  // InvalidArgument (and nothing stored) unless `thresholds.Validate()` is OK.
  [[nodiscard]] virtual absl::Status SetThresholds(std::string_view event_id,
                                                   const Thresholds& thresholds) = 0;
  // Sorted by CIDR.
  [[nodiscard]] virtual absl::StatusOr<std::vector<AllowlistEntry>> ListAllowlist(
      std::string_view event_id) = 0;
  // AlreadyExists when the same canonical block is listed for the event.
  [[nodiscard]] virtual absl::Status AddAllowlistEntry(std::string_view event_id,
                                                       const AllowlistEntry& entry) = 0;
  // NotFound when it is not listed.
  [[nodiscard]] virtual absl::Status RemoveAllowlistEntry(std::string_view event_id,
                                                          const Cidr& cidr) = 0;
  // Thresholds and allowlist together, current as of the call.
  [[nodiscard]] virtual absl::StatusOr<EventPolicy> GetPolicy(std::string_view event_id) = 0;

  // --- Guests -------------------------------------------------------------
  [[nodiscard]] virtual absl::StatusOr<uint32_t> GetTokenGeneration(std::string_view event_id,
                                                                    std::string_view guest_id) = 0;
  // Increments and returns the new generation; every older token is revoked.
  [[nodiscard]] virtual absl::StatusOr<uint32_t> BumpTokenGeneration(std::string_view event_id,
                                                                     std::string_view guest_id) = 0;
  // Generation and baseline (with the link's use history).
  [[nodiscard]] virtual absl::StatusOr<GuestState> LoadGuestState(std::string_view event_id,
                                                                  std::string_view guest_id) = 0;
  // What Guard::Check reads — GetPolicy and LoadGuestState together; SQL
  // stores answer in one round trip. The default calls the two.
  [[nodiscard]] virtual absl::StatusOr<CheckState> LoadCheckState(std::string_view event_id,
                                                                  std::string_view guest_id);
  // Atomic read-modify-write of one guest's baseline: `mutate` sees the latest
  // value and no concurrent update (from this or another process) is lost.
  // `mutate` may be called more than once (retries); it must not block.
  [[nodiscard]] virtual absl::Status UpdateBaseline(std::string_view event_id,
                                                    std::string_view guest_id,
                                                    BaselineMutation mutate) = 0;

  // --- Access log ---------------------------------------------------------
  // Records `record` (its id is ignored) durably and returns the new id. With
  // `update`, then also applies it to the record's guest's baseline with
  // UpdateBaseline's guarantees (no lost update) — Guard passes the use
  // history entry and, for clean accesses, the learning. The two are not one
  // transaction on SQL stores: a failure between them loses only the update,
  // and is returned as the error.
  [[nodiscard]] virtual absl::StatusOr<std::string> AppendAccess(
      const AccessRecord& record, std::optional<BaselineMutation> update) = 0;
  // NotFound when there is no such access *in this event*.
  [[nodiscard]] virtual absl::StatusOr<AccessRecord> GetAccess(std::string_view event_id,
                                                               std::string_view access_id) = 0;
  // The accesses of `event_id` among `access_ids`, in the order given, each
  // once; ids that name no access of that event are skipped. One round trip
  // per 100 ids on SQL stores (a page of a feed is not N queries).
  // InvalidArgument above kMaxAccessBatch ids.
  [[nodiscard]] virtual absl::StatusOr<std::vector<AccessRecord>> GetAccesses(
      std::string_view event_id, const std::vector<std::string>& access_ids) = 0;
  // The event's newest `limit` accesses, newest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<AccessRecord>> ListAccesses(
      std::string_view event_id, size_t limit) = 0;

  // --- Feedback -----------------------------------------------------------
  // Inserts or replaces the verdict on feedback.access_log_id. NotFound when
  // that access is not in feedback.event_id; InvalidArgument for a note over
  // kMaxFeedbackNoteLength.
  [[nodiscard]] virtual absl::Status PutFeedback(const Feedback& feedback) = 0;
  // The verdicts on the accesses `access_ids` of `event_id`, by access id;
  // accesses without one, or not of that event, are absent. One round trip
  // per 100 ids on SQL stores. InvalidArgument above kMaxAccessBatch ids.
  [[nodiscard]] virtual absl::StatusOr<std::map<std::string, FeedbackVerdict>> GetVerdicts(
      std::string_view event_id, const std::vector<std::string>& access_ids) = 0;
  // Every verdict of the event with the access it judges, newest verdict first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<LabelledAccess>> ListFeedback(
      std::string_view event_id) = 0;

  // --- Retention ----------------------------------------------------------
  // Deletes everything stored for the event — thresholds, allowlist, every
  // guest's token generation and baseline, the access log and its feedback —
  // in one transaction on SQL stores. OK when nothing was stored. (Event ids
  // must not be reused: a guest's generation restarts at 0.)
  [[nodiscard]] virtual absl::Status DeleteEventData(std::string_view event_id) = 0;
  // Deletes at most `limit` access-log entries (oldest ids first) whose
  // access happened before `before`, with their feedback; returns how many.
  // Baselines keep what they learned. Callers loop while it returns `limit`.
  [[nodiscard]] virtual absl::StatusOr<size_t> PruneAccessLog(absl::Time before, size_t limit) = 0;

  // --- Reads for a host's console ------------------------------------------
  // One keyset page of the event's accesses, newest first by (at, id): at most
  // query.limit, filtered as `query` says. One round trip on SQL stores. A
  // client pages by passing the last access's {at, id} as the next `after`;
  // accesses added meanwhile never shift the pages already walked.
  // InvalidArgument for a limit outside 1-kMaxAccessPage or an `after.id` this
  // store could not have issued.
  [[nodiscard]] virtual absl::StatusOr<std::vector<AccessRecord>> ListAccessPage(
      std::string_view event_id, const AccessPageQuery& query) = 0;
  // Per guest among `guest_ids` that has any access in the event: its newest
  // access and whether it checked in (GuestAccessSummary), by guest id. One
  // round trip per 100 ids on SQL stores. InvalidArgument above
  // kMaxAccessBatch ids.
  [[nodiscard]] virtual absl::StatusOr<std::map<std::string, GuestAccessSummary>> SummarizeGuests(
      std::string_view event_id, const std::vector<std::string>& guest_ids) = 0;
  // How many accesses of the guest in the event were recorded after the
  // access `after_id` and before the access `before_id` (both exclusive; ids
  // this store issued, compared in issue order) with a band of at least
  // `min_band`. One round trip on SQL stores. InvalidArgument for an id this
  // store could not have issued.
  [[nodiscard]] virtual absl::StatusOr<int64_t> CountAccessesBetween(std::string_view event_id,
                                                                     std::string_view guest_id,
                                                                     std::string_view after_id,
                                                                     std::string_view before_id,
                                                                     Band min_band) = 0;
  // The verdict on the access `access_id` of `event_id`, with its note and
  // time. NotFound when there is none (or no such access in the event).
  [[nodiscard]] virtual absl::StatusOr<Feedback> GetFeedback(std::string_view event_id,
                                                             std::string_view access_id) = 0;
  // The event's newest `limit` verdicts, newest first by (created_at, access
  // id) — ListFeedback's order, without the accesses. One round trip on SQL
  // stores. InvalidArgument for a limit outside 1-kMaxAccessBatch.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Feedback>> ListRecentFeedback(
      std::string_view event_id, size_t limit) = 0;
};

}  // namespace guestguard

#endif  // GUESTGUARD_STORE_H_
