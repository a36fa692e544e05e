// node --test web/tests: signal assembly (web/guest/signals.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  assembleSignals, fingerprintMaterial, languageSignal, measure, platformName, platformSignal,
  screenSignal, sha256Hex,
} from '../guest/signals.js';

const IPHONE_17 = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 ' +
  '(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const IPHONE_18 = IPHONE_17.replace(/17_5/g, '18_0').replace('Version/17.5', 'Version/18.0');

const phone = {
  userAgent: IPHONE_17, languages: ['en-GB', 'en'], language: 'en-GB', timezone: 'Europe/London',
  screenWidth: 390, screenHeight: 844, colorDepth: 24, pixelRatio: 3, hardwareConcurrency: 6,
  deviceMemory: undefined, maxTouchPoints: 5, canvas: 'c0ffee', webgl: 'Apple|Apple GPU|16384',
  vendor: 'Apple Computer, Inc.', cookieEnabled: true, pdfViewerEnabled: true,
};

test('the platform carries no version', () => {
  assert.equal(platformName(IPHONE_17), 'iPhone');
  assert.equal(platformName(IPHONE_18), 'iPhone');
  assert.equal(platformName('Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126'), 'Android');
  assert.equal(platformName('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126'), 'Windows');
  assert.equal(platformName('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari'), 'macOS');
  assert.equal(platformName('Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0'), 'Linux');
  assert.equal(platformName('Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) Chrome/126'), 'ChromeOS');
  assert.equal(platformName('', 'Windows'), 'Windows');
  assert.equal(platformName(''), 'other');
});

test('components: platform with hardware, screen, languages', () => {
  assert.equal(platformSignal(phone), 'iPhone;hc=6;dm=;tp=5');
  assert.equal(platformSignal({ ...phone, deviceMemory: 8 }), 'iPhone;hc=6;dm=8;tp=5');
  assert.equal(screenSignal(phone), '390x844x24');
  assert.equal(languageSignal(phone), 'en-GB,en');
  assert.equal(languageSignal({ languages: [], language: 'fr-FR' }), 'fr-FR');
});

test('the signals object has the wire names and a hex fingerprint', async () => {
  const s = await assembleSignals(phone, sha256Hex);
  assert.deepEqual(Object.keys(s).sort(),
    ['fingerprint', 'language', 'platform', 'screen', 'timezone', 'user_agent']);
  assert.match(s.fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(s.user_agent, IPHONE_17);
  assert.equal(s.timezone, 'Europe/London');
});

test('a browser update changes the fingerprint but none of the four components', async () => {
  const before = await assembleSignals(phone, sha256Hex);
  const after = await assembleSignals({ ...phone, userAgent: IPHONE_18 }, sha256Hex);
  assert.notEqual(after.fingerprint, before.fingerprint);
  for (const k of ['timezone', 'language', 'screen', 'platform']) assert.equal(after[k], before[k]);
});

test('another device differs in components too', async () => {
  const laptop = { ...phone, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126',
    timezone: 'America/New_York', languages: ['fr-FR'], screenWidth: 1920, screenHeight: 1080 };
  const a = await assembleSignals(phone, sha256Hex);
  const b = await assembleSignals(laptop, sha256Hex);
  for (const k of ['fingerprint', 'timezone', 'language', 'screen', 'platform']) {
    assert.notEqual(a[k], b[k], k);
  }
});

test('the fingerprint hashes the traits, the same with or without crypto.subtle', async () => {
  const material = fingerprintMaterial(phone, { language: 'x', timezone: 'y', screen: 'z',
    platform: 'w' });
  assert.ok(material.includes('c0ffee') && material.includes(IPHONE_17));
  assert.equal(await sha256Hex('abc', null),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (subtle) assert.equal(await sha256Hex(material, subtle), await sha256Hex(material, null));
});

test('measure reads a window without a document (no canvas, no WebGL)', () => {
  const m = measure({
    navigator: { userAgent: 'UA', languages: ['de-DE'], hardwareConcurrency: 4, maxTouchPoints: 0 },
    screen: { width: 1280, height: 800, colorDepth: 30 },
    devicePixelRatio: 2,
  });
  assert.equal(m.userAgent, 'UA');
  assert.equal(screenSignal(m), '1280x800x30');
  assert.equal(m.canvas, '');
  assert.equal(m.webgl, '');
  assert.equal(typeof m.timezone, 'string');
});
