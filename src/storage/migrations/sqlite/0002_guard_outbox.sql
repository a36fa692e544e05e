-- The transactional outbox (DESIGN §2.8): a domain change and the event it
-- produces commit together; a relay publishes pending rows (published_at IS
-- NULL) in id order and stamps them. Times are INTEGER unix microseconds.
CREATE TABLE guard_outbox (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  subject      TEXT NOT NULL,
  payload      TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  published_at INTEGER
);
CREATE INDEX guard_outbox_pending ON guard_outbox (id) WHERE published_at IS NULL;
CREATE INDEX guard_outbox_published ON guard_outbox (published_at) WHERE published_at IS NOT NULL;
