// Reason texts (pure): what each engine reason code means for a host, in
// words, strongest first. Unknown codes fall back to the server's message.

const TEXTS = {
  allowlisted: 'From a network you allowlisted',
  fingerprint_mismatch: 'A device this guest never used before',
  fingerprint_partial: 'The same device after a browser update',
  fingerprint_inconsistent: 'The device describes itself inconsistently',
  ip_changed_same_network: 'A new address on a network this guest used',
  new_network: 'A network this guest never used before',
  network_hopping: 'Several networks in a short time',
  missing_fingerprint: 'The browser sent no device details',
  missing_user_agent: 'The browser did not say what it is',
  missing_locale: 'The browser sent no language',
  missing_client_ip: 'The network address is unknown',
  automation_user_agent: 'An automated browser, not a person',
  scripted_client: 'A script rather than a browser',
  repeated_access: 'Many opens in a short time',
  single_signal_cap: 'Held below Suspicious: only one signal points that way',
  held_below_block: 'Held below Blocked',
  new_device_known_network: 'A new device on a network this guest used',
  scorer_timeout: 'The extra check took too long and was skipped',
  scorer_unavailable: 'The extra check was unavailable and was skipped',
  token_expired: 'The link has expired',
  token_revoked: 'The link was replaced by a newer one',
  link_preview: 'A link preview (chat app or mail scanner)',
  locale_mismatch: 'Language and time zone do not match this guest',
  link_forwarded: 'The link seems to have been forwarded',
  link_shared: 'The link seems to be shared between people',
  concurrent_use: 'Used from two devices at the same time',
  checkin_limit: 'More check-ins than the guest and their plus-ones',
};

export function reasonText(reason) {
  return TEXTS[reason.code] || reason.message || reason.code;
}

// Reasons sorted by weight (score), strongest first, with their text.
export function reasonsInWords(reasons) {
  return [...(reasons || [])]
    .sort((a, b) => (b.score || 0) - (a.score || 0))
    .map((r) => ({ code: r.code, score: r.score || 0, text: reasonText(r) }));
}

// Device and network of an access in a few words: "iPhone · Europe/London ·
// 203.0.113.7".
export function deviceSummary(item) {
  const s = item.signals || {};
  const parts = [];
  if (s.platform) parts.push(String(s.platform).split(';')[0]);
  if (s.user_agent) {
    const ua = s.user_agent;
    const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox'
      : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : '';
    if (browser) parts.push(browser);
  }
  if (s.timezone) parts.push(s.timezone);
  if (s.language) parts.push(String(s.language).split(',')[0]);
  if (item.client_ip) parts.push(item.client_ip);
  return parts.join(' · ') || 'No device details';
}
