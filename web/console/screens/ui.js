// Small shared pieces of the console's screens.
import { html } from '../../vendor/htm-preact-standalone.module.js';
import { BAND_LABELS } from '../lib/thresholds.js';

export const ROLE_WORDS = { owner: 'Owner', editor: 'Editor', viewer: 'Viewer', door: 'Door staff' };
export const canEdit = (role) => role === 'owner' || role === 'editor';

export function Field({ id, label, children, hint }) {
  return html`<div class="field"><label for=${id}>${label}</label>${children}
    ${hint && html`<span class="meta">${hint}</span>`}</div>`;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function BandBadge({ band }) {
  if (!band) return html`<span class="meta">—</span>`;
  return html`<span class=${`badge ${band}`}>${BAND_LABELS[band] || band}</span>`;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
