// Copyright 2026 GuestGuard authors.
//
// CSV import of guests into an event (Bearer session required: 401 otherwise):
//   GET  /events/{id}/guests/import/template  (viewer+) → 200 text/csv, the
//        header row "name,email,phone,plus_ones_allowed"
//   POST /events/{id}/guests/import/preview   (editor+) CSV body → 200
//        {rows: [{line, name, email, phone, plus_ones_allowed, errors: [...]}],
//         valid, invalid}; nothing written
//   POST /events/{id}/guests/import/commit    (editor+) CSV body → 201 {created}
//        with every row inserted in one transaction, or 400 invalid_argument
//        with the same `rows` (and valid/invalid) and nothing written when any
//        row is invalid
// The POSTs require `Content-Type: text/csv` (parameters such as charset
// allowed): 415 unsupported_media_type otherwise. The body (CSV, see
// server/csv.h) must start with the template's header row (names compared
// trimmed and case-insensitively), hold at most 5000 data rows and at most
// 1 MiB: 400 invalid_argument (413 payload_too_large for the size) otherwise.
// A row's errors (several possible): a field count other than 4, and each
// rule of guests.h (name required, email valid, phone at most 40 characters,
// plus_ones_allowed empty (0) or an integer 0-20), an email already on an
// earlier line of the file or on a guest of the event. In `rows`, name and
// phone are trimmed, email normalised, plus_ones_allowed an integer when it
// is one (the text as written otherwise); `line` is the 1-based line of the
// file on which the row starts.
#ifndef GUESTGUARD_SERVER_HANDLERS_GUEST_IMPORT_H_
#define GUESTGUARD_SERVER_HANDLERS_GUEST_IMPORT_H_

#include "absl/status/statusor.h"
#include "server/app.h"
#include "server/router.h"

namespace guestguard::server {

absl::StatusOr<Response> GuestImportTemplate(AppState& app, const Request& request,
                                             const Params& params);
absl::StatusOr<Response> GuestImportPreview(AppState& app, const Request& request,
                                            const Params& params);
absl::StatusOr<Response> GuestImportCommit(AppState& app, const Request& request,
                                           const Params& params);

}  // namespace guestguard::server

#endif  // GUESTGUARD_SERVER_HANDLERS_GUEST_IMPORT_H_
