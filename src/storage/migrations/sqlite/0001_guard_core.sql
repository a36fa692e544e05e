-- GuestGuard library tables (SQLite). Times are INTEGER unix microseconds.
CREATE TABLE guard_event_policy (
  event_id          TEXT PRIMARY KEY,
  medium            INTEGER NOT NULL DEFAULT 30,
  high              INTEGER NOT NULL DEFAULT 60,
  block             INTEGER NOT NULL DEFAULT 85,
  allowlist_version INTEGER NOT NULL DEFAULT 0,
  CHECK (0 < medium AND medium < high AND high < block AND block <= 100)
);

CREATE TABLE guard_allowlist (
  event_id   TEXT NOT NULL,
  cidr       TEXT NOT NULL,  -- canonical form, e.g. 203.0.113.42/32
  note       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, cidr)
);

CREATE TABLE guard_guest_state (
  event_id         TEXT NOT NULL,
  guest_id         TEXT NOT NULL,
  generation       INTEGER NOT NULL DEFAULT 0,
  baseline         BLOB NOT NULL DEFAULT x'',
  baseline_version INTEGER NOT NULL DEFAULT 0,  -- compare-and-swap counter
  PRIMARY KEY (event_id, guest_id)
);

CREATE TABLE guard_access_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL,
  guest_id    TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('open', 'rsvp', 'checkin')),
  occurred_at INTEGER NOT NULL,
  client_ip   TEXT NOT NULL DEFAULT '',
  user_agent  TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '',
  timezone    TEXT NOT NULL DEFAULT '',
  language    TEXT NOT NULL DEFAULT '',
  screen      TEXT NOT NULL DEFAULT '',
  platform    TEXT NOT NULL DEFAULT '',
  score       INTEGER NOT NULL,
  band        TEXT NOT NULL CHECK (band IN ('low', 'medium', 'high', 'block')),
  allowlisted INTEGER NOT NULL,
  blocked     INTEGER NOT NULL,
  reasons     TEXT NOT NULL DEFAULT '',
  -- Left empty for later enrichment.
  geo_country TEXT,
  geo_region  TEXT,
  geo_city    TEXT,
  geo_asn     INTEGER
);
CREATE INDEX guard_access_log_guest_time ON guard_access_log (event_id, guest_id, occurred_at);
CREATE INDEX guard_access_log_event ON guard_access_log (event_id, id);

CREATE TABLE guard_feedback (
  access_log_id INTEGER PRIMARY KEY REFERENCES guard_access_log (id) ON DELETE CASCADE,
  event_id      TEXT NOT NULL,
  verdict       TEXT NOT NULL CHECK (verdict IN ('legitimate', 'suspicious')),
  note          TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL
);
CREATE INDEX guard_feedback_event ON guard_feedback (event_id, created_at);
