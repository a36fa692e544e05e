-- Paged guest and RSVP lists, and the CSV import quota (PostgreSQL).
-- Keyset paging: GET /events/{id}/guests walks (event_id, id);
-- GET /events/{id}/rsvps walks (event_id, updated_at DESC, guest_id DESC).
CREATE INDEX guests_event_id_id ON guests (event_id, id);
CREATE INDEX rsvps_event_updated ON rsvps (event_id, updated_at, guest_id);
-- One row per committed CSV import: the per-event hourly import quota counts
-- the rows of the last hour (server/quotas.h). Rows older than an hour are
-- deleted by the next import of the event.
CREATE TABLE guest_imports (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id     BIGINT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  imported_at  TIMESTAMPTZ NOT NULL,
  guests_added INTEGER NOT NULL
);
CREATE INDEX guest_imports_event ON guest_imports (event_id, imported_at);
