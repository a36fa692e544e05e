// One event: its name, the host's role, and a tab per task.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { Link } from '../nav.js';
import { Activity } from './activity.js';
import { EventSettings } from './events.js';
import { Guests } from './guests.js';
import { Security } from './security.js';
import { Team } from './team.js';
import { ErrorNote, ROLE_WORDS, when } from './ui.js';

const TAB_WORDS = { guests: 'Guests', activity: 'Activity', security: 'Security', team: 'Team', settings: 'Settings' };

export function EventPage({ route }) {
  const [event, setEvent] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api.event(route.id).then(setEvent).catch(setError); }, [route.id]);
  if (error) return html`<div class="wrap"><${ErrorNote} error=${error} /><${Link} href="/console/events">All events<//></div>`;
  if (!event) return html`<p class="loading">Loading…</p>`;
  const base = `/console/events/${event.id}`;
  const props = { event, route };
  let body;
  switch (route.tab) {
    case 'guests': body = html`<${Guests} ...${props} />`; break;
    case 'activity': body = html`<${Activity} ...${props} />`; break;
    case 'security': body = html`<${Security} ...${props} />`; break;
    case 'team': body = html`<${Team} ...${props} />`; break;
    default: body = html`<${EventSettings} event=${event} onChanged=${setEvent} />`;
  }
  return html`<div class="wrap">
    <p class="meta"><${Link} href="/console/events">All events<//></p>
    <h1 id="event-title">${event.name}</h1>
    <p class="meta">${when(event.starts_at)}${event.venue ? ` · ${event.venue}` : ''} ·
      You are <span class="badge" id="your-role">${ROLE_WORDS[event.your_role] || event.your_role}</span></p>
    <nav class="tabs" aria-label="Event sections">
      ${Object.entries(TAB_WORDS).map(([tab, words]) => html`<${Link} key=${tab} id=${`tab-${tab}`}
        href=${`${base}/${tab}`} aria-current=${route.tab === tab ? 'page' : undefined}>${words}<//>`)}
    </nav>
    ${body}
  </div>`;
}
