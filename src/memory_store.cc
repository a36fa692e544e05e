// Copyright 2026 GuestGuard authors.
#include "guestguard/memory_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
#include <functional>
#include <map>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "internal/huge_page_allocator.h"

namespace guestguard {
namespace {

// This Abseil's maps look strings up by absl::string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::optional<uint64_t> ParseAccessId(std::string_view id) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size() || id.empty() || id[0] == '0') {
    return std::nullopt;
  }
  return value;
}

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(MemoryStoreOptions options)
      : options_(options), empty_allowlist_(std::make_shared<const CidrSet>()) {}

  absl::StatusOr<Thresholds> GetThresholds(std::string_view event_id) override {
    absl::MutexLock lock(&events_mu_);
    auto it = events_.find(Sv(event_id));
    return it == events_.end() ? Thresholds() : it->second.thresholds;
  }

  absl::Status SetThresholds(std::string_view event_id, const Thresholds& thresholds) override {
    if (absl::Status s = thresholds.Validate(); !s.ok()) return s;
    absl::MutexLock lock(&events_mu_);
    EventFor(event_id).thresholds = thresholds;
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<AllowlistEntry>> ListAllowlist(std::string_view event_id) override {
    absl::MutexLock lock(&events_mu_);
    std::vector<AllowlistEntry> out;
    auto it = events_.find(Sv(event_id));
    if (it == events_.end()) return out;
    for (const auto& [cidr, entry] : it->second.allowlist) out.push_back(entry);
    return out;
  }

  absl::Status AddAllowlistEntry(std::string_view event_id, const AllowlistEntry& entry) override {
    absl::MutexLock lock(&events_mu_);
    EventData& event = EventFor(event_id);
    if (!event.allowlist.emplace(entry.cidr, entry).second) {
      return absl::AlreadyExistsError(
          absl::StrCat(entry.cidr.ToString(), " is already on the allowlist"));
    }
    RebuildAllowlist(event);
    return absl::OkStatus();
  }

  absl::Status RemoveAllowlistEntry(std::string_view event_id, const Cidr& cidr) override {
    absl::MutexLock lock(&events_mu_);
    auto it = events_.find(Sv(event_id));
    if (it == events_.end() || it->second.allowlist.erase(cidr) == 0) {
      return absl::NotFoundError(absl::StrCat(cidr.ToString(), " is not on the allowlist"));
    }
    RebuildAllowlist(it->second);
    return absl::OkStatus();
  }

  absl::StatusOr<EventPolicy> GetPolicy(std::string_view event_id) override {
    absl::MutexLock lock(&events_mu_);
    auto it = events_.find(Sv(event_id));
    if (it == events_.end()) return EventPolicy{Thresholds(), empty_allowlist_};
    return EventPolicy{it->second.thresholds, it->second.allowlist_set};
  }

  absl::StatusOr<uint32_t> GetTokenGeneration(std::string_view event_id,
                                              std::string_view guest_id) override {
    Shard& shard = ShardFor(event_id, guest_id);
    absl::MutexLock lock(&shard.mu);
    const GuestData* guest = shard.Find(event_id, guest_id);
    return guest == nullptr ? 0u : guest->generation;
  }

  absl::StatusOr<uint32_t> BumpTokenGeneration(std::string_view event_id,
                                               std::string_view guest_id) override {
    Shard& shard = ShardFor(event_id, guest_id);
    absl::MutexLock lock(&shard.mu);
    GuestData& guest = shard.FindOrAdd(event_id, guest_id);
    if (guest.generation == UINT32_MAX) {
      return absl::FailedPreconditionError("token generation exhausted for this guest");
    }
    return ++guest.generation;
  }

  absl::StatusOr<GuestState> LoadGuestState(std::string_view event_id,
                                            std::string_view guest_id) override {
    Shard& shard = ShardFor(event_id, guest_id);
    GuestState state;
    absl::MutexLock lock(&shard.mu);
    const GuestData* found = shard.Find(event_id, guest_id);
    if (found == nullptr) return state;
    const GuestData& guest = *found;
    state.generation = guest.generation;
    state.baseline = guest.baseline;
    return state;
  }

  absl::Status UpdateBaseline(std::string_view event_id, std::string_view guest_id,
                              BaselineMutation mutate) override {
    Shard& shard = ShardFor(event_id, guest_id);
    absl::MutexLock lock(&shard.mu);
    mutate(shard.FindOrAdd(event_id, guest_id).baseline);
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> AppendAccess(const AccessRecord& record,
                                           std::optional<BaselineMutation> update) override {
    uint64_t id;
    {
      absl::MutexLock lock(&log_mu_);
      id = first_id_ + log_.size();
      log_.push_back(record);
      log_.back().id = std::to_string(id);
      while (log_.size() > options_.max_access_records) {
        feedback_.erase(first_id_);
        log_.pop_front();
        ++first_id_;
      }
    }
    if (update) {
      Shard& shard = ShardFor(record.event_id, record.guest_id);
      absl::MutexLock lock(&shard.mu);
      (*update)(shard.FindOrAdd(record.event_id, record.guest_id).baseline);
    }
    return std::to_string(id);
  }

  absl::StatusOr<AccessRecord> GetAccess(std::string_view event_id,
                                         std::string_view access_id) override {
    absl::MutexLock lock(&log_mu_);
    const AccessRecord* record = FindAccess(event_id, access_id);
    if (record == nullptr) return absl::NotFoundError("no such access in this event");
    return *record;
  }

  absl::StatusOr<std::vector<AccessRecord>> GetAccesses(
      std::string_view event_id, const std::vector<std::string>& access_ids) override {
    if (access_ids.size() > kMaxAccessBatch) {
      return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxAccessBatch, " access ids"));
    }
    absl::MutexLock lock(&log_mu_);
    std::vector<AccessRecord> out;
    absl::flat_hash_set<std::string_view> seen;
    for (const std::string& id : access_ids) {
      if (!seen.insert(id).second) continue;
      if (const AccessRecord* record = FindAccess(event_id, id)) out.push_back(*record);
    }
    return out;
  }

  absl::StatusOr<std::vector<AccessRecord>> ListAccesses(std::string_view event_id,
                                                         size_t limit) override {
    absl::MutexLock lock(&log_mu_);
    std::vector<AccessRecord> out;
    if (event_id.empty()) return out;  // Tombstones have no event.
    for (auto it = log_.rbegin(); it != log_.rend() && out.size() < limit; ++it) {
      if (it->event_id == event_id) out.push_back(*it);
    }
    return out;
  }

  absl::Status PutFeedback(const Feedback& feedback) override {
    if (feedback.note.size() > kMaxFeedbackNoteLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("note is longer than ", kMaxFeedbackNoteLength, " bytes"));
    }
    absl::MutexLock lock(&log_mu_);
    if (FindAccess(feedback.event_id, feedback.access_log_id) == nullptr) {
      return absl::NotFoundError("no such access in this event");
    }
    feedback_[*ParseAccessId(feedback.access_log_id)] = feedback;
    return absl::OkStatus();
  }

  absl::StatusOr<std::map<std::string, FeedbackVerdict>> GetVerdicts(
      std::string_view event_id, const std::vector<std::string>& access_ids) override {
    if (access_ids.size() > kMaxAccessBatch) {
      return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxAccessBatch, " access ids"));
    }
    absl::MutexLock lock(&log_mu_);
    std::map<std::string, FeedbackVerdict> out;
    for (const std::string& id : access_ids) {
      const std::optional<uint64_t> key = ParseAccessId(id);
      if (!key) continue;
      auto it = feedback_.find(*key);
      if (it != feedback_.end() && it->second.event_id == event_id) out[id] = it->second.verdict;
    }
    return out;
  }

  absl::StatusOr<std::vector<LabelledAccess>> ListFeedback(std::string_view event_id) override {
    absl::MutexLock lock(&log_mu_);
    std::vector<LabelledAccess> out;
    for (const auto& [id, feedback] : feedback_) {
      if (feedback.event_id != event_id) continue;
      out.push_back({log_[id - first_id_], feedback});
    }
    std::sort(out.begin(), out.end(), [](const LabelledAccess& a, const LabelledAccess& b) {
      if (a.feedback.created_at != b.feedback.created_at) {
        return a.feedback.created_at > b.feedback.created_at;
      }
      return a.access.id.size() != b.access.id.size() ? a.access.id.size() > b.access.id.size()
                                                      : a.access.id > b.access.id;
    });
    return out;
  }

  absl::Status DeleteEventData(std::string_view event_id) override {
    {
      absl::MutexLock lock(&events_mu_);
      events_.erase(Sv(event_id));
    }
    for (Shard& shard : shards_) {
      absl::MutexLock lock(&shard.mu);
      shard.guests.erase(Sv(event_id));
    }
    absl::MutexLock lock(&log_mu_);
    for (size_t i = 0; i < log_.size(); ++i) {
      if (log_[i].event_id == event_id) Forget(first_id_ + i);
    }
    DropForgottenFront();
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> PruneAccessLog(absl::Time before, size_t limit) override {
    absl::MutexLock lock(&log_mu_);
    size_t deleted = 0;
    for (size_t i = 0; i < log_.size() && deleted < limit; ++i) {
      if (log_[i].event_id.empty() || log_[i].at >= before) continue;
      Forget(first_id_ + i);
      ++deleted;
    }
    DropForgottenFront();
    return deleted;
  }

  absl::StatusOr<std::vector<AccessRecord>> ListAccessPage(std::string_view event_id,
                                                           const AccessPageQuery& query) override {
    if (query.limit < 1 || query.limit > kMaxAccessPage) {
      return absl::InvalidArgumentError(absl::StrCat("limit must be 1-", kMaxAccessPage));
    }
    std::optional<uint64_t> after_id;
    if (query.after && query.after->id) {
      after_id = ParseAccessId(*query.after->id);
      if (!after_id) return absl::InvalidArgumentError("not an access id of this store");
    }
    absl::MutexLock lock(&log_mu_);
    std::vector<std::pair<const AccessRecord*, uint64_t>> matches;
    if (event_id.empty()) return std::vector<AccessRecord>();  // Tombstones have no event.
    for (size_t i = 0; i < log_.size(); ++i) {
      const AccessRecord& r = log_[i];
      const uint64_t id = first_id_ + i;
      if (r.event_id != event_id || (query.guest_id && r.guest_id != *query.guest_id)) continue;
      if (query.after &&
          !(r.at < query.after->at || (r.at == query.after->at && after_id && id < *after_id))) {
        continue;
      }
      matches.emplace_back(&r, id);
    }
    auto newer = [](const auto& a, const auto& b) {
      return std::tie(a.first->at, a.second) > std::tie(b.first->at, b.second);
    };
    const size_t n = std::min(query.limit, matches.size());
    std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(n),
                      matches.end(), newer);
    std::vector<AccessRecord> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(*matches[i].first);
    return out;
  }

  absl::StatusOr<std::map<std::string, GuestAccessSummary>> SummarizeGuests(
      std::string_view event_id, const std::vector<std::string>& guest_ids) override {
    if (guest_ids.size() > kMaxAccessBatch) {
      return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxAccessBatch, " guest ids"));
    }
    absl::flat_hash_set<std::string_view> wanted(guest_ids.begin(), guest_ids.end());
    std::map<std::string, GuestAccessSummary> out;
    absl::MutexLock lock(&log_mu_);
    if (event_id.empty()) return out;
    for (const AccessRecord& r : log_) {  // In id order: a later one wins a tie on `at`.
      if (r.event_id != event_id || !wanted.contains(r.guest_id)) continue;
      auto [it, added] = out.try_emplace(r.guest_id);
      if (added || r.at >= it->second.latest.at) it->second.latest = r;
      if (r.kind == AccessKind::kCheckin && r.band != Band::kBlock) it->second.checked_in = true;
    }
    return out;
  }

  absl::StatusOr<int64_t> CountAccessesBetween(std::string_view event_id, std::string_view guest_id,
                                               std::string_view after_id,
                                               std::string_view before_id, Band min_band) override {
    const std::optional<uint64_t> after = ParseAccessId(after_id);
    const std::optional<uint64_t> before = ParseAccessId(before_id);
    if (!after || !before) return absl::InvalidArgumentError("not an access id of this store");
    absl::MutexLock lock(&log_mu_);
    int64_t n = 0;
    if (event_id.empty()) return n;
    for (size_t i = 0; i < log_.size(); ++i) {
      const uint64_t id = first_id_ + i;
      const AccessRecord& r = log_[i];
      if (id > *after && id < *before && r.event_id == event_id && r.guest_id == guest_id &&
          r.band >= min_band) {
        ++n;
      }
    }
    return n;
  }

  absl::StatusOr<Feedback> GetFeedback(std::string_view event_id,
                                       std::string_view access_id) override {
    const std::optional<uint64_t> id = ParseAccessId(access_id);
    absl::MutexLock lock(&log_mu_);
    auto it = id ? feedback_.find(*id) : feedback_.end();
    if (it == feedback_.end() || it->second.event_id != event_id) {
      return absl::NotFoundError("no verdict on this access");
    }
    return it->second;
  }

  absl::StatusOr<std::vector<Feedback>> ListRecentFeedback(std::string_view event_id,
                                                           size_t limit) override {
    if (limit < 1 || limit > kMaxAccessBatch) {
      return absl::InvalidArgumentError(absl::StrCat("limit must be 1-", kMaxAccessBatch));
    }
    absl::MutexLock lock(&log_mu_);
    std::vector<std::pair<uint64_t, const Feedback*>> found;
    for (const auto& [id, feedback] : feedback_) {
      if (feedback.event_id == event_id) found.emplace_back(id, &feedback);
    }
    const size_t n = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n), found.end(),
                      [](const auto& a, const auto& b) {
                        return std::tie(a.second->created_at, a.first) >
                               std::tie(b.second->created_at, b.first);
                      });
    std::vector<Feedback> out;
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(*found[i].second);
    return out;
  }

 private:
  // A deleted record stays in log_ as a tombstone (an empty event id, which
  // no lookup matches) so that ids keep indexing it; tombstones at the front
  // are dropped.
  void Forget(uint64_t id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(log_mu_) {
    AccessRecord& record = log_[id - first_id_];
    record = AccessRecord{};
    record.id = std::to_string(id);
    feedback_.erase(id);
  }
  void DropForgottenFront() ABSL_EXCLUSIVE_LOCKS_REQUIRED(log_mu_) {
    while (!log_.empty() && log_.front().event_id.empty()) {
      log_.pop_front();
      ++first_id_;
    }
  }

  struct EventData {
    Thresholds thresholds;
    std::map<Cidr, AllowlistEntry> allowlist;
    std::shared_ptr<const CidrSet> allowlist_set;
  };
  struct GuestData {
    uint32_t generation = 0;
    Baseline baseline;  // Inline (fixed size): a check touches one allocation per guest.
  };
  static constexpr size_t kShards = 32;
  using GuestMap =
      absl::flat_hash_map<std::string, GuestData,
                          absl::container_internal::hash_default_hash<std::string>,
                          absl::container_internal::hash_default_eq<std::string>,
                          internal::HugePageAllocator<std::pair<const std::string, GuestData>>>;

  // Guests by event, then by guest id (short ids stay inline in the map: no
  // per-lookup key building or allocation).
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, GuestMap> guests ABSL_GUARDED_BY(mu);

    GuestData* Find(std::string_view event_id, std::string_view guest_id)
        ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      auto event = guests.find(Sv(event_id));
      if (event == guests.end()) return nullptr;
      auto guest = event->second.find(Sv(guest_id));
      return guest == event->second.end() ? nullptr : &guest->second;
    }
    GuestData& FindOrAdd(std::string_view event_id, std::string_view guest_id)
        ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      if (GuestData* found = Find(event_id, guest_id)) return *found;
      return guests[std::string(event_id)][std::string(guest_id)];
    }
  };

  Shard& ShardFor(std::string_view event_id, std::string_view guest_id) {
    const size_t h = absl::HashOf(Sv(event_id), Sv(guest_id));
    return shards_[h % kShards];
  }

  EventData& EventFor(std::string_view event_id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(events_mu_) {
    auto [it, inserted] = events_.try_emplace(std::string(event_id));
    if (inserted) it->second.allowlist_set = empty_allowlist_;
    return it->second;
  }

  // Copy-on-write: readers holding the old set keep a consistent snapshot.
  void RebuildAllowlist(EventData& event) ABSL_EXCLUSIVE_LOCKS_REQUIRED(events_mu_) {
    std::vector<Cidr> cidrs;
    cidrs.reserve(event.allowlist.size());
    for (const auto& [cidr, entry] : event.allowlist) cidrs.push_back(cidr);
    event.allowlist_set = std::make_shared<const CidrSet>(std::move(cidrs));
  }

  const AccessRecord* FindAccess(std::string_view event_id, std::string_view access_id)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(log_mu_) {
    std::optional<uint64_t> id = ParseAccessId(access_id);
    if (!id || *id < first_id_ || *id - first_id_ >= log_.size()) return nullptr;
    const AccessRecord& record = log_[*id - first_id_];
    return !record.event_id.empty() && record.event_id == event_id ? &record : nullptr;
  }

  const MemoryStoreOptions options_;
  const std::shared_ptr<const CidrSet> empty_allowlist_;

  absl::Mutex events_mu_;
  absl::flat_hash_map<std::string, EventData> events_ ABSL_GUARDED_BY(events_mu_);

  std::array<Shard, kShards> shards_;

  absl::Mutex log_mu_;
  std::deque<AccessRecord> log_ ABSL_GUARDED_BY(log_mu_);
  uint64_t first_id_ ABSL_GUARDED_BY(log_mu_) = 1;
  absl::flat_hash_map<uint64_t, Feedback> feedback_ ABSL_GUARDED_BY(log_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> NewMemoryStore(MemoryStoreOptions options) {
  if (options.max_access_records < 1) {
    return absl::InvalidArgumentError("memory store: max_access_records must be >= 1");
  }
  return std::make_unique<MemoryStore>(options);
}

}  // namespace guestguard
