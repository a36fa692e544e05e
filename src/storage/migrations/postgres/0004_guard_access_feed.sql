-- access.scored is published from the access log itself (the access feed)
-- rather than from a copy of every access in guard_outbox: a relay reads the
-- rows after its cursor, publishes them and moves the cursor. Concurrent
-- transactions commit out of id order, so every row carries the id of the
-- transaction that wrote it (xact) and a relay reads only rows whose
-- transaction is older than every transaction still running
-- (pg_snapshot_xmin), in (xact, id) order: no row can later appear behind the
-- cursor. Rows written before this migration have xact 0 and are not fed (the
-- outbox published them). One cursor row per subject; a relay holds it for a
-- while (a lease) so that relays sharing the database do not publish the same
-- rows.
ALTER TABLE guard_access_log ADD COLUMN xact BIGINT NOT NULL DEFAULT 0;
ALTER TABLE guard_access_log ALTER COLUMN xact SET DEFAULT (pg_current_xact_id()::text::bigint);
CREATE INDEX guard_access_log_xact ON guard_access_log (xact, id);
CREATE TABLE guard_relay_cursor (
  name        TEXT PRIMARY KEY,
  last_xact   BIGINT NOT NULL,
  last_id     BIGINT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until TIMESTAMPTZ NOT NULL DEFAULT '-infinity'
);
