// The invite-accept page (/invites/{token}): what the invite is, then sign in
// or sign up (coming back here), then accept. A mismatched account is told why.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { Link, navigate } from '../nav.js';
import { ErrorNote, ROLE_WORDS, when } from './ui.js';

export function InviteAccept({ token, user }) {
  const [invite, setInvite] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api.invitePreview(token).then(setInvite).catch(setError); }, [token]);
  const here = `/invites/${encodeURIComponent(token)}`;
  const accept = async () => {
    setError(null);
    try {
      const r = await api.acceptInvite(token);
      navigate(`/console/events/${r.event_id}/${r.role === 'door' ? 'door' : 'guests'}`);
    } catch (err) { setError(err); }
  };
  return html`<div class="wrap narrow" data-state=${invite ? 'invite' : error ? 'invite-error' : 'loading'}>
    <h1>Team invitation</h1>
    ${error && !invite && html`<${ErrorNote} error=${error.status === 404 ? new Error('This invitation link is not valid. Ask the event owner for a new one.') : error} />`}
    ${invite && html`<div class="card">
      <p><strong>${invite.inviter_name}</strong> invites <strong>${invite.email}</strong> to help with
        <strong id="invite-event">${invite.event_name}</strong> as <span class="badge">${ROLE_WORDS[invite.role] || invite.role}</span>.</p>
      <p class="meta">The invitation is valid until ${when(invite.expires_at)}.</p>
      ${user ? html`${user.email && user.email.toLowerCase() !== invite.email.toLowerCase() && html`<p class="warn">You are signed in as ${user.email}; this invitation is for ${invite.email}.</p>`}
          <button class="primary" id="accept-invite" onClick=${accept}>Join the team</button>`
        : html`<div class="actions"><${Link} class="btn primary" id="invite-signup" href=${`/console/signup?next=${encodeURIComponent(here)}`}>Create an account<//>
          <${Link} class="btn" id="invite-signin" href=${`/console/signin?next=${encodeURIComponent(here)}`}>Sign in<//></div>`}
      <${ErrorNote} error=${error} />
    </div>`}
  </div>`;
}
