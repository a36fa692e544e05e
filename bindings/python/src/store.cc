// Copyright 2026 GuestGuard authors.
//
// Bindings of the Store interface as the Python Guard uses it (thresholds,
// allowlist, access log, the console's reads of accesses and feedback), the
// two backends this build links (memory and SQLite) and the records they
// return. One-to-one with the C++ API: typed, positional arguments; turning a
// store URL into a factory call is the plain Python package's job
// (guestguard/_stores.py). Every store call copies its arguments, then
// releases the GIL around the C++ call.
#include "guestguard/store.h"

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "guestguard/memory_store.h"
#include "guestguard/sqlite_store.h"

namespace guestguard::python {

void BindStore(py::module_& m) {
  py::class_<AllowlistEntry>(m, "AllowlistEntry", "One allowlisted block of an event.")
      .def(py::init([](const Cidr& cidr, std::string note, py::object created_at) {
             return AllowlistEntry{cidr, std::move(note), ToTime(created_at, "created_at")};
           }),
           py::arg("cidr"), py::arg("note"), py::arg("created_at"),
           "A block, its note and when it was added (an aware datetime).")
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

  py::class_<GuestAccessSummary>(m, "GuestAccessSummary",
                                 "What a guest list shows of one guest's accesses.")
      .def_readonly("latest", &GuestAccessSummary::latest,
                    "The guest's newest AccessRecord, by (at, id).")
      .def_readonly("checked_in", &GuestAccessSummary::checked_in,
                    "Some check-in access of the guest is not in band BLOCK.")
      .def("__repr__", [](const GuestAccessSummary& g) {
        return "GuestAccessSummary(latest=" + Repr(py::cast(g.latest)) +
               ", checked_in=" + (g.checked_in ? "True" : "False") + ")";
      });

  py::class_<AccessPosition>(m, "AccessPosition",
                             "Where a page of Store.list_access_page starts (newest first by "
                             "(at, id)).")
      .def(py::init([](py::object at, std::optional<std::string> id) {
             return AccessPosition{ToTime(at, "at"), std::move(id)};
           }),
           py::arg("at"), py::arg("id") = py::none(),
           "After the access `id` (one the store returned) at `at` (an aware datetime); "
           "without id, after every access at `at`.")
      .def_property_readonly(
          "at", [](const AccessPosition& p) { return FromTime(p.at); }, "The time (UTC).")
      .def_readonly("id", &AccessPosition::id, "The access id, or None.")
      .def("__repr__", [](const AccessPosition& p) {
        return "AccessPosition(at=" + Repr(FromTime(p.at)) +
               ", id=" + (p.id ? Quote(*p.id) : std::string("None")) + ")";
      });

  py::class_<AccessPageQuery>(m, "AccessPageQuery",
                              "Which accesses Store.list_access_page returns.")
      .def(py::init([](size_t limit, std::optional<std::string> guest_id,
                       std::optional<AccessPosition> after) {
             return AccessPageQuery{
                 .limit = limit, .guest_id = std::move(guest_id), .after = std::move(after)};
           }),
           py::arg("limit") = AccessPageQuery{}.limit, py::arg("guest_id") = py::none(),
           py::arg("after") = py::none(),
           "At most `limit` accesses (1-1000, checked by the store), only `guest_id`'s when "
           "set, after the AccessPosition `after` when set.")
      .def_readonly("limit", &AccessPageQuery::limit, "Accesses at most.")
      .def_readonly("guest_id", &AccessPageQuery::guest_id, "Only this guest's, or None.")
      .def_readonly("after", &AccessPageQuery::after, "An AccessPosition, or None.")
      .def("__repr__", [](const AccessPageQuery& q) {
        return "AccessPageQuery(limit=" + std::to_string(q.limit) +
               ", guest_id=" + (q.guest_id ? Quote(*q.guest_id) : std::string("None")) +
               ", after=" + (q.after ? Repr(py::cast(*q.after)) : std::string("None")) + ")";
      });

  py::class_<Feedback>(m, "Feedback", "A host's verdict on one access.")
      .def_readonly("event_id", &Feedback::event_id, "Event id.")
      .def_readonly("access_log_id", &Feedback::access_log_id, "The access judged.")
      .def_readonly("verdict", &Feedback::verdict, "A FeedbackVerdict.")
      .def_readonly("note", &Feedback::note, "The host's note; \"\" when none.")
      .def_property_readonly(
          "created_at", [](const Feedback& f) { return FromTime(f.created_at); },
          "When this verdict was (last) given (UTC).")
      .def("__repr__", [](const Feedback& f) {
        return "Feedback(event_id=" + Quote(f.event_id) +
               ", access_log_id=" + Quote(f.access_log_id) +
               ", verdict=" + Quote(FeedbackVerdictName(f.verdict)) + ", note=" + Quote(f.note) +
               ")";
      });

  py::class_<Store, std::shared_ptr<Store>>(
      m, "Store",
      "guestguard::Store, made by new_memory_store / new_sqlite_store. Thread-safe; every "
      "call releases the GIL.")
      .def(
          "get_thresholds",
          [](Store& s, std::string event_id) {
            return Unwrap(Released([&] { return s.GetThresholds(event_id); }));
          },
          py::arg("event_id"), "The event's thresholds; the defaults when never set.")
      .def(
          "set_thresholds",
          [](Store& s, std::string event_id, Thresholds thresholds) {
            ThrowIfError(Released([&] { return s.SetThresholds(event_id, thresholds); }));
          },
          py::arg("event_id"), py::arg("thresholds"),
          "InvalidArgument, and nothing stored, unless thresholds.validate() passes.")
      .def(
          "list_allowlist",
          [](Store& s, std::string event_id) {
            return Unwrap(Released([&] { return s.ListAllowlist(event_id); }));
          },
          py::arg("event_id"), "The event's allowlist, sorted by block.")
      .def(
          "add_allowlist_entry",
          [](Store& s, std::string event_id, AllowlistEntry entry) {
            ThrowIfError(Released([&] { return s.AddAllowlistEntry(event_id, entry); }));
          },
          py::arg("event_id"), py::arg("entry"),
          "AlreadyExists when the same canonical block is listed for the event.")
      .def(
          "remove_allowlist_entry",
          [](Store& s, std::string event_id, Cidr cidr) {
            ThrowIfError(Released([&] { return s.RemoveAllowlistEntry(event_id, cidr); }));
          },
          py::arg("event_id"), py::arg("cidr"), "NotFound when it is not listed.")
      .def(
          "get_access",
          [](Store& s, std::string event_id, std::string access_id) {
            return Unwrap(Released([&] { return s.GetAccess(event_id, access_id); }));
          },
          py::arg("event_id"), py::arg("access_id"),
          "NotFound when there is no such access in this event.")
      .def(
          "list_accesses",
          [](Store& s, std::string event_id, size_t limit) {
            return Unwrap(Released([&] { return s.ListAccesses(event_id, limit); }));
          },
          py::arg("event_id"), py::arg("limit"),
          "The event's newest `limit` accesses, newest first.")
      .def(
          "list_access_page",
          [](Store& s, std::string event_id, AccessPageQuery query) {
            return Unwrap(Released([&] { return s.ListAccessPage(event_id, query); }));
          },
          py::arg("event_id"), py::arg("query"),
          "One keyset page of the event's accesses, newest first by (at, id), as the "
          "AccessPageQuery says. InvalidArgument for a limit outside 1-1000 or an after.id "
          "this store could not have issued.")
      .def(
          "summarize_guests",
          [](Store& s, std::string event_id, std::vector<std::string> guest_ids) {
            return Unwrap(Released([&] { return s.SummarizeGuests(event_id, guest_ids); }));
          },
          py::arg("event_id"), py::arg("guest_ids"),
          "dict[guest id, GuestAccessSummary] of the guests among `guest_ids` with any access "
          "in the event. InvalidArgument above 1000 ids.")
      .def(
          "count_accesses_between",
          [](Store& s, std::string event_id, std::string guest_id, std::string after_id,
             std::string before_id, Band min_band) {
            return Unwrap(Released([&] {
              return s.CountAccessesBetween(event_id, guest_id, after_id, before_id, min_band);
            }));
          },
          py::arg("event_id"), py::arg("guest_id"), py::arg("after_id"), py::arg("before_id"),
          py::arg("min_band"),
          "How many accesses of the guest came after the access `after_id` and before "
          "`before_id` (both exclusive) with a band of at least `min_band`. InvalidArgument for "
          "an id this store could not have issued.")
      .def(
          "get_feedback",
          [](Store& s, std::string event_id, std::string access_id) {
            return Unwrap(Released([&] { return s.GetFeedback(event_id, access_id); }));
          },
          py::arg("event_id"), py::arg("access_id"),
          "The verdict on the access; NotFound when there is none (or no such access in the "
          "event).")
      .def(
          "list_recent_feedback",
          [](Store& s, std::string event_id, size_t limit) {
            return Unwrap(Released([&] { return s.ListRecentFeedback(event_id, limit); }));
          },
          py::arg("event_id"), py::arg("limit"),
          "The event's newest `limit` verdicts (list[Feedback]), newest first. InvalidArgument "
          "for a limit outside 1-1000.");

  m.def(
      "new_memory_store",
      [](size_t max_access_records) {
        return ShareReleasingGil(Unwrap(
            Released([&] { return NewMemoryStore({.max_access_records = max_access_records}); })));
      },
      py::arg("max_access_records") = MemoryStoreOptions{}.max_access_records,
      "NewMemoryStore: keeps at most `max_access_records` accesses (>= 1, else InvalidArgument).");
  m.def(
      "new_sqlite_store",
      [](std::string url, py::object busy_timeout, bool full_sync) {
        const SqliteStoreOptions options{.busy_timeout = ToDuration(busy_timeout, "busy_timeout"),
                                         .full_sync = full_sync};
        return ShareReleasingGil(Unwrap(Released([&] { return NewSqliteStore(url, options); })));
      },
      py::arg("url"), py::arg("busy_timeout") = FromDuration(SqliteStoreOptions{}.busy_timeout),
      py::arg("full_sync") = SqliteStoreOptions{}.full_sync,
      "NewSqliteStore(\"sqlite:<path>\" or \"sqlite::memory:\"), migrated. busy_timeout: a "
      "timedelta or seconds. PermissionDenied / DataLoss for an unusable file.");
}

}  // namespace guestguard::python
