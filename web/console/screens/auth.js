// Sign in and sign up. After either, the host goes back to the page they
// came from (?next=, console paths only) or to their events.
import { html, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { safeNext } from '../lib/route.js';
import { Link, navigate } from '../nav.js';
import { ErrorNote, Field } from './ui.js';

function done(route, s, onSignedIn) {
  onSignedIn(s);
  navigate(safeNext(route.query.next) ? route.query.next : '/console/events', { replace: true });
}

export function SignIn({ route, onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setBusy(true);
    setError(null);
    try {
      done(route, await api.login(f.email.value.trim(), f.password.value), onSignedIn);
    } catch (err) {
      setError(err.status === 401 ? new Error('That email and password do not match an account.') : err);
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
    </form>
    <p>New here? <${Link} href=${`/console/signup${next}`}>Create an account<//></p>
  </div>`;
}

export function SignUp({ route, onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const f = e.target.elements;
    setBusy(true);
    setError(null);
    try {
      done(route, await api.signup(f.name.value.trim(), f.email.value.trim(), f.password.value), onSignedIn);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const next = route.query.next ? `?next=${encodeURIComponent(route.query.next)}` : '';
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
