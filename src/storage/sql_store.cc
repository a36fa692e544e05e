// Copyright 2026 GuestGuard authors.
#include "storage/sql_store.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <span>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "guestguard/access_scored.h"
#include "guestguard/bus.h"
#include "guestguard/outbox_relay.h"
#include "guestguard/status_macros.h"
#include "internal/group_runner.h"

namespace guestguard::internal {
namespace {

using sql::Connection;
using sql::Int;
using sql::Rows;
using sql::Text;
using sql::Value;

// Reasons persist as lines "code\tscore\tmessage" with \\, \t, \n escaped.
void AppendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

std::string EncodeReasons(const std::vector<Reason>& reasons) {
  std::string out;
  for (const Reason& r : reasons) {
    AppendEscaped(out, r.code);
    absl::StrAppend(&out, "\t", r.score, "\t");
    AppendEscaped(out, r.message);
    out.push_back('\n');
  }
  return out;
}

absl::StatusOr<std::vector<Reason>> DecodeReasons(std::string_view text) {
  std::vector<Reason> reasons;
  std::vector<std::string> fields(1);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      const char e = text[++i];
      fields.back().push_back(e == 't' ? '\t' : e == 'n' ? '\n' : e);
    } else if (c == '\t') {
      fields.emplace_back();
    } else if (c == '\n') {
      int score = 0;
      const std::string& s = fields.size() == 3 ? fields[1] : std::string();
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), score);
      if (fields.size() != 3 || ec != std::errc() || end != s.data() + s.size()) {
        return absl::DataLossError("stored access reasons are malformed");
      }
      reasons.push_back({std::move(fields[0]), score, std::move(fields[2])});
      fields.assign(1, std::string());
    } else {
      fields.back().push_back(c);
    }
  }
  if (fields.size() != 1 || !fields[0].empty()) {
    return absl::DataLossError("stored access reasons are truncated");
  }
  return reasons;
}

std::optional<int64_t> ParseId(std::string_view id) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (id.empty() || ec != std::errc() || end != id.data() + id.size() || value <= 0) {
    return std::nullopt;
  }
  return value;
}

// The access log columns an insert writes, in the order AccessValues binds them.
constexpr absl::string_view kWrittenAccessColumns =
    "event_id, guest_id, kind, occurred_at, client_ip, user_agent, fingerprint, timezone,"
    " language, screen, platform, score, band, allowlisted, blocked, reasons";

constexpr std::string_view kAccessColumns =
    "a.id, a.event_id, a.guest_id, a.kind, a.occurred_at, a.client_ip, a.user_agent, "
    "a.fingerprint, a.timezone, a.language, a.screen, a.platform, a.score, a.band, "
    "a.allowlisted, a.blocked, a.reasons";
constexpr size_t kAccessColumnCount = 17;

// Reads the kAccessColumns, which lead every row that has them, of `row`.
absl::StatusOr<AccessRecord> ReadAccess(const Rows& rows, size_t row) {
  AccessRecord r;
  GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(row, 0));
  r.id = std::to_string(id);
  GG_ASSIGN_OR_RETURN(r.event_id, rows.Text(row, 1));
  GG_ASSIGN_OR_RETURN(r.guest_id, rows.Text(row, 2));
  GG_ASSIGN_OR_RETURN(const std::string kind, rows.Text(row, 3));
  const std::optional<AccessKind> parsed_kind = ParseAccessKind(kind);
  if (!parsed_kind) return absl::DataLossError("stored access has an unknown kind");
  r.kind = *parsed_kind;
  GG_ASSIGN_OR_RETURN(r.at, rows.Time(row, 4));
  GG_ASSIGN_OR_RETURN(r.client_ip, rows.Text(row, 5));
  GG_ASSIGN_OR_RETURN(r.signals.user_agent, rows.Text(row, 6));
  GG_ASSIGN_OR_RETURN(r.signals.fingerprint, rows.Text(row, 7));
  GG_ASSIGN_OR_RETURN(r.signals.timezone, rows.Text(row, 8));
  GG_ASSIGN_OR_RETURN(r.signals.language, rows.Text(row, 9));
  GG_ASSIGN_OR_RETURN(r.signals.screen, rows.Text(row, 10));
  GG_ASSIGN_OR_RETURN(r.signals.platform, rows.Text(row, 11));
  GG_ASSIGN_OR_RETURN(const int64_t score, rows.Int(row, 12));
  r.score = static_cast<int>(score);
  GG_ASSIGN_OR_RETURN(const std::string band, rows.Text(row, 13));
  const std::optional<Band> parsed_band = ParseBand(band);
  if (!parsed_band) return absl::DataLossError("stored access has an unknown band");
  r.band = *parsed_band;
  GG_ASSIGN_OR_RETURN(r.allowlisted, rows.Bool(row, 14));
  GG_ASSIGN_OR_RETURN(r.blocked, rows.Bool(row, 15));
  GG_ASSIGN_OR_RETURN(const std::string reasons, rows.Text(row, 16));
  GG_ASSIGN_OR_RETURN(r.reasons, DecodeReasons(reasons));
  return r;
}

// The ids among `texts` this store could have issued, each once, in the
// order given; InvalidArgument above kMaxAccessBatch texts.
absl::StatusOr<std::vector<int64_t>> ParseAccessBatch(const std::vector<std::string>& texts) {
  if (texts.size() > kMaxAccessBatch) {
    return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxAccessBatch, " access ids"));
  }
  std::vector<int64_t> ids;
  absl::flat_hash_set<int64_t> seen;
  for (const std::string& text : texts) {
    const std::optional<int64_t> id = ParseId(text);
    if (id && seen.insert(*id).second) ids.push_back(*id);
  }
  return ids;
}

// Runs `select` + " IN (?, ..., ?)" over `ids`, 100 at a time, with
// `event_id` bound first, and hands every row to `row`. Every statement has
// exactly 100 placeholders (the last id repeats to fill a short chunk), so
// the drivers prepare one statement, not one per count.
absl::Status QueryByIds(Connection& c, std::string_view select, std::string_view event_id,
                        const std::vector<int64_t>& ids,
                        const std::function<absl::Status(const Rows&, size_t)>& row) {
  constexpr size_t kChunk = 100;
  std::string query = std::string(select) + " IN (";
  for (size_t i = 0; i < kChunk; ++i) query += i == 0 ? "?" : ", ?";
  query += ")";
  for (size_t start = 0; start < ids.size(); start += kChunk) {
    std::vector<Value> args = {Text(event_id)};
    for (size_t i = 0; i < kChunk; ++i)
      args.push_back(Int(ids[std::min(start + i, ids.size() - 1)]));
    GG_ASSIGN_OR_RETURN(Rows rows, c.Query(query, args));
    for (size_t i = 0; i < rows.size(); ++i) GG_RETURN_IF_ERROR(row(rows, i));
  }
  return absl::OkStatus();
}

class SqlStore final : public Store {
 public:
  // A guest's baseline bytes as of a baseline_version.
  struct RememberedBaseline {
    int64_t version = 0;
    std::string bytes;
  };

  SqlStore(std::shared_ptr<sql::Database> db, SqlStoreOptions options)
      : db_(std::move(db)),
        empty_allowlist_(std::make_shared<const CidrSet>()),
        access_scored_subject_(options.outbox_subject_prefix.empty()
                                   ? std::string()
                                   : options.outbox_subject_prefix + "." +
                                         std::string(kSubjectAccessScored)) {
    if (db_->dialect() != sql::Dialect::kPostgres) return;
    for (size_t n = 1; n <= kMaxAppendGroup; ++n) {
      append_group_statements_.push_back(AppendGroupStatement(n));
    }
    // Two groups at once: one is being written while the next one gathers.
    append_group_ = std::make_unique<GroupRunner<GroupedAppend>>(
        kMaxAppendGroup, /*max_leaders=*/2,
        [this](std::span<GroupedAppend* const> group) { WriteAppendGroup(group); });
  }

  const std::shared_ptr<sql::Database>& db() const { return db_; }
  const std::string& access_scored_subject() const { return access_scored_subject_; }

  absl::StatusOr<Thresholds> GetThresholds(std::string_view event_id) override {
    Thresholds t;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT medium, high, block FROM guard_event_policy"
                                             " WHERE event_id = ?",
                                             {Text(event_id)}));
      t = Thresholds();
      if (rows.empty()) return absl::OkStatus();
      return ReadThresholds(rows, 0, t);
    }));
    return t;
  }

  absl::Status SetThresholds(std::string_view event_id, const Thresholds& t) override {
    GG_RETURN_IF_ERROR(t.Validate());
    return db_->Transact([&](Connection& c) {
      return c
          .Exec(
              "INSERT INTO guard_event_policy (event_id, medium, high, block)"
              " VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET"
              " medium = excluded.medium, high = excluded.high, block = excluded.block",
              {Text(event_id), Int(t.medium), Int(t.high), Int(t.block)})
          .status();
    });
  }

  absl::StatusOr<std::vector<AllowlistEntry>> ListAllowlist(std::string_view event_id) override {
    std::vector<AllowlistEntry> out;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      out.clear();
      return LoadAllowlist(c, event_id, out);
    }));
    return out;
  }

  absl::Status AddAllowlistEntry(std::string_view event_id, const AllowlistEntry& entry) override {
    const std::string cidr = entry.cidr.ToString();
    absl::Status s = db_->Transact([&](Connection& c) -> absl::Status {
      GG_RETURN_IF_ERROR(c.Exec("INSERT INTO guard_allowlist (event_id, cidr, note, created_at)"
                                " VALUES (?, ?, ?, ?)",
                                {Text(event_id), Text(cidr), Text(entry.note), entry.created_at})
                             .status());
      return BumpAllowlistVersion(c, event_id);
    });
    if (s.code() == absl::StatusCode::kAlreadyExists) {
      return absl::AlreadyExistsError(absl::StrCat(cidr, " is already on the allowlist"));
    }
    return s;
  }

  absl::Status RemoveAllowlistEntry(std::string_view event_id, const Cidr& cidr) override {
    const std::string text = cidr.ToString();
    return db_->Transact([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(const int64_t removed,
                          c.Exec("DELETE FROM guard_allowlist WHERE event_id = ? AND cidr = ?",
                                 {Text(event_id), Text(text)}));
      if (removed == 0) {
        return absl::NotFoundError(absl::StrCat(text, " is not on the allowlist"));
      }
      return BumpAllowlistVersion(c, event_id);
    });
  }

  // One query per call; the allowlist is re-read only when its version moved.
  absl::StatusOr<EventPolicy> GetPolicy(std::string_view event_id) override {
    EventPolicy policy;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT medium, high, block, allowlist_version"
                                             " FROM guard_event_policy WHERE event_id = ?",
                                             {Text(event_id)}));
      policy = EventPolicy{Thresholds(), empty_allowlist_};
      if (rows.empty()) return absl::OkStatus();
      return ReadPolicy(c, event_id, rows, 0, policy);
    }));
    return policy;
  }

  // Policy and guest state in one round trip (plus one when the allowlist changed).
  absl::StatusOr<CheckState> LoadCheckState(std::string_view event_id,
                                            std::string_view guest_id) override {
    GG_ASSIGN_OR_RETURN(CheckStateWithRow loaded,
                        LoadCheckStateWith(event_id, guest_id, std::nullopt, {}));
    return std::move(loaded.state);
  }

  // Policy and guest state in one round trip (plus one when the allowlist
  // changed), with the caller's one-row `companion` SELECT in the same
  // snapshot. PostgreSQL joins it on (one round trip); SQLite, which has no
  // round trips to save, runs it as its own statement: joined, it would be
  // materialised into a temporary table on every call.
  absl::StatusOr<CheckStateWithRow> LoadCheckStateWith(std::string_view event_id,
                                                       std::string_view guest_id,
                                                       std::optional<std::string_view> companion,
                                                       const std::vector<Value>& companion_params) {
    constexpr size_t kStateColumns = 8;  // Through the joined companion's found marker.
    const bool joined = companion && db_->dialect() == sql::Dialect::kPostgres;
    std::string query =
        "SELECT p.medium, p.high, p.block, p.allowlist_version, g.generation,"
        " g.baseline, g.baseline_version";
    std::vector<Value> args = {Text(event_id), Text(event_id), Text(guest_id)};
    if (joined) {
      absl::StrAppend(&query, ", c.*");
      args.insert(args.end(), companion_params.begin(), companion_params.end());
    }
    absl::StrAppend(&query,
                    " FROM (SELECT 1 AS one) AS one"
                    " LEFT JOIN guard_event_policy p ON p.event_id = ?"
                    " LEFT JOIN guard_guest_state g ON g.event_id = ? AND g.guest_id = ?");
    if (joined) {
      absl::StrAppend(&query, " LEFT JOIN (SELECT 1 AS gg_found, companion.* FROM (",
                      std::string(*companion), ") AS companion) AS c ON 1 = 1");
    }
    constexpr absl::string_view kTooMany = "the companion SELECT returned more than one row";
    CheckStateWithRow out;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query(query, args));
      if (rows.size() > 1) return absl::InvalidArgumentError(kTooMany);
      if (rows.size() != 1) return absl::InternalError("check state query returned no row");
      out = CheckStateWithRow{CheckState{EventPolicy{Thresholds(), empty_allowlist_}, GuestState()},
                              Rows()};
      CheckState& state = out.state;
      if (!rows.IsNull(0, 0)) GG_RETURN_IF_ERROR(ReadPolicy(c, event_id, rows, 0, state.policy));
      GG_RETURN_IF_ERROR(ReadGuestState(rows, 0, 4, state.guest));
      if (!rows.IsNull(0, 6)) {
        GG_ASSIGN_OR_RETURN(const int64_t version, rows.Int(0, 6));
        GG_ASSIGN_OR_RETURN(std::string bytes, rows.Text(0, 5));
        RememberBaseline(event_id, guest_id, version, std::move(bytes));
      }
      if (companion && !joined) {
        GG_ASSIGN_OR_RETURN(Rows own, c.Query(*companion, companion_params));
        if (own.size() > 1) return absl::InvalidArgumentError(kTooMany);
        if (own.size() == 1) out.row = std::move(own);
      } else if (companion && !rows.IsNull(0, kStateColumns - 1)) {
        const std::vector<std::string>& names = rows.columns();
        std::vector<Value> cells;
        for (size_t i = kStateColumns; i < names.size(); ++i) cells.push_back(rows.at(0, i));
        out.row = Rows(std::vector<std::string>(names.begin() + kStateColumns, names.end()),
                       {std::move(cells)});
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<uint32_t> GetTokenGeneration(std::string_view event_id,
                                              std::string_view guest_id) override {
    int64_t generation = 0;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT generation FROM guard_guest_state"
                                             " WHERE event_id = ? AND guest_id = ?",
                                             {Text(event_id), Text(guest_id)}));
      generation = 0;
      if (rows.empty()) return absl::OkStatus();
      GG_ASSIGN_OR_RETURN(generation, rows.Int(0, 0));
      return absl::OkStatus();
    }));
    return static_cast<uint32_t>(generation);
  }

  absl::StatusOr<uint32_t> BumpTokenGeneration(std::string_view event_id,
                                               std::string_view guest_id) override {
    int64_t generation = 0;
    GG_RETURN_IF_ERROR(db_->Transact([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(
          Rows rows,
          c.Query("INSERT INTO guard_guest_state (event_id, guest_id, generation) VALUES (?, ?, 1)"
                  " ON CONFLICT (event_id, guest_id) DO UPDATE SET"
                  " generation = guard_guest_state.generation + 1 RETURNING generation",
                  {Text(event_id), Text(guest_id)}));
      if (rows.size() != 1) return absl::InternalError("generation bump returned no row");
      GG_ASSIGN_OR_RETURN(generation, rows.Int(0, 0));
      if (generation > UINT32_MAX) {
        return absl::FailedPreconditionError("token generation exhausted for this guest");
      }
      return absl::OkStatus();
    }));
    return static_cast<uint32_t>(generation);
  }

  absl::StatusOr<GuestState> LoadGuestState(std::string_view event_id,
                                            std::string_view guest_id) override {
    GuestState state;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      // One round trip: scalar subqueries give NULL for a guest with no row yet.
      GG_ASSIGN_OR_RETURN(
          Rows rows,
          c.Query("SELECT"
                  " (SELECT generation FROM guard_guest_state WHERE event_id = ? AND guest_id = ?),"
                  " (SELECT baseline FROM guard_guest_state WHERE event_id = ? AND guest_id = ?)",
                  {Text(event_id), Text(guest_id), Text(event_id), Text(guest_id)}));
      if (rows.size() != 1) return absl::InternalError("guest state query returned no row");
      state = GuestState();
      return ReadGuestState(rows, 0, 0, state);
    }));
    return state;
  }

  absl::Status UpdateBaseline(std::string_view event_id, std::string_view guest_id,
                              BaselineMutation mutate) override {
    return LearnBaseline(event_id, guest_id, mutate);
  }

  // The access row and the baseline update commit together: one
  // transaction, so one commit (the row is its own access.scored event: an
  // OutboxRelay publishes it from the access feed). SQLite group-commits it
  // with whatever else is writing (its driver). PostgreSQL, while the
  // baseline this store last read for the guest is current (the usual case:
  // LoadCheckState just read it) or the access teaches nothing, writes it in
  // a group with the appends that arrive meanwhile: one statement, one
  // round trip and one commit for the group (WriteAppendGroup), whose
  // compare-and-swaps gate the inserts. An access whose baseline moved on,
  // or whose group failed, takes the transaction, which updates the
  // baseline under its row lock.
  absl::StatusOr<std::string> AppendAccess(const AccessRecord& r,
                                           std::optional<BaselineMutation> update) override {
    // What can be done before the write is, once, on the caller's thread:
    // SQLite's one writer runs every transaction one after another. The next
    // baseline starts from the one this store last read for the guest.
    std::optional<RememberedBaseline> known;
    std::optional<RememberedBaseline> next;
    if (update && (known = RecallBaseline(r.event_id, r.guest_id))) {
      GG_ASSIGN_OR_RETURN(next, Mutated(*known, *update));
    }
    const std::vector<Value> values = AccessValues(r, EncodeReasons(r.reasons));
    if (append_group_ && (!update || known)) {
      GroupedAppend job;
      if (next) {
        job.values = {sql::Blob(next->bytes), Int(next->version), Int(known->version)};
      } else {
        job.values = {sql::Null(), sql::Null(), sql::Null()};
      }
      job.values.insert(job.values.end(), values.begin(), values.end());
      job.event_id = r.event_id;
      job.guest_id = r.guest_id;
      append_group_->Run(job);
      if (job.id) {
        if (next) RememberBaseline(r.event_id, r.guest_id, next->version, std::move(next->bytes));
        return std::to_string(*job.id);
      }
      // An unknown outcome (connection lost, timeout) is not retried: that
      // could write the access twice.
      if (!job.status.ok() && !job.write_alone) return job.status;
      // Its baseline moved on (mutated under the lock below), or its group
      // rolled back: written alone below.
      if (job.status.ok()) next.reset();
    }
    // The transaction: on SQLite every append, on PostgreSQL the ones the
    // group did not write. The baseline is swapped if still at the version
    // `next` was computed from, else mutated under the write lock.
    // SQLite reads the new id with last_insert_rowid(): its RETURNING builds
    // a temporary table on every execution.
    static const std::string kInsertAccess =
        absl::StrCat("INSERT INTO guard_access_log (", kWrittenAccessColumns,
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    static const std::string kInsertAccessReturningId =
        absl::StrCat(kInsertAccess, " RETURNING id");
    const bool sqlite = db_->dialect() == sql::Dialect::kSqlite;
    int64_t id = 0;
    std::optional<RememberedBaseline> written;
    GG_RETURN_IF_ERROR(db_->Transact([&](Connection& c) -> absl::Status {
      written.reset();
      if (next) {
        GG_ASSIGN_OR_RETURN(const bool swapped, CompareAndSwapBaseline(c, r.event_id, r.guest_id,
                                                                       known->version, *next));
        if (swapped) written = next;
      }
      if (update && !written) {
        GG_ASSIGN_OR_RETURN(written, MutateBaselineLocked(c, r.event_id, r.guest_id, *update));
      }
      Rows rows;
      if (sqlite) {
        GG_RETURN_IF_ERROR(c.Exec(kInsertAccess, values).status());
        GG_ASSIGN_OR_RETURN(rows, c.Query("SELECT last_insert_rowid()", {}));
      } else {
        GG_ASSIGN_OR_RETURN(rows, c.Query(kInsertAccessReturningId, values));
      }
      if (rows.size() != 1) return absl::InternalError("insert returned no id");
      GG_ASSIGN_OR_RETURN(id, rows.Int(0, 0));
      return absl::OkStatus();
    }));
    if (written) RememberBaseline(r.event_id, r.guest_id, written->version, written->bytes);
    return std::to_string(id);
  }

  absl::StatusOr<AccessRecord> GetAccess(std::string_view event_id,
                                         std::string_view access_id) override {
    const std::optional<int64_t> id = ParseId(access_id);
    if (!id) return absl::NotFoundError("no such access in this event");
    AccessRecord record;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query(absl::StrCat("SELECT ", std::string(kAccessColumns),
                                                          " FROM guard_access_log a"
                                                          " WHERE a.id = ? AND a.event_id = ?"),
                                             {Int(*id), Text(event_id)}));
      if (rows.empty()) return absl::NotFoundError("no such access in this event");
      GG_ASSIGN_OR_RETURN(record, ReadAccess(rows, 0));
      return absl::OkStatus();
    }));
    return record;
  }

  absl::StatusOr<std::vector<AccessRecord>> GetAccesses(
      std::string_view event_id, const std::vector<std::string>& access_ids) override {
    GG_ASSIGN_OR_RETURN(const std::vector<int64_t> ids, ParseAccessBatch(access_ids));
    absl::flat_hash_map<std::string, AccessRecord> found;
    if (!ids.empty()) {
      GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
        found.clear();
        return QueryByIds(c,
                          absl::StrCat("SELECT ", std::string(kAccessColumns),
                                       " FROM guard_access_log a WHERE a.event_id = ? AND a.id"),
                          event_id, ids, [&](const Rows& rows, size_t i) -> absl::Status {
                            GG_ASSIGN_OR_RETURN(AccessRecord r, ReadAccess(rows, i));
                            found.emplace(r.id, std::move(r));
                            return absl::OkStatus();
                          });
      }));
    }
    std::vector<AccessRecord> out;
    for (int64_t id : ids) {
      auto it = found.find(std::to_string(id));
      if (it != found.end()) out.push_back(std::move(it->second));
    }
    return out;
  }

  absl::StatusOr<std::vector<AccessRecord>> ListAccesses(std::string_view event_id,
                                                         size_t limit) override {
    std::vector<AccessRecord> out;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(
          Rows rows,
          c.Query(absl::StrCat("SELECT ", std::string(kAccessColumns),
                               " FROM guard_access_log a WHERE a.event_id = ?"
                               " ORDER BY a.id DESC LIMIT ?"),
                  {Text(event_id), Int(static_cast<int64_t>(std::min<size_t>(limit, INT32_MAX)))}));
      out.clear();
      for (size_t i = 0; i < rows.size(); ++i) {
        GG_ASSIGN_OR_RETURN(AccessRecord r, ReadAccess(rows, i));
        out.push_back(std::move(r));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::Status PutFeedback(const Feedback& f) override {
    if (f.note.size() > kMaxFeedbackNoteLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("note is longer than ", kMaxFeedbackNoteLength, " bytes"));
    }
    const std::optional<int64_t> id = ParseId(f.access_log_id);
    if (!id) return absl::NotFoundError("no such access in this event");
    return db_->Transact([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows,
                          c.Query("SELECT 1 FROM guard_access_log WHERE id = ? AND event_id = ?",
                                  {Int(*id), Text(f.event_id)}));
      if (rows.empty()) return absl::NotFoundError("no such access in this event");
      return c
          .Exec(
              "INSERT INTO guard_feedback (access_log_id, event_id, verdict, note, created_at)"
              " VALUES (?, ?, ?, ?, ?) ON CONFLICT (access_log_id) DO UPDATE SET"
              " verdict = excluded.verdict, note = excluded.note,"
              " created_at = excluded.created_at",
              {Int(*id), Text(f.event_id), Text(FeedbackVerdictName(f.verdict)), Text(f.note),
               f.created_at})
          .status();
    });
  }

  absl::StatusOr<std::map<std::string, FeedbackVerdict>> GetVerdicts(
      std::string_view event_id, const std::vector<std::string>& access_ids) override {
    GG_ASSIGN_OR_RETURN(const std::vector<int64_t> ids, ParseAccessBatch(access_ids));
    std::map<std::string, FeedbackVerdict> out;
    if (ids.empty()) return out;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      out.clear();
      return QueryByIds(
          c,
          "SELECT access_log_id, verdict FROM guard_feedback WHERE event_id = ? AND access_log_id",
          event_id, ids, [&](const Rows& rows, size_t i) -> absl::Status {
            GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(i, 0));
            GG_ASSIGN_OR_RETURN(const std::string verdict, rows.Text(i, 1));
            const std::optional<FeedbackVerdict> parsed = ParseFeedbackVerdict(verdict);
            if (!parsed) return absl::DataLossError("stored feedback has an unknown verdict");
            out[std::to_string(id)] = *parsed;
            return absl::OkStatus();
          });
    }));
    return out;
  }

  absl::StatusOr<std::vector<LabelledAccess>> ListFeedback(std::string_view event_id) override {
    std::vector<LabelledAccess> out;
    GG_RETURN_IF_ERROR(db_->Read([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(
          Rows rows, c.Query(absl::StrCat("SELECT ", std::string(kAccessColumns),
                                          ", f.verdict, f.note, f.created_at FROM guard_feedback f"
                                          " JOIN guard_access_log a ON a.id = f.access_log_id"
                                          " WHERE f.event_id = ? ORDER BY f.created_at DESC,"
                                          " f.access_log_id DESC"),
                             {Text(event_id)}));
      out.clear();
      for (size_t i = 0; i < rows.size(); ++i) {
        LabelledAccess l;
        GG_ASSIGN_OR_RETURN(l.access, ReadAccess(rows, i));
        GG_ASSIGN_OR_RETURN(const std::string verdict, rows.Text(i, kAccessColumnCount));
        const std::optional<FeedbackVerdict> parsed = ParseFeedbackVerdict(verdict);
        if (!parsed) return absl::DataLossError("stored feedback has an unknown verdict");
        l.feedback.event_id = l.access.event_id;
        l.feedback.access_log_id = l.access.id;
        l.feedback.verdict = *parsed;
        GG_ASSIGN_OR_RETURN(l.feedback.note, rows.Text(i, kAccessColumnCount + 1));
        GG_ASSIGN_OR_RETURN(l.feedback.created_at, rows.Time(i, kAccessColumnCount + 2));
        out.push_back(std::move(l));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::Status DeleteEventData(std::string_view event_id) override {
    GG_RETURN_IF_ERROR(db_->Transact([&](Connection& c) -> absl::Status {
      for (const char* table : {"guard_feedback", "guard_access_log", "guard_guest_state",
                                "guard_allowlist", "guard_event_policy"}) {
        GG_RETURN_IF_ERROR(
            c.Exec(absl::StrCat("DELETE FROM ", table, " WHERE event_id = ?"), {Text(event_id)})
                .status());
      }
      return absl::OkStatus();
    }));
    // Rare: forgetting every cached entry is simpler than finding the event's.
    absl::MutexLock lock(&cache_mu_);
    allowlist_cache_.clear();
    baseline_cache_.clear();
    return absl::OkStatus();
  }

  absl::StatusOr<size_t> PruneAccessLog(absl::Time before, size_t limit) override {
    int64_t deleted = 0;
    const int64_t n = static_cast<int64_t>(std::min<size_t>(limit, INT32_MAX));
    // Oldest ids first: the primary key finds them without an index on time.
    constexpr const char* kVictims =
        "SELECT id FROM guard_access_log WHERE occurred_at < ? ORDER BY id LIMIT ?";
    GG_RETURN_IF_ERROR(db_->Transact([&](Connection& c) -> absl::Status {
      GG_RETURN_IF_ERROR(
          c.Exec(absl::StrCat("DELETE FROM guard_feedback WHERE access_log_id IN (", kVictims, ")"),
                 {before, Int(n)})
              .status());
      GG_ASSIGN_OR_RETURN(
          deleted, c.Exec(absl::StrCat("DELETE FROM guard_access_log WHERE id IN (", kVictims, ")"),
                          {before, Int(n)}));
      return absl::OkStatus();
    }));
    return static_cast<size_t>(deleted);
  }

  absl::StatusOr<std::vector<AccessRecord>> ListAccessPage(std::string_view event_id,
                                                           const AccessPageQuery& query) override {
    if (query.limit < 1 || query.limit > kMaxAccessPage) {
      return absl::InvalidArgumentError(absl::StrCat("limit must be 1-", kMaxAccessPage));
    }
    std::string q = absl::StrCat("SELECT ", std::string(kAccessColumns),
                                 " FROM guard_access_log a WHERE a.event_id = ?");
    std::vector<Value> args = {Text(event_id)};
    if (query.guest_id) {
      q += " AND a.guest_id = ?";
      args.push_back(Text(*query.guest_id));
    }
    if (query.after && query.after->id) {
      const std::optional<int64_t> id = ParseId(*query.after->id);
      if (!id) return absl::InvalidArgumentError("not an access id of this store");
      q += " AND (a.occurred_at < ? OR (a.occurred_at = ? AND a.id < ?))";
      args.insert(args.end(), {query.after->at, query.after->at, Int(*id)});
    } else if (query.after) {
      q += " AND a.occurred_at < ?";
      args.push_back(query.after->at);
    }
    q += " ORDER BY a.occurred_at DESC, a.id DESC LIMIT ?";
    args.push_back(Int(static_cast<int64_t>(query.limit)));
    std::vector<AccessRecord> out;
    GG_RETURN_IF_ERROR(db_->Autocommit([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query(q, args));
      out.clear();
      for (size_t i = 0; i < rows.size(); ++i) {
        GG_ASSIGN_OR_RETURN(out.emplace_back(), ReadAccess(rows, i));
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<std::map<std::string, GuestAccessSummary>> SummarizeGuests(
      std::string_view event_id, const std::vector<std::string>& guest_ids) override {
    if (guest_ids.size() > kMaxAccessBatch) {
      return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxAccessBatch, " guest ids"));
    }
    std::map<std::string, GuestAccessSummary> out;
    if (guest_ids.empty()) return out;
    // Every statement has kChunk guest placeholders (a short chunk repeats its
    // last id): one prepared statement, not one per count.
    constexpr size_t kChunk = 100;
    std::string q =
        absl::StrCat("SELECT ", std::string(kAccessColumns),
                     ", EXISTS (SELECT 1 FROM guard_access_log c WHERE c.event_id = a.event_id"
                     " AND c.guest_id = a.guest_id AND c.kind = 'checkin' AND c.band <> 'block')"
                     " FROM (SELECT l.*, ROW_NUMBER() OVER (PARTITION BY l.guest_id"
                     " ORDER BY l.occurred_at DESC, l.id DESC) AS n"
                     " FROM guard_access_log l WHERE l.event_id = ? AND l.guest_id IN (");
    for (size_t i = 0; i < kChunk; ++i) q += i == 0 ? "?" : ", ?";
    q += ")) a WHERE a.n = 1";
    GG_RETURN_IF_ERROR(db_->Autocommit([&](Connection& c) -> absl::Status {
      out.clear();
      for (size_t start = 0; start < guest_ids.size(); start += kChunk) {
        std::vector<Value> args = {Text(event_id)};
        for (size_t i = 0; i < kChunk; ++i) {
          args.push_back(Text(guest_ids[std::min(start + i, guest_ids.size() - 1)]));
        }
        GG_ASSIGN_OR_RETURN(Rows rows, c.Query(q, args));
        for (size_t i = 0; i < rows.size(); ++i) {
          GuestAccessSummary summary;
          GG_ASSIGN_OR_RETURN(summary.latest, ReadAccess(rows, i));
          GG_ASSIGN_OR_RETURN(summary.checked_in, rows.Bool(i, kAccessColumnCount));
          std::string guest = summary.latest.guest_id;
          out[std::move(guest)] = std::move(summary);
        }
      }
      return absl::OkStatus();
    }));
    return out;
  }

  absl::StatusOr<int64_t> CountAccessesBetween(std::string_view event_id, std::string_view guest_id,
                                               std::string_view after_id,
                                               std::string_view before_id, Band min_band) override {
    const std::optional<int64_t> after = ParseId(after_id);
    const std::optional<int64_t> before = ParseId(before_id);
    if (!after || !before) return absl::InvalidArgumentError("not an access id of this store");
    std::string q =
        "SELECT COUNT(*) FROM guard_access_log WHERE event_id = ? AND guest_id = ?"
        " AND id > ? AND id < ? AND band IN (";
    std::vector<Value> args = {Text(event_id), Text(guest_id), Int(*after), Int(*before)};
    for (int b = static_cast<int>(min_band); b <= static_cast<int>(Band::kBlock); ++b) {
      q += b == static_cast<int>(min_band) ? "?" : ", ?";
      args.push_back(Text(BandName(static_cast<Band>(b))));
    }
    q += ")";
    int64_t n = 0;
    GG_RETURN_IF_ERROR(db_->Autocommit([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows, c.Query(q, args));
      GG_ASSIGN_OR_RETURN(n, rows.Int(0, 0));
      return absl::OkStatus();
    }));
    return n;
  }

  absl::StatusOr<Feedback> GetFeedback(std::string_view event_id,
                                       std::string_view access_id) override {
    const std::optional<int64_t> id = ParseId(access_id);
    if (!id) return absl::NotFoundError("no verdict on this access");
    Feedback f;
    GG_RETURN_IF_ERROR(db_->Autocommit([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(Rows rows,
                          c.Query("SELECT access_log_id, verdict, note, created_at"
                                  " FROM guard_feedback WHERE access_log_id = ? AND event_id = ?",
                                  {Int(*id), Text(event_id)}));
      if (rows.empty()) return absl::NotFoundError("no verdict on this access");
      return ReadFeedback(rows, 0, event_id, f);
    }));
    return f;
  }

  absl::StatusOr<std::vector<Feedback>> ListRecentFeedback(std::string_view event_id,
                                                           size_t limit) override {
    if (limit < 1 || limit > kMaxAccessBatch) {
      return absl::InvalidArgumentError(absl::StrCat("limit must be 1-", kMaxAccessBatch));
    }
    std::vector<Feedback> out;
    GG_RETURN_IF_ERROR(db_->Autocommit([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(
          Rows rows,
          c.Query("SELECT access_log_id, verdict, note, created_at FROM guard_feedback"
                  " WHERE event_id = ? ORDER BY created_at DESC, access_log_id DESC LIMIT ?",
                  {Text(event_id), Int(static_cast<int64_t>(limit))}));
      out.clear();
      for (size_t i = 0; i < rows.size(); ++i) {
        GG_RETURN_IF_ERROR(ReadFeedback(rows, i, event_id, out.emplace_back()));
      }
      return absl::OkStatus();
    }));
    return out;
  }

 private:
  // Columns access_log_id, verdict, note, created_at of `row` into `out`.
  static absl::Status ReadFeedback(const Rows& rows, size_t row, std::string_view event_id,
                                   Feedback& out) {
    GG_ASSIGN_OR_RETURN(const int64_t id, rows.Int(row, 0));
    out.event_id = std::string(event_id);
    out.access_log_id = std::to_string(id);
    GG_ASSIGN_OR_RETURN(const std::string verdict, rows.Text(row, 1));
    const std::optional<FeedbackVerdict> parsed = ParseFeedbackVerdict(verdict);
    if (!parsed) return absl::DataLossError("stored feedback has an unknown verdict");
    out.verdict = *parsed;
    GG_ASSIGN_OR_RETURN(out.note, rows.Text(row, 2));
    GG_ASSIGN_OR_RETURN(out.created_at, rows.Time(row, 3));
    return absl::OkStatus();
  }

  static absl::Status ReadThresholds(const Rows& rows, size_t row, Thresholds& t) {
    GG_ASSIGN_OR_RETURN(const int64_t medium, rows.Int(row, 0));
    GG_ASSIGN_OR_RETURN(const int64_t high, rows.Int(row, 1));
    GG_ASSIGN_OR_RETURN(const int64_t block, rows.Int(row, 2));
    t = Thresholds{static_cast<int>(medium), static_cast<int>(high), static_cast<int>(block)};
    return absl::OkStatus();
  }

  // The access log columns of `r`, in the order of kWrittenAccessColumns.
  static std::vector<Value> AccessValues(const AccessRecord& r, const std::string& reasons) {
    return {Text(r.event_id),
            Text(r.guest_id),
            Text(AccessKindName(r.kind)),
            r.at,
            Text(r.client_ip),
            Text(r.signals.user_agent),
            Text(r.signals.fingerprint),
            Text(r.signals.timezone),
            Text(r.signals.language),
            Text(r.signals.screen),
            Text(r.signals.platform),
            Int(r.score),
            Text(BandName(r.band)),
            Value(r.allowlisted),
            Value(r.blocked),
            Text(reasons)};
  }

  // One access of a PostgreSQL append group and, once the group ran, its
  // outcome: `id`; or no id and `status` OK: its baseline moved on, nothing
  // was written; or an error, with `write_alone` when the group's statement
  // failed and rolled back (the cause may be another member's).
  struct GroupedAppend {
    // The group statement's values for this access, in the order of
    // AppendGroupStatement's columns after `i`: baseline, next_version and
    // known_version (all NULL: the access teaches nothing) and the access's
    // columns (AccessValues).
    std::vector<Value> values;
    std::string_view event_id, guest_id;  // The access's guest (the row the swap locks).
    std::optional<int64_t> id;
    absl::Status status;
    bool write_alone = false;
  };
  static constexpr size_t kGroupValues = 19;
  static constexpr size_t kMaxAppendGroup = 32;

  // PostgreSQL: the statement that writes a group of `n` appends. Each
  // member's baseline compare-and-swap (when it has one) gates its access
  // row; the ids are drawn first so that each comes back with
  // its member's position `i`. Two members for one guest: one swap wins, the
  // other member gets no row back. The swaps lock the guests' rows in the
  // order of `v` (a nested loop over the VALUES list into the primary key),
  // which WriteAppendGroup sorts by guest.
  std::string AppendGroupStatement(size_t n) const {
    constexpr absl::string_view kRow =
        ", CAST(? AS BYTEA), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT),"
        " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TIMESTAMPTZ), CAST(? AS TEXT),"
        " CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),"
        " CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS BOOLEAN),"
        " CAST(? AS BOOLEAN), CAST(? AS TEXT))";
    std::string q = absl::StrCat("WITH v (i, baseline, next_version, known_version, ",
                                 kWrittenAccessColumns, ") AS (VALUES ");
    for (size_t i = 0; i < n; ++i) absl::StrAppend(&q, i == 0 ? "(" : ", (", i, kRow);
    absl::StrAppend(
        &q,
        "), b AS (UPDATE guard_guest_state s SET baseline = v.baseline,"
        " baseline_version = v.next_version FROM v WHERE v.known_version IS NOT NULL"
        " AND s.event_id = v.event_id AND s.guest_id = v.guest_id"
        " AND s.baseline_version = v.known_version RETURNING v.i),"
        " w AS MATERIALIZED (SELECT v.*, nextval(pg_get_serial_sequence('guard_access_log', 'id'))"
        " AS id FROM v WHERE v.known_version IS NULL OR v.i IN (SELECT i FROM b) ORDER BY v.i),"
        " a AS (",
        "INSERT INTO guard_access_log (id, ", kWrittenAccessColumns,
        ") OVERRIDING SYSTEM VALUE SELECT id, ", kWrittenAccessColumns, " FROM w)");
    absl::StrAppend(&q, " SELECT i, id FROM w");
    return q;
  }

  // Runs one append group (GroupRunner's leader): settles every member. The
  // members go into the statement sorted by guest, so that every group locks
  // guest rows in one order: two groups running at once with guests in common
  // would otherwise each hold a row the other waits for — a deadlock that
  // PostgreSQL breaks only after deadlock_timeout (1 s), stalling both groups.
  void WriteAppendGroup(std::span<GroupedAppend* const> arrived) {
    std::vector<GroupedAppend*> group(arrived.begin(), arrived.end());
    std::stable_sort(
        group.begin(), group.end(), [](const GroupedAppend* a, const GroupedAppend* b) {
          return std::tie(a->event_id, a->guest_id) < std::tie(b->event_id, b->guest_id);
        });
    std::vector<Value> args;
    args.reserve(group.size() * kGroupValues);
    for (const GroupedAppend* g : group) {
      args.insert(args.end(), g->values.begin(), g->values.end());
    }
    Rows rows;
    absl::Status s = db_->Autocommit([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(rows, c.Query(append_group_statements_[group.size() - 1], args));
      return absl::OkStatus();
    });
    // A statement error rolled the group back, unless the outcome is unknown.
    const bool rolled_back = !s.ok() && s.code() != absl::StatusCode::kUnavailable &&
                             s.code() != absl::StatusCode::kDeadlineExceeded;
    for (GroupedAppend* g : group) g->id.reset();
    for (size_t row = 0; s.ok() && row < rows.size(); ++row) {
      absl::StatusOr<int64_t> i = rows.Int(row, 0);
      absl::StatusOr<int64_t> id = rows.Int(row, 1);
      if (!i.ok() || !id.ok() || *i < 0 || static_cast<size_t>(*i) >= group.size()) {
        s = absl::InternalError("append group returned an unknown member");  // Committed.
      } else {
        group[*i]->id = *id;
      }
    }
    for (GroupedAppend* g : group) {
      g->status = s;
      g->write_alone = rolled_back;
    }
  }

  // Compare-and-swap on baseline_version: read, mutate, write back only if
  // nobody wrote in between, else read again — no row lock held across the
  // mutation, no round trips for BEGIN/COMMIT. The first attempt starts from
  // the baseline this store last read for the guest (LoadCheckState), saving
  // the read when nobody wrote since. Under heavy contention on one guest,
  // after kOptimisticAttempts lost races, it takes the row lock instead
  // (MutateBaselineLocked), which always succeeds. Either way no update is
  // lost, on one node or many.
  absl::Status LearnBaseline(std::string_view event_id, std::string_view guest_id,
                             BaselineMutation mutate) {
    constexpr int kOptimisticAttempts = 4;
    absl::Status s = db_->Autocommit([&](Connection& c) -> absl::Status {
      std::optional<RememberedBaseline> known = RecallBaseline(event_id, guest_id);
      for (int attempt = 0; attempt < kOptimisticAttempts; ++attempt) {
        if (!known) {
          GG_ASSIGN_OR_RETURN(known, SelectOrCreateBaseline(c, event_id, guest_id));
        }
        GG_ASSIGN_OR_RETURN(std::optional<RememberedBaseline> written,
                            SwapBaseline(c, event_id, guest_id, *known, mutate));
        if (written) {
          RememberBaseline(event_id, guest_id, written->version, std::move(written->bytes));
          return absl::OkStatus();
        }
        known.reset();  // Somebody else wrote (or the row is new): read it.
      }
      return absl::AbortedError("contended");
    });
    if (s.code() != absl::StatusCode::kAborted) return s;
    std::optional<RememberedBaseline> written;
    GG_RETURN_IF_ERROR(db_->Transact([&](Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(written, MutateBaselineLocked(c, event_id, guest_id, mutate));
      return absl::OkStatus();
    }));
    RememberBaseline(event_id, guest_id, written->version, std::move(written->bytes));
    return absl::OkStatus();
  }

  // In a transaction: applies `mutate` to the guest's baseline so that the
  // read and the write cannot be overtaken, and returns what it wrote (for
  // the caller to remember once the transaction commits). PostgreSQL: locks
  // the guest's row by touching it (portable: no SELECT ... FOR UPDATE);
  // SQLite: its one writer already excludes every other.
  absl::StatusOr<RememberedBaseline> MutateBaselineLocked(Connection& c, std::string_view event_id,
                                                          std::string_view guest_id,
                                                          const BaselineMutation& mutate) {
    if (c.dialect() == sql::Dialect::kPostgres) {
      GG_RETURN_IF_ERROR(c.Exec("INSERT INTO guard_guest_state (event_id, guest_id) VALUES (?, ?)"
                                " ON CONFLICT (event_id, guest_id) DO NOTHING",
                                {Text(event_id), Text(guest_id)})
                             .status());
      GG_RETURN_IF_ERROR(c.Exec("UPDATE guard_guest_state SET baseline_version = baseline_version"
                                " WHERE event_id = ? AND guest_id = ?",
                                {Text(event_id), Text(guest_id)})
                             .status());
    }
    GG_ASSIGN_OR_RETURN(RememberedBaseline known, SelectOrCreateBaseline(c, event_id, guest_id));
    GG_ASSIGN_OR_RETURN(std::optional<RememberedBaseline> written,
                        SwapBaseline(c, event_id, guest_id, known, mutate));
    if (!written) return absl::InternalError("baseline changed under its row lock");
    return *std::move(written);
  }

  absl::StatusOr<RememberedBaseline> SelectOrCreateBaseline(Connection& c,
                                                            std::string_view event_id,
                                                            std::string_view guest_id) {
    GG_ASSIGN_OR_RETURN(Rows rows, SelectBaseline(c, event_id, guest_id));
    if (rows.empty()) {
      GG_RETURN_IF_ERROR(c.Exec("INSERT INTO guard_guest_state (event_id, guest_id)"
                                " VALUES (?, ?) ON CONFLICT (event_id, guest_id) DO NOTHING",
                                {Text(event_id), Text(guest_id)})
                             .status());
      GG_ASSIGN_OR_RETURN(rows, SelectBaseline(c, event_id, guest_id));
      if (rows.empty()) return absl::InternalError("guest state row vanished");
    }
    RememberedBaseline known;
    GG_ASSIGN_OR_RETURN(known.bytes, rows.Text(0, 0));
    GG_ASSIGN_OR_RETURN(known.version, rows.Int(0, 1));
    return known;
  }

  // `known` with `mutate` applied, one version on.
  static absl::StatusOr<RememberedBaseline> Mutated(const RememberedBaseline& known,
                                                    const BaselineMutation& mutate) {
    GG_ASSIGN_OR_RETURN(Baseline baseline, Baseline::Parse(known.bytes));
    mutate(baseline);
    return RememberedBaseline{known.version + 1, baseline.Serialize()};
  }

  // Writes mutate(known) if the row is still at known.version and returns
  // what it wrote; nullopt when the row moved on.
  absl::StatusOr<std::optional<RememberedBaseline>> SwapBaseline(Connection& c,
                                                                 std::string_view event_id,
                                                                 std::string_view guest_id,
                                                                 const RememberedBaseline& known,
                                                                 const BaselineMutation& mutate) {
    GG_ASSIGN_OR_RETURN(RememberedBaseline next, Mutated(known, mutate));
    GG_ASSIGN_OR_RETURN(const bool swapped,
                        CompareAndSwapBaseline(c, event_id, guest_id, known.version, next));
    if (!swapped) return std::optional<RememberedBaseline>();
    return std::optional<RememberedBaseline>(std::move(next));
  }

  // Writes `next` if the guest's row is still at `known_version`; false when it moved on.
  static absl::StatusOr<bool> CompareAndSwapBaseline(Connection& c, std::string_view event_id,
                                                     std::string_view guest_id,
                                                     int64_t known_version,
                                                     const RememberedBaseline& next) {
    GG_ASSIGN_OR_RETURN(const int64_t updated,
                        c.Exec("UPDATE guard_guest_state SET baseline = ?, baseline_version = ?"
                               " WHERE event_id = ? AND guest_id = ? AND baseline_version = ?",
                               {sql::Blob(next.bytes), Int(next.version), Text(event_id),
                                Text(guest_id), Int(known_version)}));
    return updated == 1;
  }

  static std::string GuestKey(std::string_view event_id, std::string_view guest_id) {
    return absl::StrCat(event_id.size(), ":", std::string(event_id), std::string(guest_id));
  }

  std::optional<RememberedBaseline> RecallBaseline(std::string_view event_id,
                                                   std::string_view guest_id) {
    absl::MutexLock lock(&cache_mu_);
    auto it = baseline_cache_.find(GuestKey(event_id, guest_id));
    if (it == baseline_cache_.end()) return std::nullopt;
    return it->second;
  }

  void RememberBaseline(std::string_view event_id, std::string_view guest_id, int64_t version,
                        std::string bytes) {
    constexpr size_t kMaxRemembered = 100000;
    absl::MutexLock lock(&cache_mu_);
    if (baseline_cache_.size() >= kMaxRemembered) baseline_cache_.clear();
    baseline_cache_[GuestKey(event_id, guest_id)] = {version, std::move(bytes)};
  }

  // Columns `col`..`col + 1` of `row`: generation (NULL: none), baseline (NULL: none).
  static absl::Status ReadGuestState(const Rows& rows, size_t row, size_t col, GuestState& out) {
    if (!rows.IsNull(row, col)) {
      GG_ASSIGN_OR_RETURN(const int64_t generation, rows.Int(row, col));
      out.generation = static_cast<uint32_t>(generation);
    }
    if (rows.IsNull(row, col + 1)) return absl::OkStatus();
    GG_ASSIGN_OR_RETURN(const std::string baseline, rows.Text(row, col + 1));
    GG_ASSIGN_OR_RETURN(out.baseline, Baseline::Parse(baseline));
    return absl::OkStatus();
  }

  // Columns 0-3 of `row` (medium, high, block, allowlist_version) into `out`,
  // with the allowlist from the cache or, when its version moved, re-read.
  absl::Status ReadPolicy(Connection& c, std::string_view event_id, const Rows& rows, size_t row,
                          EventPolicy& out) {
    GG_RETURN_IF_ERROR(ReadThresholds(rows, row, out.thresholds));
    GG_ASSIGN_OR_RETURN(const int64_t version, rows.Int(row, 3));
    out.allowlist = empty_allowlist_;
    if (version == 0) return absl::OkStatus();
    if (auto cached = CachedAllowlist(event_id, version)) {
      out.allowlist = std::move(cached);
      return absl::OkStatus();
    }
    std::vector<AllowlistEntry> entries;
    GG_RETURN_IF_ERROR(LoadAllowlist(c, event_id, entries));
    std::vector<Cidr> cidrs;
    cidrs.reserve(entries.size());
    for (const AllowlistEntry& e : entries) cidrs.push_back(e.cidr);
    out.allowlist = std::make_shared<const CidrSet>(std::move(cidrs));
    CacheAllowlist(event_id, version, out.allowlist);
    return absl::OkStatus();
  }

  static absl::StatusOr<Rows> SelectBaseline(Connection& c, std::string_view event_id,
                                             std::string_view guest_id) {
    return c.Query(
        "SELECT baseline, baseline_version FROM guard_guest_state"
        " WHERE event_id = ? AND guest_id = ?",
        {Text(event_id), Text(guest_id)});
  }

  static absl::Status BumpAllowlistVersion(Connection& c, std::string_view event_id) {
    return c
        .Exec(
            "INSERT INTO guard_event_policy (event_id, allowlist_version) VALUES (?, 1)"
            " ON CONFLICT (event_id) DO UPDATE SET"
            " allowlist_version = guard_event_policy.allowlist_version + 1",
            {Text(event_id)})
        .status();
  }

  static absl::Status LoadAllowlist(Connection& c, std::string_view event_id,
                                    std::vector<AllowlistEntry>& out) {
    GG_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT cidr, note, created_at FROM guard_allowlist"
                                           " WHERE event_id = ?",
                                           {Text(event_id)}));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(const std::string text, rows.Text(i, 0));
      absl::StatusOr<Cidr> cidr = Cidr::Parse(text);
      if (!cidr.ok()) return absl::DataLossError("stored allowlist entry is not a CIDR");
      AllowlistEntry e{*cidr, "", absl::UnixEpoch()};
      GG_ASSIGN_OR_RETURN(e.note, rows.Text(i, 1));
      GG_ASSIGN_OR_RETURN(e.created_at, rows.Time(i, 2));
      out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(),
              [](const AllowlistEntry& a, const AllowlistEntry& b) { return a.cidr < b.cidr; });
    return absl::OkStatus();
  }

  std::shared_ptr<const CidrSet> CachedAllowlist(std::string_view event_id, int64_t version) {
    absl::MutexLock lock(&cache_mu_);
    auto it = allowlist_cache_.find(absl::string_view(event_id.data(), event_id.size()));
    if (it == allowlist_cache_.end() || it->second.version != version) return nullptr;
    return it->second.set;
  }

  void CacheAllowlist(std::string_view event_id, int64_t version,
                      std::shared_ptr<const CidrSet> set) {
    constexpr size_t kMaxCachedEvents = 10000;
    absl::MutexLock lock(&cache_mu_);
    if (allowlist_cache_.size() >= kMaxCachedEvents) allowlist_cache_.clear();
    allowlist_cache_[std::string(event_id)] = {version, std::move(set)};
  }

  const std::shared_ptr<sql::Database> db_;
  const std::shared_ptr<const CidrSet> empty_allowlist_;
  // "<prefix>.access.scored" (the access feed's subject and cursor name), or
  // empty when the feed is off.
  const std::string access_scored_subject_;
  // PostgreSQL: AppendGroupStatement(n) at [n - 1], and the group runner.
  std::vector<std::string> append_group_statements_;
  std::unique_ptr<GroupRunner<GroupedAppend>> append_group_;

  struct CachedSet {
    int64_t version = 0;
    std::shared_ptr<const CidrSet> set;
  };
  absl::Mutex cache_mu_;
  // Per event: the allowlist as of `version` (bounded; cleared when full).
  absl::flat_hash_map<std::string, CachedSet> allowlist_cache_ ABSL_GUARDED_BY(cache_mu_);
  // Per guest: the last baseline this store read or wrote, a hint for the
  // first compare-and-swap attempt (bounded; cleared when full).
  absl::flat_hash_map<std::string, RememberedBaseline> baseline_cache_ ABSL_GUARDED_BY(cache_mu_);
};

}  // namespace

std::shared_ptr<sql::Database> SqlDatabaseOf(const Store& store) {
  const auto* sql_store = dynamic_cast<const SqlStore*>(&store);
  return sql_store == nullptr ? nullptr : sql_store->db();
}

std::string AccessFeedSubjectOf(const Store& store) {
  const auto* sql_store = dynamic_cast<const SqlStore*>(&store);
  return sql_store == nullptr ? std::string() : sql_store->access_scored_subject();
}

absl::Status StartAccessFeed(sql::Database& db, std::string_view subject) {
  // SQLite: ids commit in order, so the feed starts after the last one.
  // PostgreSQL: after every transaction that has ended (xact below the
  // oldest running one), whatever its ids.
  const std::string start =
      db.dialect() == sql::Dialect::kSqlite
          ? "INSERT INTO guard_relay_cursor (name, last_xact, last_id)"
            " SELECT ?, 0, COALESCE(MAX(id), 0) FROM guard_access_log WHERE true"
            " ON CONFLICT (name) DO NOTHING"
          : "INSERT INTO guard_relay_cursor (name, last_xact, last_id)"
            " VALUES (?, pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1,"
            " 9223372036854775807) ON CONFLICT (name) DO NOTHING";
  return db.Autocommit(
      [&](sql::Connection& c) -> absl::Status { return c.Exec(start, {Text(subject)}).status(); });
}

absl::StatusOr<AccessFeedBatch> ReadAccessFeed(sql::Database& db, FeedPosition after,
                                               size_t limit) {
  static const std::string kSqlite =
      absl::StrCat("SELECT ", std::string(kAccessColumns),
                   ", 0, 1 FROM guard_access_log a WHERE a.id > ? ORDER BY a.id LIMIT ?");
  // A row is ready once every transaction older than its own has ended
  // (below the snapshot's xmin): nothing can commit behind it later.
  static const std::string kPostgres = absl::StrCat(
      "WITH s AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)"
      " SELECT ",
      std::string(kAccessColumns),
      ", a.xact, a.xact < s.xmin FROM guard_access_log a, s"
      " WHERE (a.xact, a.id) > (CAST(? AS BIGINT), CAST(? AS BIGINT))"
      " ORDER BY a.xact, a.id LIMIT ?");
  const bool sqlite = db.dialect() == sql::Dialect::kSqlite;
  std::vector<Value> args;
  if (!sqlite) args.push_back(Int(after.xact));
  args.push_back(Int(after.id));
  args.push_back(Int(static_cast<int64_t>(limit)));
  AccessFeedBatch out;
  GG_RETURN_IF_ERROR(db.Read([&](Connection& c) -> absl::Status {
    out = AccessFeedBatch();
    GG_ASSIGN_OR_RETURN(Rows rows, c.Query(sqlite ? kSqlite : kPostgres, args));
    for (size_t i = 0; i < rows.size(); ++i) {
      GG_ASSIGN_OR_RETURN(const bool ready, rows.Bool(i, kAccessColumnCount + 1));
      if (!ready) {
        out.held_back = true;
        break;
      }
      FedAccess fed;
      GG_ASSIGN_OR_RETURN(fed.record, ReadAccess(rows, i));
      GG_ASSIGN_OR_RETURN(fed.position.id, rows.Int(i, 0));
      GG_ASSIGN_OR_RETURN(fed.position.xact, rows.Int(i, kAccessColumnCount));
      out.ready.push_back(std::move(fed));
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace guestguard::internal

namespace guestguard {

const std::vector<sql::Migration>& SqlStoreMigrations(sql::Dialect dialect) {
  return dialect == sql::Dialect::kSqlite ? internal::SqliteStoreMigrations()
                                          : internal::PostgresStoreMigrations();
}

absl::StatusOr<std::unique_ptr<Store>> NewSqlStore(std::shared_ptr<sql::Database> db,
                                                   SqlStoreOptions options) {
  if (!db) return absl::InvalidArgumentError("sql store: no database");
  GG_RETURN_IF_ERROR(sql::Migrate(*db, "guard", SqlStoreMigrations(db->dialect())));
  auto store = std::make_unique<internal::SqlStore>(std::move(db), std::move(options));
  if (!store->access_scored_subject().empty()) {
    GG_RETURN_IF_ERROR(internal::StartAccessFeed(*store->db(), store->access_scored_subject()));
  }
  return store;
}

absl::StatusOr<CheckStateWithRow> LoadCheckStateWith(Store& store, std::string_view event_id,
                                                     std::string_view guest_id,
                                                     std::string_view companion,
                                                     const std::vector<sql::Value>& params) {
  auto* sql_store = dynamic_cast<internal::SqlStore*>(&store);
  if (sql_store == nullptr) {
    return absl::InvalidArgumentError("LoadCheckStateWith needs a SQLite or PostgreSQL store");
  }
  return sql_store->LoadCheckStateWith(event_id, guest_id, companion, params);
}

}  // namespace guestguard
