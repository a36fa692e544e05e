// Copyright 2026 GuestGuard authors.
//
// POST /events/{id}/access-logs/{log_id}/feedback,
// GET /events/{id}/security/feedback and
// GET /events/{id}/security/feedback/export (contracts in security.h).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "guestguard/access.h"
#include "guestguard/status_macros.h"
#include "guestguard/store.h"
#include "server/handlers/guest_names.h"
#include "server/handlers/json_body.h"
#include "server/handlers/security.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

constexpr int64_t kDefaultFeedbackLimit = 100;
constexpr int64_t kMaxFeedbackLimit = 500;

absl::Status AccessNotFound() { return absl::NotFoundError("access log not found"); }

boost::json::object AccessSummaryJson(const AccessRecord& r, boost::json::value guest_name) {
  boost::json::array reasons;
  for (const Reason& reason : r.reasons) {
    reasons.emplace_back(boost::json::object{
        {"code", reason.code}, {"score", reason.score}, {"message", reason.message}});
  }
  return boost::json::object{{"at", FormatRfc3339(r.at)},
                             {"guest_id", r.guest_id},
                             {"guest_name", std::move(guest_name)},
                             {"kind", AccessKindName(r.kind)},
                             {"client_ip", r.client_ip},
                             {"score", r.score},
                             {"band", BandName(r.band)},
                             {"label", BandLabel(r.band)},
                             {"allowlisted", r.allowlisted},
                             {"reasons", std::move(reasons)}};
}

boost::json::object FeedbackJson(const Feedback& f, const AccessRecord& access,
                                 boost::json::value guest_name) {
  return boost::json::object{{"access_log_id", f.access_log_id},
                             {"verdict", FeedbackVerdictName(f.verdict)},
                             {"note", f.note},
                             {"created_at", FormatRfc3339(f.created_at)},
                             {"access", AccessSummaryJson(access, std::move(guest_name))}};
}

// The guest's name, or null when the guest is gone.
absl::StatusOr<boost::json::value> GuestName(sql::Connection& c, int64_t event_number,
                                             std::string_view guest_id) {
  int64_t id = 0;
  if (!absl::SimpleAtoi(std::string(guest_id), &id)) return boost::json::value(nullptr);
  GG_ASSIGN_OR_RETURN(sql::Rows rows,
                      c.Query("SELECT name FROM guests WHERE id = ? AND event_id = ?",
                              {sql::Int(id), sql::Int(event_number)}));
  if (rows.empty()) return boost::json::value(nullptr);
  GG_ASSIGN_OR_RETURN(std::string name, rows.Text(0, 0));
  return boost::json::value(std::move(name));
}

}  // namespace

absl::StatusOr<Response> RecordAccessFeedback(AppState& app, const Request& request,
                                              const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  const std::optional<int64_t> log_number = ParseEventId(params.at("log_id"));
  if (!log_number) return AccessNotFound();
  const std::string log_id = std::to_string(*log_number);
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  const boost::json::value* v = body->if_contains("verdict");
  std::optional<FeedbackVerdict> verdict;
  if (v != nullptr && v->is_string()) verdict = ParseFeedbackVerdict(v->as_string());
  if (!verdict) {
    return absl::InvalidArgumentError("verdict must be \"legitimate\" or \"suspicious\"");
  }
  std::string note;
  if (const boost::json::value* n = body->if_contains("note"); n != nullptr && !n->is_null()) {
    if (!n->is_string()) {
      return absl::InvalidArgumentError("note must be a string or null");
    }
    note = std::string(TrimSpaces(n->as_string()));
    if (note.size() > kMaxFeedbackNoteLength) {
      return absl::InvalidArgumentError(
          absl::StrCat("note must be at most ", kMaxFeedbackNoteLength, " bytes"));
    }
  }
  absl::Status recorded = app.guard->RecordFeedback(scope.event_key, log_id, *verdict, note);
  if (absl::IsNotFound(recorded)) return AccessNotFound();
  if (!recorded.ok()) return recorded;

  // Answer with what is stored now: a concurrent re-mark may have replaced
  // ours; NotFound when the access was deleted meanwhile.
  AccessRecord access;
  boost::json::value guest_name;
  Feedback stored;
  absl::Status read = [&]() -> absl::Status {
    GG_ASSIGN_OR_RETURN(access, app.store->GetAccess(scope.event_key, log_id));
    GG_ASSIGN_OR_RETURN(stored, app.store->GetFeedback(scope.event_key, log_id));
    return app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(guest_name, GuestName(c, scope.event_id, access.guest_id));
      return absl::OkStatus();
    });
  }();
  if (absl::IsNotFound(read)) return AccessNotFound();
  if (!read.ok()) return read;
  app.logger->Info("access feedback recorded", {{"request_id", request.request_id},
                                                {"user_id", scope.user.id},
                                                {"event_id", scope.event_key},
                                                {"access_log_id", log_id},
                                                {"verdict", FeedbackVerdictName(stored.verdict)}});
  return Response::Json(200, FeedbackJson(stored, access, std::move(guest_name)));
}

absl::StatusOr<Response> ListFeedback(AppState& app, const Request& request, const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  int64_t limit = kDefaultFeedbackLimit;
  if (auto it = request.query.find("limit"); it != request.query.end()) {
    const std::optional<int64_t> given = ParseDecimal(it->second, 4);
    limit = given.value_or(0);
    if (limit < 1 || limit > kMaxFeedbackLimit) {
      return absl::InvalidArgumentError(
          absl::StrCat("limit must be an integer from 1 to ", kMaxFeedbackLimit));
    }
  }
  // The newest limit + 1 verdicts (the extra one tells whether more exist),
  // then their accesses through the store (one batch), then the names of
  // just the guests those accesses name.
  absl::StatusOr<std::vector<Feedback>> recent =
      app.store->ListRecentFeedback(scope.event_key, static_cast<size_t>(limit) + 1);
  if (!recent.ok()) return recent.status();
  std::vector<Feedback>& verdicts = *recent;
  const bool truncated = verdicts.size() > static_cast<size_t>(limit);
  if (truncated) verdicts.resize(static_cast<size_t>(limit));
  std::vector<std::string> access_ids;
  for (const Feedback& v : verdicts) access_ids.push_back(v.access_log_id);
  absl::StatusOr<std::vector<AccessRecord>> accesses =
      app.store->GetAccesses(scope.event_key, access_ids);  // In the verdicts' order.
  if (!accesses.ok()) return accesses.status();
  std::vector<std::pair<const Feedback*, AccessRecord>> shown;
  size_t next = 0;
  for (const Feedback& v : verdicts) {
    if (next == accesses->size() || (*accesses)[next].id != v.access_log_id) continue;  // Deleted.
    shown.emplace_back(&v, std::move((*accesses)[next++]));
  }
  std::map<std::string, std::string> guest_names;
  if (!shown.empty()) {
    std::vector<std::string> guest_ids;
    for (const auto& [v, access] : shown) guest_ids.push_back(access.guest_id);
    absl::Status s = app.db->Autocommit([&](sql::Connection& c) -> absl::Status {
      GG_ASSIGN_OR_RETURN(guest_names, LoadGuestNames(c, scope.event_id, guest_ids));
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  boost::json::array out;
  for (const auto& [v, access] : shown) {
    auto name = guest_names.find(access.guest_id);
    out.emplace_back(FeedbackJson(*v, access,
                                  name == guest_names.end() ? boost::json::value(nullptr)
                                                            : boost::json::value(name->second)));
  }
  return Response::Json(
      200, boost::json::object{{"feedback", std::move(out)}, {"truncated", truncated}});
}

absl::StatusOr<Response> ExportFeedback(AppState& app, const Request& request,
                                        const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  absl::StatusOr<std::string> corpus = app.guard->ExportLabelledCorpus(scope.event_key);
  if (!corpus.ok()) return corpus.status();
  Response response;
  response.body = *std::move(corpus);
  response.content_type = "application/x-ndjson";
  response.headers.emplace_back(
      "Content-Disposition",
      absl::StrCat("attachment; filename=\"event-", scope.event_id, "-labelled.jsonl\""));
  return response;
}

}  // namespace guestguard::server
