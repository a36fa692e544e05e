// Every call of the guest page goes through here: JSON in and out, the device
// signals on every scored call, and errors mapped to the few states the page
// shows (a guest never learns why an access was refused).
//   invalid  → 404: unknown, forged, expired or revoked link
//   refused  → 403: the access was refused
//   busy     → 429: too many tries from this network
//   error    → anything else (network down, server error)

export class GuestError extends Error {
  constructor(kind, status) {
    super(kind);
    this.kind = kind;
    this.status = status;
  }
}

function kindOf(status) {
  if (status === 404) return 'invalid';
  if (status === 403) return 'refused';
  if (status === 429) return 'busy';
  return 'error';
}

async function call(method, path, { body, headers } = {}, fetchImpl = globalThis.fetch) {
  let res;
  try {
    res = await fetchImpl(path, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  } catch (e) {
    throw new GuestError('error', 0);
  }
  if (!res.ok) throw new GuestError(kindOf(res.status), res.status);
  try {
    return await res.json();
  } catch (e) {
    throw new GuestError('error', res.status);
  }
}

const linkPath = (token) => `/rsvp/${encodeURIComponent(token)}`;

// The headers that carry the signals on a GET (the browser adds User-Agent).
export function signalHeaders(signals) {
  return {
    'X-Device-Fingerprint': signals.fingerprint,
    'X-Device-Language': signals.language,
    'X-Device-Timezone': signals.timezone,
    'X-Device-Screen': signals.screen,
    'X-Device-Platform': signals.platform,
  };
}

// GET /rsvp/{token} (scored "open"; a GET has no body, so the signals travel
// in headers) → {event, guest, rsvp, pass?}: `pass` only on the event day.
export function openInvitation(token, signals, fetchImpl) {
  return call('GET', linkPath(token), { headers: signalHeaders(signals) }, fetchImpl);
}

// POST /rsvp/{token} (scored "rsvp") → {rsvp}.
export function sendAnswer(token, response, plusOnes, signals, fetchImpl) {
  return call('POST', linkPath(token), { body: { response, plus_ones: plusOnes, signals } },
    fetchImpl);
}

// The token of this page's URL (/rsvp/<token>), or ''.
export function tokenFromPath(pathname) {
  const m = /^\/rsvp\/([^/]+)\/?$/.exec(pathname || '');
  return m ? decodeURIComponent(m[1]) : '';
}
