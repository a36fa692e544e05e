-- Email verification and session idle timeout (SQLite; times INTEGER unix
-- microseconds). Accounts that existed before this migration are unverified:
-- their live sessions keep working, but they verify once before they accept
-- an invite or sign in again (docs/threat-model.md, issue 15 fault 2).
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;  -- NULL: not verified yet
-- The last account email (verification link or signup notice) queued for the
-- account: at most one a minute (email_verification.h).
ALTER TABLE users ADD COLUMN account_email_at INTEGER;

-- Last use of a session, written at most once per touch interval (auth.h);
-- NULL (rows from before this migration) counts as created_at.
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;

-- Email verification links: only the SHA-256 of a token is stored; a token
-- is used at most once and expires (24 h).
CREATE TABLE email_verifications (
  token_hash TEXT PRIMARY KEY,         -- SHA-256 hex of the verification token
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER                   -- set when followed (or superseded by a verification)
);
CREATE INDEX email_verifications_user ON email_verifications (user_id, created_at);

-- Two more notification types: the verification link and the "someone tried
-- to sign up with your address" notice. A CHECK changes by rebuilding the
-- table; nothing references it.
CREATE TABLE notifications_new (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id        INTEGER REFERENCES events (id) ON DELETE CASCADE,
  source_id       TEXT NOT NULL,   -- the bus message id that caused it
  recipient       TEXT NOT NULL,
  channel         TEXT NOT NULL,   -- 'log' | 'email' | 'mail-dir'
  type            TEXT NOT NULL CHECK (type IN ('rsvp_confirmation', 'fraud_alert',
                                                'collaborator_invite', 'guest_invitation',
                                                'guest_reminder', 'email_verification',
                                                'signup_notice')),
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
                               created_at, updated_at, guest_id)
  SELECT id, event_id, source_id, recipient, channel, type, subject, body, status, attempts,
         provider_id, last_error, next_attempt_at, created_at, updated_at, guest_id
  FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_event ON notifications (event_id, id);
CREATE INDEX notifications_guest ON notifications (guest_id, id);
