// Every call of the console goes through here: the session's bearer token,
// JSON in and out (CSV where the API takes or gives CSV), and every refusal
// turned into an ApiError whose message is words a host understands
// (lib/errors.js). A 401 ends the session and tells the app, which sends the
// host to sign in, remembering the page.
import { errorText } from './lib/errors.js';
import { pageQuery } from './lib/paging.js';

const KEY = 'guestguard.session';

export class ApiError extends Error {
  constructor(status, code, serverMessage, body) {
    super(errorText(status, code, serverMessage));
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let store = globalThis.localStorage;
let signedOutListener = null;

export const session = {
  get() {
    try { return JSON.parse(store.getItem(KEY)) || null; } catch (e) { return null; }
  },
  set(value) { store.setItem(KEY, JSON.stringify(value)); },
  clear() { store.removeItem(KEY); },
};

export function onSignedOut(fn) { signedOutListener = fn; }

export async function request(method, path, { body, csv, text } = {}) {
  const s = session.get();
  const headers = { Accept: text ? 'text/csv' : 'application/json' };
  if (s && s.token) headers.Authorization = `Bearer ${s.token}`;
  if (csv !== undefined) headers['Content-Type'] = 'text/csv';
  else if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: csv !== undefined ? csv : body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, 'network', '');
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (res.status !== 204) {
    data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401 && s) {
      session.clear();
      if (signedOutListener) signedOutListener();
    }
    throw new ApiError(res.status, err.code || '', err.message || '', data);
  }
  return data;
}

const ev = (id) => `/events/${encodeURIComponent(id)}`;

export const api = {
  signup: (name, email, password) => request('POST', '/auth/signup', { body: { name, email, password } }),
  login: (email, password) => request('POST', '/auth/login', { body: { email, password } }),
  logout: () => request('POST', '/auth/logout'),
  logoutEverywhere: () => request('POST', '/auth/logout-everywhere'),
  changePassword: (current, next) => request('POST', '/auth/password', { body: { current, new: next } }),
  verify: (token) => request('POST', '/auth/verify', { body: { token } }),
  resendVerification: (email) => request('POST', '/auth/verify/resend', { body: { email } }),
  me: () => request('GET', '/me'),

  events: () => request('GET', '/events'),
  event: (id) => request('GET', ev(id)),
  createEvent: (fields) => request('POST', '/events', { body: fields }),
  patchEvent: (id, fields) => request('PATCH', ev(id), { body: fields }),
  deleteEvent: (id) => request('DELETE', ev(id)),

  // One page: filters {q, rsvp, band, checked}, the previous page's next_cursor.
  guests: (id, filters, cursor, limit = 100) => request('GET', `${ev(id)}/guests${pageQuery(filters, cursor, limit)}`),
  addGuest: (id, g) => request('POST', `${ev(id)}/guests`, { body: g }),
  patchGuest: (id, gid, g) => request('PATCH', `${ev(id)}/guests/${encodeURIComponent(gid)}`, { body: g }),
  deleteGuest: (id, gid) => request('DELETE', `${ev(id)}/guests/${encodeURIComponent(gid)}`),
  issueLink: (id, gid, rotate) =>
    request('POST', `${ev(id)}/guests/${encodeURIComponent(gid)}/token${rotate ? '/rotate' : ''}`),
  bulkLinks: (id) => request('POST', `${ev(id)}/tokens/bulk`),
  rsvps: (id, cursor, limit = 100) => request('GET', `${ev(id)}/rsvps${pageQuery({}, cursor, limit)}`),
  sendInvitations: (id, guestIds, kind) =>
    request('POST', `${ev(id)}/invitations`, { body: { guest_ids: guestIds, kind } }),
  invitations: (id) => request('GET', `${ev(id)}/invitations`),
  notifications: (id, before) =>
    request('GET', `${ev(id)}/notifications?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`),
  importTemplate: (id) => request('GET', `${ev(id)}/guests/import/template`, { text: true }),
  importPreview: (id, csv) => request('POST', `${ev(id)}/guests/import/preview`, { csv }),
  importCommit: (id, csv) => request('POST', `${ev(id)}/guests/import/commit`, { csv }),

  activity: (id, cursor, limit = 100, guestId) =>
    request('GET', `${ev(id)}/activity?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}${
      guestId ? `&guest_id=${encodeURIComponent(guestId)}` : ''}`),
  wsTicket: (id) => request('POST', `${ev(id)}/ws-ticket`),

  door: (id) => request('GET', `${ev(id)}/door`),
  doorGuests: (id, q) => request('GET', `${ev(id)}/door/guests?q=${encodeURIComponent(q)}`),
  doorVerify: (id, code) => request('POST', `${ev(id)}/door/verify`, { body: { code } }),

  thresholds: (id) => request('GET', `${ev(id)}/security/thresholds`),
  saveThresholds: (id, t) => request('PUT', `${ev(id)}/security/thresholds`, { body: t }),
  previewThresholds: (id, t) => request('POST', `${ev(id)}/security/thresholds/preview`, { body: t }),
  allowlist: (id) => request('GET', `${ev(id)}/security/allowlist`),
  allow: (id, cidr, note) => request('POST', `${ev(id)}/security/allowlist`, { body: { cidr, note } }),
  disallow: (id, cidr) => request('DELETE', `${ev(id)}/security/allowlist?cidr=${encodeURIComponent(cidr)}`),
  feedback: (id) => request('GET', `${ev(id)}/security/feedback`),
  mark: (id, logId, verdict, note) =>
    request('POST', `${ev(id)}/access-logs/${encodeURIComponent(logId)}/feedback`, { body: { verdict, note } }),

  team: (id) => request('GET', `${ev(id)}/collaborators`),
  invite: (id, email, role) => request('POST', `${ev(id)}/collaborators`, { body: { email, role } }),
  setRole: (id, uid, role) => request('PATCH', `${ev(id)}/collaborators/${encodeURIComponent(uid)}`, { body: { role } }),
  removeMember: (id, uid) => request('DELETE', `${ev(id)}/collaborators/${encodeURIComponent(uid)}`),
  cancelInvite: (id, email) =>
    request('DELETE', `${ev(id)}/collaborators/pending?email=${encodeURIComponent(email)}`),
  invitePreview: (token) => request('GET', `/invites/${encodeURIComponent(token)}`),
  acceptInvite: (token) => request('POST', `/invites/${encodeURIComponent(token)}/accept`),
};
