#!/usr/bin/env bash
# HTTP load test of the reference server with wrk, on loopback only.
#
# For each backend — SQLite (a temporary file), then PostgreSQL (the throw-away
# cluster of scripts/with_postgres, when available) — starts
# build/server/guestguard-server on a free 127.0.0.1 port with --log-level warn,
# creates a user, an event, N guests and their links with curl, then runs wrk
# (64 connections, 2 threads, --latency) against:
#   healthz  GET  /healthz
#   open     GET  /rsvp/<token>   cycling the tokens, browser-like headers per guest
#   rsvp     POST /rsvp/<token>   {"response":"yes","plus_ones":0,"signals":{...}}
# and prints req/s, p99 latency, non-2xx/3xx count and the ratios
# open/healthz and rsvp/healthz. During the open run, bench/latency_probe.py
# GETs /healthz every 10 ms on one connection: the I/O threads must keep
# answering while the handler pool is saturated. On PostgreSQL, pgbench's
# single-row INSERT rate at the same 64 connections is the anchor.
# Per path it also prints the CPU time one request cost the server, the
# database (PostgreSQL's processes) and wrk, and the whole machine (every
# process and the kernel, from /proc/stat), with the machine time per request
# a ratio target leaves: the anchor's own machine time per request divided by
# the ratio (server, wrk and database share the cores, so a path whose
# machine time exceeds that cannot meet the target on this machine).
# Targets (issue 14): SQLite open >= 0.2x healthz, p99 < 50 ms; PostgreSQL
# open >= 0.5x and RSVP >= 0.3x pgbench's INSERT rate, p99 < 50 ms; healthz
# beside the open load p99 < 10 ms.
#
#   bench/http_load.sh [seconds per wrk run, default 10] [guests, default 200]
#   bench/http_load.sh --rounds N [seconds] [guests]
#   bench/http_load.sh --soak [minutes, default 5] [guests, default 200]
#
# --rounds N repeats the measurement N times per backend, every SQLite round
# first (each round starts its server afresh and measures every figure beside
# its own anchor again), then prints the median of each rate and ratio across
# rounds, with its range, and judges the targets on the medians. On a shared
# 2-core machine one run's ratio moves by +-15 %; use --rounds 5 to compare
# builds or claim a target.
#
# --soak (PostgreSQL only): measures the open path's maximum rate for 10 s,
# then holds half of it (wrk paced per connection) for `minutes` one-minute
# runs on the same server, sampling after each the outbox backlog (/metrics)
# and the server's RSS. Targets: the last minute's rate and p99 within 10 %
# of the first's, the backlog bounded, RSS growth < 10 %.
#
# Needs wrk (apt-get install wrk), curl and /usr/bin/python3. Re-executes itself
# under scripts/with_postgres (root only) when GUESTGUARD_TEST_POSTGRES_URL is unset.
set -euo pipefail
cd "$(dirname "$0")/.."
original_args=("$@")
soak_minutes=
rounds=1
if [ "${1:-}" = "--rounds" ]; then
  rounds=${2:-}
  [[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds needs a positive integer" >&2; exit 2; }
  shift 2
fi
if [ "${1:-}" = "--soak" ]; then
  [ "$rounds" = 1 ] || { echo "--rounds does not apply to --soak" >&2; exit 2; }
  shift
  soak_minutes=${1:-5}
  [[ "$soak_minutes" =~ ^[1-9][0-9]*$ ]] || { echo "minutes must be a positive integer" >&2; exit 2; }
  set -- 60 "${2:-200}"
fi
seconds=${1:-10}
guests=${2:-200}
connections=64
wrk_threads=2
server_src=${GG_SERVER_BINARY:-build/server/guestguard-server}  # GG_SERVER_BINARY: another build, for A/B runs
self=bench/http_load.sh

[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "seconds must be a positive integer" >&2; exit 2; }
[[ "$guests" =~ ^[1-9][0-9]*$ ]] || { echo "guests must be a positive integer" >&2; exit 2; }

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk not found: install it (apt-get install -y wrk) — it is needed for this benchmark" >&2
  exit 1
fi
for tool in curl /usr/bin/python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool not found" >&2; exit 1; }
done

# Re-exec inside a throw-away PostgreSQL, like bench/pg_compare.sh, unless we
# are already inside one (or cannot start one: then PostgreSQL is skipped).
if [ -z "${GUESTGUARD_TEST_POSTGRES_URL:-}" ] && [ -z "${GG_HTTP_LOAD_INNER:-}" ]; then
  if [ "$(id -u)" -eq 0 ] && [ -x /usr/lib/postgresql/15/bin/postgres ]; then
    GG_HTTP_LOAD_INNER=1 exec scripts/with_postgres "$self" ${original_args[@]+"${original_args[@]}"}
  fi
fi

# The binary may be briefly missing while someone rebuilds it: wait (bounded),
# then run a private copy so a concurrent rebuild cannot swap it mid-run.
for _ in $(seq 1 60); do
  [ -x "$server_src" ] && break
  sleep 1
done
[ -x "$server_src" ] || { echo "server binary $server_src not found (build it first)" >&2; exit 1; }

work=$(mktemp -d /tmp/gg-http-load.XXXXXX)
server_pid=
stop_server() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=
}
# shellcheck disable=SC2317  # Invoked by the trap.
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_server
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server=$work/guestguard-server
for _ in $(seq 1 30); do
  cp "$server_src" "$server" 2>/dev/null && "$server" --help >/dev/null 2>&1 && break
  sleep 1
done
"$server" --help >/dev/null 2>&1 || { echo "cannot run a copy of $server_src" >&2; exit 1; }

# The help text is read once, whole: `--help | grep -q` under pipefail fails
# whenever grep exits before the server has written everything (SIGPIPE), and
# then the rate limit stayed at its default and the guest paths measured 429s.
server_help=$("$server" --help 2>&1)
extra_flags=()
rate_note="server has no --rate-limit-per-minute flag: no rate limit to lift"
if grep -q -- '--rate-limit-per-minute' <<<"$server_help"; then
  extra_flags+=(--rate-limit-per-minute 1000000 --rate-limit-burst 1000000)
  rate_note="rate limit lifted for the benchmark: --rate-limit-per-minute/--rate-limit-burst 1000000"
fi
if grep -q -- '--account-rate-limit-per-minute' <<<"$server_help"; then
  extra_flags+=(--account-rate-limit-per-minute 1000000 --account-rate-limit-burst 1000000)
fi

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

json_field() {  # FIELD < json   (prints the field, fails when missing)
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# One JSON request that must succeed: METHOD PATH [BODY]; uses $base and $auth.
api() {
  local args=(-sS --max-time 10 -X "$1" "$base$2" -H 'Content-Type: application/json' -w '\n%{http_code}')
  [ -n "${auth:-}" ] && args+=(-H "Authorization: Bearer $auth")
  [ $# -ge 3 ] && args+=(-d "$3")
  local out code
  out=$(curl "${args[@]}") || { echo "curl $1 $2 failed" >&2; return 1; }
  code=${out##*$'\n'}
  out=${out%$'\n'*}
  if [[ "$code" != 2* ]]; then
    echo "$1 $2 -> HTTP $code: $out" >&2
    return 1
  fi
  printf '%s\n' "$out"
}

# Lua scripts for wrk. Each thread starts at a different offset in the token
# list; guest i always presents the same fingerprint, UA and language, so the
# guard sees one consistent device per guest.
cat > "$work/common.lua" <<'LUA'
local tokens = {}
for line in io.lines(os.getenv("GG_TOKENS_FILE")) do
  if #line > 0 then tokens[#tokens + 1] = line end
end
local uas = {
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
}
local langs = { "en-US,en;q=0.9", "de-DE,de;q=0.9,en;q=0.8", "fr-FR,fr;q=0.9", "en-GB,en;q=0.9" }
local counter = 0
local thread_no = 0
local next_thread = 0
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end
function init(args)
  counter = (thread_no * 7919) % #tokens
end
function next_guest()
  local i = counter % #tokens
  counter = counter + 1
  return tokens[i + 1], "fp-guest-" .. i, uas[(i % #uas) + 1], langs[(i % #langs) + 1]
end
LUA
cat > "$work/open.lua" <<'LUA'
dofile(os.getenv("GG_LUA_DIR") .. "/common.lua")
function request()
  local token, fp, ua, lang = next_guest()
  return wrk.format("GET", "/rsvp/" .. token, {
    ["User-Agent"] = ua,
    ["Accept-Language"] = lang,
    ["Accept"] = "text/html,application/json;q=0.9,*/*;q=0.8",
    ["X-Device-Fingerprint"] = fp,
  })
end
LUA
cat > "$work/rsvp.lua" <<'LUA'
dofile(os.getenv("GG_LUA_DIR") .. "/common.lua")
function request()
  local token, fp, ua, lang = next_guest()
  local body = string.format(
    '{"response":"yes","plus_ones":0,"signals":{"fingerprint":"%s","user_agent":"%s","language":"%s"}}',
    fp, ua, lang)
  return wrk.format("POST", "/rsvp/" .. token, {
    ["User-Agent"] = ua,
    ["Accept-Language"] = lang,
    ["Content-Type"] = "application/json",
    ["X-Device-Fingerprint"] = fp,
  }, body)
end
LUA

# wrk output -> "req_per_s p99_ms non2xx socket_errors"
parse_wrk() {
  /usr/bin/python3 -c '
import re, sys
t = open(sys.argv[1]).read()
rps = re.search(r"Requests/sec:\s*([0-9.]+)", t)
p99 = re.search(r"^\s*99%\s+([0-9.]+)(us|ms|s|m)\s*$", t, re.M)
n2 = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", t)
se = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
print(rps.group(1) if rps else "nan",
      "%.2f" % (float(p99.group(1)) * scale[p99.group(2)]) if p99 else "nan",
      n2.group(1) if n2 else "0",
      sum(int(x) for x in se.groups()) if se else 0)
' "$1"
}

# CPU seconds (user + system) the processes PIDS have used so far; a process
# that is gone counts 0, so take both readings of one set while it lives.
cpu_seconds() {  # PIDS...
  /usr/bin/python3 - "$@" <<'PY'
import os, sys
ticks = 0
for pid in sys.argv[1:]:
    try:
        stat = open("/proc/%s/stat" % pid).read()
    except OSError:
        continue
    fields = stat[stat.rindex(")") + 2:].split()
    ticks += int(fields[11]) + int(fields[12])  # utime, stime
print("%.2f" % (ticks / os.sysconf("SC_CLK_TCK")))
PY
}

# CPU seconds the whole machine has been busy (not idle, not waiting for I/O).
machine_busy_seconds() {
  /usr/bin/python3 -c '
import os
user, nice, system, idle, iowait, irq, softirq, steal = map(int, open("/proc/stat").readline().split()[1:9])
print("%.2f" % ((user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")))'
}

# The PostgreSQL processes serving the benchmark's database when measuring
# it (DB_URL set): its backends and the cluster's background processes (WAL
# writer, checkpointer, ...). A backend that starts during a run counts from
# 0, so the second reading lists the processes again.
database_pids() {
  [ -n "${DB_URL:-}" ] || return 0
  /usr/lib/postgresql/15/bin/psql -qAt "$DB_URL" \
    -c "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()" 2>/dev/null | tr '\n' ' '
}

# The SQLite writer's counters from the server's /metrics: "groups
# transactions busy_seconds commit_seconds", or "nan nan nan nan" where the
# server has no single writer (PostgreSQL).
writer_stats() {
  curl -fsS --max-time 5 "$base/metrics" 2>/dev/null | awk '
    $1 == "guestguard_database_write_groups_total" { g = $2 }
    $1 == "guestguard_database_group_transactions_total" { t = $2 }
    $1 == "guestguard_database_writer_busy_seconds_total" { b = $2 }
    $1 == "guestguard_database_writer_commit_seconds_total" { c = $2 }
    END { if (g == "") print "nan nan nan nan"; else print g, t, b, c }'
}

# Runs wrk; prints "req_per_s p99_ms non2xx socket_errors" and writes
# "$work/cpu-NAME.txt": CPU seconds used meanwhile by the server, by the
# database (PostgreSQL only), by wrk and by the whole machine; and
# "$work/writer-NAME.txt": the SQLite writer's counters before and after.
run_wrk() {  # NAME PATH [LUA]
  local args=(-t "$wrk_threads" -c "$connections" -d "${seconds}s" --timeout 2s --latency)
  [ $# -ge 3 ] && args+=(-s "$3")
  local server_before db_before machine_before server_after db_after machine_after writer_before
  writer_before=$(writer_stats)
  machine_before=$(machine_busy_seconds)
  server_before=$(cpu_seconds "$server_pid")
  # shellcheck disable=SC2046  # A list of pids.
  db_before=$(cpu_seconds $(database_pids))
  GG_TOKENS_FILE=$work/tokens.txt GG_LUA_DIR=$work /usr/bin/python3 -c '
import resource, subprocess, sys
status = subprocess.call(sys.argv[2:])
used = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.2f\n" % (used.ru_utime + used.ru_stime))
sys.exit(status)' "$work/wrk-cpu-$1.txt" \
    timeout $((seconds + 30)) wrk "${args[@]}" "$base$2" > "$work/wrk-$1.txt" 2>&1 || {
      echo "wrk $1 failed:" >&2; cat "$work/wrk-$1.txt" >&2; return 1; }
  server_after=$(cpu_seconds "$server_pid")
  # shellcheck disable=SC2046
  db_after=$(cpu_seconds $(database_pids))
  machine_after=$(machine_busy_seconds)
  echo "$writer_before $(writer_stats)" > "$work/writer-$1.txt"
  echo "$server_before $server_after $db_before $db_after $(cat "$work/wrk-cpu-$1.txt")" \
    "$machine_before $machine_after" > "$work/cpu-$1.txt"
  parse_wrk "$work/wrk-$1.txt"
}

start_server() {  # LABEL DATABASE_URL: sets base, server_pid, server_log
  local label=$1 db=$2 port
  port=$(free_port)
  base=http://127.0.0.1:$port
  server_log=$work/server-$label.log
  mkdir -p "$work/mail-$label"  # Where the account's verification mail goes.
  "$server" --listen "127.0.0.1:$port" --database "$db" --env development \
    --log-level warn --mail-dir "$work/mail-$label" ${extra_flags[@]+"${extra_flags[@]}"} >"$server_log" 2>&1 &
  server_pid=$!
  local up=
  for _ in $(seq 1 100); do
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    if curl -fsS --max-time 1 "$base/healthz" >/dev/null 2>&1; then up=1; break; fi
    sleep 0.1
  done
  if [ -z "$up" ]; then
    echo "$label: server did not become healthy within 10 s; log:" >&2
    tail -n 20 "$server_log" >&2
    return 1
  fi
}

make_fixture() {  # LABEL: one user, one event, $guests guests with links; sets first, first_code
  local label=$1 email event gid i
  auth=
  email="bench-$label-$$-$RANDOM@example.com"
  auth=$(/usr/bin/python3 bench/bench_signup.py "$base" "$work/mail-$label" "$email" "correct horse battery")
  event=$(api POST /events '{"name":"Load test gala","starts_at":"2026-12-31T19:00:00Z","venue":"Opera"}' | json_field id)
  : > "$work/tokens.txt"
  for i in $(seq 1 "$guests"); do
    gid=$(api POST "/events/$event/guests" "{\"name\":\"Guest $i\",\"plus_ones_allowed\":1}" | json_field id)
    api POST "/events/$event/guests/$gid/token" | json_field token >> "$work/tokens.txt"
  done
  # Sanity check: one open with the benchmark's headers must succeed.
  first=$(head -n 1 "$work/tokens.txt")
  first_code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/rsvp/$first" \
    -H 'User-Agent: Mozilla/5.0 (iPhone)' -H 'Accept-Language: en-US' -H 'X-Device-Fingerprint: fp-guest-0')
}

# shellcheck source=bench/pgbench_anchor.sh
. bench/pgbench_anchor.sh

bench_backend() {  # LABEL DATABASE_URL
  local label=$1
  start_server "$1" "$2"
  local log=$server_log
  make_fixture "$label"
  DB_URL=
  [ "$label" = postgresql ] && DB_URL=$2
  echo "== $label: $guests guests, ${seconds}s per path, $connections connections, $wrk_threads wrk threads (first open: HTTP $first_code)"

  local h_rps h_p99 h_n2 h_se o_rps o_p99 o_n2 o_se r_rps r_p99 r_n2 r_se
  read -r h_rps h_p99 h_n2 h_se <<<"$(run_wrk healthz /healthz)"
  # The guest-open run saturates the handler pool; /healthz is probed beside
  # it (every 10 ms, one connection) to show the I/O threads still answer.
  /usr/bin/python3 bench/latency_probe.py "$base/healthz" "$seconds" > "$work/probe-$label.txt" &
  local probe_pid=$!
  read -r o_rps o_p99 o_n2 o_se <<<"$(run_wrk open "/rsvp/$first" "$work/open.lua")"
  wait "$probe_pid"
  local p_n p_p50 p_p99 p_max p_fail
  read -r p_n p_p50 p_p99 p_max p_fail < "$work/probe-$label.txt"
  read -r r_rps r_p99 r_n2 r_se <<<"$(run_wrk rsvp "/rsvp/$first" "$work/rsvp.lua")"
  if [ "$o_n2" != 0 ] || [ "$r_n2" != 0 ]; then  # Show what a failed request is answered.
    echo "   responses failed ($label); one open now answers: $(curl -s --max-time 5 -w ' HTTP %{http_code}' \
      "$base/rsvp/$first" -H 'User-Agent: Mozilla/5.0 (iPhone)' -H 'Accept: application/json' \
      -H 'X-Device-Fingerprint: fp-guest-0' | tail -c 300)"
  fi
  stop_server
  local anchor=nan anchor_busy=nan machine_before
  if [ "$label" = postgresql ]; then
    machine_before=$(machine_busy_seconds)
    anchor=$(pgbench_insert_tps "$GUESTGUARD_TEST_POSTGRES_URL" "$connections" "$wrk_threads" "$seconds" "$work")
    anchor_busy=$(/usr/bin/python3 -c "print('%.2f' % ($(machine_busy_seconds) - $machine_before))")
  fi
  if grep -qiE 'error|fatal' "$log"; then
    echo "   server log ($label) has errors/warnings, last lines:"; tail -n 5 "$log" | sed 's/^/   | /'
  fi

  /usr/bin/python3 - "$label" "$seconds" "$work" "$h_rps" "$h_p99" "$h_n2" "$h_se" "$o_rps" "$o_p99" "$o_n2" "$o_se" \
      "$r_rps" "$r_p99" "$r_n2" "$r_se" "$p_n" "$p_p50" "$p_p99" "$p_max" "$p_fail" "$anchor" "$anchor_busy" <<'PY'
import os, sys
label, seconds, work = sys.argv[1], float(sys.argv[2]), sys.argv[3]
v = sys.argv[4:]
rows = [("GET /healthz", v[0:4]), ("GET /rsvp/{token}", v[4:8]), ("POST /rsvp/{token}", v[8:12])]
print("%-20s %12s %10s %10s %10s  %s" % ("path", "req/s", "p99 ms", "non-2xx", "sock err", "p99 target <50ms"))
# A path with failed responses (non-2xx/3xx or socket errors) measured
# refusals, not work: its rate counts as 0 in every ratio.
rates = []
for name, (rps, p99, n2, se) in rows:
    failed = int(n2) > 0 or int(se) > 0
    ok = "FAILED (responses failed)" if failed else "ok" if float(p99) < 50 else "MISS"
    print("%-20s %12.1f %10.2f %10s %10s  %s" % (name, float(rps), float(p99), n2, se, ok))
    rates.append(0.0 if failed else float(rps))
def verdict(x, floor):
    return "ok" if x >= floor else "MISS"
h = rates[0]
o = rates[1] / h if h else float("nan")
r = rates[2] / h if h else float("nan")
tgt = "  (target >= 0.2: %s)" % verdict(o, 0.2) if label == "sqlite" else ""
print("ratio open/healthz = %.3f%s" % (o, tgt))
print("ratio rsvp/healthz = %.3f" % r)
anchor = float(v[17])
if anchor == anchor:  # PostgreSQL: pgbench's INSERT rate at the same concurrency.
    print("pgbench single-row INSERT at the same connections: %.1f/s" % anchor)
    print("ratio open/pgbench = %.3f  (target >= 0.5: %s)" % (rates[1] / anchor, verdict(rates[1] / anchor, 0.5)))
    print("ratio rsvp/pgbench = %.3f  (target >= 0.3: %s)" % (rates[2] / anchor, verdict(rates[2] / anchor, 0.3)))
n, p50, p99, worst, failed = v[12:17]
print("healthz beside the open load: %s probes, p50 %s ms, p99 %s ms, max %s ms, %s failed"
      "  (p99 target < 10 ms: %s)" % (n, p50, p99, worst, failed,
                                       "ok" if float(p99) < 10 and failed == "0" else "MISS"))
# Where the machine went: CPU time per request of the server, the database
# and wrk, and of the whole machine (kernel included); the rate the machine's
# cost allows when every core does nothing else; and, for a ratio target,
# the machine time per request that the target leaves (the anchor's own
# machine time per request divided by the ratio).
cores = os.cpu_count()
print("CPU per request (us of CPU time; machine = every process and the kernel; %d cores):" % cores)
def per_request(busy_s, rate):  # Machine time per request, in us.
    return 1e6 * busy_s / (rate * seconds) if rate > 0 else float("nan")
for (name, _), run, (rps, *_) in zip(rows, ("healthz", "open", "rsvp"), (v[0:4], v[4:8], v[8:12])):
    s0, s1, d0, d1, w, m0, m1 = map(float, open("%s/cpu-%s.txt" % (work, run)).read().split())
    requests = float(rps) * seconds
    if requests <= 0:
        continue
    machine = 1e6 * (m1 - m0) / requests
    line = "  %-20s server %6.1f  database %6.1f  wrk %5.1f  machine %6.1f (at most %6.0f/s; cores busy %.2f)" % (
        name, 1e6 * (s1 - s0) / requests, 1e6 * (d1 - d0) / requests, 1e6 * w / requests, machine,
        cores * 1e6 / machine, (m1 - m0) / seconds)
    if run == "open" and label == "sqlite":
        h0, h1 = map(float, open("%s/cpu-healthz.txt" % work).read().split()[5:7])
        line += "; 0.2x healthz leaves %.1f" % (per_request(h1 - h0, rates[0]) / 0.2)
    if run != "healthz" and anchor == anchor:
        ratio = {"open": 0.5, "rsvp": 0.3}[run]
        line += "; %gx pgbench leaves %.1f" % (ratio, per_request(float(v[18]), anchor) / ratio)
    print(line)
if anchor == anchor:
    print("  %-20s machine %6.1f per INSERT" % ("pgbench", per_request(float(v[18]), anchor)))
# SQLite's one writer (from /metrics): how much of the run it was busy and,
# of that, committing (the WAL write and its fsync); near 100 % busy, the
# writes queue behind it whatever the CPU does elsewhere.
for (name, _), run in zip(rows[1:], ("open", "rsvp")):
    w = list(map(float, open("%s/writer-%s.txt" % (work, run)).read().split()))
    groups, transactions, busy, commit = (w[4 + i] - w[i] for i in range(4))
    if groups == groups and groups > 0:
        print("  writer during %-18s busy %3.0f %% of the run, %3.0f %% of that in COMMIT; "
              "%.1f transactions per group, %.2f ms per commit" % (
                  name, 100 * busy / seconds, 100 * commit / busy if busy else 0,
                  transactions / groups, 1e3 * commit / groups))
with open("%s/rounds-%s.txt" % (work, label), "a") as rounds:  # For --rounds' medians.
    rounds.write("%f %f %f %f\n" % (rates[0], rates[1], rates[2], anchor))
PY
  echo
}

# --rounds: the median of each figure across rounds, the targets judged on it.
summarize_rounds() {  # LABEL
  [ -s "$work/rounds-$1.txt" ] || return 0
  /usr/bin/python3 - "$1" "$work/rounds-$1.txt" <<'PY'
import statistics, sys
label, path = sys.argv[1], sys.argv[2]
rows = [list(map(float, line.split())) for line in open(path) if line.strip()]
def ratio(a, b):
    return a / b if b > 0 else float("nan")
figures = [("healthz req/s", [r[0] for r in rows], None),
           ("open req/s", [r[1] for r in rows], None),
           ("RSVP req/s", [r[2] for r in rows], None),
           ("ratio open/healthz", [ratio(r[1], r[0]) for r in rows], 0.2 if label == "sqlite" else None)]
if label == "postgresql":
    figures += [("pgbench INSERT/s", [r[3] for r in rows], None),
                ("ratio open/pgbench", [ratio(r[1], r[3]) for r in rows], 0.5),
                ("ratio rsvp/pgbench", [ratio(r[2], r[3]) for r in rows], 0.3)]
print("== %s: medians of %d rounds (each ratio taken within its round)" % (label, len(rows)))
for name, values, target in figures:
    median = statistics.median(values)
    line = "  %-20s median %10.3f  range %10.3f - %10.3f" % (name, median, min(values), max(values))
    if target is not None:
        line += "  (target >= %g: %s)" % (target, "ok" if median >= target else "MISS")
    print(line)
PY
}

# A paced copy of open.lua: each connection waits `delay_ms` before each request.
paced_lua() {  # DELAY_MS
  { cat "$work/open.lua"; printf 'function delay() return %d end\n' "$1"; } > "$work/paced.lua"
}

# The server's RSS in KiB, and the outbox backlog /metrics reports.
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
backlog() {
  curl -fsS --max-time 5 "$base/metrics" | awk '/^guestguard_outbox_backlog / { print $2; exit }'
}

soak() {
  local minutes=$1 max_rps rate delay_ms i rps p99 n2 se
  start_server soak "$GUESTGUARD_TEST_POSTGRES_URL"
  make_fixture soak
  seconds=10
  read -r max_rps _ _ _ <<<"$(run_wrk soak-max "/rsvp/$first" "$work/open.lua")"
  rate=$(/usr/bin/python3 -c "print(int(float('$max_rps') / 2))")
  delay_ms=$(/usr/bin/python3 -c "print(max(1, round($connections * 1000 / $rate)))")
  paced_lua "$delay_ms"
  echo "== postgresql soak: open max ${max_rps}/s over 10 s; holding half (~${rate}/s: $connections connections, ${delay_ms} ms between requests each) for $minutes x 60 s"
  printf '%-7s %10s %10s %10s %10s %12s %10s\n' minute "req/s" "p99 ms" non-2xx "sock err" "backlog" "RSS MiB"
  seconds=60
  : > "$work/soak.txt"
  for i in $(seq 1 "$minutes"); do
    read -r rps p99 n2 se <<<"$(run_wrk "soak-$i" "/rsvp/$first" "$work/paced.lua")"
    local b r
    b=$(backlog)
    r=$(rss_kib)
    echo "$i $rps $p99 $n2 $se $b $r" >> "$work/soak.txt"
    printf '%-7s %10.1f %10.2f %10s %10s %12s %10.1f\n' "$i" "$rps" "$p99" "$n2" "$se" "$b" "$(awk -v r="$r" 'BEGIN { print r / 1024 }')"
  done
  stop_server
  /usr/bin/python3 - "$work/soak.txt" <<'PY'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
first, last = rows[0], rows[-1]
def within(a, b, pct):
    return abs(b - a) <= pct / 100 * a
def verdict(ok):
    return "ok" if ok else "MISS"
print("last/first minute throughput %.1f -> %.1f req/s (%+.1f %%; target within 10 %%: %s)" % (
    first[1], last[1], 100 * (last[1] - first[1]) / first[1], verdict(within(first[1], last[1], 10))))
print("last/first minute p99 %.2f -> %.2f ms (%+.1f %%; target within 10 %%: %s)" % (
    first[2], last[2], 100 * (last[2] - first[2]) / first[2], verdict(within(first[2], last[2], 10))))
backlogs = [r[5] for r in rows]
print("outbox backlog after each minute: %s (max %d; target bounded, i.e. not growing: %s)" % (
    ", ".join("%d" % b for b in backlogs), max(backlogs),
    verdict(backlogs[-1] <= max(1000, 2 * backlogs[0]))))
print("RSS after minute 1 -> after minute %d: %.1f -> %.1f MiB (%+.1f %%; target < 10 %%: %s)" % (
    len(rows), first[6] / 1024, last[6] / 1024, 100 * (last[6] - first[6]) / first[6],
    verdict(last[6] < 1.1 * first[6])))
print("non-2xx %d, socket errors %d over the soak" % (sum(r[3] for r in rows), sum(r[4] for r in rows)))
PY
}

echo "GuestGuard HTTP load (wrk $(wrk -v 2>&1 | head -n1 | awk '{print $2}'), loopback, server --log-level warn, threads ${GUESTGUARD_THREADS:-default})"
echo "$rate_note"
echo

if [ -n "$soak_minutes" ]; then
  [ -n "${GUESTGUARD_TEST_POSTGRES_URL:-}" ] || { echo "--soak needs PostgreSQL (run as root, or under scripts/with_postgres)" >&2; exit 1; }
  soak "$soak_minutes"
  exit 0
fi

echo "targets: SQLite open >= 0.2x healthz; PostgreSQL open >= 0.5x, RSVP >= 0.3x pgbench INSERT; p99 < 50 ms at $connections connections"
echo
# Every SQLite round first: a PostgreSQL round leaves the cluster writing
# back (its checkpointer, autovacuum) into whatever runs next.
for round in $(seq 1 "$rounds"); do
  [ "$rounds" -gt 1 ] && echo "#### sqlite round $round of $rounds" && echo
  rm -f "$work"/bench.db*  # Each round starts from an empty SQLite database.
  bench_backend sqlite "sqlite:$work/bench.db"
done
if [ -n "${GUESTGUARD_TEST_POSTGRES_URL:-}" ]; then
  for round in $(seq 1 "$rounds"); do
    [ "$rounds" -gt 1 ] && echo "#### postgresql round $round of $rounds" && echo
    bench_backend postgresql "$GUESTGUARD_TEST_POSTGRES_URL"
  done
else
  echo "== postgresql: skipped (GUESTGUARD_TEST_POSTGRES_URL unset; run as root with PostgreSQL 15 installed, or under scripts/with_postgres)"
fi
if [ "$rounds" -gt 1 ]; then
  echo
  summarize_rounds sqlite
  summarize_rounds postgresql
fi
