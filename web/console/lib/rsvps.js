// A guest's timeline (pure). (RSVP counts come from the server: GET .../rsvps counts the whole event.)

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
