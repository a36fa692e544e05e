#!/usr/bin/env bash
# Compares GuestGuard's write path on PostgreSQL with pgbench's single-row
# INSERT rate, at 1 and 8 concurrent callers, against one throw-away
# PostgreSQL 15 (fsync on) started by scripts/with_postgres. Prints both rates
# and their ratio per caller count; the last line is `ratio=X.XX` for 8 callers.
# Target to report: ratio >= 0.5.
#
#   bench/pg_compare.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
bench=build/bench/guestguard_bench
[ -x "$bench" ] || { echo "build first (scripts/test builds $bench)" >&2; exit 1; }

if [ -z "${GUESTGUARD_TEST_POSTGRES_URL:-}" ]; then
  exec scripts/with_postgres "$0" "$@"
fi

url=$GUESTGUARD_TEST_POSTGRES_URL
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=bench/pgbench_anchor.sh
. bench/pgbench_anchor.sh

ours_per_sec() {  # threads
  "$bench" --benchmark_filter="^BM_GuardCheckPostgres/1000/real_time/threads:$1\$" \
    --benchmark_min_time="$seconds" --benchmark_out="$work/ours.json" \
    --benchmark_out_format=json >/dev/null 2>&1
  /usr/bin/python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["benchmarks"]; print("%.1f" % b[0]["items_per_second"])' "$work/ours.json"
}

echo "PostgreSQL 15, fsync on; ${seconds}s per run"
printf '%-8s %18s %26s %8s\n' callers "pgbench insert/s" "Guard::Check+PostgreSQL/s" ratio
last=""
for callers in 1 8; do
  anchor=$(pgbench_insert_tps "$url" "$callers" "$callers" "$seconds" "$work")
  ours=$(ours_per_sec "$callers")
  ratio=$(/usr/bin/python3 -c "print('%.2f' % ($ours / $anchor))")
  printf '%-8s %18s %26s %8s\n' "$callers" "$anchor" "$ours" "$ratio"
  last=$ratio
done
echo "ratio=$last"
