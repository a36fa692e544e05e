// Copyright 2026 GuestGuard authors.
//
// Fuzzes what the guest and auth endpoints make of a request body, without a
// database: ParseObject (server/handlers/json_body.h), then the guest fields
// (ValidateGuestInput, create and patch), the guest page's body signals
// (ApplyBodySignals) and the account fields (NormalizeEmail, ValidateEmail,
// ValidatePassword, ValidateName, as signup applies them). Invariants:
//   - a body is either a JSON object without NUL characters, or a 400 with
//     code invalid_json or invalid_argument; the object serializes to JSON
//     that parses back equal (doubles to within 1e-15, see SameJson);
//   - validated guest fields keep their documented bounds (name trimmed,
//     1-200 characters, no control characters; email normalised and valid or
//     ""; phone at most 40 characters; plus_ones_allowed 0-20), a create
//     always has a name, and the validated fields, sent again, validate to
//     the same values;
//   - signals taken from a body are at most 512 bytes each;
//   - validators fail only with InvalidArgument; NormalizeEmail is idempotent.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "boost/json.hpp"
#include "fuzz/fuzz_check.h"
#include "guestguard/access.h"
#include "server/auth.h"
#include "server/handlers/guests.h"
#include "server/handlers/json_body.h"
#include "server/handlers/rsvp.h"
#include "server/router.h"
#include "server/wire.h"

namespace {

namespace gs = guestguard::server;

// Equal JSON values, except that doubles may differ in their last bits:
// Boost.JSON 1.81 does not round every decimal text to the nearest double
// ("18446788147410193230" reads as 1.8446788147409998E19, whose printed text
// reads as 1.844678814741E19). No endpoint reads a double from a body.
bool SameJson(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && b.is_double()) {
    const double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const boost::json::array &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!SameJson(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const boost::json::object &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [key, v] : x) {
      const boost::json::value* w = y.if_contains(key);
      if (w == nullptr || !SameJson(v, *w)) return false;
    }
    return true;
  }
  return a == b;
}

bool Equal(const gs::GuestInput& a, const gs::GuestInput& b) {
  return a.name == b.name && a.email == b.email && a.phone == b.phone &&
         a.plus_ones_allowed == b.plus_ones_allowed;
}

void CheckGuest(const boost::json::object& body, bool create) {
  absl::StatusOr<gs::GuestInput> in = gs::ValidateGuestInput(body, create);
  if (!in.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(in.status()));
    return;
  }
  if (create) FUZZ_CHECK(in->name.has_value());
  if (in->name) {
    FUZZ_CHECK(gs::TrimSpaces(*in->name) == *in->name);
    FUZZ_CHECK(!gs::HasControlCharacter(*in->name));
    FUZZ_CHECK(gs::CodePoints(*in->name) >= 1 && gs::CodePoints(*in->name) <= 200);
    FUZZ_CHECK(gs::IsUtf8(*in->name));
  }
  if (in->email && !in->email->empty()) {
    FUZZ_CHECK(gs::NormalizeEmail(*in->email) == *in->email);
    FUZZ_CHECK(gs::ValidateEmail(*in->email).ok());
  }
  if (in->phone) FUZZ_CHECK(gs::CodePoints(*in->phone) <= 40);
  if (in->plus_ones_allowed) {
    FUZZ_CHECK(*in->plus_ones_allowed >= 0 && *in->plus_ones_allowed <= 20);
  }

  boost::json::object again;
  if (in->name) again["name"] = *in->name;
  if (in->email) again["email"] = *in->email;
  if (in->phone) again["phone"] = *in->phone;
  if (in->plus_ones_allowed) again["plus_ones_allowed"] = *in->plus_ones_allowed;
  absl::StatusOr<gs::GuestInput> revalidated = gs::ValidateGuestInput(again, create);
  FUZZ_CHECK(revalidated.ok());
  FUZZ_CHECK(Equal(*revalidated, *in));
}

void CheckSignals(const boost::json::object& body) {
  guestguard::ClientSignals signals;
  absl::Status s = gs::ApplyBodySignals(body, &signals);
  if (!s.ok()) {
    FUZZ_CHECK(absl::IsInvalidArgument(s));
    return;
  }
  for (const std::string* f : {&signals.fingerprint, &signals.user_agent, &signals.language,
                               &signals.timezone, &signals.screen, &signals.platform}) {
    FUZZ_CHECK(f->size() <= 512);
  }
}

// The account fields, as signup validates them (accounts.cc).
void CheckAccount(const boost::json::object& body) {
  auto field = [&](std::string_view name) -> const boost::json::string* {
    const boost::json::value* v = body.if_contains(name);
    return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
  };
  if (const boost::json::string* email = field("email")) {
    const std::string normalized = gs::NormalizeEmail(std::string_view(*email));
    FUZZ_CHECK(gs::NormalizeEmail(normalized) == normalized);
    absl::Status s = gs::ValidateEmail(normalized);
    FUZZ_CHECK(s.ok() || absl::IsInvalidArgument(s));
    if (s.ok()) FUZZ_CHECK(normalized.size() <= 254 && normalized.find('@') != std::string::npos);
  }
  if (const boost::json::string* password = field("password")) {
    absl::Status s = gs::ValidatePassword(std::string_view(*password));
    FUZZ_CHECK(s.ok() || absl::IsInvalidArgument(s));
  }
  if (const boost::json::string* name = field("name")) {
    const std::string_view trimmed = gs::TrimSpaces(std::string_view(*name));
    absl::Status s = gs::ValidateName(trimmed);
    FUZZ_CHECK(s.ok() || absl::IsInvalidArgument(s));
    if (s.ok()) FUZZ_CHECK(!gs::HasControlCharacter(trimmed));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gs::Request request;
  request.method = "POST";
  request.body.assign(reinterpret_cast<const char*>(data), size);
  gs::Response error;
  absl::StatusOr<boost::json::object> body = gs::ParseObject(request, &error);
  if (!body.ok()) {
    FUZZ_CHECK(error.status == 400);
    const boost::json::value answer = boost::json::parse(error.body);
    const boost::json::string& code = answer.at("error").at("code").as_string();
    FUZZ_CHECK(code == "invalid_json" || code == "invalid_argument");
    return 0;
  }
  const std::string printed = boost::json::serialize(*body);
  FUZZ_CHECK(SameJson(boost::json::parse(printed), *body));
  FUZZ_CHECK(printed.find('\0') == std::string::npos);

  CheckGuest(*body, /*create=*/true);
  CheckGuest(*body, /*create=*/false);
  CheckSignals(*body);
  CheckAccount(*body);
  return 0;
}
