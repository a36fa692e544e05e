// Sign in and sign up. Signing up mails a verification link (screens/verify.js
// signs in when it is followed); signing in needs a verified address. After
// either, the host goes back to the page they came from (?next=, console paths
// only) or to their events.
import { html, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { safeNext } from '../lib/route.js';
import { Link, navigate } from '../nav.js';
import { ErrorNote, Field } from './ui.js';

// Where a verified account goes once its link is followed (the link may open
// in another tab: localStorage, console paths only).
export const AFTER_VERIFY = 'guestguard.after-verify';

function done(route, s, onSignedIn) {
  onSignedIn(s);
  navigate(safeNext(route.query.next) ? route.query.next : '/console/events', { replace: true });
}

// "Send the link again" for `email` (a function: the address may still be typed).
export function ResendVerification({ email }) {
  const [state, setState] = useState('idle');
  const [error, setError] = useState(null);
  const resend = async () => {
    setError(null);
    const address = (typeof email === 'function' ? email() : email || '').trim();
    if (!address) { setError(new Error('Type your email address first.')); return; }
    setState('sending');
    try {
      await api.resendVerification(address);
      setState('sent');
    } catch (err) { setError(err); setState('idle'); }
  };
  return html`<div class="resend">
    <button type="button" class="small" id="resend-verification" onClick=${resend} disabled=${state === 'sending'}>Send the verification email again</button>
    ${state === 'sent' && html`<p class="meta" id="resend-sent" role="status">If that address has an account waiting for verification, a new link is on its way (at most one email a minute).</p>`}
    <${ErrorNote} error=${error} />
  </div>`;
}

export function SignIn({ route, onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setBusy(true);
    setError(null);
    try {
      done(route, await api.login(f.email.value.trim(), f.password.value), onSignedIn);
    } catch (err) {
      setRefused(err.status === 401);
      setError(err.status === 401 ? new Error('That email and password do not match a verified account. New here? Open the link in the verification email first.') : err);
      setBusy(false);
    }
  };
  const next = route.query.next ? `?next=${encodeURIComponent(route.query.next)}` : '';
  return html`<div class="wrap narrow" data-state="signin">
    <h1>Sign in</h1>
    ${route.query.next && html`<p class="muted">Sign in to continue where you were.</p>`}
    <form class="card" onSubmit=${submit}>
      <${Field} id="email" label="Email"><input id="email" name="email" type="email" autocomplete="email" required /><//>
      <${Field} id="password" label="Password"><input id="password" name="password" type="password" autocomplete="current-password" required /><//>
      <${ErrorNote} error=${error} />
      <button class="primary" type="submit" disabled=${busy}>Sign in</button>
      ${refused && html`<${ResendVerification} email=${() => document.getElementById('email').value} />`}
    </form>
    <p>New here? <${Link} href=${`/console/signup${next}`}>Create an account<//></p>
  </div>`;
}

export function SignUp({ route }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState(null);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setBusy(true);
    setError(null);
    try {
      const email = f.email.value.trim();
      await api.signup(f.name.value.trim(), email, f.password.value);
      if (safeNext(route.query.next)) localStorage.setItem(AFTER_VERIFY, route.query.next);
      else localStorage.removeItem(AFTER_VERIFY);
      setSentTo(email);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const next = route.query.next ? `?next=${encodeURIComponent(route.query.next)}` : '';
  if (sentTo) {
    return html`<div class="wrap narrow" data-state="check-email">
      <h1>Check your email</h1>
      <div class="card">
        <p>We sent a message to <strong id="sent-to">${sentTo}</strong>. Open the link in it to verify
          your address and sign in. The link works once, for 24 hours.</p>
        <p class="meta">If this address already has an account, the message says so: sign in with your password instead.</p>
        <${ResendVerification} email=${sentTo} />
      </div>
      <p><${Link} href=${`/console/signin${next}`}>Sign in<//></p>
    </div>`;
  }
  return html`<div class="wrap narrow" data-state="signup">
    <h1>Create your account</h1>
    <form class="card" onSubmit=${submit}>
      <${Field} id="name" label="Your name"><input id="name" name="name" type="text" autocomplete="name" required /><//>
      <${Field} id="email" label="Email"><input id="email" name="email" type="email" autocomplete="email" required /><//>
      <${Field} id="password" label="Password" hint="12 to 128 characters.">
        <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required /><//>
      <${ErrorNote} error=${error} />
      <button class="primary" type="submit" disabled=${busy}>Create account</button>
    </form>
    <p>Already have an account? <${Link} href=${`/console/signin${next}`}>Sign in<//></p>
  </div>`;
}
