// RSVPs: the counts (yes / no / maybe / no reply, and the heads coming with
// their plus-ones; the server counts the whole event) and the list, newest
// first, 100 a page with "Show more".
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { Link } from '../nav.js';
import { appendPage } from '../lib/paging.js';
import { ErrorNote, when } from './ui.js';

const WORDS = { yes: 'Yes', no: 'No', maybe: 'Maybe' };

export function Rsvps({ event }) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [more, setMore] = useState(false);
  useEffect(() => {
    api.rsvps(event.id).then((r) => setData({ rsvps: r.rsvps, counts: r.counts, next: r.next_cursor }))
      .catch(setError);
  }, [event.id]);
  const loadMore = async () => {
    setMore(true);
    try {
      const r = await api.rsvps(event.id, data.next);
      setData((d) => ({ rsvps: appendPage(d.rsvps, r.rsvps, 'guest_id'), counts: r.counts, next: r.next_cursor }));
    } catch (err) { setError(err); }
    setMore(false);
  };
  if (error && !data) return html`<${ErrorNote} error=${error} />`;
  if (!data) return html`<p class="loading">Loading…</p>`;
  const c = { ...data.counts, maybeHeads: data.counts.maybe_heads };
  const tile = (id, label, value, hint) => html`<div class="tile" id=${id}><span class="tile-value">${value}</span>
    <span class="tile-label">${label}</span>${hint && html`<span class="meta">${hint}</span>`}</div>`;
  return html`<div data-state="rsvps">
    <section class="card"><h2>Replies</h2>
      <div class="tiles" id="rsvp-counts">
        ${tile('count-heads', 'People coming', c.heads, 'Yes replies and their plus-ones')}
        ${tile('count-yes', 'Yes', c.yes)}
        ${tile('count-maybe', 'Maybe', c.maybe, c.maybeHeads ? `up to ${c.maybeHeads} people` : '')}
        ${tile('count-no', 'No', c.no)}
        ${tile('count-none', 'No reply yet', c.none)}
      </div>
    </section>
    ${data.rsvps.length === 0 ? html`<p class="muted" id="no-rsvps">No replies yet.</p>`
      : html`<div class="table-wrap card"><table id="rsvps"><thead><tr><th>Guest</th><th>Reply</th><th>Plus-ones</th><th class="hide-sm">When</th></tr></thead>
        <tbody>${data.rsvps.map((r) => html`<tr key=${r.guest_id} data-guest=${r.guest_name}>
          <td><${Link} href=${`/console/events/${event.id}/activity?guest=${r.guest_id}`}>${r.guest_name}<//></td>
          <td><span class="badge">${WORDS[r.response] || r.response}</span></td><td>${r.plus_ones}</td>
          <td class="hide-sm">${when(r.updated_at)}</td></tr>`)}</tbody></table></div>`}
    <${ErrorNote} error=${error} />
    ${data.next && html`<div class="actions"><button id="rsvps-more" disabled=${more} onClick=${loadMore}>${more ? 'Loading…' : 'Show 100 more'}</button></div>`}
  </div>`;
}
