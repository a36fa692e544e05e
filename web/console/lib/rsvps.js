// RSVP counts and a guest's timeline (pure).

// {yes, no, maybe, none, heads, maybeHeads}: heads are the people coming
// (1 + plus-ones of every "yes"); none the guests who have not replied.
export function rsvpCounts(rsvps, guestCount) {
  const c = { yes: 0, no: 0, maybe: 0, none: 0, heads: 0, maybeHeads: 0 };
  for (const r of rsvps) {
    if (!(r.response in c)) continue;
    c[r.response] += 1;
    if (r.response === 'yes') c.heads += 1 + (r.plus_ones || 0);
    if (r.response === 'maybe') c.maybeHeads += 1 + (r.plus_ones || 0);
  }
  c.none = Math.max(0, guestCount - c.yes - c.no - c.maybe);
  return c;
}

const STEP_OF = { open: 'open', rsvp: 'rsvp', checkin: 'checkin' };

// A guest's activity items (any order) → {steps, reached}: the steps oldest
// first, each {key, at, what, step, band?}; reached says which milestones of
// open → RSVP → check-in happened (an allowed access, or the reply itself).
export function timeline(items) {
  const steps = [];
  const reached = { open: false, rsvp: false, checkin: false };
  for (const item of items) {
    if (item.type === 'rsvp') {
      reached.rsvp = true;
      steps.push({ at: item.at, step: 'rsvp',
        what: `Replied ${item.response}${item.plus_ones ? ` with ${item.plus_ones} more` : ''}` });
      continue;
    }
    const d = item.decision || {};
    const band = (item.effective && item.effective.band) || d.band;
    const step = STEP_OF[item.kind] || 'open';
    const allowed = band !== 'block';
    if (allowed && step !== 'rsvp') reached[step] = true;
    const words = { open: 'Opened the invitation', rsvp: 'Sent the reply', checkin: 'Checked in' }[step];
    steps.push({ at: item.at, step, band, what: allowed ? words : `${words} — refused` });
  }
  steps.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { steps, reached };
}
