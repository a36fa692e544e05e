-- Events and their members' roles (SQLite). Times are INTEGER unix microseconds.
CREATE TABLE events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL,
  starts_at   INTEGER NOT NULL,
  venue       TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  created_by  INTEGER NOT NULL REFERENCES users (id),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE event_members (
  event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role     TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (event_id, user_id)
);

CREATE INDEX event_members_user_id ON event_members (user_id);
