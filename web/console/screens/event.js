// One event: its name, the host's role, and a tab per task. Door staff get
// only the door view (the server refuses them everything else): the door tab
// loads from GET .../door, and any other tab sends them there.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { Link, navigate } from '../nav.js';
import { Activity } from './activity.js';
import { Door } from './door.js';
import { Notifications } from './notifications.js';
import { Rsvps } from './rsvps.js';
import { EventSettings } from './events.js';
import { Guests } from './guests.js';
import { Security } from './security.js';
import { Team } from './team.js';
import { ErrorNote, ROLE_WORDS, when } from './ui.js';

const TAB_WORDS = { guests: 'Guests', rsvps: 'RSVPs', activity: 'Activity', security: 'Security', team: 'Team',
  notifications: 'Notifications', door: 'Door', settings: 'Settings' };
// Notifications are for editors and owners (the server refuses viewers).
const shownTabs = (role) => Object.entries(TAB_WORDS)
  .filter(([tab]) => tab !== 'notifications' || role === 'owner' || role === 'editor');

export function EventPage({ route }) {
  const [event, setEvent] = useState(null);
  const [error, setError] = useState(null);
  const doorTab = route.tab === 'door';
  useEffect(() => {
    setError(null);
    if (doorTab) {
      // The door view's own read: door staff may not read the event itself.
      api.door(route.id).then((d) => setEvent((prev) => ({ ...(prev || {}), ...d.event, your_role: d.your_role })))
        .catch(setError);
    } else {
      api.event(route.id).then(setEvent).catch((err) => {
        if (err.status === 403) navigate(`/console/events/${route.id}/door`, { replace: true });
        else setError(err);
      });
    }
  }, [route.id, route.tab]);
  if (event && event.your_role === 'door' && !doorTab) {
    navigate(`/console/events/${route.id}/door`, { replace: true });
    return null;
  }
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
    case 'rsvps': body = html`<${Rsvps} ...${props} />`; break;
    case 'notifications': body = html`<${Notifications} ...${props} />`; break;
    case 'door': body = html`<${Door} event=${event} role=${event.your_role} />`; break;
    default: body = html`<${EventSettings} event=${event} onChanged=${setEvent} />`;
  }
  return html`<div class="wrap">
    ${event.your_role !== 'door' && html`<p class="meta"><${Link} href="/console/events">All events<//></p>`}
    <h1 id="event-title">${event.name}</h1>
    <p class="meta">${when(event.starts_at)}${event.venue ? ` · ${event.venue}` : ''} ·
      You are <span class="badge" id="your-role">${ROLE_WORDS[event.your_role] || event.your_role}</span></p>
    ${event.your_role !== 'door' && html`<nav class="tabs" aria-label="Event sections">
      ${shownTabs(event.your_role).map(([tab, words]) => html`<${Link} key=${tab} id=${`tab-${tab}`}
        href=${`${base}/${tab}`} aria-current=${route.tab === tab ? 'page' : undefined}>${words}<//>`)}
    </nav>`}
    ${body}
  </div>`;
}
