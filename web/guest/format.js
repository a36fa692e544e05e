// Texts of the guest page. Pure (Intl only): tested with node --test.

// The event's start in the guest's time zone (the browser's, unless given):
// {date: "Saturday 31 December 2026", time: "19:00 GMT", zone: "Europe/London"}.
export function formatWhen(iso, { locale, timeZone } = {}) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return { date: '', time: '', zone: '' };
  const zone = timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const date = new Intl.DateTimeFormat(locale, {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: zone,
  }).format(at);
  const time = new Intl.DateTimeFormat(locale, {
    hour: 'numeric', minute: '2-digit', timeZoneName: 'short', timeZone: zone,
  }).format(at);
  return { date, time, zone };
}

// "2026-12-31" of a time in a zone.
function localDay(ms, timeZone) {
  return new Intl.DateTimeFormat('en-CA', {
    year: 'numeric', month: '2-digit', day: '2-digit', timeZone,
  }).format(new Date(ms));
}

// True on the event day (the guest's calendar day of the start) and until 12 h
// after the start (parties run past midnight). The server holds its own,
// wider window (a day either side); this only decides when to ask.
export function isDoorDay(startsAtIso, nowMs, timeZone) {
  const start = Date.parse(startsAtIso);
  if (!Number.isFinite(start)) return false;
  const zone = timeZone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (nowMs > start + 12 * 3600e3 || nowMs < start - 24 * 3600e3) return false;
  return nowMs >= start || localDay(nowMs, zone) === localDay(start, zone);
}

const ANSWERS = { yes: 'Yes, I will come', no: 'No, I cannot come', maybe: 'Maybe' };

// "Yes, I will come — with 1 guest".
export function answerSummary(rsvp) {
  if (!rsvp || !ANSWERS[rsvp.response]) return '';
  const n = rsvp.plus_ones || 0;
  if (rsvp.response === 'no' || n === 0) return ANSWERS[rsvp.response];
  return `${ANSWERS[rsvp.response]} — with ${n} ${n === 1 ? 'guest' : 'guests'}`;
}

// The plus-ones a guest may pick: clamped to 0..allowed (0 when answering no).
export function clampPlusOnes(value, allowed, response) {
  if (response === 'no') return 0;
  const n = Math.trunc(Number(value) || 0);
  return Math.min(Math.max(n, 0), Math.max(allowed || 0, 0));
}
