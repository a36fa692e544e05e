// Notifications: every message the event sent (to guests, the team and the
// hosts), to whom, its delivery state and attempts, newest first, with paging.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { ErrorNote, when } from './ui.js';

const TYPE_WORDS = {
  guest_invitation: 'Invitation to a guest', guest_reminder: 'Reminder to a guest',
  rsvp_confirmation: 'Reply confirmation', fraud_alert: 'Fraud alert', collaborator_invite: 'Team invitation',
};
const STATE = { sent: ['Sent', 'low'], pending: ['Sending', 'medium'], failed: ['Not delivered', 'block'] };

export function Notifications({ event }) {
  const [items, setItems] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const load = async (before) => {
    try {
      const page = await api.notifications(event.id, before);
      setItems((list) => (before ? [...(list || []), ...page.notifications] : page.notifications));
      setNext(page.next_before);
    } catch (err) { setError(err); }
  };
  useEffect(() => { load(null); }, [event.id]);
  return html`<div data-state=${items ? 'notifications' : 'loading'}>
    <${ErrorNote} error=${error} />
    <p class="meta">Invitations and reminders to guests, reply confirmations, fraud alerts to owners and editors, and team invitations. Message texts are never shown here: they hold personal links.</p>
    ${items && items.length === 0 && html`<p class="muted" id="no-notifications">Nothing sent yet.</p>`}
    ${items && items.length > 0 && html`<div class="table-wrap card"><table id="notifications" class="stack"><thead><tr>
      <th>What, to whom</th><th>State</th><th>Attempts</th><th class="hide-sm">When</th></tr></thead>
      <tbody>${items.map((n) => {
        const [word, tone] = STATE[n.status] || [n.status, ''];
        return html`<tr key=${n.id} data-type=${n.type} data-status=${n.status}>
          <td class="name">${TYPE_WORDS[n.type] || n.type}<div class="meta wrap-any recipient">${n.recipient}</div></td>
          <td data-label="State"><span class=${`badge ${tone}`}>${word}</span>${n.last_error && html`<div class="meta">${n.last_error}</div>`}</td>
          <td data-label="Attempts">${n.attempts}</td><td class="hide-sm" data-label="When">${when(n.updated_at)}</td></tr>`;
      })}</tbody></table></div>`}
    ${next && html`<button id="older-notifications" onClick=${() => load(next)}>Show older</button>`}
  </div>`;
}
