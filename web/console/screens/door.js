// The door view: check a guest in from their rotating pass (the camera where
// the browser has BarcodeDetector, or the typed code), a big admitted /
// refused answer with the guest's name and "2 of 3 admitted", a live counter
// of arrivals, and search by name as the fallback. Door staff see only this.
import { html, useEffect, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { counterText, normalizeCode, verdictView } from '../lib/door.js';
import { ErrorNote, Field } from './ui.js';

const REFRESH_MS = 5000;
const RESPONSE_WORDS = { yes: 'Coming', no: 'Not coming', maybe: 'Maybe' };

function Scanner({ onCode, onStop }) {
  const video = useRef(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let stream = null;
    let timer = 0;
    let stopped = false;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        stream = s;
        if (stopped) return;
        video.current.srcObject = s;
        video.current.play().catch(() => {});
        const tick = async () => {
          if (stopped) return;
          try {
            const found = await detector.detect(video.current);
            const code = found.map((f) => normalizeCode(f.rawValue)).find(Boolean);
            if (code) { onCode(code); return; }
          } catch (e) { /* A frame not ready yet: try the next. */ }
          timer = setTimeout(tick, 250);
        };
        tick();
      })
      .catch(() => setError('The camera is not available. Type the code instead.'));
    return () => {
      stopped = true;
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((t) => t.stop());
    };
  }, []);
  return html`<div class="scanner">
    ${error ? html`<p class="error" role="alert">${error}</p>`
      : html`<video ref=${video} class="scanner-video" muted playsinline aria-label="Camera view"></video>`}
    <button type="button" class="small" onClick=${onStop}>Stop camera</button>
  </div>`;
}

function Verdict({ answer }) {
  const v = verdictView(answer);
  if (!v) return null;
  return html`<section class=${`card verdict ${v.tone}`} id="door-result" data-admitted=${v.tone === 'admitted' ? 'yes' : 'no'}
      role="status" aria-live="assertive">
    <p class="verdict-title">${v.title}</p>
    ${v.name && html`<p class="verdict-name" id="door-guest">${v.name}</p>`}
    ${v.count && html`<p class="verdict-count" id="door-count">${v.count}</p>`}
    <p class="meta">${v.message}</p>
  </section>`;
}

export function Door({ event, role }) {
  const canCheckIn = role === 'door' || role === 'owner' || role === 'editor';
  const [arrivals, setArrivals] = useState(null);
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [code, setCode] = useState('');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState(null);
  const hasCamera = typeof window.BarcodeDetector === 'function' && !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);

  const refresh = () => api.door(event.id).then((d) => setArrivals(d.arrivals)).catch(() => {});
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, REFRESH_MS);
    return () => clearInterval(timer);
  }, [event.id]);

  const check = async (text) => {
    const normal = normalizeCode(text);
    setError(null);
    if (!normal) {
      setAnswer({ admitted: false, reason: 'code_not_valid',
        message: 'A code has 8 letters and digits, like K7PM-2QX9. Check it and try again.' });
      return;
    }
    setBusy(true);
    try {
      setAnswer(await api.doorVerify(event.id, normal));
      setCode('');
      refresh();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const submit = (e) => { e.preventDefault(); check(code); };
  const scanned = (c) => { setScanning(false); check(c); };

  const search = async (e) => {
    e.preventDefault();
    setError(null);
    if (!query.trim()) return;
    try { setFound((await api.doorGuests(event.id, query.trim())).guests); } catch (err) { setError(err); }
  };

  const counter = counterText(arrivals);
  return html`<div data-state="door" class="door">
    <section class="card counter" aria-live="polite">
      <p class="counter-big" id="door-arrivals">${counter.big}</p>
      <p class="meta" id="door-expected">${counter.small}</p>
    </section>
    ${canCheckIn ? html`<form class="card" id="door-form" onSubmit=${submit}>
      <h2>Check a guest in</h2>
      <p class="meta">Scan the code on the guest's invitation, or type the 8 characters under it. It changes every 30 seconds.</p>
      <div class="row">
        <${Field} id="door-code" label="Code on the guest's phone">
          <input id="door-code" type="text" autocomplete="off" autocapitalize="characters" spellcheck="false"
            inputmode="text" maxlength="12" placeholder="K7PM-2QX9" value=${code} onInput=${(e) => setCode(e.target.value)} /><//>
        <button class="primary" type="submit" id="door-check" disabled=${busy}>Check</button>
        ${hasCamera && !scanning && html`<button type="button" id="door-scan" onClick=${() => setScanning(true)}>Scan with camera</button>`}
      </div>
      ${scanning && html`<${Scanner} onCode=${scanned} onStop=${() => setScanning(false)} />`}
    </form>` : html`<p class="meta card">Viewers see the arrivals; door staff and editors check guests in.</p>`}
    <${ErrorNote} error=${error} />
    <${Verdict} answer=${answer} />
    <form class="card" id="door-search-form" onSubmit=${search} role="search">
      <h2>Find a guest by name</h2>
      <div class="row">
        <${Field} id="door-search" label="Name"><input id="door-search" type="search" maxlength="100"
          value=${query} onInput=${(e) => setQuery(e.target.value)} /><//>
        <button type="submit" id="door-search-go">Search</button>
      </div>
      ${found && (found.length === 0 ? html`<p class="meta" id="door-found-none">No guest with that name.</p>`
        : html`<ul class="list" id="door-found">${found.map((g) => html`<li key=${g.id}>
          <strong>${g.name}</strong>
          <span class="badge">${g.admitted} of ${1 + g.plus_ones_allowed} admitted</span>
          <span class="meta">${g.rsvp ? `${RESPONSE_WORDS[g.rsvp.response]}${g.rsvp.plus_ones ? ` +${g.rsvp.plus_ones}` : ''}` : 'No answer yet'}</span>
        </li>`)}</ul>`)}
      <p class="meta">No code? Ask the guest to open their invitation link: the code is on it from the day before the event.</p>
    </form>
  </div>`;
}
