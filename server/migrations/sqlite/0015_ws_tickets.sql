-- Live monitor tickets (SQLite; times INTEGER unix microseconds), shared by
-- every process on the database so a ticket one issues opens the monitor on
-- another (server/ws_tickets.h). Only the SHA-256 of a ticket is stored; a
-- ticket lives at most 30 s and is deleted by its first presentation.
CREATE TABLE ws_tickets (
  ticket_hash  TEXT PRIMARY KEY,     -- SHA-256 hex of the ticket
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  session_hash TEXT NOT NULL,        -- SHA-256 hex of the issuing session's token
  expires_at   INTEGER NOT NULL
);
-- The outstanding count and the sweep of expired rows.
CREATE INDEX ws_tickets_expires_at ON ws_tickets (expires_at);
