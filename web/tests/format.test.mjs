// node --test web/tests: texts of the guest page (format.js) and the API helpers (api.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { GuestError, openInvitation, sendAnswer, tokenFromPath } from '../guest/api.js';
import { answerSummary, clampPlusOnes, formatWhen, isDoorDay } from '../guest/format.js';

test('the start is shown in the guest\'s time zone', () => {
  const london = formatWhen('2031-06-20T18:30:00Z', { locale: 'en-GB', timeZone: 'Europe/London' });
  assert.match(london.date, /Friday,? 20 June 2031/);
  assert.match(london.time, /19:30/);
  assert.equal(london.zone, 'Europe/London');
  const tokyo = formatWhen('2031-06-20T18:30:00Z', { locale: 'en-GB', timeZone: 'Asia/Tokyo' });
  assert.match(tokyo.date, /Saturday,? 21 June 2031/);
  assert.match(tokyo.time, /03:30/);
  assert.deepEqual(formatWhen('nope'), { date: '', time: '', zone: '' });
});

test('the door pass is offered on the event day and until 12 h after the start', () => {
  const start = Date.parse('2031-06-20T18:30:00Z');
  const zone = 'Europe/London';
  assert.equal(isDoorDay('2031-06-20T18:30:00Z', start - 10 * 3600e3, zone), true);  // Morning.
  assert.equal(isDoorDay('2031-06-20T18:30:00Z', start - 20 * 3600e3, zone), false);  // Day before.
  assert.equal(isDoorDay('2031-06-20T18:30:00Z', start + 6 * 3600e3, zone), true);  // After midnight.
  assert.equal(isDoorDay('2031-06-20T18:30:00Z', start + 13 * 3600e3, zone), false);
  assert.equal(isDoorDay('bad', start, zone), false);
});

test('answers read as sentences', () => {
  assert.equal(answerSummary({ response: 'yes', plus_ones: 1 }), 'Yes, I will come — with 1 guest');
  assert.equal(answerSummary({ response: 'maybe', plus_ones: 2 }), 'Maybe — with 2 guests');
  assert.equal(answerSummary({ response: 'yes', plus_ones: 0 }), 'Yes, I will come');
  assert.equal(answerSummary({ response: 'no', plus_ones: 0 }), 'No, I cannot come');
  assert.equal(answerSummary(null), '');
});

test('the plus-ones stepper stays within the allowance', () => {
  assert.equal(clampPlusOnes(3, 2, 'yes'), 2);
  assert.equal(clampPlusOnes(-1, 2, 'yes'), 0);
  assert.equal(clampPlusOnes('1', 2, 'maybe'), 1);
  assert.equal(clampPlusOnes(2, 2, 'no'), 0);
  assert.equal(clampPlusOnes('x', 2, 'yes'), 0);
});

test('the token comes from /rsvp/<token>', () => {
  assert.equal(tokenFromPath('/rsvp/gg1.abc.def'), 'gg1.abc.def');
  assert.equal(tokenFromPath('/rsvp/gg1.abc.def/'), 'gg1.abc.def');
  assert.equal(tokenFromPath('/ui/guest/index.html'), '');
});

function fakeFetch(status, body) {
  const calls = [];
  const impl = async (path, init) => {
    calls.push({ path, init });
    return { ok: status < 300, status, json: async () => body };
  };
  return { impl, calls };
}

const SIGNALS = { fingerprint: 'f', user_agent: 'u', language: 'en', timezone: 'Europe/Paris',
  screen: '1x1x24', platform: 'Linux;hc=1;dm=;tp=0' };

test('a GET sends every signal in headers and asks for JSON', async () => {
  const f = fakeFetch(200, { event: {}, guest: {}, rsvp: null });
  await openInvitation('t', SIGNALS, f.impl);
  const { path, init } = f.calls[0];
  assert.equal(path, '/rsvp/t');
  assert.equal(init.method, 'GET');
  assert.equal(init.headers.Accept, 'application/json');
  assert.equal(init.headers['X-Device-Fingerprint'], 'f');
  assert.equal(init.headers['X-Device-Timezone'], 'Europe/Paris');
  assert.equal(init.headers['X-Device-Language'], 'en');
  assert.equal(init.headers['X-Device-Screen'], '1x1x24');
  assert.equal(init.headers['X-Device-Platform'], 'Linux;hc=1;dm=;tp=0');
  assert.equal(init.credentials, 'omit');
});

test('POSTs carry the signals object', async () => {
  const f = fakeFetch(200, { rsvp: {} });
  await sendAnswer('t', 'yes', 1, SIGNALS, f.impl);
  assert.equal(f.calls[0].init.method, 'POST');
  assert.deepEqual(JSON.parse(f.calls[0].init.body), { response: 'yes', plus_ones: 1, signals: SIGNALS });
});

test('errors map to the page states, never to a reason', async () => {
  for (const [status, kind] of [[404, 'invalid'], [403, 'refused'], [429, 'busy'], [500, 'error']]) {
    const f = fakeFetch(status, { error: { code: 'x' } });
    await assert.rejects(openInvitation('t', SIGNALS, f.impl),
      (e) => e instanceof GuestError && e.kind === kind);
  }
  await assert.rejects(openInvitation('t', SIGNALS, async () => { throw new TypeError('offline'); }),
    (e) => e.kind === 'error');
});
