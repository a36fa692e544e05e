// The account page (/console/account): change the password (every other
// session ends, this one stays) and sign out everywhere (every session ends,
// this one too).
import { html, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { newPasswordProblem } from '../lib/account.js';
import { ErrorNote, Field } from './ui.js';

export function Account({ user, onSignedOutEverywhere }) {
  const [error, setError] = useState(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const change = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setChanged(false);
    const problem = newPasswordProblem(f['new-password'].value, f['confirm-password'].value);
    if (problem) { setError(new Error(problem)); return; }
    setBusy(true);
    setError(null);
    try {
      await api.changePassword(f['current-password'].value, f['new-password'].value);
      e.target.reset();
      setChanged(true);
    } catch (err) { setError(err); }
    setBusy(false);
  };
  const everywhere = async () => {
    try { await api.logoutEverywhere(); } catch (e) { /* Signed out here either way. */ }
    onSignedOutEverywhere();
  };
  return html`<div class="wrap narrow" data-state="account">
    <h1>Your account</h1>
    <p class="muted">${user.name} · ${user.email}</p>
    <form class="card" onSubmit=${change} aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <input type="text" name="username" autocomplete="username" value=${user.email} hidden readonly />
      <${Field} id="current-password" label="Current password"><input id="current-password" name="current-password" type="password" autocomplete="current-password" required /><//>
      <${Field} id="new-password" label="New password" hint="12 to 128 characters.">
        <input id="new-password" name="new-password" type="password" autocomplete="new-password" minlength="12" required /><//>
      <${Field} id="confirm-password" label="New password again"><input id="confirm-password" name="confirm-password" type="password" autocomplete="new-password" required /><//>
      <${ErrorNote} error=${error} />
      ${changed && html`<p class="ok" id="password-changed" role="status">Password changed. Every other device is signed out.</p>`}
      <button class="primary" type="submit" id="change-password" disabled=${busy}>Change password</button>
    </form>
    <section class="card" aria-labelledby="everywhere-title">
      <h2 id="everywhere-title">Sign out everywhere</h2>
      <p>Ends every session of your account — on this device and on every other one, live monitors included.</p>
      <button id="sign-out-everywhere" onClick=${everywhere}>Sign out everywhere</button>
    </section>
  </div>`;
}
