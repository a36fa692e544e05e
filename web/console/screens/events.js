// Events: every event the host has a role on (with the role), create; and
// the event's settings tab (edit; delete for owners, confirmed by name).
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { Link, navigate } from '../nav.js';
import { ErrorNote, Field, ROLE_WORDS, when } from './ui.js';

// datetime-local value ↔ RFC 3339 UTC.
const toLocalInput = (iso) => {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (v) => new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z');

function EventForm({ event, submitLabel, onSubmit, onCancel }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setBusy(true);
    setError(null);
    try {
      await onSubmit({
        name: f['event-name'].value.trim(),
        starts_at: fromLocalInput(f['event-starts'].value),
        venue: f['event-venue'].value.trim(),
        description: f['event-description'].value.trim(),
      });
    } catch (err) {
      setError(err);
    }
    setBusy(false);
  };
  return html`<form class="card" id="event-form" onSubmit=${submit}>
    <${Field} id="event-name" label="Event name"><input id="event-name" type="text" required maxlength="200" value=${event ? event.name : ''} /><//>
    <${Field} id="event-starts" label="Starts at (your time)"><input id="event-starts" type="datetime-local" required value=${toLocalInput(event && event.starts_at)} /><//>
    <${Field} id="event-venue" label="Venue"><input id="event-venue" type="text" value=${event ? event.venue || '' : ''} /><//>
    <${Field} id="event-description" label="Description"><textarea id="event-description">${event ? event.description || '' : ''}</textarea><//>
    <${ErrorNote} error=${error} />
    <div class="actions"><button class="primary" type="submit" id="event-save" disabled=${busy}>${submitLabel}</button>
      ${onCancel && html`<button type="button" onClick=${onCancel}>Cancel</button>`}</div>
  </form>`;
}

export function Events() {
  const [events, setEvents] = useState(null);
  const [error, setError] = useState(null);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    api.events().then((r) => {
      // Door staff of a single event (and nothing else) land on its door view.
      if (r.events.length === 1 && r.events[0].your_role === 'door') {
        navigate(`/console/events/${r.events[0].id}/door`, { replace: true });
        return;
      }
      setEvents(r.events);
      performance.mark('gg:events-shown');
    }).catch(setError);
  }, []);
  const create = async (fields) => {
    const ev = await api.createEvent(fields);
    navigate(`/console/events/${ev.id}/guests`);
  };
  return html`<div class="wrap" data-state=${events ? 'events' : 'loading'}>
    <div class="row"><h1>Your events</h1>
      ${!creating && html`<button class="primary" id="new-event" onClick=${() => setCreating(true)}>New event</button>`}</div>
    ${creating && html`<${EventForm} submitLabel="Create event" onSubmit=${create} onCancel=${() => setCreating(false)} />`}
    <${ErrorNote} error=${error} />
    ${events && (events.length === 0
      ? html`<p class="muted" id="no-events">No events yet. Create your first one.</p>`
      : html`<ul class="list card" id="events">${events.map((ev) => html`<li key=${ev.id}>
          <${Link} class="event-link" href=${`/console/events/${ev.id}/${ev.your_role === 'door' ? 'door' : 'guests'}`}>${ev.name}<//>
          <div class="meta">${when(ev.starts_at)}${ev.venue ? ` · ${ev.venue}` : ''} ·
            <span class="badge role">${ROLE_WORDS[ev.your_role] || ev.your_role}</span></div></li>`)}</ul>`)}
  </div>`;
}

export function EventSettings({ event, onChanged }) {
  const [saved, setSaved] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const role = event.your_role;
  if (role !== 'owner' && role !== 'editor') {
    return html`<div class="card" data-state="settings"><p class="muted">Only editors and owners can change this event.</p></div>`;
  }
  const save = async (fields) => {
    setSaved(false);
    const ev = await api.patchEvent(event.id, fields);
    onChanged(ev);
    setSaved(true);
  };
  const remove = async () => {
    try {
      await api.deleteEvent(event.id);
      navigate('/console/events');
    } catch (err) { setError(err); }
  };
  return html`<div data-state="settings">
    <${EventForm} event=${event} submitLabel="Save changes" onSubmit=${save} />
    ${saved && html`<p class="ok" role="status">Saved.</p>`}
    ${role === 'owner' && html`<section class="card confirm">
      <h2>Delete this event</h2>
      ${!confirming ? html`<button class="danger" id="delete-event" onClick=${() => setConfirming(true)}>Delete event…</button>`
        : html`<p id="delete-question">Delete “${event.name}”? Its guests, links, replies and activity are removed for good.</p>
          <div class="actions"><button class="danger" id="delete-confirm" onClick=${remove}>Delete “${event.name}”</button>
          <button onClick=${() => setConfirming(false)}>Keep it</button></div>`}
      <${ErrorNote} error=${error} />
    </section>`}
  </div>`;
}
