-- Live monitor tickets (PostgreSQL), shared by every node on the database so
-- a ticket one node issues opens the monitor on another (server/ws_tickets.h).
-- Only the SHA-256 of a ticket is stored; a ticket lives at most 30 s and is
-- deleted by its first presentation.
CREATE TABLE ws_tickets (
  ticket_hash  TEXT PRIMARY KEY,     -- SHA-256 hex of the ticket
  user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  event_id     BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  session_hash TEXT NOT NULL,        -- SHA-256 hex of the issuing session's token
  expires_at   TIMESTAMPTZ NOT NULL
);
-- The outstanding count and the sweep of expired rows.
CREATE INDEX ws_tickets_expires_at ON ws_tickets (expires_at);
