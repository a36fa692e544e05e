-- Notifications (SQLite; times INTEGER unix microseconds): one row per message
-- to one recipient, with every delivery attempt counted on it; and the inbox
-- of bus messages a consumer already handled (consumers are idempotent by
-- message id: the inbox row and the notifications it caused commit together).
CREATE TABLE notifications (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        INTEGER REFERENCES events (id) ON DELETE CASCADE,
  source_id       TEXT NOT NULL,   -- the bus message id that caused it
  recipient       TEXT NOT NULL,
  channel         TEXT NOT NULL,   -- 'log' | 'email'
  type            TEXT NOT NULL CHECK (type IN ('rsvp_confirmation', 'fraud_alert',
                                                'collaborator_invite')),
  subject         TEXT NOT NULL,
  body            TEXT NOT NULL,   -- sealed (server/secret_seal.h) when it holds a secret link;
                                   -- emptied once the notification is sent or failed
  status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  provider_id     TEXT,
  last_error      TEXT,
  next_attempt_at INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (source_id, type, recipient)
);

CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_event ON notifications (event_id, id);

CREATE TABLE inbox (
  consumer     TEXT NOT NULL,
  message_id   TEXT NOT NULL,
  processed_at INTEGER NOT NULL,
  PRIMARY KEY (consumer, message_id)
);

-- Bus messages a consumer gave up on after the bounded redeliveries.
CREATE TABLE dead_letters (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  consumer   TEXT NOT NULL,
  message_id TEXT NOT NULL,
  subject    TEXT NOT NULL,
  payload    TEXT NOT NULL,
  error      TEXT NOT NULL,
  attempts   INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
