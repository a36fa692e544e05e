// Security: the band ribbon, three threshold sliders with mutual clamping and
// a live what-if, save / reset; the allowlist; the verdict inbox.
import { html, useEffect, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { inbox } from '../lib/activity.js';
import { deviceSummary, reasonsInWords } from '../lib/reasons.js';
import { BAND_LABELS, BANDS, clampThresholds, ribbon } from '../lib/thresholds.js';
import { BandBadge, ErrorNote, Field, canEdit, when } from './ui.js';

const SLIDERS = [['medium', 'Review from'], ['high', 'Suspicious from'], ['block', 'Blocked from']];

function Thresholds({ event, editable }) {
  const [saved, setSaved] = useState(null);
  const [t, setT] = useState(null);
  const [whatIf, setWhatIf] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const timer = useRef(null);
  useEffect(() => {
    api.thresholds(event.id).then((r) => { setSaved(r); setT({ medium: r.medium, high: r.high, block: r.block }); }).catch(setError);
  }, [event.id]);
  useEffect(() => {
    if (!t) return;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      api.previewThresholds(event.id, t).then(setWhatIf).catch(setError);
    }, 150);
  }, [t && t.medium, t && t.high, t && t.block]);
  if (!t) return html`<section class="card"><${ErrorNote} error=${error} /></section>`;
  const move = (which, value) => { setNotice(''); setT(clampThresholds(t, which, value)); };
  const save = async () => {
    setError(null);
    try { const r = await api.saveThresholds(event.id, t); setSaved(r); setNotice('Saved. New accesses use these thresholds.'); } catch (err) { setError(err); }
  };
  const dirty = saved && (saved.medium !== t.medium || saved.high !== t.high || saved.block !== t.block);
  return html`<section class="card" id="thresholds">
    <h2>How strict to be</h2>
    <p class="muted">Each access gets a score from 0 to 100. These cut points decide its label.</p>
    <div class="ribbon" id="ribbon" aria-hidden="true">${ribbon(t).map((s) => html`<div key=${s.band} class=${`${s.band} w${Math.round(s.percent)}`} title=${`${s.label}: ${s.from}–${s.to}`}>${s.percent >= 12 ? s.label : ''}</div>`)}</div>
    <p class="visually-hidden">${ribbon(t).map((s) => `${s.label} ${s.from} to ${s.to}. `)}</p>
    ${SLIDERS.map(([key, words]) => html`<div class="slider" key=${key}>
      <label for=${`t-${key}`}>${words}</label>
      <input id=${`t-${key}`} type="range" min="1" max="100" value=${t[key]} disabled=${!editable} onInput=${(e) => move(key, e.target.value)} />
      <output id=${`t-${key}-value`} for=${`t-${key}`}>${t[key]}</output></div>`)}
    ${whatIf && html`<h3>If you saved now</h3>
      <p class="meta" id="whatif-note">Of the ${whatIf.window.considered} most recent accesses, ${whatIf.changed} would change label.</p>
      <div class="whatif" id="whatif">${BANDS.map((b) => html`<div key=${b}><span class="meta">${BAND_LABELS[b]}</span>
        <strong data-band=${b}>${whatIf.after[b]}</strong><span class="meta">now ${whatIf.before[b]}</span></div>`)}</div>`}
    <${ErrorNote} error=${error} />
    ${notice && html`<p class="ok" role="status" id="thresholds-notice">${notice}</p>`}
    ${editable && html`<div class="actions">
      <button class="primary" id="save-thresholds" disabled=${!dirty} onClick=${save}>Save thresholds</button>
      <button id="reset-thresholds" onClick=${() => setT({ ...saved.defaults })}>Back to defaults</button></div>`}
  </section>`;
}

// Very wide ranges deserve a warning: /0 to /8 (IPv4) or /0 to /32 (IPv6).
export function wideRange(cidr) {
  const m = /\/(\d+)$/.exec(cidr.trim());
  if (!m) return false;
  return cidr.includes(':') ? Number(m[1]) <= 32 : Number(m[1]) <= 8;
}

function Allowlist({ event, editable }) {
  const [list, setList] = useState(null);
  const [error, setError] = useState(null);
  const [draft, setDraft] = useState('');
  const load = () => api.allowlist(event.id).then((r) => setList(r.allowlist)).catch(setError);
  useEffect(() => { load(); }, [event.id]);
  const add = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setError(null);
    try { await api.allow(event.id, f['allow-cidr'].value.trim(), f['allow-note'].value.trim() || null); e.target.reset(); setDraft(''); load(); } catch (err) { setError(err); }
  };
  const remove = async (cidr) => { try { await api.disallow(event.id, cidr); load(); } catch (err) { setError(err); } };
  return html`<section class="card" id="allowlist">
    <h2>Trusted networks</h2>
    <p class="muted">Accesses from these networks read as Verified (a venue's Wi-Fi, your office).</p>
    <ul class="list">${(list || []).map((a) => html`<li key=${a.cidr}><code>${a.cidr}</code> ${a.note && html`<span class="meta">— ${a.note}</span>`}
      ${editable && html` <button class="small danger" onClick=${() => remove(a.cidr)}>Remove</button>`}</li>`)}</ul>
    ${list && list.length === 0 && html`<p class="meta">No trusted networks.</p>`}
    ${editable && html`<form class="row" onSubmit=${add}>
      <${Field} id="allow-cidr" label="Address or range"><input id="allow-cidr" type="text" required placeholder="203.0.113.0/24" onInput=${(e) => setDraft(e.target.value)} /><//>
      <${Field} id="allow-note" label="Note"><input id="allow-note" type="text" maxlength="200" /><//>
      <button type="submit">Add</button></form>
      ${wideRange(draft) && html`<p class="warn" role="alert">That range covers a very large part of the internet; accesses from it would all read as Verified.</p>`}`}
    <${ErrorNote} error=${error} />
  </section>`;
}

function Inbox({ event, editable }) {
  const [items, setItems] = useState([]);
  const [past, setPast] = useState([]);
  const [error, setError] = useState(null);
  const [loaded, setLoaded] = useState(false);
  const load = async () => {
    try {
      const [a, f] = await Promise.all([api.activity(event.id), api.feedback(event.id)]);
      setItems(inbox(a.items, f.feedback));
      setPast(f.feedback);
      setLoaded(true);
    } catch (err) { setError(err); }
  };
  useEffect(() => { load(); }, [event.id]);
  const mark = async (item, verdict) => {
    setError(null);
    const note = document.getElementById('verdict-note');
    try { await api.mark(event.id, item.decision.access_log_id, verdict, note && note.value.trim() || null); await load(); } catch (err) { setError(err); }
  };
  const head = items[0];
  return html`<section class="card" id="inbox" data-state=${loaded ? 'inbox' : 'loading'}>
    <h2>To review <span class="badge" id="inbox-count">${items.length}</span></h2>
    ${loaded && !head && html`<p class="muted" id="inbox-empty">Nothing flagged is waiting for you.</p>`}
    ${head && html`<div id="inbox-item">
      <p><${BandBadge} band=${head.decision.band} /> <strong>${head.guest_name}</strong> · ${when(head.at)} · ${head.kind}</p>
      <p class="meta">${deviceSummary(head)}</p>
      <ul class="reasons">${reasonsInWords(head.decision.reasons).map((r) => html`<li key=${r.code}>${r.text}</li>`)}</ul>
      ${editable && html`<${Field} id="verdict-note" label="Note (optional)"><input id="verdict-note" type="text" maxlength="500" /><//>
      <div class="actions"><button id="mark-legitimate" onClick=${() => mark(head, 'legitimate')}>It was the guest</button>
        <button class="danger" id="mark-suspicious" onClick=${() => mark(head, 'suspicious')}>Suspicious</button>
        ${items.length > 1 && html`<button id="inbox-next" onClick=${() => setItems([...items.slice(1), head])}>Next</button>`}</div>`}
    </div>`}
    <${ErrorNote} error=${error} />
    ${past.length > 0 && html`<h3>Past verdicts</h3><ul class="list" id="verdicts">${past.map((v) => html`<li key=${v.access_log_id}>
      <strong>${v.access.guest_name}</strong> — ${v.verdict === 'legitimate' ? 'it was the guest' : 'suspicious'}${v.note ? ` (“${v.note}”)` : ''} <span class="meta">${when(v.created_at)}</span></li>`)}</ul>`}
  </section>`;
}

export function Security({ event }) {
  const editable = canEdit(event.your_role);
  return html`<div data-state="security">
    <${Inbox} event=${event} editable=${editable} />
    <div class="grid2"><${Thresholds} event=${event} editable=${editable} /><${Allowlist} event=${event} editable=${editable} /></div>
  </div>`;
}
