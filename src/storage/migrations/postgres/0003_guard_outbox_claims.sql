-- A relay claims the rows it is about to publish for a while (a lease) instead
-- of holding their row locks across the bus round trip: claimed rows are
-- skipped by other relays until claimed_until passes, so a relay that died
-- mid-batch delays those rows, never loses them.
ALTER TABLE guard_outbox ADD COLUMN claimed_until TIMESTAMPTZ;
