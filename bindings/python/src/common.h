// Copyright 2026 GuestGuard authors.
//
// Shared helpers of the private `_guestguard` extension: the one C++ error
// type (every non-OK absl::Status is thrown as StatusError and raised in
// Python by errors.cc), datetime/timedelta conversion, shared pointers whose
// deleter drops the GIL, and the per-area binding entry points called from
// module.cc. Every helper here needs the GIL unless it says otherwise.
#ifndef GUESTGUARD_BINDINGS_PYTHON_COMMON_H_
#define GUESTGUARD_BINDINGS_PYTHON_COMMON_H_

#include <Python.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "guestguard/access.h"
#include "guestguard/cidr.h"
#include "guestguard/thresholds.h"

namespace guestguard::python {

namespace py = pybind11;

// Carries a non-OK status from binding code to the exception translator
// (errors.cc), which raises the Python error mapped from its code.
class StatusError : public std::runtime_error {
 public:
  explicit StatusError(absl::Status status)
      : std::runtime_error(std::string(status.message())), status_(std::move(status)) {}
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

// Throws StatusError unless `status` is OK.
void ThrowIfError(const absl::Status& status);
[[noreturn]] void ThrowInvalidArgument(const std::string& message);

template <typename T>
T Unwrap(absl::StatusOr<T> value) {
  ThrowIfError(value.status());
  return *std::move(value);
}

// Runs `f` with the GIL released; `f` must not touch Python objects, so the
// caller converts (copies) every argument first.
template <typename F>
auto Released(F&& f) {
  py::gil_scoped_release release;
  return f();
}

// Shares `owned` with a deleter that drops the GIL while the object is
// destroyed when the last owner lets go from a Python thread (a Guard joins
// its scorer threads; a store closes its database). Needs no GIL itself.
template <typename T>
std::shared_ptr<T> ShareReleasingGil(std::unique_ptr<T> owned) {
  return std::shared_ptr<T>(owned.release(), [](T* object) {
    if (PyGILState_Check()) {
      py::gil_scoped_release release;
      delete object;
    } else {
      delete object;
    }
  });
}

// A timezone-aware datetime → absl::Time. Naive datetimes: InvalidArgument.
// Anything but a datetime: TypeError.
absl::Time ToTime(py::handle value, const char* what);
// None → nullopt, otherwise ToTime().
std::optional<absl::Time> ToOptionalTime(py::handle value, const char* what);
// A UTC datetime, to the microsecond. None for infinite times.
py::object FromTime(absl::Time t);
// A datetime.timedelta or a number of seconds (int or float).
absl::Duration ToDuration(py::handle value, const char* what);
py::object FromDuration(absl::Duration d);

// A str (parsed; InvalidArgument when bad) or the bound value type.
IpAddress ToIpAddress(py::handle value);
Cidr ToCidr(py::handle value);
// A wire name ("open", "low", ...) or the bound enum.
AccessKind ToAccessKind(py::handle value);
Band ToBand(py::handle value);

// "ClassName(field=repr, ...)" helper: repr() of a Python value.
std::string Repr(py::handle value);
std::string Repr(const std::string& text);
// Python repr of a C++ string, e.g. 'ev1'.
std::string Quote(std::string_view text);
// "['code1', 'code2']": the codes of `reasons`.
std::string ReasonsRepr(const std::vector<Reason>& reasons);

void BindErrors(py::module_& m);  // errors.cc
void BindValues(py::module_& m);  // values.cc
void BindStore(py::module_& m);   // store.cc
void BindGuard(py::module_& m);   // guard.cc

}  // namespace guestguard::python

#endif  // GUESTGUARD_BINDINGS_PYTHON_COMMON_H_
