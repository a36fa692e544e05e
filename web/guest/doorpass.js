// The door pass: a short code that changes every 30 seconds, derived from a
// pass secret the server handed to this device after a scored, allowed access
// (POST /rsvp/{token}/pass). Pure: no DOM; the clock is passed in.
//
//   code(step) = first 40 bits of HMAC-SHA256(secret, "ggpass1:" + step),
//                as 8 Crockford base32 characters, shown as "ABCD-EFGH"
//   step(t)    = floor(t / 30 s)   (t in server time: the device's clock
//                                    corrected by the offset the server told)
// The server (server/handlers/door_pass.cc) accepts the current and the
// previous step's code and refuses older ones.
import { hmacSha256, utf8 } from './sha256.js';

export const PERIOD_SECONDS = 30;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';  // Crockford base32.

// The time step of a time in milliseconds since the epoch.
export function stepAt(ms, period = PERIOD_SECONDS) {
  return Math.floor(ms / 1000 / period);
}

// Whole seconds until the code of `ms` changes (1..period).
export function secondsLeft(ms, period = PERIOD_SECONDS) {
  const intoStep = ms / 1000 - stepAt(ms, period) * period;
  return Math.max(1, Math.ceil(period - intoStep));
}

// The 8-character code of `step` under `secret` (Uint8Array).
export function codeFor(secret, step) {
  const mac = hmacSha256(secret, utf8(`ggpass1:${step}`));
  // 40 bits → 8 groups of 5, most significant first.
  let bits = 0n;
  for (let i = 0; i < 5; i++) bits = (bits << 8n) | BigInt(mac[i]);
  let out = '';
  for (let i = 7; i >= 0; i--) out += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return out;
}

// "ABCDEFGH" → "ABCD-EFGH" (easier to read out and to type).
export function formatCode(code) {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

// The clock offset (server minus device, ms) from a server time (RFC 3339)
// read when the device's clock said `deviceMs`.
export function clockOffset(serverTime, deviceMs) {
  const server = Date.parse(serverTime);
  return Number.isFinite(server) ? server - deviceMs : 0;
}

// Unpadded base64url → bytes.
export function fromBase64url(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// What the pass shows at device time `deviceMs`.
export function passView(secret, deviceMs, offsetMs) {
  const now = deviceMs + offsetMs;
  const code = codeFor(secret, stepAt(now));
  return { code, text: formatCode(code), secondsLeft: secondsLeft(now) };
}

// A QR bitmap (size, get(x, y)) → one SVG path of its dark modules.
export function qrPath(qr) {
  let d = '';
  for (let y = 0; y < qr.size; y++) {
    for (let x = 0; x < qr.size; x++) {
      if (qr.get(x, y)) d += `M${x} ${y}h1v1h-1z`;
    }
  }
  return d;
}
