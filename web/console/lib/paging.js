// Paged lists of the console (pure): the query of one page of guests or
// RSVPs (filters from the URL, the server's cursor), pages appended without
// duplicates, and the words for a list's count and a guest's link state.

export const GUEST_FILTERS = ['q', 'rsvp', 'band', 'checked'];

// "?limit=..&q=..&cursor=.." for GET .../guests (filters are the URL's query:
// only the known ones, only when set) or .../rsvps ({response}).
export function pageQuery(filters = {}, cursor = null, limit = 100) {
  const p = new URLSearchParams();
  p.set('limit', String(limit));
  for (const [k, v] of Object.entries(filters)) {
    if (v !== undefined && v !== null && String(v).trim() !== '') p.set(k, String(v).trim());
  }
  if (cursor) p.set('cursor', cursor);
  return `?${p.toString()}`;
}

// The URL query's guest filters only.
export function guestFilters(query) {
  const out = {};
  for (const k of GUEST_FILTERS) if (query[k]) out[k] = query[k];
  return out;
}

// `list` followed by the items of `page` it does not hold yet (by `key`).
export function appendPage(list, page, key = 'id') {
  const seen = new Set(list.map((x) => x[key]));
  return list.concat(page.filter((x) => !seen.has(x[key])));
}

// "12 of 250 guests" (shown of the event's total) and whether more can load.
export function countText(shown, total, noun = 'guests') {
  return `${shown} of ${total} ${noun}`;
}

// A guest's link as the table shows it: made this session (copyable), made
// before (the date, from the server), or none yet.
export function linkState(guest, links, format = (iso) => iso) {
  if (links[guest.id]) return { state: 'known', text: 'Copy link' };
  if (guest.link_issued_at) return { state: 'made', text: `Link made ${format(guest.link_issued_at)}` };
  return { state: 'none', text: 'No link yet' };
}
