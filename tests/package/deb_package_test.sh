#!/usr/bin/env bash
# ctest Package.Deb: builds guestguard-server_*.deb with CPack from the build
# tree, checks its control data and file list (dpkg-deb -I/-c), extracts it
# into a scratch root (dpkg-deb -x) and runs the extracted binary with the
# packaged environment file against a temporary SQLite database on loopback,
# then checks the systemd units with `systemd-analyze verify` and the account
# with `systemd-sysusers --root` (each skipped, with a line saying so, where
# missing), and the maintainer scripts with `sh -n`.
#
#   deb_package_test.sh BUILD_DIR CPACK VERSION
set -euo pipefail
build=$1 cpack=$2 version=$3
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. Build the package (CPack's scratch files stay in $tmp, not the build tree).
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack -G DEB"; }
debs=("$tmp"/out/guestguard-server_"$version"_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one guestguard-server_${version}_*.deb, got: $(ls "$tmp/out")"
deb=${debs[0]}
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# 2. Control data.
info=$(dpkg-deb -I "$deb")
for want in "Package: guestguard-server" "Version: $version" "Depends: .*libsqlite3-0" \
    "Depends: .*adduser" " postinst " " prerm " " postrm " " conffiles "; do
  grep -q -- "$want" <<<"$info" || fail "dpkg-deb -I lacks '$want'"$'\n'"$info"
done
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)" = /etc/guestguard/guestguard.env ] ||
  fail "conffiles must list exactly /etc/guestguard/guestguard.env"

# 3. File list: every file the package promises, the environment file 0640.
list=$(dpkg-deb -c "$deb")
for path in ./usr/bin/guestguard-server ./usr/lib/systemd/system/guestguard.service \
    ./usr/lib/systemd/system/guestguard-notifier.service ./usr/lib/sysusers.d/guestguard.conf \
    ./etc/guestguard/guestguard.env ./usr/share/doc/guestguard-server/operations.md; do
  grep -q " $path\$" <<<"$list" || fail "dpkg-deb -c lacks $path"$'\n'"$list"
done
grep -q '^-rw-r----- .* ./etc/guestguard/guestguard.env$' <<<"$list" ||
  fail "the environment file must be mode 0640"
grep -q '^-rwxr-xr-x .* ./usr/bin/guestguard-server$' <<<"$list" || fail "the binary must be 0755"

# 4. Extract and check what the units promise.
root=$tmp/root
dpkg-deb -x "$deb" "$root"
unit=$root/usr/lib/systemd/system/guestguard.service
notifier_unit=$root/usr/lib/systemd/system/guestguard-notifier.service
for u in "$unit" "$notifier_unit"; do
  for want in '^User=guestguard$' '^StateDirectory=guestguard$' '^LimitNOFILE=[0-9]' \
      '^NoNewPrivileges=yes$' '^ProtectSystem=strict$' '^ProtectHome=yes$' '^PrivateTmp=yes$' \
      '^PrivateDevices=yes$' '^EnvironmentFile=/etc/guestguard/guestguard.env$'; do
    grep -q "$want" "$u" || fail "$(basename "$u") lacks $want"
  done
done
grep -q '^ExecStart=/usr/bin/guestguard-server$' "$unit" || fail "guestguard.service ExecStart"
grep -q '^ExecStart=/usr/bin/guestguard-server notifier$' "$notifier_unit" ||
  fail "guestguard-notifier.service ExecStart"
grep -q '^u guestguard ' "$root/usr/lib/sysusers.d/guestguard.conf" || fail "sysusers entry"

# 5. Run the extracted binary the way the unit does: the packaged environment
#    file's settings (EnvironmentFile= lines VAR=value), with the database and
#    the listen address moved to the scratch directory and a free loopback port.
bin=$root/usr/bin/guestguard-server
env_args=()
while IFS= read -r line; do env_args+=("$line"); done < <(grep -E '^GUESTGUARD_[A-Z_]+=' "$root/etc/guestguard/guestguard.env")
grep -qx 'GUESTGUARD_ENV=production' <<<"$(printf '%s\n' "${env_args[@]}")" ||
  fail "the environment file must default to production"
mkdir "$tmp/state"
run_env=(env -i PATH=/usr/bin:/bin "${env_args[@]}" GUESTGUARD_DATABASE="sqlite:$tmp/state/guestguard.db"
  GUESTGUARD_LISTEN=127.0.0.1:0)

#    As shipped (empty keyring) it must refuse to start: exit 2, which the unit
#    does not restart.
set +e
"${run_env[@]}" "$bin" >"$tmp/refused.log" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || fail "without a keyring: exit $rc, expected 2: $(cat "$tmp/refused.log")"
grep -q 'refusing to start in production without a keyring' "$tmp/refused.log" ||
  fail "without a keyring: $(cat "$tmp/refused.log")"

#    With a keyring but no SMTP server it still refuses (the log sender would
#    be the only "delivery"), naming the way out.
keyring=$("$bin" keygen --kid pkgtest)
[[ $keyring == pkgtest:* ]] || fail "keygen printed '$keyring'"
set +e
"${run_env[@]}" GUESTGUARD_KEYRING="$keyring" "$bin" >"$tmp/refused.log" 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || fail "without SMTP: exit $rc, expected 2: $(cat "$tmp/refused.log")"
grep -q 'allow-log-sender' "$tmp/refused.log" || fail "without SMTP: $(cat "$tmp/refused.log")"

#    With a keyring from the packaged binary's keygen (and the log sender
#    explicitly allowed) it serves.
"${run_env[@]}" GUESTGUARD_KEYRING="$keyring" GUESTGUARD_ALLOW_LOG_SENDER=on "$bin" \
  2>"$tmp/server.log" &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$tmp/server.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "the server exited: $(cat "$tmp/server.log")"
  sleep 0.1
done
[ -n "$port" ] || fail "no listening line: $(cat "$tmp/server.log")"
base=http://127.0.0.1:$port
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz")" = 200 ] || fail "/healthz"
ready=$(curl -s "$base/readyz")
grep -q '"status":"ready"' <<<"$ready" || fail "/readyz: $ready"
# The web UI is inside the binary (nothing else was installed).
curl -s "$base/" | grep -qi '<!doctype html>' || fail "GET / does not serve the console"
# Production keeps /metrics off the public listener.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")" = 404 ] || fail "/metrics is public"
[ -f "$tmp/state/guestguard.db" ] || fail "no database in the state directory"
if grep -qF "$(cut -d: -f2 <<<"$keyring")" "$tmp/server.log"; then fail "the key was logged"; fi
kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
[ $rc -eq 0 ] || fail "SIGTERM: exit $rc"
echo "extracted binary served /healthz, /readyz and the console in production on port $port"

# 6. systemd's own check of the units, with ExecStart pointed at the extracted
#    binary (verify insists the command exists). Any output is a finding.
if command -v systemd-analyze >/dev/null; then
  mkdir "$tmp/units"
  for u in "$unit" "$notifier_unit"; do
    sed "s|^ExecStart=/usr/bin/guestguard-server|ExecStart=$bin|" "$u" >"$tmp/units/$(basename "$u")"
  done
  out=$(systemd-analyze verify "$tmp"/units/*.service 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  echo "systemd-analyze verify: both units clean"
else
  echo "systemd-analyze not found: unit verification skipped"
fi

# 7. The maintainer scripts parse, and the sysusers entry makes the account the
#    units run as (systemd-sysusers --root writes only into the scratch root).
dpkg-deb -e "$deb" "$tmp/control"
for script in postinst prerm postrm; do
  sh -n "$tmp/control/$script" || fail "$script: syntax"
done
if command -v systemd-sysusers >/dev/null; then
  systemd-sysusers --root="$root" >/dev/null 2>&1 || fail "systemd-sysusers --root"
  grep -q '^guestguard:x:[0-9]*:[0-9]*:[^:]*:/var/lib/guestguard:/usr/sbin/nologin$' "$root/etc/passwd" ||
    fail "sysusers: no guestguard account: $(cat "$root/etc/passwd" 2>&1)"
  echo "systemd-sysusers: account guestguard created in the scratch root"
else
  echo "systemd-sysusers not found: account check skipped"
fi
echo "Package.Deb OK"
