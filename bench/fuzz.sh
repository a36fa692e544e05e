#!/usr/bin/env bash
# Builds the fuzz/ harnesses with clang-14 + libFuzzer (ASan, UBSan) in
# build-fuzz/ and runs each for SECONDS (default 600), one at a time, printing
# per target: executions, executions per second, units added to the corpus,
# crashes. Needs an otherwise idle machine for figures worth quoting.
#
#   bench/fuzz.sh             # 10 minutes per target (the closing run)
#   bench/fuzz.sh 60          # a quick pass
#   bench/fuzz.sh 60 cidr csv # only these targets
#
# The repo's seed corpus (fuzz/corpus/<target>) is read, never written: new
# units go to $GUESTGUARD_FUZZ_OUT/<target>/corpus and crashes to
# $GUESTGUARD_FUZZ_OUT/<target>/crash-* (default: a fresh mktemp -d, printed).
# To keep a crash as a regression test: fix the bug, then copy the file to
# fuzz/corpus/<target>/crash-<what> (ctest Fuzz.Replay.<target> replays it).
# To keep new coverage, minimise first:
#   build-fuzz/fuzz/guestguard_fuzz_<t> -merge=1 fuzz/corpus/<t> $OUT/<t>/corpus
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
all=(token keyring base64 cidr baseline csv target activity_cursor secret_seal json_body http_request)
[ $# -gt 0 ] && targets=("$@") || targets=("${all[@]}")
jobs=${GUESTGUARD_JOBS:-2}
dir=${GUESTGUARD_FUZZ_BUILD:-build-fuzz}
out=${GUESTGUARD_FUZZ_OUT:-$(mktemp -d /tmp/guestguard-fuzz.XXXXXX)}

# Longest input worth trying per target (bytes).
max_len() {
  case $1 in
    token) echo 160 ;;
    keyring|activity_cursor|target) echo 512 ;;
    base64) echo 1024 ;;
    cidr) echo 256 ;;
    baseline) echo 1024 ;;
    secret_seal) echo 1024 ;;
    csv|json_body) echo 4096 ;;
    http_request) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$dir" -G Ninja "${launcher[@]}" -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGUESTGUARD_FUZZ=ON -DGUESTGUARD_WITH_SERVER=ON \
  -DGUESTGUARD_BUILD_TESTS=OFF -DGUESTGUARD_BUILD_BENCH=OFF -DGUESTGUARD_BUILD_EXAMPLES=OFF \
  -DGUESTGUARD_INSTALL=OFF -DGUESTGUARD_WITH_PYTHON=OFF >/dev/null
cmake --build "$dir" -j "$jobs" --target "${targets[@]/#/guestguard_fuzz_}"
[ "$seconds" = 0 ] && exit 0  # Build only.

echo "fuzzing ${#targets[@]} targets for ${seconds}s each; output in $out"
printf '%-16s %14s %10s %10s %8s\n' target executions exec/s new_units crashes
status=0
for t in "${targets[@]}"; do
  work=$out/$t
  mkdir -p "$work/corpus"
  dicts=()
  [ -f "fuzz/dict/$t.dict" ] && dicts=(-dict="fuzz/dict/$t.dict")
  before=$(find "$work/corpus" -type f | wc -l)
  set +e
  "$dir/fuzz/guestguard_fuzz_$t" "$work/corpus" "fuzz/corpus/$t" "${dicts[@]}" \
    -max_total_time="$seconds" -max_len="$(max_len "$t")" -print_final_stats=1 \
    -artifact_prefix="$work/" -timeout=10 -rss_limit_mb=2048 >"$work/log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
  after=$(find "$work/corpus" -type f | wc -l)
  crashes=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
  printf '%-16s %14s %10s %10s %8s\n' "$t" "${runs:-?}" "${speed:-?}" "$((after - before))" "$crashes"
  if [ "$rc" != 0 ] || [ "$crashes" != 0 ]; then
    status=1
    echo "  $t: exit $rc; see $work/log and $work/" >&2
  fi
done
exit $status
