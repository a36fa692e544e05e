// Copyright 2026 GuestGuard authors.
//
// The names of just the guests a page shows (activity, feedback), read in
// fixed-size chunks so that a page never loads every guest of its event:
//
//   std::vector<std::string> ids = {"7", "12"};   // guest ids as the store keeps them
//   GG_ASSIGN_OR_RETURN(auto names, LoadGuestNames(c, event_id, ids));
//   auto it = names.find("7");  // missing: not a guest of the event (deleted)
//
// Thread-compatible: uses only the caller's connection.
#ifndef GUESTGUARD_SERVER_HANDLERS_GUEST_NAMES_H_
#define GUESTGUARD_SERVER_HANDLERS_GUEST_NAMES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "guestguard/sql/sql.h"

namespace guestguard::server {

// Guest id (decimal string) → name, for those of `guest_ids` that are guests
// of `event_id`. Ids that are not decimal guest ids are skipped; duplicates
// are read once. Any number of ids (read 50 at a time).
absl::StatusOr<std::map<std::string, std::string>> LoadGuestNames(
    sql::Connection& c, int64_t event_id, const std::vector<std::string>& guest_ids);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_GUEST_NAMES_H_
