-- Paged guest and RSVP lists, and the CSV import quota (SQLite). Times are
-- INTEGER unix microseconds.
-- Keyset paging: GET /events/{id}/guests walks (event_id, id) (the rowid rides
-- in guests_event_id already); GET /events/{id}/rsvps walks
-- (event_id, updated_at DESC, guest_id DESC).
CREATE INDEX rsvps_event_updated ON rsvps (event_id, updated_at, guest_id);
-- One row per committed CSV import: the per-event hourly import quota counts
-- the rows of the last hour (server/quotas.h). Rows older than an hour are
-- deleted by the next import of the event.
CREATE TABLE guest_imports (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  imported_at  INTEGER NOT NULL,
  guests_added INTEGER NOT NULL
);
CREATE INDEX guest_imports_event ON guest_imports (event_id, imported_at);
