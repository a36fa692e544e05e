// The console's pure logic (web/console/lib/): threshold clamping, ribbon
// maths, CSV preview mapping and formula-safe export, reason texts, reconnect
// backoff, activity merging, routes and error words.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { inbox, itemKey, mergeItems } from '../console/lib/activity.js';
import { emailMatchesMask, newPasswordProblem, verificationToken } from '../console/lib/account.js';
import { backoffDelay, connectionText, monitorCloseAction } from '../console/lib/backoff.js';
import { csvCell, dataLines, importProgress, linksCsv, neutralise, previewRows, previewShown, previewSummary } from '../console/lib/csv.js';
import { appendPage, countText, guestFilters, linkState, pageQuery } from '../console/lib/paging.js';
import { errorText } from '../console/lib/errors.js';
import { deviceSummary, reasonsInWords } from '../console/lib/reasons.js';
import { parseRoute, queryString, safeNext, signinUrl } from '../console/lib/route.js';
import { bandOf, clampThresholds, ribbon, validThresholds } from '../console/lib/thresholds.js';

const T = { medium: 30, high: 60, block: 85 };

test('dragging Review past Suspicious pushes Suspicious and Blocked up, never out of order', () => {
  assert.deepEqual(clampThresholds(T, 'medium', 70), { medium: 70, high: 71, block: 85 });
  assert.deepEqual(clampThresholds(T, 'medium', 100), { medium: 98, high: 99, block: 100 });
  assert.deepEqual(clampThresholds(T, 'block', 1), { medium: 1, high: 2, block: 3 });
  assert.deepEqual(clampThresholds(T, 'high', 20), { medium: 19, high: 20, block: 85 });
  assert.deepEqual(clampThresholds(T, 'high', 'x'), { medium: 1, high: 2, block: 85 });
  for (const which of ['medium', 'high', 'block']) {
    for (let v = -5; v <= 110; v += 7) assert.ok(validThresholds(clampThresholds(T, which, v)), `${which}=${v}`);
  }
  assert.throws(() => clampThresholds(T, 'low', 5));
});

test('the ribbon is proportional to the thresholds and adds up to 100 %', () => {
  const r = ribbon(T);
  assert.deepEqual(r.map((s) => [s.band, s.from, s.to]),
    [['low', 0, 29], ['medium', 30, 59], ['high', 60, 84], ['block', 85, 100]]);
  assert.ok(Math.abs(r.reduce((a, s) => a + s.percent, 0) - 100) < 0.05);
  assert.equal(r[0].label, 'Verified');
  assert.equal(bandOf(29, T), 'low');
  assert.equal(bandOf(85, T), 'block');
});

test('the import preview maps rows and errors; the summary says what to do', () => {
  const p = { rows: [{ line: 2, name: 'Grace', email: 'g@x.org', phone: '', plus_ones_allowed: 1, errors: [] },
    { line: 3, name: 'Alan', email: 'a@x', phone: '', plus_ones_allowed: 'lots', errors: ['email is not valid'] }],
  valid: 1, invalid: 1 };
  const rows = previewRows(p);
  assert.equal(rows[1].line, 3);
  assert.equal(rows[1].plusOnes, 'lots');
  assert.equal(rows[1].ok, false);
  assert.equal(rows[0].ok, true);
  assert.match(previewSummary(p), /^1 row has a problem/);
  assert.equal(previewSummary({ rows: [], valid: 3, invalid: 0 }), '3 guests are ready to import.');
});

test('the link export neutralises formulas and quotes', () => {
  for (const bad of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutralise(bad)[0], "'");
  assert.equal(neutralise('Grace'), 'Grace');
  assert.equal(csvCell('a,"b"'), '"a,""b"""');
  const out = linksCsv([{ id: '1', name: '=HYPERLINK("x")', email: 'g@x.org' }, { id: '2', name: 'No link' }],
    { 1: 'http://h/rsvp/t' });
  assert.equal(out, 'name,email,link\r\n"\'=HYPERLINK(""x"")",g@x.org,http://h/rsvp/t\r\n');
});

test('reasons read in words, strongest first; unknown codes keep the server message', () => {
  const r = reasonsInWords([{ code: 'new_network', score: 10 }, { code: 'fingerprint_mismatch', score: 70 },
    { code: 'brand_new', score: 5, message: 'something new' }]);
  assert.deepEqual(r.map((x) => x.text), ['A device this guest never used before',
    'A network this guest never used before', 'something new']);
  assert.equal(deviceSummary({ client_ip: '203.0.113.7', signals: { platform: 'iPhone;hc=6', timezone: 'Europe/London',
    user_agent: 'Mozilla/5.0 (iPhone) Version/17.5 Mobile Safari/604.1', language: 'en-GB,en' } }),
  'iPhone · Safari · Europe/London · en-GB · 203.0.113.7');
  assert.equal(deviceSummary({}), 'No device details');
});

test('reconnect backoff grows exponentially with jitter, capped', () => {
  assert.equal(backoffDelay(0, { random: () => 0 }), 250);
  assert.equal(backoffDelay(0, { random: () => 1 }), 500);
  assert.equal(backoffDelay(3, { random: () => 1 }), 4000);
  assert.equal(backoffDelay(50, { random: () => 1 }), 15000);
  assert.equal(backoffDelay(50, { random: () => 0 }), 7500);
  for (let i = 0; i < 20; i++) {
    const d = backoffDelay(i);
    assert.ok(d >= Math.min(15000, 500 * 2 ** i) / 2 && d <= 15000);
  }
  assert.equal(connectionText('waiting', 2100), 'Reconnecting in 3 s');
  assert.equal(connectionText('live'), 'Live');
});

test('live items and backfill merge without duplicates, newest first', () => {
  const a = { type: 'access', at: '2031-01-01T10:00:00Z', guest_id: '1', kind: 'open',
    decision: { access_log_id: '7', band: 'high' }, signals: { timezone: 'X' } };
  const r = { type: 'rsvp', at: '2031-01-01T10:01:00Z', guest_id: '1', response: 'yes', plus_ones: 0 };
  const live = { ...a, signals: undefined };
  delete live.signals;
  const merged = mergeItems([a], [r, live, r]);
  assert.equal(merged.length, 2);
  assert.equal(merged[0].type, 'rsvp');
  assert.equal(merged[1].signals.timezone, 'X');
  assert.equal(itemKey(a), 'a:7');
  const checkin = { type: 'access', at: '2031-01-01T11:00:00Z', guest_id: '1', kind: 'checkin',
    decision: { access_log_id: '8', band: 'low' } };
  assert.deepEqual(inbox([checkin, a], []).map(itemKey), ['a:7']);
  assert.deepEqual(inbox([a], [{ access_log_id: '7' }]), []);
  assert.deepEqual(inbox([{ ...a, effective: { band: 'low' } }], []), []);
});

test('routes, the remembered page and errors in words', () => {
  assert.deepEqual(parseRoute('/', ''), { name: 'home', query: {} });
  assert.deepEqual(parseRoute('/console/events/12/guests', '?q=ada'),
    { name: 'event', id: '12', tab: 'guests', query: { q: 'ada' } });
  assert.equal(parseRoute('/console/events/x/guests').name, 'notfound');
  assert.equal(parseRoute('/invites/abc').token, 'abc');
  assert.equal(signinUrl('/console/events/1/team'), '/console/signin?next=%2Fconsole%2Fevents%2F1%2Fteam');
  assert.ok(!safeNext('https://evil.example/'));
  assert.ok(!safeNext('//evil.example/console/'));
  assert.equal(queryString({ q: 'a', rsvp: '' }), '?q=a');
  assert.equal(errorText(403, 'permission_denied', 'this action requires the owner role or higher'),
    'Your role on this event does not allow this.');
  assert.equal(errorText(409, 'failed_precondition', 'an event must keep at least one owner'),
    'An event must keep at least one owner.');
  assert.match(errorText(0, 'network', ''), /cannot be reached/);
  assert.match(errorText(500, 'internal', 'boom'), /ran into a problem/);
});

test('door codes read the way the server reads them; the answer says who and how many', async () => {
  const { normalizeCode, arrivalsText, verdictView, counterText } = await import('../console/lib/door.js');
  assert.equal(normalizeCode('k7pm 2qx9'), 'K7PM-2QX9');
  assert.equal(normalizeCode('K7PM-2QX9'), 'K7PM-2QX9');
  assert.equal(normalizeCode('o1il-0000'), '0111-0000');
  assert.equal(normalizeCode('K7PM-2QX'), '');
  assert.equal(normalizeCode('K7PM-2QX99'), '');
  assert.equal(normalizeCode('K7PM-2QXU'), '');  // U is not Crockford.
  assert.equal(normalizeCode(null), '');
  assert.equal(arrivalsText({ admitted: 2, places: 3 }), '2 of 3 admitted');
  const ok = verdictView({ admitted: true, guest: { name: 'Grace' }, arrivals: { admitted: 1, places: 2 }, message: 'Admitted.' });
  assert.deepEqual(ok, { tone: 'admitted', title: 'Admitted', name: 'Grace', count: '1 of 2 admitted', message: 'Admitted.' });
  const full = verdictView({ admitted: false, reason: 'checkin_limit', guest: { name: 'Grace' }, arrivals: { admitted: 2, places: 2 }, message: 'm' });
  assert.equal(full.tone, 'refused');
  assert.equal(full.title, 'Already used');
  assert.equal(full.count, '2 of 2 admitted');
  assert.equal(verdictView({ admitted: false, reason: 'code_not_valid', message: 'm' }).name, '');
  assert.deepEqual(counterText({ admitted: 1, guests_arrived: 1, expected: 4, guests: 3 }),
    { big: '1 person in', small: 'of 4 expected (1 of 3 invitations)' });
  assert.equal(counterText({ admitted: 0, guests_arrived: 0, expected: 0, guests: 2 }).small, '0 of 2 invitations');
});

test('invitation delivery states and send answers in words', async () => {
  const { deliveryText, sendSummary, anyPending } = await import('../console/lib/invitations.js');
  assert.deepEqual(deliveryText(undefined), { text: 'Not sent', tone: '' });
  assert.deepEqual(deliveryText({ type: 'guest_invitation', status: 'sent', attempts: 1 }), { text: 'Invitation sent', tone: 'low' });
  assert.equal(deliveryText({ type: 'guest_reminder', status: 'pending', attempts: 1 }).text, 'Reminder sending…');
  assert.equal(deliveryText({ type: 'guest_invitation', status: 'pending', attempts: 3 }).text, 'Invitation: retrying (attempt 3)');
  assert.equal(deliveryText({ type: 'guest_invitation', status: 'failed', attempts: 6 }).tone, 'block');
  assert.equal(sendSummary({ queued: ['1', '2'], skipped: [{ guest_id: '3', reason: 'no_email' }] }, 'invitation'),
    'Sending 2 invitations. Not sent to 1 guest: no email address.');
  assert.equal(sendSummary({ queued: ['1'], skipped: [{ reason: 'answered' }, { reason: 'answered' }, { reason: 'no_email' }] }, 'reminder'),
    'Sending 1 reminder. Not sent to 2 guests: already replied; 1 guest: no email address.');
  assert.equal(sendSummary({ queued: [], skipped: [] }, 'reminder'), 'No reminders to send.');
  assert.equal(anyPending({ 1: { status: 'sent' }, 2: { status: 'pending' } }), true);
  assert.equal(anyPending({}), false);
});

test('a timeline runs oldest first', async () => {
  const { timeline } = await import('../console/lib/rsvps.js');
  const t = timeline([
    { type: 'access', kind: 'checkin', at: '2031-01-01T20:00:00Z', decision: { band: 'low' } },
    { type: 'rsvp', response: 'yes', plus_ones: 1, at: '2031-01-01T10:00:01Z' },
    { type: 'access', kind: 'rsvp', at: '2031-01-01T10:00:00Z', decision: { band: 'low' } },
    { type: 'access', kind: 'open', at: '2031-01-01T09:00:00Z', decision: { band: 'medium' } },
    { type: 'access', kind: 'open', at: '2031-01-01T09:30:00Z', decision: { band: 'block' } },
  ]);
  assert.deepEqual(t.steps.map((s) => s.what), ['Opened the invitation', 'Opened the invitation — refused',
    'Sent the reply', 'Replied yes with 1 more', 'Checked in']);
  assert.deepEqual(t.reached, { open: true, rsvp: true, checkin: true });
  const blocked = timeline([{ type: 'access', kind: 'checkin', at: 'x', decision: { band: 'block' } }]);
  assert.deepEqual(blocked.reached, { open: false, rsvp: false, checkin: false });
  const relabelled = timeline([{ type: 'access', kind: 'open', at: 'x', decision: { band: 'block' }, effective: { band: 'low' } }]);
  assert.equal(relabelled.reached.open, true);
});

test('a page query carries the set filters, the limit and the cursor only', () => {
  assert.equal(pageQuery({}, null, 100), '?limit=100');
  assert.equal(pageQuery({ q: ' ada ', rsvp: '', band: 'high' }, 'Zzk6MTI', 50),
    '?limit=50&q=ada&band=high&cursor=Zzk6MTI');
  assert.deepEqual(guestFilters({ q: 'x', checked: 'yes', guest: '4', page: '2' }), { q: 'x', checked: 'yes' });
  assert.equal(pageQuery({ q: 'a&b=c' }), '?limit=100&q=a%26b%3Dc');
});

test('pages append without duplicates; the count and a link state in words', () => {
  const list = appendPage([{ id: '1' }, { id: '2' }], [{ id: '2' }, { id: '3' }]);
  assert.deepEqual(list.map((g) => g.id), ['1', '2', '3']);
  assert.deepEqual(appendPage([], [{ guest_id: '9' }], 'guest_id'), [{ guest_id: '9' }]);
  assert.equal(countText(100, 250), '100 of 250 guests');
  const fmt = (iso) => iso.slice(0, 10);
  assert.deepEqual(linkState({ id: '1', link_issued_at: null }, {}, fmt), { state: 'none', text: 'No link yet' });
  assert.deepEqual(linkState({ id: '1', link_issued_at: '2031-01-02T03:04:05Z' }, {}, fmt),
    { state: 'made', text: 'Link made 2031-01-02' });
  assert.equal(linkState({ id: '1', link_issued_at: null }, { 1: 'http://x/rsvp/t' }).state, 'known');
});

test('the import progress reads bytes, then checks and imports the rows', () => {
  assert.deepEqual(importProgress('reading', { loaded: 32768, total: 65536, name: 'g.csv' }),
    { value: 32768, max: 65536, text: 'Reading g.csv… 50 %' });
  assert.equal(importProgress('checking', { rows: 5000 }).text, 'Checking 5,000 rows…');
  assert.equal(importProgress('checking', { rows: 5000 }).value, null);  // Indeterminate.
  assert.equal(importProgress('importing', { rows: 12 }).text, 'Importing 12 guests…');
  assert.deepEqual(importProgress('done', { rows: 5000 }), { value: 1, max: 1, text: '5,000 rows read and checked' });
  assert.equal(importProgress('done', { rows: 1 }).text, '1 row read and checked');
  assert.equal(dataLines('name,email\r\nA,a@x\r\nB,b@x\r\n'), 2);
  assert.equal(dataLines('name\n"two\nlines"\n\nC'), 2);
  assert.equal(dataLines('name,email\n'), 0);
  const rows = Array.from({ length: 300 }, (_, i) => ({ line: i + 2, ok: i !== 250 }));
  const { shown, hidden } = previewShown(rows, 100);
  assert.equal(shown.length, 101);
  assert.equal(shown[100].line, 252);
  assert.equal(hidden, 199);
});

test('an invite preview mask matches the address it hides, and only that', () => {
  assert.ok(emailMatchesMask('c•••@example.com', 'carol@example.com'));
  assert.ok(emailMatchesMask('c•••@example.com', ' Carol@Example.COM '));
  assert.ok(!emailMatchesMask('c•••@example.com', 'dave@example.com'));
  assert.ok(!emailMatchesMask('c•••@example.com', 'carol@example.org'));
  assert.ok(!emailMatchesMask('c•••@example.com', 'carol@sub.example.com'));
  assert.ok(emailMatchesMask('é•••@example.com', 'élise@example.com'));
  assert.ok(!emailMatchesMask('•••', 'carol@example.com'));
  assert.ok(!emailMatchesMask(undefined, 'carol@example.com'));
});

test('a new password needs 12 to 128 characters and the same confirmation', () => {
  assert.match(newPasswordProblem('elevenchars', 'elevenchars'), /at least 12/);
  assert.equal(newPasswordProblem('twelve chars', 'twelve chars'), null);
  assert.match(newPasswordProblem('twelve chars', 'twelve charz'), /not the same/);
  assert.match(newPasswordProblem('x'.repeat(129), 'x'.repeat(129)), /at most 128/);
  assert.equal(newPasswordProblem('ééééééééééé€', 'ééééééééééé€'), null);  // Characters, not bytes.
});

test('the verification page takes the token from the fragment only when well formed', () => {
  const t = 'A'.repeat(40) + '_-9';
  assert.equal(verificationToken(`#${t}`), t);
  assert.equal(verificationToken(t), t);
  assert.equal(verificationToken('#short'), null);
  assert.equal(verificationToken(`#${t}x`), null);
  assert.equal(verificationToken(''), null);
});

test('the monitor signs out on 4401, stops on 4403 and retries anything else', () => {
  assert.equal(monitorCloseAction(4401), 'signed-out');
  assert.equal(monitorCloseAction(4403), 'no-access');
  for (const code of [1000, 1001, 1006, 1008, 1011, undefined]) assert.equal(monitorCloseAction(code), 'retry');
});

test('the verify and account pages have their own URLs', () => {
  assert.deepEqual(parseRoute('/console/verify'), { name: 'verify', query: {} });
  assert.deepEqual(parseRoute('/console/account'), { name: 'account', query: {} });
});
