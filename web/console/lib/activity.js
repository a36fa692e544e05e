// Activity feed bookkeeping (pure): one identity per item, merging the
// backfill with live messages without duplicates (an item published just
// before the socket opened can arrive both ways, and again after a reconnect's
// re-backfill), newest first.

export function itemKey(item) {
  if (item.type === 'access' && item.decision && item.decision.access_log_id) {
    return `a:${item.decision.access_log_id}`;
  }
  return `${item.type}:${item.guest_id}:${item.at}:${item.kind || ''}:${item.response || ''}:${item.plus_ones ?? ''}`;
}

// `list` with `incoming` added; already-known items are replaced (their
// effective label may have changed), order newest first, at most `limit`.
export function mergeItems(list, incoming, limit = 500) {
  const byKey = new Map();
  for (const item of list) byKey.set(itemKey(item), item);
  for (const item of incoming) {
    const key = itemKey(item);
    byKey.set(key, { ...byKey.get(key), ...item });  // Keep fields only one copy has.
  }
  return [...byKey.values()]
    .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, limit);
}

// The band a host should read for an access: the effective re-label when
// there is one (allowlisted / marked legitimate), else the recorded band.
export function effectiveBand(item) {
  if (item.effective && item.effective.band) return item.effective.band;
  return item.decision ? item.decision.band : null;
}

// The verdict inbox: accesses flagged Review or above with no verdict yet,
// oldest first.
export function inbox(items, verdicts) {
  const done = new Set(verdicts.map((v) => v.access_log_id));
  return items
    .filter((i) => i.type === 'access' && i.decision && ['medium', 'high', 'block'].includes(i.decision.band)
      && !done.has(i.decision.access_log_id) && !i.effective)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
