-- When a guest was first (or last) given a link; NULL while none was ever issued
-- (SQLite: INTEGER unix microseconds). POST /events/{id}/tokens/bulk issues to
-- the NULL ones.
ALTER TABLE guests ADD COLUMN token_issued_at INTEGER;
