// Copyright 2026 GuestGuard authors.
//
// The access.scored message: what the library announces for every recorded
// access, whichever way it travels — published by Guard on its Bus
// (GuardOptions::bus), or written to the outbox of the SQLite and PostgreSQL
// stores (outbox_subject_prefix) in the access row's own transaction. Subject
// "<prefix>.access.scored" (kSubjectAccessScored), message id
// "access:<access_log_id>" from Guard and "outbox:<row id>" from the outbox.
// Every producer writes exactly EncodeAccessScored of the stored record.
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
#ifndef GUESTGUARD_ACCESS_SCORED_H_
#define GUESTGUARD_ACCESS_SCORED_H_

#include <string>

#include "guestguard/store.h"

namespace guestguard {

// The access.scored payload of `record` (record.id is the access log id).
// Control characters are escaped (\u00XX) and bytes that are not valid UTF-8
// become "\ufffd", so the payload is always valid JSON.
std::string EncodeAccessScored(const AccessRecord& record);

}  // namespace guestguard

#endif  // GUESTGUARD_ACCESS_SCORED_H_
