// Copyright 2026 GuestGuard authors.
//
// POST /events/{id}/security/thresholds/preview (viewer+; changes nothing):
// how the event's newest kPreviewWindow recorded accesses would re-band under
// candidate thresholds {medium, high, block} (validated like PUT) →
//   200 {current: {medium, high, block}, candidate: {medium, high, block},
//        window: {limit, considered},
//        before: {low, medium, high, block}, after: {low, medium, high, block},
//        changed,
//        feedback: {suspicious: {total, below_high_before, below_high_after},
//                   legitimate: {total, high_or_block_before, high_or_block_after}}}
// `before` re-bands under the event's current thresholds and `after` under the
// candidate, both with RebandRecorded (guestguard/rebanding.h), so identical
// thresholds give identical columns; `changed` counts accesses whose band
// differs. Feedback counts cover the verdicts on accesses in the window.
#include <array>
#include <map>
#include <vector>

#include "absl/strings/numbers.h"
#include "boost/json/object.hpp"
#include "guestguard/rebanding.h"
#include "guestguard/status_macros.h"
#include "guestguard/store.h"
#include "server/handlers/json_body.h"
#include "server/handlers/security.h"

namespace guestguard::server {
namespace {

// Accesses a preview considers: the event's newest, by access id.
constexpr size_t kPreviewWindow = 1000;

boost::json::object BandCounts(const std::array<int64_t, 4>& counts) {
  return boost::json::object{
      {"low", counts[0]}, {"medium", counts[1]}, {"high", counts[2]}, {"block", counts[3]}};
}

}  // namespace

absl::StatusOr<Response> PreviewThresholds(AppState& app, const Request& request,
                                           const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<Thresholds> candidate = ParseThresholds(*body);
  if (!candidate.ok()) return candidate.status();

  absl::StatusOr<Thresholds> current = app.store->GetThresholds(scope.event_key);
  if (!current.ok()) return current.status();
  absl::StatusOr<std::vector<AccessRecord>> accesses =
      app.store->ListAccesses(scope.event_key, kPreviewWindow);
  if (!accesses.ok()) return accesses.status();
  std::vector<std::string> ids;
  ids.reserve(accesses->size());
  for (const AccessRecord& a : *accesses) ids.push_back(a.id);
  absl::StatusOr<std::map<std::string, FeedbackVerdict>> verdicts =
      app.store->GetVerdicts(scope.event_key, ids);
  if (!verdicts.ok()) return verdicts.status();

  std::array<int64_t, 4> before{}, after{};
  int64_t changed = 0;
  int64_t suspicious = 0, suspicious_below_before = 0, suspicious_below_after = 0;
  int64_t legitimate = 0, legitimate_high_before = 0, legitimate_high_after = 0;
  static const HeuristicScorer scorer{ScoringOptions{}};  // The server's (default) options.
  for (size_t i = 0; i < accesses->size(); ++i) {
    const Band b = RebandRecorded((*accesses)[i], *current, scorer);
    const Band a = RebandRecorded((*accesses)[i], *candidate, scorer);
    ++before[static_cast<int>(b)];
    ++after[static_cast<int>(a)];
    if (a != b) ++changed;
    auto v = verdicts->find(ids[i]);
    if (v == verdicts->end()) continue;
    if (v->second == FeedbackVerdict::kSuspicious) {
      ++suspicious;
      suspicious_below_before += b < Band::kHigh;
      suspicious_below_after += a < Band::kHigh;
    } else {
      ++legitimate;
      legitimate_high_before += b >= Band::kHigh;
      legitimate_high_after += a >= Band::kHigh;
    }
  }
  return Response::Json(
      200,
      boost::json::object{
          {"current", ThresholdsJson(*current)},
          {"candidate", ThresholdsJson(*candidate)},
          {"window",
           boost::json::object{{"limit", kPreviewWindow}, {"considered", accesses->size()}}},
          {"before", BandCounts(before)},
          {"after", BandCounts(after)},
          {"changed", changed},
          {"feedback",
           boost::json::object{
               {"suspicious", boost::json::object{{"total", suspicious},
                                                  {"below_high_before", suspicious_below_before},
                                                  {"below_high_after", suspicious_below_after}}},
               {"legitimate",
                boost::json::object{{"total", legitimate},
                                    {"high_or_block_before", legitimate_high_before},
                                    {"high_or_block_after", legitimate_high_after}}}}}});
}

}  // namespace guestguard::server
