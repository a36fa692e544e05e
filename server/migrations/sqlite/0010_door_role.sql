-- The door role (door staff: the door view and check-ins of one event) for
-- members and collaborator invites (SQLite: a CHECK changes by rebuilding the
-- table; nothing references these two tables).
CREATE TABLE event_members_new (
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role     TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer', 'door')),
  PRIMARY KEY (event_id, user_id)
);
INSERT INTO event_members_new (event_id, user_id, role)
  SELECT event_id, user_id, role FROM event_members;
DROP TABLE event_members;
ALTER TABLE event_members_new RENAME TO event_members;
CREATE INDEX event_members_user_id ON event_members (user_id);

CREATE TABLE event_invites_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  token_hash  TEXT NOT NULL UNIQUE,    -- SHA-256 hex of the invite token
  event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  email       TEXT NOT NULL,           -- normalised: trimmed, lower-cased
  role        TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer', 'door')),
  invited_by  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'accepted', 'cancelled', 'replaced')),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  closed_at   INTEGER,                 -- when it left 'pending'
  accepted_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
INSERT INTO event_invites_new (id, token_hash, event_id, email, role, invited_by, state,
                               created_at, expires_at, closed_at, accepted_by)
  SELECT id, token_hash, event_id, email, role, invited_by, state,
         created_at, expires_at, closed_at, accepted_by FROM event_invites;
DROP TABLE event_invites;
ALTER TABLE event_invites_new RENAME TO event_invites;
CREATE UNIQUE INDEX event_invites_pending ON event_invites (event_id, email)
  WHERE state = 'pending';
CREATE INDEX event_invites_event_id ON event_invites (event_id);
