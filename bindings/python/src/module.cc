// Copyright 2026 GuestGuard authors.
//
// The private extension module `_guestguard`; the public face is the plain
// Python package `guestguard`, which re-exports what is defined here.
#include <pybind11/pybind11.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common.h"

namespace guestguard::python {
namespace {

struct ErrorClass {
  const char* name;
  absl::StatusCode code;   // kUnknown for the base class.
  const char* extra_base;  // A builtin it also derives from, or nullptr.
  const char* doc;
};

constexpr std::array<ErrorClass, 8> kSubclasses = {{
    {"InvalidArgument", absl::StatusCode::kInvalidArgument, "ValueError",
     "A bad argument: an unparsable id, address, option or naive datetime."},
    {"NotFound", absl::StatusCode::kNotFound, "LookupError",
     "The thing named does not exist (in this event)."},
    {"AlreadyExists", absl::StatusCode::kAlreadyExists, nullptr,
     "The thing to create exists already, e.g. the same allowlist block."},
    {"PermissionDenied", absl::StatusCode::kPermissionDenied, nullptr,
     "The store cannot be written (file or directory permissions)."},
    {"FailedPrecondition", absl::StatusCode::kFailedPrecondition, nullptr,
     "The object is not in a state for this call (e.g. a closed Guard)."},
    {"Unavailable", absl::StatusCode::kUnavailable, nullptr,
     "The store is unreachable or busy; retrying may help."},
    {"DataLoss", absl::StatusCode::kDataLoss, nullptr,
     "Stored data is corrupt, or the file is not a GuestGuard database."},
    {"Internal", absl::StatusCode::kInternal, nullptr, "A bug or an unexpected backend failure."},
}};

// Owned by the module (and deliberately never released: classes outlive it).
PyObject* g_error_base = nullptr;
std::array<PyObject*, kSubclasses.size()> g_error_classes{};

PyObject* ClassFor(absl::StatusCode code) {
  for (size_t i = 0; i < kSubclasses.size(); ++i) {
    if (kSubclasses[i].code == code) return g_error_classes[i];
  }
  return g_error_base;
}

void RaiseStatus(const absl::Status& status) {
  PyObject* cls = ClassFor(status.code());
  py::object exc = py::reinterpret_borrow<py::object>(cls)(py::str(std::string(status.message())));
  exc.attr("code") = absl::StatusCodeToString(status.code());
  PyErr_SetObject(cls, exc.ptr());
}

py::object MakeClass(const char* name, py::tuple bases, const char* doc, const std::string& code) {
  py::dict ns;
  ns["__module__"] = "guestguard";
  ns["__doc__"] = doc;
  ns["code"] = code;
  py::object type = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyType_Type));
  return type(name, std::move(bases), ns);
}

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

void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

void ThrowInvalidArgument(const std::string& message) {
  throw StatusError(absl::InvalidArgumentError(message));
}

void RegisterErrors(py::module_& m) {
  py::object base = MakeClass("Error", py::make_tuple(py::handle(PyExc_Exception)),
                              "Base of every GuestGuard error. `code` is the canonical status "
                              "code name, e.g. \"INVALID_ARGUMENT\".",
                              "UNKNOWN");
  m.attr("Error") = base;
  g_error_base = base.release().ptr();
  py::module_ builtins = py::module_::import("builtins");
  for (size_t i = 0; i < kSubclasses.size(); ++i) {
    const ErrorClass& c = kSubclasses[i];
    py::tuple bases = c.extra_base == nullptr
                          ? py::make_tuple(py::handle(g_error_base))
                          : py::make_tuple(py::handle(g_error_base), builtins.attr(c.extra_base));
    py::object cls = MakeClass(c.name, bases, c.doc, absl::StatusCodeToString(c.code));
    m.attr(c.name) = cls;
    g_error_classes[i] = cls.release().ptr();
  }
  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      RaiseStatus(e.status());
    }
  });
}

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

PYBIND11_MODULE(_guestguard, m) {
  m.doc() = "Private C++ extension of the `guestguard` package; import `guestguard` instead.";
  m.attr("__version__") = GUESTGUARD_VERSION;  // project(guestguard VERSION ...) in CMake.
  guestguard::python::RegisterErrors(m);
  guestguard::python::BindValues(m);
  guestguard::python::BindGuard(m);
}
