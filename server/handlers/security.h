// Copyright 2026 GuestGuard authors.
//
// An event's security settings (Bearer session required: 401 otherwise;
// non-members 404, a role too low 403; JSON in and out). What is changed here
// applies to the very next guest access: the guard reads the thresholds and
// the allowlist from the store on every check (the SQL store caches the
// parsed allowlist per event only under a version bumped with each change).
//
// Thresholds (security.cc):
//   GET  /events/{id}/security/thresholds (viewer+) → 200
//        {medium, high, block, defaults: {medium, high, block}}
//   PUT  /events/{id}/security/thresholds (editor+) {medium, high, block} → 200
//        (same shape). Each an integer (30.0 or "30" is 400), and
//        0 < medium < high < block <= 100, else 400 naming the rule that failed.
//   POST /events/{id}/security/thresholds/preview (viewer+: it changes
//        nothing) {medium, high, block} → 200 the what-if (security_preview.cc).
// Allowlist (security.cc):
//   GET    /events/{id}/security/allowlist (viewer+) → 200
//          {allowlist: [{cidr, note, created_at}], max_entries}, sorted by CIDR
//   POST   /events/{id}/security/allowlist (editor+) {cidr, note?} → 201
//          {cidr, note, created_at}; cidr canonical (a bare IP widens to /32 or
//          /128); invalid → 400 with the parser's reason; the same block twice
//          → 409 already_exists; a full list (kMaxAllowlistEntries) → 409
//          failed_precondition; note a string or null, trimmed, at most
//          kMaxAllowlistNote characters.
//   DELETE /events/{id}/security/allowlist?cidr=... (editor+) → 204; the cidr is
//          canonicalised first (?cidr=203.0.113.7 removes 203.0.113.7/32);
//          missing or invalid → 400; not listed → 404.
// Feedback (security_feedback.cc):
//   POST /events/{id}/access-logs/{log_id}/feedback (editor+)
//        {verdict: "legitimate"|"suspicious", note?} → 200 feedback item;
//        re-marking replaces the verdict; an access of another event, a
//        malformed and a missing log id are one 404 "access log not found";
//        `legitimate` also folds the access into the guest's baseline.
//   GET  /events/{id}/security/feedback (viewer+) [?limit=1-500, default 100]
//        → 200 {feedback: [item], truncated}, newest verdict first; an item is
//        {access_log_id, verdict, note, created_at, access: {at, guest_id,
//        guest_name (null once deleted), kind, client_ip, score, band, label,
//        allowlisted, reasons: [{code, score, message}]}}.
//   GET  /events/{id}/security/feedback/export (editor+: it holds client
//        addresses and signals) → 200 application/x-ndjson, the labelled corpus
//        (Guard::ExportLabelledCorpus): one {"access": {id, event_id, guest_id,
//        kind, at, client_ip, signals, score, band, label, allowlisted,
//        blocked, reasons}, "feedback": {verdict, note, at}} per line, every
//        verdict of the event; the remote scorer's training input.
#ifndef GUESTGUARD_SERVER_HANDLERS_SECURITY_H_
#define GUESTGUARD_SERVER_HANDLERS_SECURITY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "guestguard/thresholds.h"
#include "server/app.h"
#include "server/roles.h"
#include "server/router.h"

namespace guestguard::server {

// Entries per event's allowlist; an add beyond it is 409 failed_precondition.
// Exact on one node (adds are serialised in the process); across several
// nodes adding at the same instant it may be exceeded by one entry per node.
inline constexpr size_t kMaxAllowlistEntries = 1000;
// Characters (code points) of an allowlist entry's note.
inline constexpr size_t kMaxAllowlistNote = 200;

// {medium, high, block} of a PUT or preview body, validated (the rules
// above). InvalidArgument naming the field or the ordering rule that failed.
absl::StatusOr<Thresholds> ParseThresholds(const boost::json::object& body);

// {medium, high, block} as JSON.
boost::json::object ThresholdsJson(const Thresholds& t);

absl::StatusOr<Response> GetThresholds(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> PutThresholds(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> PreviewThresholds(AppState& app, const Request& request,
                                           const Params& params);
absl::StatusOr<Response> ListAllowlist(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> AddAllowlistEntry(AppState& app, const Request& request,
                                           const Params& params);
absl::StatusOr<Response> RemoveAllowlistEntry(AppState& app, const Request& request,
                                              const Params& params);
absl::StatusOr<Response> RecordAccessFeedback(AppState& app, const Request& request,
                                              const Params& params);
absl::StatusOr<Response> ListFeedback(AppState& app, const Request& request, const Params& params);
absl::StatusOr<Response> ExportFeedback(AppState& app, const Request& request,
                                        const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_SECURITY_H_
