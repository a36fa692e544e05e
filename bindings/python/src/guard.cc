// Copyright 2026 GuestGuard authors.
//
// Bindings of the Guard, its decisions and the store-level helpers an
// integrator needs (thresholds, allowlist, access log). The Python Guard owns
// a C++ Guard and the Store it was opened on; every call copies its arguments
// and the two shared pointers while holding the GIL, then releases the GIL
// around the C++ call, so checks from many Python threads run concurrently.
#include "guestguard/guard.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "common.h"
#include "guestguard/memory_store.h"
#include "guestguard/sqlite_store.h"
#include "guestguard/store.h"

namespace guestguard::python {
namespace {

// Runs `f` with the GIL released; `f` must not touch Python objects.
template <typename F>
auto Released(F&& f) {
  py::gil_scoped_release release;
  return f();
}

FeedbackVerdict ToFeedbackVerdict(py::handle value) {
  if (py::isinstance<py::str>(value)) {
    const std::string name = value.cast<std::string>();
    std::optional<FeedbackVerdict> verdict = ParseFeedbackVerdict(name);
    if (!verdict) {
      ThrowInvalidArgument("verdict must be \"legitimate\" or \"suspicious\", not " + Quote(name));
    }
    return *verdict;
  }
  return value.cast<FeedbackVerdict>();
}

TokenStatus ParseTokenStatus(const std::string& name) {
  for (TokenStatus s : {TokenStatus::kValid, TokenStatus::kMalformed, TokenStatus::kUnknownKey,
                        TokenStatus::kBadSignature, TokenStatus::kExpired, TokenStatus::kRevoked}) {
    if (TokenStatusName(s) == name) return s;
  }
  ThrowInvalidArgument("unknown token_status " + Quote(name));
}

py::dict DecisionToDict(const Decision& d) {
  py::list reasons;
  for (const Reason& r : d.reasons) {
    py::dict rd;
    rd["code"] = r.code;
    rd["score"] = r.score;
    rd["message"] = r.message;
    reasons.append(rd);
  }
  py::dict out;
  out["token_status"] = std::string(TokenStatusName(d.token_status));
  out["event_id"] = d.event_id;
  out["guest_id"] = d.guest_id;
  out["score"] = d.score;
  out["band"] = std::string(BandName(d.band));
  out["label"] = std::string(d.label());
  out["allowed"] = d.allowed();
  out["allowlisted"] = d.allowlisted;
  out["preview"] = d.preview;
  out["reasons"] = reasons;
  out["access_log_id"] = d.access_log_id;
  return out;
}

// Reads `key` of `data` as T; InvalidArgument when missing (unless a default
// is given) or of the wrong type.
template <typename T>
T Field(const py::dict& data, const char* key, std::optional<T> fallback = std::nullopt) {
  if (!data.contains(key)) {
    if (fallback) return *fallback;
    ThrowInvalidArgument(std::string("Decision.from_dict: missing key \"") + key + "\"");
  }
  try {
    return data[key].cast<T>();
  } catch (const py::cast_error&) {
    ThrowInvalidArgument(std::string("Decision.from_dict: \"") + key + "\" has the wrong type");
  }
}

Decision DecisionFromDict(const py::dict& data) {
  Decision d;
  d.token_status = ParseTokenStatus(Field<std::string>(data, "token_status"));
  d.event_id = Field<std::string>(data, "event_id", "");
  d.guest_id = Field<std::string>(data, "guest_id", "");
  d.score = Field<int>(data, "score");
  d.band = ToBand(py::str(Field<std::string>(data, "band")));
  d.allowlisted = Field<bool>(data, "allowlisted", false);
  d.preview = Field<bool>(data, "preview", false);
  d.access_log_id = Field<std::string>(data, "access_log_id", "");
  for (py::handle r : Field<py::list>(data, "reasons", py::list())) {
    if (!py::isinstance<py::dict>(r)) ThrowInvalidArgument("Decision.from_dict: bad reason");
    const py::dict rd = py::reinterpret_borrow<py::dict>(r);
    d.reasons.push_back({Field<std::string>(rd, "code"), Field<int>(rd, "score", 0),
                         Field<std::string>(rd, "message", "")});
  }
  return d;
}

// The Python-side Guard: the C++ guard plus the store it was opened on.
class PyGuard {
 public:
  PyGuard(std::shared_ptr<Guard> guard, std::shared_ptr<Store> store, std::string store_url,
          std::string key_id)
      : guard_(std::move(guard)),
        store_(std::move(store)),
        store_url_(std::move(store_url)),
        key_id_(std::move(key_id)) {}

  // Copies of the pointers, for use with the GIL released; FailedPrecondition
  // after close(). Calls in flight keep their copies alive.
  std::shared_ptr<Guard> guard() const {
    if (!guard_) throw StatusError(absl::FailedPreconditionError("the Guard is closed"));
    return guard_;
  }
  std::shared_ptr<Store> store() const {
    if (!store_) throw StatusError(absl::FailedPreconditionError("the Guard is closed"));
    return store_;
  }

  void Close() {
    std::shared_ptr<Guard> guard = std::move(guard_);
    std::shared_ptr<Store> store = std::move(store_);
    py::gil_scoped_release release;  // ~Guard joins its scorer threads.
    guard.reset();
    store.reset();
  }
  bool closed() const { return guard_ == nullptr; }
  std::string Repr() const {
    return "Guard(store=" + Quote(store_url_) + ", active_key_id=" + Quote(key_id_) +
           (closed() ? ", closed=True)" : ")");
  }

 private:
  std::shared_ptr<Guard> guard_;
  std::shared_ptr<Store> store_;
  std::string store_url_;
  std::string key_id_;
};

std::unique_ptr<PyGuard> OpenGuard(py::object keyring, std::string store_url, py::object token_ttl,
                                   py::object scorer_deadline,
                                   std::optional<ScoringOptions> scoring, int scorer_threads,
                                   size_t max_access_records) {
  GuardOptions options;
  if (py::isinstance<py::str>(keyring)) {
    options.keyring = Unwrap(Keyring::Parse(keyring.cast<std::string>()));
  } else {
    options.keyring = keyring.cast<Keyring>();
  }
  if (!token_ttl.is_none()) options.token_ttl = ToDuration(token_ttl, "token_ttl");
  if (!scorer_deadline.is_none()) {
    options.scorer_deadline = ToDuration(scorer_deadline, "scorer_deadline");
  }
  if (scoring) options.scoring = *std::move(scoring);
  options.scorer_threads = scorer_threads;
  const std::string key_id(options.keyring.active_key_id());

  absl::StatusOr<std::unique_ptr<Guard>> guard = Released([&]() -> decltype(guard) {
    absl::StatusOr<std::unique_ptr<Store>> store;
    if (store_url == "memory") {
      store = NewMemoryStore({.max_access_records = max_access_records});
    } else if (absl::StartsWith(store_url, "sqlite:")) {
      store = NewSqliteStore(store_url);
    } else {
      return absl::InvalidArgumentError(
          "store must be \"memory\" or \"sqlite:<path>\" (or "
          "\"sqlite::memory:\"), not \"" +
          store_url + "\"");
    }
    if (!store.ok()) return store.status();
    options.store = std::shared_ptr<Store>(*std::move(store));
    return Guard::Open(options);
  });
  std::shared_ptr<Guard> opened = Unwrap(std::move(guard));
  return std::make_unique<PyGuard>(std::move(opened), options.store, store_url, key_id);
}

AccessAttempt BuildAttempt(py::object attempt, const py::dict& fields) {
  bool any_field = false;
  for (auto item : fields) any_field = any_field || !item.second.is_none();
  if (!attempt.is_none()) {
    if (any_field) {
      ThrowInvalidArgument("pass either an AccessAttempt or keyword fields to check(), not both");
    }
    return attempt.cast<AccessAttempt>();
  }
  AccessAttempt a;
  auto text = [&](const char* key) -> std::string {
    py::object v = fields[key];
    return v.is_none() ? std::string() : v.cast<std::string>();
  };
  py::object kind = fields["kind"];
  if (!kind.is_none()) a.kind = ToAccessKind(kind);
  py::object at = fields["at"];
  if (!at.is_none()) a.at = ToTime(at, "at");
  a.client_ip = text("client_ip");
  a.signals = {text("user_agent"), text("fingerprint"), text("timezone"),
               text("language"),   text("screen"),      text("platform")};
  return a;
}

}  // namespace

void BindGuard(py::module_& m) {
  m.attr("MAX_FEEDBACK_NOTE_LENGTH") = kMaxFeedbackNoteLength;

  py::enum_<FeedbackVerdict>(m, "FeedbackVerdict", "A host's verdict on one access.")
      .value("LEGITIMATE", FeedbackVerdict::kLegitimate, "It was the guest; teaches the baseline.")
      .value("SUSPICIOUS", FeedbackVerdict::kSuspicious, "It was not; teaches nothing.")
      .def_property_readonly(
          "wire_name", [](FeedbackVerdict v) { return std::string(FeedbackVerdictName(v)); },
          "Wire name: \"legitimate\", \"suspicious\".");

  py::class_<Decision>(m, "Decision",
                       "The answer to one Guard.check. A refused access is a Decision with "
                       "allowed == False, never an exception.")
      .def(py::init<>(), "A refusal: malformed token, score 100, band BLOCK.")
      .def_readwrite("token_status", &Decision::token_status, "A TokenStatus.")
      .def_readwrite("event_id", &Decision::event_id,
                     "From the token; \"\" unless it was authentic.")
      .def_readwrite("guest_id", &Decision::guest_id,
                     "From the token; \"\" unless it was authentic.")
      .def_readwrite("score", &Decision::score, "0-100.")
      .def_readwrite("band", &Decision::band, "A Band, against the event's thresholds.")
      .def_readwrite("allowlisted", &Decision::allowlisted,
                     "The client address is on the event's allowlist (scoring skipped).")
      .def_readwrite("preview", &Decision::preview,
                     "A link preview or mail scanner: recorded, never scored or learned.")
      .def_readwrite("reasons", &Decision::reasons,
                     "list[Reason] (a copy; assign a new list to change it).")
      .def_readwrite("access_log_id", &Decision::access_log_id,
                     "The recorded access; \"\" when nothing was recorded.")
      .def_property_readonly("allowed", &Decision::allowed,
                             "A valid token whose access is not in the block band.")
      .def_property_readonly(
          "label", [](const Decision& d) { return std::string(d.label()); },
          "The band's host label: \"Verified\", \"Review\", \"Suspicious\", \"Blocked\".")
      .def("to_dict", &DecisionToDict,
           "A JSON-serialisable dict of plain str/int/bool/list/dict: token_status and band as "
           "wire names, plus the derived label and allowed.")
      .def_static("from_dict", &DecisionFromDict, py::arg("data"),
                  "Inverse of to_dict() (label and allowed are derived, so ignored). "
                  "InvalidArgument for a missing key or an unknown name.")
      .def("__eq__",
           [](const Decision& a, const Decision& b) {
             return a.token_status == b.token_status && a.event_id == b.event_id &&
                    a.guest_id == b.guest_id && a.score == b.score && a.band == b.band &&
                    a.allowlisted == b.allowlisted && a.reasons == b.reasons &&
                    a.access_log_id == b.access_log_id;
           })
      .def("__repr__", [](const Decision& d) {
        return "Decision(token_status=" + Quote(TokenStatusName(d.token_status)) +
               ", allowed=" + (d.allowed() ? "True" : "False") +
               ", score=" + std::to_string(d.score) + ", band=" + Quote(BandName(d.band)) +
               ", label=" + Quote(d.label()) + ", event_id=" + Quote(d.event_id) +
               ", guest_id=" + Quote(d.guest_id) + ", reasons=" + ReasonsRepr(d.reasons) +
               ", access_log_id=" + Quote(d.access_log_id) + ")";
      });

  py::class_<AllowlistEntry>(m, "AllowlistEntry", "One allowlisted block of an event.")
      .def_readonly("cidr", &AllowlistEntry::cidr, "The canonical Cidr.")
      .def_readonly("note", &AllowlistEntry::note, "Free text given when it was added.")
      .def_property_readonly(
          "created_at", [](const AllowlistEntry& e) { return FromTime(e.created_at); },
          "When it was added (UTC).")
      .def("__repr__", [](const AllowlistEntry& e) {
        return "AllowlistEntry(cidr=" + Quote(e.cidr.ToString()) + ", note=" + Quote(e.note) +
               ", created_at=" + Repr(FromTime(e.created_at)) + ")";
      });

  py::class_<AccessRecord>(m, "AccessRecord", "One recorded use of a guest link.")
      .def_readonly("id", &AccessRecord::id, "Unique within the store.")
      .def_readonly("event_id", &AccessRecord::event_id, "Event id.")
      .def_readonly("guest_id", &AccessRecord::guest_id, "Guest id.")
      .def_readonly("kind", &AccessRecord::kind, "An AccessKind.")
      .def_property_readonly(
          "at", [](const AccessRecord& r) { return FromTime(r.at); }, "When (UTC).")
      .def_readonly("client_ip", &AccessRecord::client_ip, "As sent; \"\" when unknown.")
      .def_readonly("signals", &AccessRecord::signals, "The ClientSignals sent.")
      .def_readonly("score", &AccessRecord::score, "0-100.")
      .def_readonly("band", &AccessRecord::band, "A Band.")
      .def_readonly("allowlisted", &AccessRecord::allowlisted, "Matched the allowlist.")
      .def_readonly("blocked", &AccessRecord::blocked, "The access was refused.")
      .def_readonly("reasons", &AccessRecord::reasons, "list[Reason].")
      .def("__repr__", [](const AccessRecord& r) {
        return "AccessRecord(id=" + Quote(r.id) + ", event_id=" + Quote(r.event_id) +
               ", guest_id=" + Quote(r.guest_id) + ", kind=" + Quote(AccessKindName(r.kind)) +
               ", score=" + std::to_string(r.score) + ", band=" + Quote(BandName(r.band)) +
               ", blocked=" + (r.blocked ? "True" : "False") + ")";
      });

  py::class_<PyGuard>(
      m, "Guard",
      "The one object an embedder talks to: issues tokens, checks accesses, records feedback. "
      "Thread-safe: share one Guard between threads; calls release the GIL. Usable as a "
      "context manager (closes on exit).")
      .def(py::init(&OpenGuard), py::arg("keyring"), py::kw_only(), py::arg("store") = "memory",
           py::arg("token_ttl") = py::none(), py::arg("scorer_deadline") = py::none(),
           py::arg("scoring") = py::none(), py::arg("scorer_threads") = 8,
           py::arg("max_access_records") = 1000000,
           "keyring: a Keyring or its spec string. store: \"memory\", \"sqlite:/path.db\" or "
           "\"sqlite::memory:\". token_ttl: timedelta or seconds (None: tokens never expire). "
           "scorer_deadline: timedelta or seconds (default 0.25 s). scoring: ScoringOptions. "
           "max_access_records: memory store only. InvalidArgument for bad options; "
           "PermissionDenied / DataLoss for an unusable SQLite file.")
      .def(
          "issue_token",
          [](const PyGuard& self, std::string event_id, std::string guest_id) {
            auto g = self.guard();
            return Unwrap(Released([&] { return g->IssueToken(event_id, guest_id); }));
          },
          py::arg("event_id"), py::arg("guest_id"),
          "A token for the guest's current generation (expiring after token_ttl if set).")
      .def(
          "rotate_token",
          [](const PyGuard& self, std::string event_id, std::string guest_id) {
            auto g = self.guard();
            return Unwrap(Released([&] { return g->RotateToken(event_id, guest_id); }));
          },
          py::arg("event_id"), py::arg("guest_id"),
          "Revokes every earlier token of the guest and issues a new one.")
      .def(
          "check",
          [](const PyGuard& self, std::string token, py::object attempt, py::object kind,
             py::object client_ip, py::object user_agent, py::object fingerprint,
             py::object timezone, py::object language, py::object screen, py::object platform,
             py::object at) {
            py::dict fields;
            fields["kind"] = kind;
            fields["client_ip"] = client_ip;
            fields["user_agent"] = user_agent;
            fields["fingerprint"] = fingerprint;
            fields["timezone"] = timezone;
            fields["language"] = language;
            fields["screen"] = screen;
            fields["platform"] = platform;
            fields["at"] = at;
            AccessAttempt a = BuildAttempt(attempt, fields);
            auto g = self.guard();
            return Unwrap(Released([&] { return g->Check(token, std::move(a)); }));
          },
          py::arg("token"), py::arg("attempt") = py::none(), py::kw_only(),
          py::arg("kind") = py::none(), py::arg("client_ip") = py::none(),
          py::arg("user_agent") = py::none(), py::arg("fingerprint") = py::none(),
          py::arg("timezone") = py::none(), py::arg("language") = py::none(),
          py::arg("screen") = py::none(), py::arg("platform") = py::none(),
          py::arg("at") = py::none(),
          "Scores one use of `token`, described by an AccessAttempt or by keyword fields "
          "(not both). Returns a Decision, also for refused tokens. Raises when the check "
          "could not be made (e.g. InvalidArgument for a bad client_ip, Unavailable for a "
          "busy store); the caller must then refuse.")
      .def(
          "record_feedback",
          [](const PyGuard& self, std::string event_id, std::string access_log_id,
             py::object verdict, std::string note) {
            const FeedbackVerdict v = ToFeedbackVerdict(verdict);
            auto g = self.guard();
            ThrowIfError(
                Released([&] { return g->RecordFeedback(event_id, access_log_id, v, note); }));
          },
          py::arg("event_id"), py::arg("access_log_id"), py::arg("verdict"), py::arg("note") = "",
          "Records a host's verdict (\"legitimate\" / \"suspicious\" or a FeedbackVerdict) on an "
          "access of `event_id`; re-marking replaces it. NotFound for an access of another "
          "event; InvalidArgument for a note over MAX_FEEDBACK_NOTE_LENGTH.")
      .def(
          "export_labelled_corpus",
          [](const PyGuard& self, std::string event_id) {
            auto g = self.guard();
            return Unwrap(Released([&] { return g->ExportLabelledCorpus(event_id); }));
          },
          py::arg("event_id"),
          "The event's labelled accesses as JSON lines ({\"access\": ..., \"feedback\": ...}).")
      .def(
          "set_thresholds",
          [](const PyGuard& self, std::string event_id, std::optional<Thresholds> thresholds,
             std::optional<int> medium, std::optional<int> high, std::optional<int> block) {
            if (thresholds && (medium || high || block)) {
              ThrowInvalidArgument("pass either a Thresholds or medium/high/block, not both");
            }
            Thresholds t = thresholds.value_or(Thresholds());
            if (medium) t.medium = *medium;
            if (high) t.high = *high;
            if (block) t.block = *block;
            auto s = self.store();
            ThrowIfError(Released([&] { return s->SetThresholds(event_id, t); }));
          },
          py::arg("event_id"), py::arg("thresholds") = py::none(), py::kw_only(),
          py::arg("medium") = py::none(), py::arg("high") = py::none(),
          py::arg("block") = py::none(),
          "Sets the event's thresholds (a Thresholds, or keywords; omitted ones take the "
          "defaults 30/60/85). InvalidArgument, and nothing stored, unless valid.")
      .def(
          "get_thresholds",
          [](const PyGuard& self, std::string event_id) {
            auto s = self.store();
            return Unwrap(Released([&] { return s->GetThresholds(event_id); }));
          },
          py::arg("event_id"), "The event's thresholds; the defaults when never set.")
      .def(
          "add_allowlist",
          [](const PyGuard& self, std::string event_id, py::object cidr, std::string note) {
            AllowlistEntry entry{ToCidr(cidr), std::move(note), absl::Now()};
            auto s = self.store();
            ThrowIfError(Released([&] { return s->AddAllowlistEntry(event_id, entry); }));
            return entry.cidr;
          },
          py::arg("event_id"), py::arg("cidr"), py::arg("note") = "",
          "Allowlists a block (str or Cidr) for the event; returns the canonical Cidr. "
          "AlreadyExists when the same block is listed.")
      .def(
          "remove_allowlist",
          [](const PyGuard& self, std::string event_id, py::object cidr) {
            const Cidr c = ToCidr(cidr);
            auto s = self.store();
            ThrowIfError(Released([&] { return s->RemoveAllowlistEntry(event_id, c); }));
          },
          py::arg("event_id"), py::arg("cidr"),
          "Removes an allowlisted block; NotFound when it is not listed.")
      .def(
          "allowlist",
          [](const PyGuard& self, std::string event_id) {
            auto s = self.store();
            return Unwrap(Released([&] { return s->ListAllowlist(event_id); }));
          },
          py::arg("event_id"), "The event's allowlist (list[AllowlistEntry]), sorted by block.")
      .def(
          "list_accesses",
          [](const PyGuard& self, std::string event_id, size_t limit) {
            auto s = self.store();
            return Unwrap(Released([&] { return s->ListAccesses(event_id, limit); }));
          },
          py::arg("event_id"), py::arg("limit") = 100,
          "The event's newest `limit` accesses (list[AccessRecord]), newest first.")
      .def(
          "get_access",
          [](const PyGuard& self, std::string event_id, std::string access_id) {
            auto s = self.store();
            return Unwrap(Released([&] { return s->GetAccess(event_id, access_id); }));
          },
          py::arg("event_id"), py::arg("access_log_id"),
          "One recorded access; NotFound when it is not in this event.")
      .def("close", &PyGuard::Close,
           "Releases the guard and its store; later calls raise FailedPrecondition. "
           "Idempotent.")
      .def_property_readonly("closed", &PyGuard::closed, "True after close().")
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__",
           [](PyGuard& self, py::args) {
             self.Close();
             return false;
           })
      .def("__repr__", &PyGuard::Repr);
}

}  // namespace guestguard::python
