// node --test web/tests: the pure-JS SHA-256 / HMAC against node:crypto.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';

import { hmacSha256, sha256, toHex, utf8 } from '../guest/sha256.js';

test('sha256 matches node:crypto for lengths around block boundaries', () => {
  for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(toHex(sha256(bytes)), createHash('sha256').update(bytes).digest('hex'), `n=${n}`);
  }
});

test('hmacSha256 matches node:crypto for short and long keys', () => {
  for (const key of [utf8('k'), new Uint8Array(32).fill(9), new Uint8Array(100).fill(3)]) {
    const msg = utf8('ggpass1:58000000');
    assert.equal(toHex(hmacSha256(key, msg)), createHmac('sha256', key).update(msg).digest('hex'));
  }
});
