-- access.scored is published from the access log itself (the access feed)
-- rather than from a copy of every access in guard_outbox: a relay reads the
-- rows after its cursor, publishes them and moves the cursor. SQLite has one
-- writer, so access ids commit in id order and the cursor is the last id
-- published. One row per subject; a relay holds it for a while (a lease) so
-- that relays sharing the database do not publish the same rows.
-- last_xact is PostgreSQL's commit-order key and stays 0 here.
CREATE TABLE guard_relay_cursor (
  name        TEXT PRIMARY KEY,
  last_xact   INTEGER NOT NULL DEFAULT 0,
  last_id     INTEGER NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until INTEGER NOT NULL DEFAULT 0
);
