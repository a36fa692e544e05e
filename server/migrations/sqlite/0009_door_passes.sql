-- Door passes (SQLite; times INTEGER unix microseconds): one per device of a
-- guest that was handed a pass after a scored, allowed access. The secret
-- (the key of the 30-second codes) and the guest token the pass was issued
-- under are sealed (server/secret_seal.h); the signals and client IP are the
-- device's, so a check-in is scored as that device.
CREATE TABLE door_passes (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id      INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  guest_id      INTEGER NOT NULL REFERENCES guests (id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  token_sealed  TEXT NOT NULL,
  fingerprint   TEXT NOT NULL,
  user_agent    TEXT NOT NULL,
  language      TEXT NOT NULL,
  timezone      TEXT NOT NULL,
  screen        TEXT NOT NULL,
  platform      TEXT NOT NULL,
  client_ip     TEXT NOT NULL,
  access_log_id TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  checked_in_at INTEGER
);

CREATE INDEX door_passes_event_id ON door_passes (event_id);
CREATE UNIQUE INDEX door_passes_device ON door_passes (guest_id, fingerprint);
