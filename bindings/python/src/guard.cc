// Copyright 2026 GuestGuard authors.
//
// Bindings of the Guard, its options and its decisions, one-to-one with the
// C++ API (typed, positional). The keyword form of check(), store URLs, the
// dict round trip and the owning, closable Guard are plain Python
// (guestguard/_guard.py, _dicts.py). Every call copies its arguments while
// holding the GIL, then releases it around the C++ call, so checks from many
// Python threads run concurrently.
#include "guestguard/guard.h"

#include <memory>
#include <string>
#include <utility>

#include "common.h"

namespace guestguard::python {

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

  py::class_<GuardOptions>(m, "GuardOptions",
                           "guestguard::GuardOptions without the bus, clock and extra scorer. "
                           "Fields default as in C++; Guard.open validates them.")
      .def(py::init<>())
      .def_readwrite("store", &GuardOptions::store, "A Store. Required.")
      .def_readwrite("keyring", &GuardOptions::keyring, "A Keyring. Required, not empty.")
      .def_readwrite("scoring", &GuardOptions::scoring, "ScoringOptions of the heuristic.")
      .def_readwrite("scorer_threads", &GuardOptions::scorer_threads, "Default: 8. >= 1.")
      .def_property(
          "scorer_deadline", [](const GuardOptions& o) { return FromDuration(o.scorer_deadline); },
          [](GuardOptions& o, py::object v) {
            o.scorer_deadline = ToDuration(v, "scorer_deadline");
          },
          "Default: 250 ms (a timedelta; the setter also takes seconds). > 0.")
      .def_property(
          "token_ttl", [](const GuardOptions& o) { return FromDuration(o.token_ttl); },
          [](GuardOptions& o, py::object v) { o.token_ttl = ToDuration(v, "token_ttl"); },
          "Default: 0 = tokens never expire (a timedelta; the setter also takes seconds).");

  py::class_<Guard, std::shared_ptr<Guard>>(
      m, "Guard",
      "guestguard::Guard. Thread-safe; every call releases the GIL. Destroyed (its scorer "
      "threads joined, without the GIL) when the last reference goes.")
      .def_static(
          "open",
          [](GuardOptions options) {
            return ShareReleasingGil(
                Unwrap(Released([&] { return Guard::Open(std::move(options)); })));
          },
          py::arg("options"), "Guard::Open: InvalidArgument naming the missing or bad option.")
      .def(
          "issue_token",
          [](Guard& g, std::string event_id, std::string guest_id) {
            return Unwrap(Released([&] { return g.IssueToken(event_id, guest_id); }));
          },
          py::arg("event_id"), py::arg("guest_id"))
      .def(
          "rotate_token",
          [](Guard& g, std::string event_id, std::string guest_id) {
            return Unwrap(Released([&] { return g.RotateToken(event_id, guest_id); }));
          },
          py::arg("event_id"), py::arg("guest_id"))
      .def(
          "check",
          [](Guard& g, std::string token, AccessAttempt attempt) {
            return Unwrap(Released([&] { return g.Check(token, std::move(attempt)); }));
          },
          py::arg("token"), py::arg("attempt"))
      .def(
          "record_feedback",
          [](Guard& g, std::string event_id, std::string access_log_id, FeedbackVerdict verdict,
             std::string note) {
            ThrowIfError(
                Released([&] { return g.RecordFeedback(event_id, access_log_id, verdict, note); }));
          },
          py::arg("event_id"), py::arg("access_log_id"), py::arg("verdict"), py::arg("note"))
      .def(
          "export_labelled_corpus",
          [](Guard& g, std::string event_id) {
            return Unwrap(Released([&] { return g.ExportLabelledCorpus(event_id); }));
          },
          py::arg("event_id"))
      .def_property_readonly("publish_failures", &Guard::publish_failures,
                             "Publishes that failed since open.");
}

}  // namespace guestguard::python
