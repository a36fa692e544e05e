// Team: members with roles (change, remove; the last owner is protected by
// the server, whose message is shown), pending invites (cancel), invite.
import { html, useEffect, useState } from '../../vendor/htm-preact-standalone.module.js';
import { api } from '../api.js';
import { ErrorNote, Field, ROLE_WORDS, when } from './ui.js';

const ROLES = ['viewer', 'editor', 'owner', 'door'];

export function Team({ event }) {
  const owner = event.your_role === 'owner';
  const [team, setTeam] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState('');
  const load = () => api.team(event.id).then(setTeam).catch(setError);
  useEffect(() => { load(); }, [event.id]);
  const act = async (fn, message) => {
    setError(null);
    setNotice('');
    try { await fn(); setNotice(message); } catch (err) { setError(err); }
    load();
  };
  const invite = (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const email = f['invite-email'].value.trim();
    act(() => api.invite(event.id, email, f['invite-role'].value), `Invitation sent to ${email}.`).then(() => e.target.reset());
  };
  return html`<div data-state=${team ? 'team' : 'loading'}>
    ${notice && html`<p class="ok" role="status" id="team-notice">${notice}</p>`}
    <${ErrorNote} error=${error} />
    <section class="card"><h2>Team</h2>
      <ul class="list" id="members">${(team ? team.collaborators : []).map((m) => html`<li key=${m.user_id} data-email=${m.email}>
        <strong>${m.name}</strong> <span class="meta">${m.email}</span>
        ${owner ? html`<div class="row"><${Field} id=${`role-${m.user_id}`} label=${`Role of ${m.name}`}>
            <select id=${`role-${m.user_id}`} value=${m.role} onChange=${(e) => act(() => api.setRole(event.id, m.user_id, e.target.value), `${m.name} is now ${ROLE_WORDS[e.target.value]}.`)}>
              ${ROLES.map((r) => html`<option value=${r}>${ROLE_WORDS[r]}</option>`)}</select><//>
            <button class="small danger" onClick=${() => act(() => api.removeMember(event.id, m.user_id), `${m.name} removed from the team.`)}>Remove</button></div>`
          : html` <span class="badge">${ROLE_WORDS[m.role]}</span>`}</li>`)}</ul>
    </section>
    ${team && team.pending.length > 0 && html`<section class="card"><h2>Invited</h2><ul class="list" id="pending">${team.pending.map((p) => html`<li key=${p.email}>
      ${p.email} <span class="badge">${ROLE_WORDS[p.role]}</span> <span class="meta">until ${when(p.expires_at)}</span>
      ${owner && html` <button class="small" onClick=${() => act(() => api.cancelInvite(event.id, p.email), `Invitation to ${p.email} cancelled.`)}>Cancel</button>`}</li>`)}</ul></section>`}
    ${owner && html`<form class="card" id="invite-form" onSubmit=${invite}><h2>Invite someone</h2>
      <div class="row"><${Field} id="invite-email" label="Email"><input id="invite-email" type="email" required /><//>
      <${Field} id="invite-role" label="Role"><select id="invite-role">${ROLES.map((r) => html`<option value=${r}>${ROLE_WORDS[r]}</option>`)}</select><//>
      <button class="primary" type="submit" id="invite-send">Send invitation</button></div>
      <p class="meta">Viewers see everything and change nothing; editors manage guests, links and security; owners also manage the team; door staff see only the door view and check guests in.</p></form>`}
  </div>`;
}
