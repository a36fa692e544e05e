// Copyright 2026 GuestGuard authors.
#include "server/handlers/security.h"

#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "boost/json/array.hpp"
#include "guestguard/cidr.h"
#include "guestguard/store.h"
#include "server/auth.h"
#include "server/handlers/json_body.h"
#include "server/wire.h"

namespace guestguard::server {
namespace {

// Longer than any CIDR text (an IPv6 address with an embedded IPv4 and a
// prefix is at most 49 characters): refused before parsing.
constexpr size_t kMaxCidrText = 64;

// Serialises this process's allowlist adds, so that the count check and the
// insert of kMaxAllowlistEntries cannot interleave on one node.
ABSL_CONST_INIT absl::Mutex allowlist_add_mu(absl::kConstInit);

absl::StatusOr<int> ThresholdField(const boost::json::object& body, const char* name) {
  const boost::json::value* v = body.if_contains(name);
  if (v == nullptr) return absl::InvalidArgumentError(absl::StrCat(name, " is required"));
  if (v->is_uint64()) {  // Only values above INT64_MAX parse as uint64.
    return absl::InvalidArgumentError(absl::StrCat(name, " must be at most 100"));
  }
  if (!v->is_int64()) return absl::InvalidArgumentError(absl::StrCat(name, " must be an integer"));
  const int64_t n = v->as_int64();
  // Beyond int: outside every valid range; say so without narrowing.
  if (n < INT_MIN) {
    return absl::InvalidArgumentError(absl::StrCat(name, " (", n, ") must be above 0"));
  }
  if (n > INT_MAX) return absl::InvalidArgumentError(absl::StrCat(name, " must be at most 100"));
  return static_cast<int>(n);
}

absl::StatusOr<Cidr> ParseCidrText(std::string_view text) {
  if (text.size() > kMaxCidrText) {
    return absl::InvalidArgumentError(
        absl::StrCat("cidr must be at most ", kMaxCidrText, " characters"));
  }
  return Cidr::Parse(text);  // Its InvalidArgument says what is wrong and where.
}

// Allowlisted accesses are never blocked, so a wide range switches the guard
// off for everyone in it. Wider than these prefixes: a warning in the answer
// and the log. Wider than the "very wide" ones (a /0 above all): refused
// unless the body says "confirm_wide": true.
constexpr int kWideIpv4Prefix = 16;
constexpr int kWideIpv6Prefix = 48;
constexpr int kVeryWideIpv4Prefix = 8;
constexpr int kVeryWideIpv6Prefix = 32;

bool IsWider(const Cidr& cidr, int ipv4_prefix, int ipv6_prefix) {
  return cidr.prefix_length() <
         (cidr.family() == IpAddress::Family::kV4 ? ipv4_prefix : ipv6_prefix);
}

boost::json::object EntryJson(const AllowlistEntry& e) {
  return boost::json::object{
      {"cidr", e.cidr.ToString()}, {"note", e.note}, {"created_at", FormatRfc3339(e.created_at)}};
}

Response ThresholdsResponse(const Thresholds& t) {
  boost::json::object out = ThresholdsJson(t);
  out["defaults"] = ThresholdsJson(Thresholds::Defaults());
  return Response::Json(200, out);
}

}  // namespace

absl::StatusOr<Thresholds> ParseThresholds(const boost::json::object& body) {
  Thresholds t;
  absl::StatusOr<int> medium = ThresholdField(body, "medium");
  if (!medium.ok()) return medium.status();
  absl::StatusOr<int> high = ThresholdField(body, "high");
  if (!high.ok()) return high.status();
  absl::StatusOr<int> block = ThresholdField(body, "block");
  if (!block.ok()) return block.status();
  t = Thresholds{*medium, *high, *block};
  if (absl::Status s = t.Validate(); !s.ok()) return s;
  return t;
}

boost::json::object ThresholdsJson(const Thresholds& t) {
  return boost::json::object{{"medium", t.medium}, {"high", t.high}, {"block", t.block}};
}

absl::StatusOr<Response> GetThresholds(AppState& app, const Request& request,
                                       const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  absl::StatusOr<Thresholds> t = app.store->GetThresholds(scope.event_key);
  if (!t.ok()) return t.status();
  return ThresholdsResponse(*t);
}

absl::StatusOr<Response> PutThresholds(AppState& app, const Request& request,
                                       const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  absl::StatusOr<Thresholds> t = ParseThresholds(*body);
  if (!t.ok()) return t.status();
  if (absl::Status s = app.store->SetThresholds(scope.event_key, *t); !s.ok()) {
    return s;
  }
  app.logger->Info("thresholds set", {{"request_id", request.request_id},
                                      {"user_id", scope.user.id},
                                      {"event_id", scope.event_key},
                                      {"medium", t->medium},
                                      {"high", t->high},
                                      {"block", t->block}});
  return ThresholdsResponse(*t);
}

absl::StatusOr<Response> ListAllowlist(AppState& app, const Request& request,
                                       const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kViewer, &scope)) return *r;
  absl::StatusOr<std::vector<AllowlistEntry>> entries = app.store->ListAllowlist(scope.event_key);
  if (!entries.ok()) return entries.status();
  boost::json::array out;
  for (const AllowlistEntry& e : *entries) out.emplace_back(EntryJson(e));
  return Response::Json(200, boost::json::object{{"allowlist", std::move(out)},
                                                 {"max_entries", kMaxAllowlistEntries}});
}

absl::StatusOr<Response> AddAllowlistEntry(AppState& app, const Request& request,
                                           const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  Response error;
  absl::StatusOr<boost::json::object> body = ParseObject(request, &error);
  if (!body.ok()) return error;
  const boost::json::value* cidr_value = body->if_contains("cidr");
  if (cidr_value == nullptr || !cidr_value->is_string()) {
    return absl::InvalidArgumentError("cidr is required and must be a string");
  }
  absl::StatusOr<Cidr> cidr = ParseCidrText(cidr_value->as_string());
  if (!cidr.ok()) return cidr.status();
  const boost::json::value* confirm = body->if_contains("confirm_wide");
  if (confirm != nullptr && !confirm->is_bool()) {
    return absl::InvalidArgumentError("confirm_wide must be a boolean");
  }
  if (IsWider(*cidr, kVeryWideIpv4Prefix, kVeryWideIpv6Prefix) &&
      !(confirm != nullptr && confirm->get_bool())) {
    return absl::InvalidArgumentError(absl::StrCat(
        cidr->ToString(), " covers a very large part of the internet (wider than /",
        kVeryWideIpv4Prefix, " for IPv4, /", kVeryWideIpv6Prefix,
        " for IPv6) and its accesses would never be blocked; send \"confirm_wide\": true "
        "to add it anyway"));
  }
  const bool wide = IsWider(*cidr, kWideIpv4Prefix, kWideIpv6Prefix);
  AllowlistEntry entry{*cidr, "", NowMicros(*app.clock)};
  if (const boost::json::value* v = body->if_contains("note"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) {
      return absl::InvalidArgumentError("note must be a string or null");
    }
    entry.note = std::string(TrimSpaces(v->as_string()));
    if (CodePoints(entry.note) > kMaxAllowlistNote) {
      return absl::InvalidArgumentError(
          absl::StrCat("note must be at most ", kMaxAllowlistNote, " characters"));
    }
  }
  {
    absl::MutexLock lock(&allowlist_add_mu);
    absl::StatusOr<std::vector<AllowlistEntry>> existing =
        app.store->ListAllowlist(scope.event_key);
    if (!existing.ok()) return existing.status();
    for (const AllowlistEntry& e : *existing) {
      if (e.cidr == entry.cidr) {
        return absl::AlreadyExistsError(
            absl::StrCat(entry.cidr.ToString(), " is already on the allowlist"));
      }
    }
    if (existing->size() >= kMaxAllowlistEntries) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the allowlist is full (", kMaxAllowlistEntries, " entries); remove one first"));
    }
    if (absl::Status s = app.store->AddAllowlistEntry(scope.event_key, entry); !s.ok()) {
      return s;
    }
  }
  app.logger->Info("allowlist entry added", {{"request_id", request.request_id},
                                             {"user_id", scope.user.id},
                                             {"event_id", scope.event_key},
                                             {"cidr", entry.cidr.ToString()}});
  boost::json::object out = EntryJson(entry);
  if (wide) {
    app.logger->Warn("wide allowlist entry", {{"request_id", request.request_id},
                                              {"user_id", scope.user.id},
                                              {"event_id", scope.event_key},
                                              {"cidr", entry.cidr.ToString()}});
    out["warning"] = absl::StrCat(entry.cidr.ToString(),
                                  " is a wide range: no access from it will ever be blocked");
  }
  return Response::Json(201, out);
}

absl::StatusOr<Response> RemoveAllowlistEntry(AppState& app, const Request& request,
                                              const Params& params) {
  EventScope scope;
  if (auto r = EnterEvent(app, request, params, Role::kEditor, &scope)) return *r;
  auto it = request.query.find("cidr");
  if (it == request.query.end()) {
    return absl::InvalidArgumentError("the cidr query parameter is required");
  }
  absl::StatusOr<Cidr> cidr = ParseCidrText(it->second);
  if (!cidr.ok()) return cidr.status();
  if (absl::Status s = app.store->RemoveAllowlistEntry(scope.event_key, *cidr); !s.ok()) {
    return s;
  }
  app.logger->Info("allowlist entry removed", {{"request_id", request.request_id},
                                               {"user_id", scope.user.id},
                                               {"event_id", scope.event_key},
                                               {"cidr", cidr->ToString()}});
  Response res;
  res.status = 204;
  res.content_type.clear();
  return res;
}

}  // namespace guestguard::server
