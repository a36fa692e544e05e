// The landing page of a verification link (/console/verify#<token>): follows
// it (POST /auth/verify), which verifies the address and signs in, then goes
// where the host was heading when they signed up (an invite, say) or to their
// events. The token leaves the address bar at once.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { verificationToken } from '../lib/account.js';
import { safeNext } from '../lib/route.js';
import { navigate } from '../nav.js';
import { AFTER_VERIFY, ResendVerification } from './auth.js';
import { ErrorNote, Field } from './ui.js';

export function Verify({ onSignedIn }) {
  const [error, setError] = useState(null);
  useEffect(() => {
    const token = verificationToken(location.hash);
    history.replaceState(null, '', '/console/verify');
    if (!token) { setError(new Error('This verification link is not complete. Open the whole link from the email.')); return; }
    api.verify(token).then((s) => {
      onSignedIn(s);
      const next = localStorage.getItem(AFTER_VERIFY);
      localStorage.removeItem(AFTER_VERIFY);
      navigate(safeNext(next) ? next : '/console/events', { replace: true });
    }).catch((err) => {
      setError(err.status === 410 ? new Error(`${err.message} You can ask for a new link below, or sign in if you already verified.`)
        : err.status === 404 ? new Error('This verification link is not valid. Ask for a new one below.') : err);
    });
  }, []);
  return html`<div class="wrap narrow" data-state=${error ? 'verify-error' : 'verifying'}>
    <h1>Verify your email</h1>
    ${!error && html`<p class="muted">Verifying…</p>`}
    ${error && html`<div class="card">
      <${ErrorNote} error=${error} />
      <${Field} id="resend-email" label="Your email"><input id="resend-email" type="email" autocomplete="email" /><//>
      <${ResendVerification} email=${() => document.getElementById('resend-email').value} />
    </div>`}
  </div>`;
}
