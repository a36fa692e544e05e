-- A non-empty email names at most one guest of an event (the CSV import's
-- "already used by a guest of this event" rule, now also enforced by the
-- database so that concurrent imports and edits cannot both add it).
-- Fails on a database that already holds such duplicates; docs/operations.md
-- gives the query that lists them.
CREATE UNIQUE INDEX guests_event_email ON guests (event_id, email) WHERE email <> '';
