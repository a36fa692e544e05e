-- Collaborator invites to an event (PostgreSQL).
-- Rows outlive their use so that a used, cancelled or replaced token answers
-- 410 rather than 404; only the SHA-256 of a token is stored.
CREATE TABLE event_invites (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash  TEXT NOT NULL UNIQUE,    -- SHA-256 hex of the invite token
  event_id    BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  email       TEXT NOT NULL,           -- normalised: trimmed, lower-cased
  role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  invited_by  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'accepted', 'cancelled', 'replaced')),
  created_at  TIMESTAMPTZ NOT NULL,
  expires_at  TIMESTAMPTZ NOT NULL,
  closed_at   TIMESTAMPTZ,             -- when it left 'pending'
  accepted_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);

-- At most one pending invite per email and event: a new one replaces it.
CREATE UNIQUE INDEX event_invites_pending ON event_invites (event_id, email)
  WHERE state = 'pending';
CREATE INDEX event_invites_event_id ON event_invites (event_id);
