// The device signals the guest page sends with every scored call (see
// docs/guest-page.md, "What the page collects"). Nothing is stored in the
// browser; everything is measured afresh on each visit.
//
// Wire (DESIGN §3.1): signals {fingerprint, user_agent, language, timezone,
// screen, platform}. The engine compares timezone, language, screen and
// platform one by one, and the fingerprint as a whole: a browser update
// changes the fingerprint (it hashes the user agent) but not the four
// components, so it lands as a partial match instead of another device.
//
// The assembly is pure (tested with node --test); measure() is the only part
// that reads the browser, from the window it is given.
import { sha256, toHex, utf8 } from './sha256.js';

// "iPhone", "Android", "Windows", "macOS", "Linux", "ChromeOS" or "other":
// the platform without its version.
export function platformName(userAgent, uaDataPlatform) {
  const ua = userAgent || '';
  if (/iPhone|iPod/.test(ua)) return 'iPhone';
  if (/iPad/.test(ua)) return 'iPad';
  if (/Android/.test(ua)) return 'Android';
  if (/CrOS/.test(ua)) return 'ChromeOS';
  if (/Windows/.test(ua)) return 'Windows';
  if (/Macintosh|Mac OS X/.test(ua)) return 'macOS';
  if (/Linux|X11/.test(ua)) return 'Linux';
  if (uaDataPlatform) return String(uaDataPlatform).replace(/[^A-Za-z ]/g, '').trim() || 'other';
  return 'other';
}

// "iPhone;hc=6;dm=4;tp=5": platform, hardware concurrency, device memory (GB;
// empty where the browser does not tell) and touch points.
export function platformSignal(m) {
  const num = (v) => (Number.isFinite(v) ? String(v) : '');
  return `${platformName(m.userAgent, m.uaDataPlatform)};hc=${num(m.hardwareConcurrency)};` +
    `dm=${num(m.deviceMemory)};tp=${num(m.maxTouchPoints)}`;
}

// "{width}x{height}x{colorDepth}" of the screen (not the window).
export function screenSignal(m) {
  return `${m.screenWidth || 0}x${m.screenHeight || 0}x${m.colorDepth || 0}`;
}

// navigator.languages joined by "," (navigator.language when the list is empty).
export function languageSignal(m) {
  const list = Array.isArray(m.languages) && m.languages.length ? m.languages : [m.language];
  return list.filter(Boolean).join(',');
}

// Everything the fingerprint hashes, in a fixed order.
export function fingerprintMaterial(m, parts) {
  return JSON.stringify([
    'gg-fp-1', m.userAgent || '', parts.language, parts.timezone, parts.screen, parts.platform,
    m.pixelRatio || 0, m.canvas || '', m.webgl || '', m.vendor || '', m.cookieEnabled ? 1 : 0,
    m.pdfViewerEnabled ? 1 : 0,
  ]);
}

// The signals object of a measurement, given a hex hash function (async).
export async function assembleSignals(m, hashHex) {
  const parts = {
    timezone: m.timezone || '',
    language: languageSignal(m),
    screen: screenSignal(m),
    platform: platformSignal(m),
  };
  const fingerprint = await hashHex(fingerprintMaterial(m, parts));
  return { fingerprint, user_agent: m.userAgent || '', ...parts };
}

// Hex SHA-256 of a string: crypto.subtle when the page is a secure context,
// the pure-JS one otherwise.
export async function sha256Hex(text, subtle = globalThis.crypto && globalThis.crypto.subtle) {
  if (subtle && typeof subtle.digest === 'function') {
    try {
      return toHex(new Uint8Array(await subtle.digest('SHA-256', utf8(text))));
    } catch (e) {
      // Fall through to the pure-JS digest.
    }
  }
  return toHex(sha256(utf8(text)));
}

// A short hash of a canvas drawing (fonts, anti-aliasing and the graphics
// stack differ between devices); '' when the browser refuses.
function canvasTrait(doc) {
  try {
    const canvas = doc.createElement('canvas');
    canvas.width = 220;
    canvas.height = 30;
    const ctx = canvas.getContext('2d');
    if (!ctx) return '';
    ctx.textBaseline = 'top';
    ctx.font = '16px sans-serif';
    ctx.fillStyle = '#1f9d55';
    ctx.fillRect(2, 2, 60, 20);
    ctx.fillStyle = '#223';
    ctx.fillText('GuestGuard \u{1F389} 1.5', 4, 6);
    ctx.strokeStyle = 'rgba(200,40,90,0.6)';
    ctx.arc(150, 15, 10, 0, Math.PI * 2);
    ctx.stroke();
    return toHex(sha256(utf8(canvas.toDataURL()))).slice(0, 16);
  } catch (e) {
    return '';
  }
}

// The WebGL vendor and renderer ('' without WebGL).
function webglTrait(doc) {
  try {
    const gl = doc.createElement('canvas').getContext('webgl');
    if (!gl) return '';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const vendor = gl.getParameter(info ? info.UNMASKED_VENDOR_WEBGL : gl.VENDOR);
    const renderer = gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
    return `${vendor}|${renderer}|${gl.getParameter(gl.MAX_TEXTURE_SIZE)}`;
  } catch (e) {
    return '';
  }
}

// Reads the browser. `win` is the window (a fake one in tests).
export function measure(win) {
  const nav = win.navigator || {};
  const scr = win.screen || {};
  let timezone = '';
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  } catch (e) {
    timezone = '';
  }
  return {
    userAgent: nav.userAgent || '',
    uaDataPlatform: nav.userAgentData ? nav.userAgentData.platform : '',
    languages: nav.languages ? Array.from(nav.languages) : [],
    language: nav.language || '',
    timezone,
    screenWidth: scr.width,
    screenHeight: scr.height,
    colorDepth: scr.colorDepth,
    pixelRatio: win.devicePixelRatio,
    hardwareConcurrency: nav.hardwareConcurrency,
    deviceMemory: nav.deviceMemory,
    maxTouchPoints: nav.maxTouchPoints,
    vendor: nav.vendor || '',
    cookieEnabled: !!nav.cookieEnabled,
    pdfViewerEnabled: !!nav.pdfViewerEnabled,
    canvas: win.document ? canvasTrait(win.document) : '',
    webgl: win.document ? webglTrait(win.document) : '',
  };
}

// The signals of this browser.
export function collectSignals(win = globalThis) {
  return assembleSignals(measure(win), (text) => sha256Hex(text));
}
