#!/bin/sh
# ctest Structure.TheLine (issue 14): the reference server and the Python
# extension use only the library's public headers (include/guestguard/) and
# their own code, and the server reads the library's tables only through the
# library (Store, the outbox functions) — never with its own SQL.
#   the_line_test.sh SOURCE_DIR
set -eu
root=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. src/ is on neither include path.
for cmake in "$root/server/CMakeLists.txt" "$root/bindings/python/CMakeLists.txt"; do
  if grep -n 'PROJECT_SOURCE_DIR}/src' "$cmake"; then
    fail "$cmake puts the library's src/ on an include path"
  fi
done

# 2. No include names a private header (one that exists under src/ only).
bad=$(cd "$root" && grep -rhoE '#include "[^"]+"' server bindings/python/src |
  sed 's/#include "//; s/"$//' | sort -u | while read -r h; do
    if [ -e "src/$h" ] && [ ! -e "include/$h" ]; then echo "$h"; fi
  done)
[ -z "$bad" ] || fail "private headers included by the server or the bindings: $bad"

# 3. No server source file names one of the library's tables (guard_*).
tables=$(cd "$root" && grep -noE '\bguard_[a-z_]+' server/*.cc server/handlers/*.cc || true)
[ -z "$tables" ] || fail "the server reads the library's tables itself:
$tables"
echo "the line holds: public headers only, no guard_ table in server/"
