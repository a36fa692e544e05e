// Copyright 2026 GuestGuard authors.
//
// The access.scored message: what the library announces for every recorded
// access, whichever way it travels — published by Guard on its Bus
// (GuardOptions::bus), or by an OutboxRelay from the access log of a SQLite or
// PostgreSQL store (outbox_subject_prefix: the access feed). Subject
// "<prefix>.access.scored" (kSubjectAccessScored), message id
// "access:<access_log_id>" either way. Every producer writes exactly
// EncodeAccessScored of the stored record.
//
// The payload, one JSON object (UTF-8; keys in this order):
//   "access_log_id"  string   the access log id (Store::GetAccess, feedback)
//   "event_id"       string
//   "guest_id"       string
//   "kind"           string   "open" | "rsvp" | "checkin"
//   "at"             string   RFC 3339 UTC, microsecond precision, trailing
//                             zeros of the fraction dropped ("…:40.1234Z")
//   "client_ip"      string   as the client presented it; "" when unknown
//   "signals"        object   {"user_agent","fingerprint","timezone",
//                             "language","screen","platform"}: strings, ""
//                             when not sent
//   "score"          integer  0-100
//   "band"           string   "low" | "medium" | "high" | "block"
//   "label"          string   "Verified" | "Review" | "Suspicious" | "Blocked"
//   "allowlisted"    boolean
//   "blocked"        boolean  the access was refused
//   "reasons"        array    [{"code": string, "score": integer,
//                             "message": string}], strongest first
// Consumers must ignore keys they do not know: later versions may add some.
//
//   std::string payload = EncodeAccessScored(record);
//   absl::StatusOr<AccessRecord> back = DecodeAccessScored(payload);  // A consumer.
#ifndef GUESTGUARD_ACCESS_SCORED_H_
#define GUESTGUARD_ACCESS_SCORED_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "guestguard/store.h"

namespace guestguard {

// "access:<access_log_id>": the message id access.scored travels with,
// whichever producer sends it.
std::string AccessScoredMessageId(std::string_view access_log_id);

// The access.scored payload of `record` (record.id is the access log id).
// Control characters are escaped (\u00XX) and bytes that are not valid UTF-8
// become "\ufffd", so the payload is always valid JSON.
std::string EncodeAccessScored(const AccessRecord& record);

// Largest payload DecodeAccessScored reads, and most reasons it takes.
inline constexpr size_t kMaxAccessScoredPayload = 256 * 1024;
inline constexpr size_t kMaxAccessScoredReasons = 64;

// The record an access.scored payload carries (id = "access_log_id"); the
// inverse of EncodeAccessScored, so EncodeAccessScored(*Decode(p)) == p for
// every payload a producer wrote. "label" is read but not kept (it follows
// from "band"); unknown keys are ignored. Errors: InvalidArgument naming the
// first fault — malformed JSON (with its byte offset), a payload over
// kMaxAccessScoredPayload, or a documented key missing or of the wrong type
// or value ("access.scored: score must be an integer 0-100").
[[nodiscard]] absl::StatusOr<AccessRecord> DecodeAccessScored(std::string_view payload);

}  // namespace guestguard

#endif  // GUESTGUARD_ACCESS_SCORED_H_
