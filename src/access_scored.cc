// Copyright 2026 GuestGuard authors.
#include "guestguard/access_scored.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "guestguard/status_macros.h"
#include "internal/access_json.h"
#include "internal/json_reader.h"

namespace guestguard {
namespace {

using internal::JsonValue;

absl::Status Fault(std::string_view key, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("access.scored: ", std::string(key), " ", std::string(what)));
}

absl::StatusOr<const JsonValue*> Member(const JsonValue& object, std::string_view key,
                                        JsonValue::Type type, std::string_view what) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) return Fault(key, "is missing");
  if (v->type != type) return Fault(key, absl::StrCat("must be ", std::string(what)));
  return v;
}

absl::StatusOr<std::string> StringMember(const JsonValue& object, std::string_view key) {
  GG_ASSIGN_OR_RETURN(const JsonValue* v,
                      Member(object, key, JsonValue::Type::kString, "a string"));
  return v->text;
}

absl::StatusOr<bool> BoolMember(const JsonValue& object, std::string_view key) {
  GG_ASSIGN_OR_RETURN(const JsonValue* v, Member(object, key, JsonValue::Type::kBool, "a boolean"));
  return v->boolean;
}

// An integer 0-100 (scores).
absl::StatusOr<int> ScoreMember(const JsonValue& object, std::string_view key) {
  const JsonValue* v = object.Find(key);
  if (v == nullptr) return Fault(key, "is missing");
  const std::optional<int64_t> n = v->Int();
  if (!n || *n < 0 || *n > 100) return Fault(key, "must be an integer 0-100");
  return static_cast<int>(*n);
}

}  // namespace

std::string AccessScoredMessageId(std::string_view access_log_id) {
  return "access:" + std::string(access_log_id);
}

std::string EncodeAccessScored(const AccessRecord& record) {
  return internal::AccessJson(
      record, "access_log_id",
      // The access log keeps microseconds.
      absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ",
                       absl::FromUnixMicros(absl::ToUnixMicros(record.at)), absl::UTCTimeZone()));
}

absl::StatusOr<AccessRecord> DecodeAccessScored(std::string_view payload) {
  if (payload.size() > kMaxAccessScoredPayload) {
    return absl::InvalidArgumentError(
        absl::StrCat("access.scored: longer than ", kMaxAccessScoredPayload, " bytes"));
  }
  absl::StatusOr<JsonValue> parsed = internal::ParseJson(payload, {.max_bytes = payload.size()});
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("access.scored: ", parsed.status().message()));
  }
  const JsonValue& o = *parsed;
  if (o.type != JsonValue::Type::kObject) {
    return absl::InvalidArgumentError("access.scored: the payload must be a JSON object");
  }
  AccessRecord r;
  GG_ASSIGN_OR_RETURN(r.id, StringMember(o, "access_log_id"));
  if (r.id.empty()) return Fault("access_log_id", "must not be empty");
  GG_ASSIGN_OR_RETURN(r.event_id, StringMember(o, "event_id"));
  GG_ASSIGN_OR_RETURN(r.guest_id, StringMember(o, "guest_id"));
  GG_ASSIGN_OR_RETURN(const std::string kind, StringMember(o, "kind"));
  const std::optional<AccessKind> parsed_kind = ParseAccessKind(kind);
  if (!parsed_kind) return Fault("kind", "must be \"open\", \"rsvp\" or \"checkin\"");
  r.kind = *parsed_kind;
  GG_ASSIGN_OR_RETURN(const std::string at, StringMember(o, "at"));
  std::string error;
  if (at.empty() || at.back() != 'Z' ||
      !absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*SZ", at, absl::UTCTimeZone(), &r.at, &error)) {
    return Fault("at", "must be an RFC 3339 UTC time (\"...Z\")");
  }
  GG_ASSIGN_OR_RETURN(r.client_ip, StringMember(o, "client_ip"));
  GG_ASSIGN_OR_RETURN(const JsonValue* signals,
                      Member(o, "signals", JsonValue::Type::kObject, "an object"));
  const std::pair<const char*, std::string*> fields[] = {
      {"user_agent", &r.signals.user_agent}, {"fingerprint", &r.signals.fingerprint},
      {"timezone", &r.signals.timezone},     {"language", &r.signals.language},
      {"screen", &r.signals.screen},         {"platform", &r.signals.platform}};
  for (const auto& [name, field] : fields) {
    absl::StatusOr<std::string> value = StringMember(*signals, name);
    if (!value.ok()) return Fault(absl::StrCat("signals.", name), "must be a string");
    *field = *std::move(value);
  }
  GG_ASSIGN_OR_RETURN(r.score, ScoreMember(o, "score"));
  GG_ASSIGN_OR_RETURN(const std::string band, StringMember(o, "band"));
  const std::optional<Band> parsed_band = ParseBand(band);
  if (!parsed_band) {
    return Fault("band", "must be \"low\", \"medium\", \"high\" or \"block\"");
  }
  r.band = *parsed_band;
  GG_RETURN_IF_ERROR(StringMember(o, "label").status());
  GG_ASSIGN_OR_RETURN(r.allowlisted, BoolMember(o, "allowlisted"));
  GG_ASSIGN_OR_RETURN(r.blocked, BoolMember(o, "blocked"));
  GG_ASSIGN_OR_RETURN(const JsonValue* reasons,
                      Member(o, "reasons", JsonValue::Type::kArray, "an array"));
  if (reasons->items.size() > kMaxAccessScoredReasons) {
    return Fault("reasons", absl::StrCat("must hold at most ", kMaxAccessScoredReasons));
  }
  for (size_t i = 0; i < reasons->items.size(); ++i) {
    const JsonValue& item = reasons->items[i];
    const std::string where = absl::StrCat("reasons[", i, "]");
    if (item.type != JsonValue::Type::kObject) return Fault(where, "must be an object");
    Reason reason;
    absl::StatusOr<std::string> code = StringMember(item, "code");
    absl::StatusOr<int> score = ScoreMember(item, "score");
    absl::StatusOr<std::string> message = StringMember(item, "message");
    if (!code.ok()) return Fault(where + ".code", "must be a string");
    if (!score.ok()) return Fault(where + ".score", "must be an integer 0-100");
    if (!message.ok()) return Fault(where + ".message", "must be a string");
    reason.code = *std::move(code);
    reason.score = *score;
    reason.message = *std::move(message);
    r.reasons.push_back(std::move(reason));
  }
  return r;
}

}  // namespace guestguard
