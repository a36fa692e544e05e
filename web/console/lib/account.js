// Account rules the console applies before asking the server (pure).

// True when `email` could be the address an invite preview shows masked
// ("c•••@example.com": the first character, bullets, the whole domain).
export function emailMatchesMask(mask, email) {
  if (typeof mask !== 'string' || typeof email !== 'string') return false;
  const m = mask.toLowerCase().trim();
  const e = email.toLowerCase().trim();
  const at = m.lastIndexOf('@');
  const eat = e.lastIndexOf('@');
  if (at < 1 || eat < 1) return false;
  const first = [...e][0];
  return m.startsWith(first) && m.slice(at) === e.slice(eat);
}

// What is wrong with a new password and its confirmation, in words; null when
// nothing (the server checks again: 12 to 128 characters).
export function newPasswordProblem(next, confirm) {
  const n = [...(next || '')].length;
  if (n < 12) return 'The new password needs at least 12 characters.';
  if (n > 128) return 'The new password can have at most 128 characters.';
  if (next !== confirm) return 'The two new passwords are not the same.';
  return null;
}

// The token of a verification link ("/console/verify#<token>"): the 43
// base64url characters after '#', or null.
export function verificationToken(hash) {
  const t = String(hash || '').replace(/^#/, '');
  return /^[A-Za-z0-9_-]{43}$/.test(t) ? t : null;
}
