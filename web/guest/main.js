// The guest page: what a guest sees behind their personal link. One screen
// with a few states (loading, invitation, not valid, refused, busy, error);
// the logic it needs lives in the plain modules beside it.
import { html, render, useEffect, useState } from '../vendor/htm-preact-standalone.module.js';
import { generate } from '../vendor/lean-qr-nano.mjs';

import { openInvitation, sendAnswer, tokenFromPath } from './api.js';
import { fromBase64url, clockOffset, passView, qrPath } from './doorpass.js';
import { answerSummary, clampPlusOnes, formatWhen, isDoorDay } from './format.js';
import { collectSignals } from './signals.js';

const MESSAGES = {
  invalid: {
    title: 'This link is not valid',
    body: 'Please ask your host to send you a new invitation link.',
  },
  refused: {
    title: 'We cannot open this invitation right now',
    body: 'Please try again later, or get in touch with your host.',
  },
  busy: {
    title: 'Too many tries',
    body: 'Please wait a minute, then reload this page.',
  },
  error: {
    title: 'Something went wrong',
    body: 'We could not reach the invitation. Please check your connection and reload this page.',
  },
};

function Notice({ kind }) {
  const m = MESSAGES[kind] || MESSAGES.error;
  return html`<section class="card notice" data-state=${kind} aria-labelledby="notice-title">
    <h1 id="notice-title" tabindex="-1">${m.title}</h1>
    <p>${m.body}</p>
  </section>`;
}

function Details({ event, guest }) {
  const when = formatWhen(event.starts_at);
  return html`<article class="card invitation" aria-labelledby="event-name">
    <p class="eyebrow">You are invited, <span id="guest-name">${guest.name}</span></p>
    <h1 id="event-name">${event.name}</h1>
    <dl class="facts">
      <div><dt>When</dt><dd id="event-when">${when.date}<br />${when.time}
        <span class="muted"> (your time, ${when.zone})</span></dd></div>
      ${event.venue && html`<div><dt>Where</dt><dd id="event-venue">${event.venue}</dd></div>`}
      ${event.host && html`<div><dt>Host</dt><dd id="event-host">${event.host}</dd></div>`}
    </dl>
    ${event.description && html`<p class="description">${event.description}</p>`}
  </article>`;
}

const CHOICES = [['yes', 'Yes'], ['maybe', 'Maybe'], ['no', 'No']];

function Answer({ token, guest, rsvp, signals, onGone }) {
  const allowed = guest.plus_ones_allowed || 0;
  const [saved, setSaved] = useState(rsvp);
  const [editing, setEditing] = useState(!rsvp);
  const [response, setResponse] = useState(rsvp ? rsvp.response : '');
  const [plusOnes, setPlusOnes] = useState(rsvp ? rsvp.plus_ones : 0);
  const [sending, setSending] = useState(false);
  const [status, setStatus] = useState('');

  // Navigation Timing mark: the answer controls are on screen and usable.
  useEffect(() => { performance.mark('gg:rsvp-usable'); }, []);

  const pick = (value) => {
    setResponse(value);
    setPlusOnes((n) => clampPlusOnes(n, allowed, value));
  };
  const step = (delta) => setPlusOnes((n) => clampPlusOnes(n + delta, allowed, response));

  const submit = async (e) => {
    e.preventDefault();
    if (!response || sending) return;
    setSending(true);
    setStatus('');
    try {
      const answer = await sendAnswer(token, response, clampPlusOnes(plusOnes, allowed, response),
        signals);
      setSaved(answer.rsvp);
      setEditing(false);
      setStatus('Thank you, your answer is saved.');
    } catch (err) {
      if (err.kind === 'invalid') return onGone('invalid');
      setStatus(err.kind === 'busy'
        ? 'Too many tries. Please wait a minute and try again.'
        : 'We could not save your answer right now. Please try again later, or get in touch with your host.');
    } finally {
      setSending(false);
    }
  };

  if (!editing && saved) {
    return html`<section class="card answer" aria-labelledby="answer-title" data-state="answered">
      <h2 id="answer-title">Your answer</h2>
      <p class="current" id="current-answer">${answerSummary(saved)}</p>
      <p role="status" class="status">${status}</p>
      <button type="button" class="secondary" id="change-answer"
        onClick=${() => { setEditing(true); setStatus(''); }}>Change my answer</button>
    </section>`;
  }

  return html`<section class="card answer" aria-labelledby="answer-title" data-state="answering">
    <h2 id="answer-title">${saved ? 'Change your answer' : 'Will you come?'}</h2>
    <form onSubmit=${submit} novalidate>
      <fieldset class="choices">
        <legend>Your answer</legend>
        ${CHOICES.map(([value, label]) => html`<label class="choice">
          <input type="radio" name="response" value=${value} id=${`answer-${value}`}
            checked=${response === value} onChange=${() => pick(value)} />
          <span>${label}</span>
        </label>`)}
      </fieldset>
      ${allowed > 0 && html`<div class="stepper">
        <label for="plus-ones">Guests coming with you <span class="muted">(up to ${allowed})</span></label>
        <div class="stepper-row">
          <button type="button" id="plus-ones-less" aria-label="One guest fewer"
            disabled=${response === 'no' || plusOnes <= 0} onClick=${() => step(-1)}>−</button>
          <input id="plus-ones" type="number" inputmode="numeric" min="0" max=${allowed}
            value=${plusOnes} disabled=${response === 'no'}
            onInput=${(e) => setPlusOnes(clampPlusOnes(e.currentTarget.value, allowed, response))} />
          <button type="button" id="plus-ones-more" aria-label="One guest more"
            disabled=${response === 'no' || plusOnes >= allowed} onClick=${() => step(1)}>+</button>
        </div>
      </div>`}
      <div class="actions">
        <button type="submit" class="primary" id="send-answer" disabled=${!response || sending}>
          ${sending ? 'Sending…' : 'Send my answer'}</button>
        ${saved && html`<button type="button" class="secondary" id="keep-answer"
          onClick=${() => { setEditing(false); setStatus(''); }}>Keep my answer</button>`}
      </div>
      <p role="status" class="status" id="answer-status">${status}</p>
    </form>
  </section>`;
}

// The door pass that came with the open (only on the event day): the code is
// recomputed every second from the secret and the server's clock.
function DoorPass({ pass: given }) {
  const [pass] = useState(() => ({
    secret: fromBase64url(given.secret),
    offset: clockOffset(given.server_time, Date.now()),
  }));
  const [now, setNow] = useState(Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const view = passView(pass.secret, now, pass.offset);
  const qr = generate(view.text);
  return html`<section class="card pass" aria-labelledby="pass-title" data-state="pass">
    <h2 id="pass-title">Your door pass</h2>
    <p>Show this at the entrance. It changes every 30 seconds, so a screenshot will not work.</p>
    <svg class="qr" viewBox=${`-4 -4 ${qr.size + 8} ${qr.size + 8}`} role="img"
      aria-label="QR code of your door pass" shape-rendering="crispEdges">
      <rect class="qr-light" x="-4" y="-4" width=${qr.size + 8} height=${qr.size + 8} />
      <path class="qr-dark" d=${qrPath(qr)} />
    </svg>
    <p class="code"><span class="muted">Code </span><strong id="pass-code">${view.text}</strong></p>
    <p class="muted" id="pass-countdown">Changes in ${view.secondsLeft} s</p>
  </section>`;
}

function App({ token }) {
  const [state, setState] = useState({ phase: token ? 'loading' : 'invalid' });

  useEffect(() => {
    if (!token) return;
    let live = true;
    (async () => {
      const signals = await collectSignals(window);
      try {
        const data = await openInvitation(token, signals);
        if (live) setState({ phase: 'ready', data, signals });
      } catch (err) {
        if (live) setState({ phase: err.kind || 'error' });
      }
    })();
    return () => { live = false; };
  }, [token]);

  useEffect(() => {
    document.title = state.phase === 'ready' ? `Invitation: ${state.data.event.name}` :
      state.phase === 'loading' ? 'Your invitation' : (MESSAGES[state.phase] || MESSAGES.error).title;
  }, [state]);

  if (state.phase === 'loading') {
    return html`<p class="loading" data-state="loading">Opening your invitation…</p>`;
  }
  if (state.phase !== 'ready') return html`<${Notice} kind=${state.phase} />`;
  const { event, guest, rsvp } = state.data;
  return html`<div class="stack" data-state="ready">
    <${Details} event=${event} guest=${guest} />
    ${state.data.pass && html`<${DoorPass} pass=${state.data.pass} />`}
    ${!state.data.pass && isDoorDay(event.starts_at, Date.now()) &&
      html`<section class="card pass" data-state="pass-unavailable" aria-labelledby="pass-title">
        <h2 id="pass-title">Your door pass</h2>
        <p>Your door pass is not available on this device. Please speak to the host at the door.</p>
      </section>`}
    <${Answer} token=${token} guest=${guest} rsvp=${rsvp} signals=${state.signals}
      onGone=${(phase) => setState({ phase })} />
  </div>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} token=${tokenFromPath(window.location.pathname)} />`, root);
