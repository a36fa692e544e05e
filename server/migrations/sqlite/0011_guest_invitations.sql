-- Guest invitations and reminders by email (SQLite): two more notification
-- types, and the guest a notification is about (so the guests table shows
-- each guest's delivery state). A CHECK changes by rebuilding the table;
-- nothing references it.
CREATE TABLE notifications_new (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        INTEGER REFERENCES events (id) ON DELETE CASCADE,
  source_id       TEXT NOT NULL,   -- the bus message id that caused it
  recipient       TEXT NOT NULL,
  channel         TEXT NOT NULL,   -- 'log' | 'email'
  type            TEXT NOT NULL CHECK (type IN ('rsvp_confirmation', 'fraud_alert',
                                                'collaborator_invite', 'guest_invitation',
                                                'guest_reminder')),
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
  guest_id        INTEGER REFERENCES guests (id) ON DELETE SET NULL,
  UNIQUE (source_id, type, recipient)
);
INSERT INTO notifications_new (id, event_id, source_id, recipient, channel, type, subject, body,
                               status, attempts, provider_id, last_error, next_attempt_at,
                               created_at, updated_at)
  SELECT id, event_id, source_id, recipient, channel, type, subject, body, status, attempts,
         provider_id, last_error, next_attempt_at, created_at, updated_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_event ON notifications (event_id, id);
CREATE INDEX notifications_guest ON notifications (guest_id, id);
