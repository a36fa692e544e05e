-- The transactional outbox (DESIGN §2.8): a domain change and the event it
-- produces commit together; a relay publishes pending rows (published_at IS
-- NULL) in id order and stamps them.
CREATE TABLE guard_outbox (
  id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject      TEXT NOT NULL,
  payload      TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  published_at TIMESTAMPTZ
);
CREATE INDEX guard_outbox_pending ON guard_outbox (id) WHERE published_at IS NULL;
CREATE INDEX guard_outbox_published ON guard_outbox (published_at) WHERE published_at IS NOT NULL;
