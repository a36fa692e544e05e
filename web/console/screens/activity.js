// Activity and the live monitor: the feed backfilled from GET .../activity
// (with "older" paging), then live over the WebSocket (a fresh ws-ticket per
// connection, reconnect with backoff, re-backfill and de-duplication after a
// reconnect), with the connection state always visible. A guest's name opens
// their timeline (open → RSVP → check-in) above the feed (?guest=<id>).
import { html, useEffect, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { Link } from '../nav.js';
import { itemKey, mergeItems } from '../lib/activity.js';
import { timeline } from '../lib/rsvps.js';
import { backoffDelay, connectionText, monitorCloseAction } from '../lib/backoff.js';
import { deviceSummary, reasonsInWords } from '../lib/reasons.js';
import { BAND_LABELS } from '../lib/thresholds.js';
import { BandBadge, ErrorNote, when } from './ui.js';

const KIND_WORDS = { open: 'Opened the invitation', rsvp: 'Sent a reply', checkin: 'Checked in' };
const BECAUSE = { allowlisted: 'the network is allowlisted', marked_legitimate: 'you marked it legitimate' };

function GuestName({ item, eventId, fallback }) {
  if (!eventId || !item.guest_name) return html`<strong>${item.guest_name || fallback}</strong>`;
  return html`<${Link} class="guest-link" href=${`/console/events/${eventId}/activity?guest=${encodeURIComponent(item.guest_id)}`}
    title="Open this guest's timeline"><strong>${item.guest_name}</strong><//>`;
}

export function ActivityItem({ item, eventId }) {
  if (item.type === 'rsvp') {
    return html`<li data-key=${itemKey(item)} data-shown-at=${item.shownAt || ''} class="item-rsvp">
      <div><${GuestName} item=${item} eventId=${eventId} fallback="A guest" /> replied <strong>${item.response}</strong>${item.plus_ones ? ` with ${item.plus_ones} more` : ''}</div>
      <div class="meta">${when(item.at)}</div></li>`;
  }
  const d = item.decision || {};
  return html`<li data-key=${itemKey(item)} data-shown-at=${item.shownAt || ''} class=${`item-access band-${d.band}`}>
    <div><${BandBadge} band=${d.band} /> <${GuestName} item=${item} eventId=${eventId} fallback="Unknown guest" /> — ${KIND_WORDS[item.kind] || item.kind}
      ${item.effective && html` <span class="ok">now <${BandBadge} band=${item.effective.band} /> because ${BECAUSE[item.effective.because] || item.effective.because}</span>`}</div>
    <div class="meta">${when(item.at)} · ${deviceSummary(item)}${d.label && d.label !== BAND_LABELS[d.band] ? ` · ${d.label}` : ''}</div>
    ${d.reasons && d.reasons.length > 0 && html`<ul class="reasons">${reasonsInWords(d.reasons).map((r) => html`<li key=${r.code}>${r.text}</li>`)}</ul>`}
  </li>`;
}

function Timeline({ event, guestId }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setItems(null);
    api.activity(event.id, null, 100, guestId).then((p) => setItems(p.items)).catch(setError);
  }, [event.id, guestId]);
  if (error) return html`<${ErrorNote} error=${error} />`;
  if (!items) return html`<p class="loading">Loading…</p>`;
  const t = timeline(items);
  const name = (items.find((i) => i.guest_name) || {}).guest_name || 'This guest';
  const milestone = (key, words) => html`<li class=${t.reached[key] ? 'reached' : ''} data-reached=${t.reached[key] ? 'yes' : 'no'}>
    ${t.reached[key] ? '✓ ' : ''}${words}</li>`;
  return html`<section class="card" id="timeline" aria-labelledby="timeline-title">
    <div class="row"><h2 id="timeline-title">${name}</h2>
      <${Link} class="btn" id="close-timeline" href=${`/console/events/${event.id}/activity`}>Close<//></div>
    <ol class="milestones" aria-label="Progress">${milestone('open', 'Opened')}${milestone('rsvp', 'Replied')}${milestone('checkin', 'Checked in')}</ol>
    ${t.steps.length === 0 ? html`<p class="muted">Nothing yet.</p>`
      : html`<ol class="timeline" id="timeline-steps">${t.steps.map((s, i) => html`<li key=${i} data-step=${s.step}>
        ${s.band && html`<${BandBadge} band=${s.band} /> `}${s.what} <span class="meta">${when(s.at)}</span></li>`)}</ol>`}
  </section>`;
}

export function Activity({ event, route }) {
  const guestId = route && route.query && route.query.guest;
  const [items, setItems] = useState([]);
  const [cursor, setCursor] = useState(null);
  const [state, setState] = useState('connecting');
  const [retryIn, setRetryIn] = useState(0);
  const [error, setError] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const live = useRef({ closed: false, ws: null, timer: null, attempt: 0 });

  const backfill = async () => {
    const page = await api.activity(event.id);
    setItems((list) => mergeItems(list, page.items));
    setCursor((c) => c === null ? page.next_cursor : c);
    setLoaded(true);
  };

  useEffect(() => {
    const l = live.current;
    l.closed = false;
    // The session ended on the server: any call now answers 401, which signs
    // the console out and sends the host to sign in (api.js).
    const signOutHere = () => { api.me().catch(() => {}); };
    const retry = () => {
      if (l.closed) return;
      const delay = backoffDelay(l.attempt++);
      setState('waiting');
      setRetryIn(delay);
      l.timer = setTimeout(connect, delay);
    };
    async function connect() {
      if (l.closed) return;
      setState('connecting');
      let ticket;
      try {
        ticket = await api.wsTicket(event.id);
      } catch (err) {
        if (err.status === 401 || err.status === 403 || err.status === 404) { setState('offline'); setError(err); return; }
        retry();
        return;
      }
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const ws = new WebSocket(`${scheme}://${location.host}/events/${encodeURIComponent(event.id)}/monitor?ticket=${encodeURIComponent(ticket.ticket)}`);
      l.ws = ws;
      ws.onopen = () => {
        l.attempt = 0;
        setState('live');
        // Anything published while the socket was down arrives by backfill.
        backfill().catch(setError);
      };
      ws.onmessage = (m) => {
        let item;
        try { item = JSON.parse(m.data); } catch (e) { return; }
        item.shownAt = String(Date.now());
        setItems((list) => mergeItems(list, [item]));
      };
      ws.onclose = (e) => {
        if (l.ws !== ws) return;
        l.ws = null;
        const action = monitorCloseAction(e.code);
        if (action === 'retry') { retry(); return; }
        // Access went away while watching: no reconnecting.
        setState('offline');
        if (action === 'signed-out') { signOutHere(); return; }
        setError(new Error('You no longer have access to this event’s live activity.'));
      };
    }
    backfill().catch(setError);
    connect();
    const online = () => { if (!l.ws && !l.closed) { clearTimeout(l.timer); l.attempt = 0; connect(); } };
    window.addEventListener('online', online);
    return () => {
      l.closed = true;
      clearTimeout(l.timer);
      window.removeEventListener('online', online);
      if (l.ws) { const ws = l.ws; l.ws = null; ws.close(); }
    };
  }, [event.id]);

  const older = async () => {
    try {
      const page = await api.activity(event.id, cursor);
      setItems((list) => mergeItems(list, page.items, 5000));
      setCursor(page.next_cursor);
    } catch (err) { setError(err); }
  };

  return html`<div data-state=${loaded ? 'activity' : 'loading'}>
    <p><span id="connection" class=${`badge ${state === 'live' ? 'live' : ''}`} role="status" data-connection=${state}>${connectionText(state, retryIn)}</span></p>
    <${ErrorNote} error=${error} />
    ${guestId && html`<${Timeline} event=${event} guestId=${guestId} />`}
    ${loaded && items.length === 0 && html`<p class="muted" id="no-activity">Nothing yet. Opens, replies and check-ins appear here as they happen.</p>`}
    <ul class="list feed card" id="feed">${items.map((item) => html`<${ActivityItem} key=${itemKey(item)} item=${item} eventId=${event.id} />`)}</ul>
    ${cursor && html`<button id="older" onClick=${older}>Show older activity</button>`}
  </div>`;
}
