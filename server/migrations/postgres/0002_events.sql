-- Events and their members' roles (PostgreSQL).
CREATE TABLE events (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        TEXT NOT NULL,
  starts_at   TIMESTAMPTZ NOT NULL,
  venue       TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  created_by  BIGINT NOT NULL REFERENCES users (id),
  created_at  TIMESTAMPTZ NOT NULL,
  updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE event_members (
  event_id BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role     TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  PRIMARY KEY (event_id, user_id)
);

CREATE INDEX event_members_user_id ON event_members (user_id);
