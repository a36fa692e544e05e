// Copyright 2026 GuestGuard authors.
//
// One writer for the JSON object of an access record, shared by the
// access.scored payload (guestguard/access_scored.h) and the labelled-corpus
// export (Guard::ExportLabelledCorpus), which differ only in the name of the
// id key and the precision of "at". Private.
#ifndef GUESTGUARD_INTERNAL_ACCESS_JSON_H_
#define GUESTGUARD_INTERNAL_ACCESS_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include "guestguard/store.h"

namespace guestguard::internal {

// [{"code","score","message"}, ...].
std::string ReasonsJson(const std::vector<Reason>& reasons);

// {<id_key>, event_id, guest_id, kind, at (`at` as given), client_ip,
//  signals, score, band, label, allowlisted, blocked, reasons}.
std::string AccessJson(const AccessRecord& record, std::string_view id_key, std::string_view at);

}  // namespace guestguard::internal

#endif  // GUESTGUARD_INTERNAL_ACCESS_JSON_H_
