// The home page for signed-out visitors: what GuestGuard does, how, and
// what a host sees.
import { html } from '../../vendor/htm-preact-standalone.module.js';
import { Link } from '../nav.js';

export function Home() {
  return html`<div class="wrap" data-state="home">
    <section class="hero">
      <h1>Invitations only your guests can use</h1>
      <p class="muted">GuestGuard gives every guest a personal link and checks each use of it:
        is this the guest's own device and network, or a forwarded, shared or copied link? You
        see the answer; your guests just see their invitation.</p>
      <div class="actions">
        <${Link} class="btn primary" href="/console/signup">Create an account<//>
        <${Link} class="btn" href="/console/signin">Sign in<//>
      </div>
    </section>
    <h2>How it works</h2>
    <ol class="steps">
      <li><strong>1. Add your guests</strong><br />Type them in or import a spreadsheet (CSV), with how many people each may bring.</li>
      <li><strong>2. Send personal links</strong><br />Each guest gets their own link to reply yes, no or maybe — and, on the day, a door pass.</li>
      <li><strong>3. Watch who opens them</strong><br />Every open, reply and check-in is scored: Verified, Review, Suspicious or Blocked, with the reasons in words.</li>
    </ol>
    <h2>What you see as a host</h2>
    <ul>
      <li>Your guest list with replies, check-ins and the latest verdict for each guest.</li>
      <li>A live monitor of opens and replies as they happen.</li>
      <li>Security settings: how strict to be, trusted networks, and a review inbox for flagged uses.</li>
      <li>Your team: invite editors and viewers to help.</li>
    </ul>
  </div>`;
}
