// node --test web/tests: door-pass timing and codes (web/guest/doorpass.js).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';

import {
  clockOffset, codeFor, formatCode, fromBase64url, passView, PERIOD_SECONDS, qrPath, secondsLeft,
  stepAt,
} from '../guest/doorpass.js';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i * 7 + 1);

// An independent reference: node:crypto HMAC, Crockford base32 of 40 bits.
function reference(secret, step) {
  const mac = createHmac('sha256', secret).update(`ggpass1:${step}`).digest();
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let bits = mac.readUIntBE(0, 5);
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = alphabet[bits % 32] + out;
    bits = Math.floor(bits / 32);
  }
  return out;
}

test('the code of a step matches the reference for many steps', () => {
  for (let step = 58_000_000; step < 58_000_200; step++) {
    assert.equal(codeFor(SECRET, step), reference(SECRET, step));
  }
});

test('codes are 8 Crockford characters and differ between secrets', () => {
  const other = SECRET.map((b) => b ^ 0xff);
  const code = codeFor(SECRET, 1);
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
  assert.notEqual(code, codeFor(other, 1));
  assert.equal(formatCode('ABCDEFGH'), 'ABCD-EFGH');
});

test('the step changes every 30 seconds, on the boundary', () => {
  assert.equal(PERIOD_SECONDS, 30);
  const t = 1_750_000_020_000;  // A multiple of 30 s.
  assert.equal(stepAt(t), t / 30_000);
  assert.equal(stepAt(t + 29_999), stepAt(t));
  assert.equal(stepAt(t + 30_000), stepAt(t) + 1);
  assert.equal(stepAt(t - 1), stepAt(t) - 1);
  assert.equal(secondsLeft(t), 30);
  assert.equal(secondsLeft(t + 1), 30);
  assert.equal(secondsLeft(t + 29_500), 1);
  assert.equal(secondsLeft(t + 10_000), 20);
});

test('a code shown 61 s earlier is two steps old (the server accepts only one step back)', () => {
  for (const t of [1_750_000_020_000, 1_750_000_020_001, 1_750_000_049_999]) {
    assert.ok(stepAt(t) - stepAt(t - 61_000) >= 2, `t=${t}`);
  }
});

test('the view uses server time: the device clock plus the offset', () => {
  const device = 1_750_000_000_000;
  const offset = clockOffset(new Date(device + 45_000).toISOString(), device);
  assert.equal(offset, 45_000);
  assert.equal(clockOffset('not a time', device), 0);
  const view = passView(SECRET, device, offset);
  assert.equal(view.code, codeFor(SECRET, stepAt(device + 45_000)));
  assert.equal(view.text, formatCode(view.code));
  assert.equal(view.secondsLeft, secondsLeft(device + 45_000));
});

test('secrets arrive as unpadded base64url', () => {
  const b64 = Buffer.from(SECRET).toString('base64url');
  assert.deepEqual(fromBase64url(b64), SECRET);
});

test('the QR path draws exactly the dark modules', () => {
  const dark = new Set(['0,0', '2,1']);
  const path = qrPath({ size: 3, get: (x, y) => dark.has(`${x},${y}`) });
  assert.equal(path, 'M0 0h1v1h-1zM2 1h1v1h-1z');
});
