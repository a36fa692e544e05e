// Console URLs (pure). Every screen has its own URL so reloads and links
// work; the server answers every one of them with the same shell.
//   /                               home (signed out) → events (signed in)
//   /console/signin, /console/signup, /console/events
//   /console/verify#<token>         an email verification link (signs in)
//   /console/account                password change, sign out everywhere
//   /console/events/{id}/{tab}      tab: guests rsvps activity security team notifications
//                                   settings door (activity?guest=<id>: a guest's timeline)
//   /invites/{token}                a collaborator invite
export const TABS = ['guests', 'rsvps', 'activity', 'security', 'team', 'notifications', 'settings', 'door'];

export function parseRoute(pathname, search = '') {
  const query = Object.fromEntries(new URLSearchParams(search));
  const parts = pathname.replace(/\/+$/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'home', query };
  if (parts[0] === 'invites' && parts.length === 2) return { name: 'invite', token: parts[1], query };
  if (parts[0] === 'console') {
    if (parts.length === 2 && ['signin', 'signup', 'events', 'verify', 'account'].includes(parts[1])) {
      return { name: parts[1], query };
    }
    if (parts.length === 4 && parts[1] === 'events' && /^\d+$/.test(parts[2]) && TABS.includes(parts[3])) {
      return { name: 'event', id: parts[2], tab: parts[3], query };
    }
  }
  return { name: 'notfound', query };
}

// Where a signed-out visitor goes to sign in, remembering `from` (a console
// path only: never another origin).
export function signinUrl(from) {
  return safeNext(from) ? `/console/signin?next=${encodeURIComponent(from)}` : '/console/signin';
}

export function safeNext(next) {
  return typeof next === 'string' && /^\/(console|invites)\/[A-Za-z0-9/_\-.?=&%]*$/.test(next)
    && !next.startsWith('//');
}

// The query string of a filters object, leaving out empty values.
export function queryString(filters) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}
