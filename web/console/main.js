// The host console: one shell, client-side routes (lib/route.js), the
// session in localStorage (api.js). Each screen is its own module.
import { html, render, useEffect, useState } from '../vendor/htm-preact-standalone.module.js';

import { api, onSignedOut, session } from './api.js';
import { parseRoute, signinUrl } from './lib/route.js';
import { Link, navigate } from './nav.js';
import { Account } from './screens/account.js';
import { SignIn, SignUp } from './screens/auth.js';
import { EventPage } from './screens/event.js';
import { Events } from './screens/events.js';
import { Home } from './screens/home.js';
import { InviteAccept } from './screens/invite.js';
import { Verify } from './screens/verify.js';

const current = () => parseRoute(location.pathname, location.search);

function TopBar({ user, onSignOut }) {
  return html`<header class="topbar">
    <${Link} class="brand" href=${user ? '/console/events' : '/'}>Guest<span>Guard</span><//>
    <nav aria-label="Account">
      ${user ? html`<${Link} class="who" id="who" href="/console/account" title="Your account">${user.name}<//>
        <button class="small" id="sign-out" onClick=${onSignOut}>Sign out</button>`
        : html`<${Link} class="btn" href="/console/signin">Sign in<//>
          <${Link} class="btn primary" href="/console/signup">Sign up<//>`}
    </nav>
  </header>`;
}

function App() {
  const [route, setRoute] = useState(current());
  const [user, setUser] = useState(() => (session.get() || {}).user || null);

  useEffect(() => {
    const update = () => { setRoute(current()); window.scrollTo(0, 0); };
    window.addEventListener('popstate', update);
    window.addEventListener('gg:navigate', update);
    onSignedOut(() => {
      setUser(null);
      navigate(signinUrl(location.pathname + location.search), { replace: true });
    });
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('gg:navigate', update);
    };
  }, []);

  // A private screen without a session: sign in first, then come back.
  const needsSession = ['events', 'event', 'account'].includes(route.name);
  useEffect(() => {
    if (needsSession && !user) navigate(signinUrl(location.pathname + location.search), { replace: true });
    if (route.name === 'home' && user) navigate('/console/events', { replace: true });
  }, [route, user]);

  const signedIn = (s) => { session.set(s); setUser(s.user); };
  const signOut = async () => {
    try { await api.logout(); } catch (e) { /* The session ends here either way. */ }
    session.clear();
    setUser(null);
    navigate('/');
  };

  const signedOutEverywhere = () => {
    session.clear();
    setUser(null);
    navigate('/console/signin');
  };

  let screen;
  switch (route.name) {
    case 'home': screen = html`<${Home} />`; break;
    case 'signin': screen = html`<${SignIn} route=${route} onSignedIn=${signedIn} />`; break;
    case 'signup': screen = html`<${SignUp} route=${route} />`; break;
    case 'verify': screen = html`<${Verify} onSignedIn=${signedIn} />`; break;
    case 'account': screen = user && html`<${Account} user=${user} onSignedOutEverywhere=${signedOutEverywhere} />`; break;
    case 'events': screen = user && html`<${Events} user=${user} />`; break;
    case 'event': screen = user && html`<${EventPage} key=${route.id} route=${route} user=${user} />`; break;
    case 'invite': screen = html`<${InviteAccept} token=${route.token} user=${user} />`; break;
    default: screen = html`<div class="wrap" data-state="notfound"><h1>Page not found</h1>
      <p><${Link} href="/">Back to GuestGuard<//></p></div>`;
  }
  return html`<${TopBar} user=${user} onSignOut=${signOut} /><main id="main">${screen}</main>`;
}

const root = document.getElementById('app');
root.textContent = '';  // The loading note of index.html.
render(html`<${App} />`, root);
