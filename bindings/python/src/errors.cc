// Copyright 2026 GuestGuard authors.
//
// The extension's one error path. Binding code throws StatusError; the
// translator registered here turns it into a Python exception:
//   - after the package called _set_error_factory(f) (guestguard/__init__.py
//     does, at import): the exception f(StatusCode, message) returns — the
//     mapping to guestguard.Error and its subclasses lives in plain Python
//     (guestguard/_errors.py) and nowhere else;
//   - before that: the private _guestguard.StatusError(StatusCode, message).
// Non-canonical codes are reported as UNKNOWN.
#include <string>

#include "common.h"

namespace guestguard::python {
namespace {

constexpr int kLastCanonicalCode = static_cast<int>(absl::StatusCode::kUnauthenticated);

// Owned by the module and never released: both outlive every call into it.
PyObject* g_status_error = nullptr;
PyObject* g_error_factory = nullptr;

absl::StatusCode Canonical(absl::StatusCode code) {
  const int value = static_cast<int>(code);
  return value >= 0 && value <= kLastCanonicalCode ? code : absl::StatusCode::kUnknown;
}

// Sets the Python error for `status` (never OK). Called by pybind11 with the GIL held.
void RaiseStatus(const absl::Status& status) {
  try {
    py::object code = py::cast(Canonical(status.code()));
    py::str message(std::string(status.message()));
    if (g_error_factory == nullptr) {
      PyErr_SetObject(g_status_error, py::make_tuple(code, message).ptr());
      return;
    }
    py::object error = py::reinterpret_borrow<py::object>(g_error_factory)(code, message);
    if (!PyExceptionInstance_Check(error.ptr())) {
      PyErr_SetString(PyExc_TypeError, "the error factory returned no exception instance");
      return;
    }
    PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
  } catch (py::error_already_set& e) {
    e.restore();  // The factory itself failed: report that.
  }
}

}  // namespace

void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

void ThrowInvalidArgument(const std::string& message) {
  throw StatusError(absl::InvalidArgumentError(message));
}

void BindErrors(py::module_& m) {
  py::enum_<absl::StatusCode> codes(m, "StatusCode",
                                    "absl::StatusCode: the canonical codes, by their names.");
  for (int value = 0; value <= kLastCanonicalCode; ++value) {
    const auto code = static_cast<absl::StatusCode>(value);
    codes.value(absl::StatusCodeToString(code).c_str(), code);
  }

  g_status_error = PyErr_NewExceptionWithDoc(
      "guestguard._guestguard.StatusError",
      "Raised for a non-OK status until the package installs its error factory; "
      "args are (StatusCode, message).",
      nullptr, nullptr);
  if (g_status_error == nullptr) throw py::error_already_set();
  m.attr("StatusError") = py::handle(g_status_error);

  m.def(
      "_set_error_factory",
      [](py::object factory) {
        if (!PyCallable_Check(factory.ptr())) throw py::type_error("the factory must be callable");
        Py_XDECREF(g_error_factory);
        g_error_factory = factory.release().ptr();
      },
      py::arg("factory"),
      "Every later error is raised as factory(StatusCode, message), which must return an "
      "exception instance. Called once by the guestguard package.");

  py::register_exception_translator([](std::exception_ptr p) {
    if (!p) return;
    try {
      std::rethrow_exception(p);
    } catch (const StatusError& e) {
      RaiseStatus(e.status());
    }
  });
}

}  // namespace guestguard::python
