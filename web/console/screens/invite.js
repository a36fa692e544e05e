// The invite-accept page (/invites/{token}): what the invite is (the address
// masked: "c•••@example.com"), then sign in or sign up (coming back here after
// the verification link), then accept. A mismatched account is told why; an
// account whose address is not verified yet is told how to verify it.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { emailMatchesMask } from '../lib/account.js';
import { Link, navigate } from '../nav.js';
import { ResendVerification } from './auth.js';
import { ErrorNote, ROLE_WORDS, when } from './ui.js';

export function InviteAccept({ token, user }) {
  const [invite, setInvite] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => { api.invitePreview(token).then(setInvite).catch(setError); }, [token]);
  const here = `/invites/${encodeURIComponent(token)}`;
  const [refusedUnverified, setRefusedUnverified] = useState(false);
  const unverified = user && (user.email_verified === false || refusedUnverified);
  const accept = async () => {
    setError(null);
    try {
      const r = await api.acceptInvite(token);
      navigate(`/console/events/${r.event_id}/${r.role === 'door' ? 'door' : 'guests'}`);
    } catch (err) {
      if (err.code === 'email_unverified') setRefusedUnverified(true);
      else setError(err);
    }
  };
  return html`<div class="wrap narrow" data-state=${invite ? 'invite' : error ? 'invite-error' : 'loading'}>
    <h1>Team invitation</h1>
    ${error && !invite && html`<${ErrorNote} error=${error.status === 404 ? new Error('This invitation link is not valid. Ask the event owner for a new one.') : error} />`}
    ${invite && html`<div class="card">
      <p><strong>${invite.inviter_name}</strong> invites <strong>${invite.email}</strong> to help with${' '}<strong id="invite-event">${invite.event_name}</strong> as <span class="badge">${ROLE_WORDS[invite.role] || invite.role}</span>.</p>
      <p class="meta">The invitation is valid until ${when(invite.expires_at)}.</p>
      ${user ? html`${user.email && !emailMatchesMask(invite.email, user.email) && html`<p class="warn">You are signed in as ${user.email}; this invitation is for ${invite.email}.</p>`}
          ${unverified ? html`<div id="verify-first"><p class="warn">Verify your email address before you join: open the link in the verification email we sent to ${user.email}, then come back to this invitation.</p>
              <${ResendVerification} email=${user.email} /></div>`
            : html`<button class="primary" id="accept-invite" onClick=${accept}>Join the team</button>`}`
        : html`<div class="actions"><${Link} class="btn primary" id="invite-signup" href=${`/console/signup?next=${encodeURIComponent(here)}`}>Create an account<//>
          <${Link} class="btn" id="invite-signin" href=${`/console/signin?next=${encodeURIComponent(here)}`}>Sign in<//></div>`}
      <${ErrorNote} error=${error} />
    </div>`}
  </div>`;
}
