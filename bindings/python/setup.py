"""Builds the guestguard package: the plain-Python files of guestguard/ plus the
extension _guestguard, compiled by CMake from the enclosing checkout (the
library and its SQLite store only; system Abseil, OpenSSL, SQLite and pybind11
found with find_package as in any other build).

    python3 -m venv --system-site-packages /tmp/venv     # Debian's setuptools and wheel
    /tmp/venv/bin/pip install --no-build-isolation ./bindings/python

Environment: GUESTGUARD_JOBS (parallel compile jobs, default: the CPU count),
GUESTGUARD_BUILD_DIR (the CMake build directory, default: under setuptools'
build/ here), GUESTGUARD_CMAKE_ARGS (extra configure arguments, split like a
shell would).
The checkout must be present: this directory alone (an sdist) cannot build.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def project_version():
    """The one project version: project(guestguard VERSION x.y.z) in CMakeLists.txt."""
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\(guestguard\s+VERSION\s+([0-9.]+)", text)
    if not match:
        sys.exit(f"setup.py: no project version in {ROOT / 'CMakeLists.txt'}")
    return match.group(1)


class CMakeBuild(build_ext):
    """Configures the checkout with only the Python module on and builds that target."""

    def build_extension(self, ext):
        build_dir = Path(os.environ.get("GUESTGUARD_BUILD_DIR") or
                         Path(self.build_temp).resolve() / "cmake")
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DGUESTGUARD_WITH_PYTHON=ON",
            "-DGUESTGUARD_WITH_SQLITE=ON",
            "-DGUESTGUARD_WITH_POSTGRES=OFF",
            "-DGUESTGUARD_WITH_NATS=OFF",
            "-DGUESTGUARD_WITH_SERVER=OFF",
            "-DGUESTGUARD_BUILD_TESTS=OFF",
            "-DGUESTGUARD_BUILD_BENCH=OFF",
            "-DGUESTGUARD_BUILD_EXAMPLES=OFF",
            "-DGUESTGUARD_INSTALL=OFF",
        ]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        if shutil.which("ccache"):
            configure.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        configure += shlex.split(os.environ.get("GUESTGUARD_CMAKE_ARGS", ""))
        jobs = os.environ.get("GUESTGUARD_JOBS") or str(os.cpu_count() or 1)
        subprocess.check_call(configure)
        subprocess.check_call(
            ["cmake", "--build", str(build_dir), "--target", "_guestguard", "-j", jobs])

        built = sorted((build_dir / "bindings" / "python" / "guestguard").glob("_guestguard*.so"))
        if len(built) != 1:
            sys.exit(f"setup.py: expected one _guestguard*.so in {build_dir}, found {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    name="guestguard",
    version=project_version(),
    description="Invite-fraud checks for personal guest links (GuestGuard's Python binding)",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=["guestguard"],
    package_data={"guestguard": ["py.typed", "_guestguard.pyi"]},
    ext_modules=[Extension("guestguard._guestguard", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
