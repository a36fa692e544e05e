# Sourced by bench/pg_compare.sh and bench/http_load.sh: the PostgreSQL anchor
# both compare with — pgbench's rate of one single-row INSERT per transaction
# (autocommit, fsync on) into a table shaped like an access-log row.
#
#   pgbench_insert_tps URL CLIENTS THREADS SECONDS WORKDIR   → prints tps

pgbench_insert_tps() {
  local url=$1 clients=$2 threads=$3 seconds=$4 work=$5
  local bin=/usr/lib/postgresql/15/bin
  "$bin/psql" -q "$url" -c "SET client_min_messages = warning; DROP TABLE IF EXISTS pgbench_rows;
    CREATE TABLE pgbench_rows (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id TEXT NOT NULL, guest_id TEXT NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
      score INTEGER NOT NULL, reasons TEXT NOT NULL)" >/dev/null
  cat > "$work/insert.sql" <<'SQL'
\set g random(1, 1000)
INSERT INTO pgbench_rows (event_id, guest_id, occurred_at, score, reasons)
  VALUES ('ev-bench', 'g' || :g, now(), 12, 'new_network	45	First access from this network.');
SQL
  "$bin/pgbench" -n -f "$work/insert.sql" -c "$clients" -j "$threads" -T "$seconds" "$url" \
    2>/dev/null | awk '/^tps = / { print $3; exit }'
  "$bin/psql" -q "$url" -c "DROP TABLE pgbench_rows" >/dev/null
}
