#!/usr/bin/env bash
# ctest Python.PipInstall: `pip install ./bindings/python` into a fresh virtual
# environment, offline (--no-index, --no-build-isolation with Debian's
# setuptools and wheel seen through --system-site-packages), then the Python
# quickstart (examples/python_quickstart.py) run from outside the checkout with
# the venv's interpreter. CMake builds only the module, in BUILD_DIR (emptied
# first; ccache makes the rebuild cheap).
#
#   pip_install_test.sh PYTHON SOURCE_DIR BUILD_DIR VERSION
set -euo pipefail
python=$1 source_dir=$2 build_dir=$3 version=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$python" -m venv --system-site-packages "$tmp/venv"
venv_python=$tmp/venv/bin/python
"$venv_python" -c 'import setuptools, wheel' 2>/dev/null ||
  fail "$python lacks setuptools or wheel (Debian: python3-setuptools python3-wheel)"
if (cd "$tmp" && "$venv_python" -c 'import guestguard' 2>/dev/null); then
  fail "guestguard is importable before the install: the test would prove nothing"
fi

rm -rf "$build_dir"
start=$(date +%s)
(cd "$source_dir" && env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null PYTHONDONTWRITEBYTECODE=1 \
  GUESTGUARD_BUILD_DIR="$build_dir" GUESTGUARD_JOBS="${GUESTGUARD_JOBS:-2}" \
  "$tmp/venv/bin/pip" install --no-index --no-build-isolation ./bindings/python) >"$tmp/pip.log" 2>&1 ||
  { cat "$tmp/pip.log" >&2; fail "pip install ./bindings/python"; }
echo "pip install ./bindings/python: $(($(date +%s) - start)) s"

cd "$tmp"
installed=$("$tmp/venv/bin/pip" show guestguard | sed -n 's/^Version: //p')
[ "$installed" = "$version" ] || fail "pip show guestguard: version '$installed', expected $version"
where=$("$venv_python" -c 'import guestguard; print(guestguard.__file__, guestguard.__version__)')
[[ $where == "$tmp/venv/"*" $version" ]] || fail "guestguard imported as '$where', expected the venv's, $version"
"$venv_python" "$source_dir/examples/python_quickstart.py" >"$tmp/quickstart.log" 2>&1 ||
  { cat "$tmp/quickstart.log" >&2; fail "the quickstart failed"; }
grep -E 'quickstart OK: [0-9]+ checks, [1-9][0-9]* refused' "$tmp/quickstart.log" ||
  { cat "$tmp/quickstart.log" >&2; fail "the quickstart did not report OK"; }
echo "Python.PipInstall OK"
