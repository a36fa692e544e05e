-- Guests of an event and their RSVPs (SQLite). Times are INTEGER unix microseconds.
CREATE TABLE guests (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id          INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  email             TEXT NOT NULL DEFAULT '',
  phone             TEXT NOT NULL DEFAULT '',
  plus_ones_allowed INTEGER NOT NULL DEFAULT 0 CHECK (plus_ones_allowed >= 0),
  created_at        INTEGER NOT NULL
);

CREATE INDEX guests_event_id ON guests (event_id);

CREATE TABLE rsvps (
  guest_id   INTEGER PRIMARY KEY REFERENCES guests (id) ON DELETE CASCADE,
  event_id   INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  response   TEXT NOT NULL CHECK (response IN ('yes', 'no', 'maybe')),
  plus_ones  INTEGER NOT NULL DEFAULT 0 CHECK (plus_ones >= 0),
  updated_at INTEGER NOT NULL
);

CREATE INDEX rsvps_event_id ON rsvps (event_id);
