#!/usr/bin/env bash
# ctest Version.OneSource: the server's --version, guestguard.__version__ (the
# build tree's package and setup.py, which pip uses) and the Debian package's
# version (CPack's configuration) all equal project(guestguard VERSION x.y.z)
# in CMakeLists.txt; CHANGELOG.md has an Unreleased section.
#
#   version_test.sh SOURCE_DIR BUILD_DIR SERVER_BIN PYTHON
set -euo pipefail
source_dir=$1 build=$2 server=$3 python=$4
fail() { echo "FAIL: $*" >&2; exit 1; }

want=$(sed -n 's/^project(guestguard VERSION \([0-9][0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")
[ -n "$want" ] || fail "no project(guestguard VERSION ...) line in CMakeLists.txt"
echo "CMakeLists.txt: $want"

got=$("$server" --version)
[ "$got" = "guestguard-server $want" ] || fail "guestguard-server --version printed '$got'"
echo "server: $got"

got=$(PYTHONPATH="$build/bindings/python" PYTHONDONTWRITEBYTECODE=1 "$python" -c \
  'import guestguard; print(guestguard.__version__)')
[ "$got" = "$want" ] || fail "guestguard.__version__ is '$got'"
echo "python (build tree): $got"

got=$(cd "$source_dir/bindings/python" && PYTHONDONTWRITEBYTECODE=1 "$python" setup.py --version 2>/dev/null | tail -n 1)
[ "$got" = "$want" ] || fail "setup.py (pip install) says version '$got'"
echo "python (setup.py, pip): $got"

got=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ "$got" = "$want" ] || fail "CPackConfig.cmake has CPACK_PACKAGE_VERSION '$got'"
echo "debian package: $got"

grep -q '^## \[Unreleased\]' "$source_dir/CHANGELOG.md" || fail "CHANGELOG.md has no '## [Unreleased]' section"
echo "version OK: $want everywhere"
