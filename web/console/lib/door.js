// The door view's pure logic: reading a typed or scanned pass code the way
// the server does (server/handlers/door_pass.h), and the words of an answer.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';  // Crockford base32.

// The 8 characters of a code as "XXXX-XXXX" (dashes, spaces and case ignored;
// O reads as 0, I and L as 1), or '' when it is no code.
export function normalizeCode(text) {
  let out = '';
  for (let c of String(text || '').toUpperCase()) {
    if (c === '-' || c === ' ') continue;
    if (c === 'O') c = '0';
    if (c === 'I' || c === 'L') c = '1';
    if (!ALPHABET.includes(c)) return '';
    out += c;
    if (out.length > 8) return '';
  }
  return out.length === 8 ? `${out.slice(0, 4)}-${out.slice(4)}` : '';
}

// "2 of 3 admitted" for one guest's invitation.
export function arrivalsText(arrivals) {
  if (!arrivals) return '';
  return `${arrivals.admitted} of ${arrivals.places} admitted`;
}

// What the big answer panel shows for a verify answer.
export function verdictView(answer) {
  if (!answer) return null;
  const name = answer.guest ? answer.guest.name : '';
  const count = arrivalsText(answer.arrivals);
  if (answer.admitted) {
    return { tone: 'admitted', title: answer.already_checked_in ? 'Admitted again' : 'Admitted', name, count,
      message: answer.message };
  }
  const titles = { code_not_valid: 'Code not valid', link_not_valid: 'Link no longer valid',
    checkin_limit: 'Already used', refused: 'Refused' };
  return { tone: 'refused', title: titles[answer.reason] || 'Refused', name, count, message: answer.message };
}

// The live counter of arrivals: "12 arrived" and what is expected.
export function counterText(arrivals) {
  if (!arrivals) return { big: '—', small: '' };
  const people = arrivals.admitted === 1 ? 'person' : 'people';
  const small = arrivals.expected > 0
    ? `of ${arrivals.expected} expected (${arrivals.guests_arrived} of ${arrivals.guests} invitations)`
    : `${arrivals.guests_arrived} of ${arrivals.guests} invitations`;
  return { big: `${arrivals.admitted} ${people} in`, small };
}
