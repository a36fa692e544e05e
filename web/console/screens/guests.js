// Guests: the table (search and filters kept in the URL and applied by the
// server, 100 guests a page with "Show more"), add / edit / delete, CSV
// import with a per-row preview and a progress bar, and links (issue, rotate,
// bulk-issue, copy, export; when each guest's link was made, from the
// server), and invitations by email (send to the selected guests, resend,
// remind those who have not replied; each guest's delivery state).
import { html, useEffect, useRef, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { dataLines, importProgress, linksCsv, previewRows, previewShown, previewSummary } from '../lib/csv.js';
import { anyPending, deliveryText, sendSummary } from '../lib/invitations.js';
import { appendPage, countText, guestFilters, linkState } from '../lib/paging.js';
import { queryString } from '../lib/route.js';
import { navigate } from '../nav.js';
import { BandBadge, ErrorNote, Field, canEdit, when } from './ui.js';

const PAGE = 100;
const READ_CHUNK = 64 * 1024;

// The file's text, read in slices so that the bar moves on a large file.
async function readWithProgress(file, onProgress) {
  const parts = [];
  const decoder = new TextDecoder('utf-8');
  for (let at = 0; at < file.size; at += READ_CHUNK) {
    const bytes = await file.slice(at, at + READ_CHUNK).arrayBuffer();
    parts.push(decoder.decode(bytes, { stream: true }));
    onProgress(Math.min(file.size, at + READ_CHUNK), file.size);
  }
  parts.push(decoder.decode());
  return parts.join('');
}

function ImportProgress({ progress }) {
  if (!progress) return null;
  return html`<div class="import-progress" id="import-progress" data-stage=${progress.stage}>
    <label for="import-bar">${progress.text}</label>
    ${progress.value === null ? html`<progress id="import-bar" max="1"></progress>`
      : html`<progress id="import-bar" value=${progress.value} max=${progress.max}></progress>`}
  </div>`;
}

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function GuestForm({ guest, onSubmit, onCancel }) {
  const [error, setError] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setError(null);
    try {
      await onSubmit({
        name: f['guest-name'].value.trim(),
        email: f['guest-email'].value.trim() || null,
        phone: f['guest-phone'].value.trim() || null,
        plus_ones_allowed: Number(f['guest-plus'].value) || 0,
      });
    } catch (err) { setError(err); }
  };
  return html`<form class="card" id="guest-form" onSubmit=${submit}>
    <h2>${guest ? `Edit ${guest.name}` : 'Add a guest'}</h2>
    <div class="row">
      <${Field} id="guest-name" label="Name"><input id="guest-name" type="text" required value=${guest ? guest.name : ''} /><//>
      <${Field} id="guest-email" label="Email"><input id="guest-email" type="email" value=${guest ? guest.email || '' : ''} /><//>
      <${Field} id="guest-phone" label="Phone"><input id="guest-phone" type="text" value=${guest ? guest.phone || '' : ''} /><//>
      <${Field} id="guest-plus" label="Plus-ones allowed"><input id="guest-plus" type="number" min="0" max="20" value=${guest ? guest.plus_ones_allowed : 0} /><//>
    </div>
    <${ErrorNote} error=${error} />
    <div class="actions"><button class="primary" type="submit" id="guest-save">${guest ? 'Save guest' : 'Add guest'}</button>
      <button type="button" onClick=${onCancel}>Cancel</button></div>
  </form>`;
}

function Import({ event, onDone, onCancel }) {
  const [csv, setCsv] = useState('');
  const [preview, setPreview] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState('');
  const [progress, setProgress] = useState(null);
  const show = (stage, info) => setProgress({ stage, ...importProgress(stage, info) });
  const pick = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    setError(null);
    setPreview(null);
    setBusy('reading');
    show('reading', { loaded: 0, total: file.size, name: file.name });
    const text = await readWithProgress(file, (loaded, total) => show('reading', { loaded, total, name: file.name }));
    setCsv(text);
    show('checking', { rows: dataLines(text) });
    try {
      const p = await api.importPreview(event.id, text);
      setPreview(p);
      show('done', { rows: (p.valid || 0) + (p.invalid || 0) });
    } catch (err) { setError(err); setProgress(null); }
    setBusy('');
  };
  const template = async () => {
    try { download('guests-template.csv', await api.importTemplate(event.id)); } catch (err) { setError(err); }
  };
  const commit = async () => {
    setBusy('importing');
    show('importing', { rows: preview.valid });
    try {
      const r = await api.importCommit(event.id, csv);
      onDone(r.created);
    } catch (err) {
      if (err.body && err.body.rows) setPreview(err.body);
      setError(err);
    }
    setBusy('');
  };
  const { shown: rows, hidden } = previewShown(preview ? previewRows(preview) : []);
  return html`<section class="card" id="import" data-state=${preview ? 'preview' : 'pick'}>
    <h2>Import guests from a CSV file</h2>
    <p class="muted">Columns: name, email, phone, plus_ones_allowed. <button class="small" id="import-template" onClick=${template}>Download the template</button></p>
    <${Field} id="import-file" label="CSV file"><input id="import-file" type="file" accept=".csv,text/csv" onChange=${pick} /><//>
    <${ImportProgress} progress=${progress} />
    <${ErrorNote} error=${error} />
    ${preview && html`<p id="import-summary" class=${preview.invalid ? 'error' : 'ok'}>${previewSummary(preview)}</p>
      <div class="table-wrap"><table id="import-rows"><thead><tr><th>Line</th><th>Name</th><th>Email</th><th class="hide-sm">Phone</th><th>Plus-ones</th><th>Problem</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.line} class=${r.ok ? '' : 'bad'} data-line=${r.line}>
        <td>${r.line}</td><td>${r.name}</td><td>${r.email}</td><td class="hide-sm">${r.phone}</td><td>${r.plusOnes}</td>
        <td class="row-errors">${r.errors.join('; ')}</td></tr>`)}</tbody></table></div>
      ${hidden > 0 && html`<p class="meta" id="import-hidden">and ${hidden.toLocaleString('en')} more valid rows</p>`}`}
    <div class="actions">
      <button class="primary" id="import-commit" disabled=${!preview || preview.invalid > 0 || !!busy} onClick=${commit}>
        Import ${preview ? preview.valid : ''} guests</button>
      <button onClick=${onCancel}>Close</button></div>
  </section>`;
}

export function Guests({ event, route }) {
  const editable = canEdit(event.your_role);
  const q = route.query;
  const filters = guestFilters(q);
  const filterKey = JSON.stringify(filters);
  const [guests, setGuests] = useState(null);
  const [total, setTotal] = useState(0);
  const [next, setNext] = useState(null);
  const [more, setMore] = useState(false);
  const [links, setLinks] = useState({});
  const [panel, setPanel] = useState(null); // 'add' | 'import' | guest object
  const [rotating, setRotating] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const [delivery, setDelivery] = useState({});
  const [selected, setSelected] = useState(() => new Set());
  const loads = useRef(0);  // Only the latest load may set the table (typing in the search starts many).
  const loadDelivery = async () => {
    const d = await api.invitations(event.id);
    const byGuest = Object.fromEntries(d.invitations.map((i) => [i.guest_id, i]));
    setDelivery(byGuest);
    return byGuest;
  };
  // The first page under the current filters (again after a change).
  const load = async () => {
    const mine = ++loads.current;
    try {
      const page = await api.guests(event.id, filters, null, PAGE);
      if (mine !== loads.current) return;
      setGuests(page.guests);
      setTotal(page.total);
      setNext(page.next_cursor || null);
      await loadDelivery();
    } catch (err) { setError(err); }
  };
  const loadMore = async () => {
    const mine = loads.current;
    setMore(true);
    try {
      const page = await api.guests(event.id, filters, next, PAGE);
      if (mine !== loads.current) return;
      setGuests((list) => appendPage(list || [], page.guests));
      setTotal(page.total);
      setNext(page.next_cursor || null);
    } catch (err) { setError(err); }
    setMore(false);
  };
  useEffect(() => { load(); }, [event.id, filterKey]);
  // While an invitation is on its way, its state is refreshed every second (up to a minute).
  const [watching, setWatching] = useState(0);
  useEffect(() => {
    if (!watching) return undefined;
    let ticks = 0;
    const timer = setInterval(async () => {
      ticks += 1;
      try {
        const d = await loadDelivery();
        if (!anyPending(d) || ticks >= 60) clearInterval(timer);
      } catch (e) { clearInterval(timer); }
    }, 1000);
    return () => clearInterval(timer);
  }, [watching]);

  const setFilter = (key, value) => navigate(`${location.pathname}${queryString({ ...q, [key]: value })}`, { replace: true });
  const shown = guests || [];

  const act = async (fn, message) => {
    setError(null);
    setNotice('');
    try { await fn(); if (message) setNotice(message); } catch (err) { setError(err); }
  };
  const issue = (g, rotate) => act(async () => {
    const r = await api.issueLink(event.id, g.id, rotate);
    setLinks((l) => ({ ...l, [g.id]: r.link }));
    setRotating(null);
    await load();  // The server's link_issued_at.
  }, rotate ? 'New link made. The old link no longer works.'
    : g.link_issued_at ? `Here is ${g.name}'s link again; the one sent before still works.` : 'Link made.');
  // Acts on the server's state: guests with no link_issued_at, on every page.
  const bulk = () => act(async () => {
    const r = await api.bulkLinks(event.id);
    setLinks((l) => ({ ...l, ...Object.fromEntries(r.issued.map((i) => [i.guest_id, i.link])) }));
    setNotice(r.issued.length ? `Made ${r.issued.length} new ${r.issued.length === 1 ? 'link' : 'links'}.` : 'Every guest already has a link.');
    await load();
  });
  const copy = (g) => act(async () => { await navigator.clipboard.writeText(links[g.id]); }, `Copied ${g.name}'s link.`);
  const remove = (g) => act(async () => { await api.deleteGuest(event.id, g.id); await load(); }, `${g.name} removed.`);
  const save = async (fields) => {
    if (panel === 'add') await api.addGuest(event.id, fields);
    else await api.patchGuest(event.id, panel.id, fields);
    setPanel(null);
    await load();
  };
  const linkCount = Object.keys(links).length;
  const toggle = (id) => setSelected((sel) => {
    const next = new Set(sel);
    if (next.has(id)) next.delete(id); else next.add(id);
    return next;
  });
  const allShown = shown.length > 0 && shown.every((g) => selected.has(g.id));
  const toggleAll = () => setSelected(allShown ? new Set() : new Set(shown.map((g) => g.id)));
  const send = (kind) => act(async () => {
    const ids = kind === 'reminder' ? null : [...selected];
    const r = await api.sendInvitations(event.id, ids, kind);
    setNotice(sendSummary(r, kind));
    if (kind !== 'reminder') setSelected(new Set());
    await loadDelivery();
    setWatching((w) => w + 1);
  });

  return html`<div data-state=${guests ? 'guests' : 'loading'}>
    ${editable && html`<div class="actions">
      <button class="primary" id="add-guest" onClick=${() => setPanel('add')}>Add guest</button>
      <button id="open-import" onClick=${() => setPanel('import')}>Import CSV</button>
      <button id="bulk-links" onClick=${bulk}>Make links for everyone without one</button>
      <button id="export-links" disabled=${!linkCount} onClick=${() => download(`${event.name} links.csv`, linksCsv(guests, links))}>Export links (CSV)</button>
    </div>
    <div class="actions" id="invite-actions">
      <button class="primary" id="send-invitations" disabled=${!selected.size} onClick=${() => send('invitation')}>
        Email invitations${selected.size ? ` (${selected.size})` : ''}</button>
      <button id="send-reminders" onClick=${() => send('reminder')}>Remind everyone who has not replied</button>
      <span class="meta">Each guest gets their personal link by email. Sending again resends it.</span>
    </div>`}
    ${(panel === 'add' || (panel && panel.id)) && html`<${GuestForm} guest=${panel === 'add' ? null : panel} onSubmit=${save} onCancel=${() => setPanel(null)} />`}
    ${panel === 'import' && html`<${Import} event=${event} onCancel=${() => setPanel(null)}
      onDone=${(n) => { setPanel(null); setNotice(`Imported ${n} guests.`); load(); }} />`}
    ${notice && html`<p class="ok" role="status" id="guests-notice">${notice}</p>`}
    <${ErrorNote} error=${error} />
    <div class="row card" role="search">
      <${Field} id="guest-search" label="Search name or email"><input id="guest-search" type="search" value=${q.q || ''} onInput=${(e) => setFilter('q', e.target.value)} /><//>
      <${Field} id="filter-rsvp" label="Reply"><select id="filter-rsvp" value=${q.rsvp || ''} onChange=${(e) => setFilter('rsvp', e.target.value)}>
        <option value="">Any</option><option value="yes">Yes</option><option value="no">No</option><option value="maybe">Maybe</option><option value="none">No reply</option></select><//>
      <${Field} id="filter-band" label="Latest check"><select id="filter-band" value=${q.band || ''} onChange=${(e) => setFilter('band', e.target.value)}>
        <option value="">Any</option><option value="low">Verified</option><option value="medium">Review</option><option value="high">Suspicious</option><option value="block">Blocked</option></select><//>
      <${Field} id="filter-checked" label="Checked in"><select id="filter-checked" value=${q.checked || ''} onChange=${(e) => setFilter('checked', e.target.value)}>
        <option value="">Any</option><option value="yes">Checked in</option><option value="no">Not yet</option></select><//>
    </div>
    ${guests && html`<p class="meta" id="guest-count">${countText(shown.length, total)}</p>
    <div class="table-wrap"><table id="guests" class="stack"><thead><tr>${editable && html`<th class="select"><input type="checkbox" id="select-all" aria-label="Select every guest shown" checked=${allShown} onChange=${toggleAll} /></th>`}<th>Name</th><th class="hide-sm">Email</th><th>Reply</th><th>Latest check</th><th>Invitation</th><th>Link</th>${editable && html`<th><span class="visually-hidden">Actions</span></th>`}</tr></thead>
    <tbody>${shown.map((g) => {
      const r = g.rsvp;
      const s = { band: g.latest_band, checkedIn: g.checked_in };
      const d = deliveryText(delivery[g.id]);
      const link = linkState(g, links, when);
      return html`<tr key=${g.id} data-guest=${g.name}>
        ${editable && html`<td class="select"><input type="checkbox" class="select-guest" aria-label=${`Select ${g.name}`}
          checked=${selected.has(g.id)} onChange=${() => toggle(g.id)} /></td>`}
        <td class="name">${g.name}${g.plus_ones_allowed ? html` <span class="meta">+${g.plus_ones_allowed}</span>` : ''}${s.checkedIn ? html` <span class="badge low">Checked in</span>` : ''}</td>
        <td class="hide-sm">${g.email}</td>
        <td data-label="Reply">${r ? html`<span class="badge">${r.response}${r.plus_ones ? ` +${r.plus_ones}` : ''}</span>` : html`<span class="meta">No reply</span>`}</td>
        <td data-label="Latest check"><${BandBadge} band=${s.band} /></td>
        <td class="delivery" data-label="Invitation" data-status=${delivery[g.id] ? delivery[g.id].status : 'none'}>${d.tone
          ? html`<span class=${`badge ${d.tone}`}>${d.text}</span>` : html`<span class="meta">${g.email ? d.text : 'No email'}</span>`}</td>
        <td class="link" data-label="Link" data-link-state=${link.state}>${link.state === 'known' ? html`<button class="small copy-link" data-link=${links[g.id]} onClick=${() => copy(g)}>Copy link</button>`
          : html`${link.state === 'made' && html`<span class="meta link-made">${link.text}</span> `}${editable
            ? html`<button class="small issue-link" onClick=${() => issue(g, false)}>${link.state === 'made' ? 'Show link' : 'Make link'}</button>`
            : link.state === 'none' && html`<span class="meta">${link.text}</span>`}`}
          ${editable && (rotating === g.id
            ? html`<div class="warn">The current link will stop working. <button class="small danger rotate-confirm" onClick=${() => issue(g, true)}>Replace link</button> <button class="small" onClick=${() => setRotating(null)}>Cancel</button></div>`
            : html` <button class="small rotate-link" onClick=${() => setRotating(g.id)}>New link…</button>`)}</td>
        ${editable && html`<td class="row-actions"><button class="small" onClick=${() => setPanel(g)}>Edit</button> <button class="small danger" onClick=${() => remove(g)}>Remove</button></td>`}
      </tr>`;
    })}</tbody></table></div>
    ${next && html`<div class="actions"><button id="guests-more" disabled=${more} onClick=${loadMore}>${more ? 'Loading…' : `Show ${PAGE} more`}</button></div>`}`}
  </div>`;
}
