// Copyright 2026 GuestGuard authors.
//
// Conversions between Python values and the library's: datetimes and
// timedeltas, addresses and enums given as text, and repr helpers.
#include <cstdint>
#include <string>
#include <vector>

#include "common.h"

namespace guestguard::python {
namespace {

// datetime objects, imported once and kept for the life of the process.
struct DatetimeApi {
  py::handle datetime_type;
  py::handle timedelta_type;
  py::handle epoch;  // 1970-01-01T00:00:00+00:00
};

const DatetimeApi& Datetime() {
  static const DatetimeApi api = [] {
    py::module_ dt = py::module_::import("datetime");
    py::object utc = dt.attr("timezone").attr("utc");
    DatetimeApi a;
    a.datetime_type = py::object(dt.attr("datetime")).release();
    a.timedelta_type = py::object(dt.attr("timedelta")).release();
    a.epoch = dt.attr("datetime")(1970, 1, 1, 0, 0, 0, 0, utc).release();
    return a;
  }();
  return api;
}

absl::Duration TimedeltaToDuration(py::handle td) {
  return absl::Hours(24) * td.attr("days").cast<int64_t>() +
         absl::Seconds(td.attr("seconds").cast<int64_t>()) +
         absl::Microseconds(td.attr("microseconds").cast<int64_t>());
}

}  // namespace

absl::Time ToTime(py::handle value, const char* what) {
  const DatetimeApi& api = Datetime();
  if (!py::isinstance(value, api.datetime_type)) {
    throw py::type_error(std::string(what) + " must be a timezone-aware datetime.datetime, not " +
                         std::string(py::str(value.get_type().attr("__name__"))));
  }
  if (value.attr("utcoffset")().is_none()) {
    ThrowInvalidArgument(std::string(what) +
                         " is a naive datetime; pass a timezone-aware one, e.g. "
                         "datetime.now(timezone.utc)");
  }
  py::object delta = value.attr("__sub__")(api.epoch);
  return absl::UnixEpoch() + TimedeltaToDuration(delta);
}

std::optional<absl::Time> ToOptionalTime(py::handle value, const char* what) {
  if (value.is_none()) return std::nullopt;
  return ToTime(value, what);
}

py::object FromTime(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return py::none();
  const DatetimeApi& api = Datetime();
  const int64_t micros = absl::ToUnixMicros(t);
  py::object delta =
      py::reinterpret_borrow<py::object>(api.timedelta_type)(py::arg("microseconds") = micros);
  return api.epoch.attr("__add__")(delta);
}

absl::Duration ToDuration(py::handle value, const char* what) {
  const DatetimeApi& api = Datetime();
  if (py::isinstance(value, api.timedelta_type)) return TimedeltaToDuration(value);
  if (py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value)) {
    return absl::Seconds(value.cast<int64_t>());
  }
  if (py::isinstance<py::float_>(value)) {
    const double seconds = value.cast<double>();
    if (seconds != seconds) ThrowInvalidArgument(std::string(what) + " is NaN");
    return absl::Seconds(seconds);
  }
  throw py::type_error(std::string(what) +
                       " must be a datetime.timedelta or a number of seconds, not " +
                       std::string(py::str(value.get_type().attr("__name__"))));
}

py::object FromDuration(absl::Duration d) {
  return py::reinterpret_borrow<py::object>(Datetime().timedelta_type)(
      py::arg("microseconds") = absl::ToInt64Microseconds(d));
}

IpAddress ToIpAddress(py::handle value) {
  if (py::isinstance<py::str>(value)) return Unwrap(IpAddress::Parse(value.cast<std::string>()));
  return value.cast<IpAddress>();
}

Cidr ToCidr(py::handle value) {
  if (py::isinstance<py::str>(value)) return Unwrap(Cidr::Parse(value.cast<std::string>()));
  return value.cast<Cidr>();
}

AccessKind ToAccessKind(py::handle value) {
  if (py::isinstance<py::str>(value)) {
    const std::string name = value.cast<std::string>();
    std::optional<AccessKind> kind = ParseAccessKind(name);
    if (!kind)
      ThrowInvalidArgument("kind must be \"open\", \"rsvp\" or \"checkin\", not " + Quote(name));
    return *kind;
  }
  return value.cast<AccessKind>();
}

Band ToBand(py::handle value) {
  if (py::isinstance<py::str>(value)) {
    const std::string name = value.cast<std::string>();
    std::optional<Band> band = ParseBand(name);
    if (!band) {
      ThrowInvalidArgument("band must be \"low\", \"medium\", \"high\" or \"block\", not " +
                           Quote(name));
    }
    return *band;
  }
  return value.cast<Band>();
}

std::string Repr(py::handle value) { return py::repr(value).cast<std::string>(); }
std::string Repr(const std::string& text) { return Repr(py::str(text)); }
std::string Quote(std::string_view text) { return Repr(std::string(text)); }

std::string ReasonsRepr(const std::vector<Reason>& reasons) {
  std::string out = "[";
  for (size_t i = 0; i < reasons.size(); ++i) {
    if (i > 0) out += ", ";
    out += Quote(reasons[i].code);
  }
  return out + "]";
}

}  // namespace guestguard::python
