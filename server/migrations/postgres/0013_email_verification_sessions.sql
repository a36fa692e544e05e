-- Email verification and session idle timeout (PostgreSQL). Accounts that
-- existed before this migration are unverified: their live sessions keep
-- working, but they verify once before they accept an invite or sign in again
-- (docs/threat-model.md, issue 15 fault 2).
ALTER TABLE users ADD COLUMN email_verified_at TIMESTAMPTZ;  -- NULL: not verified yet
-- The last account email (verification link or signup notice) queued for the
-- account: at most one a minute (email_verification.h).
ALTER TABLE users ADD COLUMN account_email_at TIMESTAMPTZ;

-- Last use of a session, written at most once per touch interval (auth.h);
-- NULL (rows from before this migration) counts as created_at.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ;

-- Email verification links: only the SHA-256 of a token is stored; a token
-- is used at most once and expires (24 h).
CREATE TABLE email_verifications (
  token_hash TEXT PRIMARY KEY,         -- SHA-256 hex of the verification token
  user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL,
  used_at    TIMESTAMPTZ                -- set when followed (or superseded by a verification)
);
CREATE INDEX email_verifications_user ON email_verifications (user_id, created_at);

-- Two more notification types: the verification link and the "someone tried
-- to sign up with your address" notice.
ALTER TABLE notifications DROP CONSTRAINT notifications_type_check,
  ADD CONSTRAINT notifications_type_check CHECK (type IN ('rsvp_confirmation', 'fraud_alert',
    'collaborator_invite', 'guest_invitation', 'guest_reminder', 'email_verification',
    'signup_notice'));
