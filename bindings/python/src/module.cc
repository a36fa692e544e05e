// Copyright 2026 GuestGuard authors.
//
// The private extension module `_guestguard`: the C++ API one-to-one
// (positional, typed). The public face is the plain-Python package
// `guestguard`, which adds the conveniences (keyword check, store URLs, dict
// round trips, the exception family) on top.
#include "common.h"

PYBIND11_MODULE(_guestguard, m) {
  m.doc() = "Private C++ extension of the `guestguard` package; import `guestguard` instead.";
  m.attr("__version__") = GUESTGUARD_VERSION;  // project(guestguard VERSION ...) in CMake.
  guestguard::python::BindErrors(m);
  guestguard::python::BindValues(m);
  guestguard::python::BindStore(m);
  guestguard::python::BindGuard(m);
}
