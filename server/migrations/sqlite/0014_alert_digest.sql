-- The access a fraud alert is about (SQLite): the digest (server/alert_digest.h)
-- counts the suspicious accesses of a guest after the last one an email went
-- out for. NULL for every other notification.
ALTER TABLE notifications ADD COLUMN access_log_id INTEGER;
