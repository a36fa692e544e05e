// Server refusals in words a host understands (pure). The server's own
// message is shown where it explains the problem (a form field, a conflict,
// the last owner, a used invite); the status alone decides otherwise.

export function errorText(status, code, message) {
  if (status === 0) return 'GuestGuard cannot be reached. Check your connection and try again.';
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) {
    if (message && !/requires the \w+ role/.test(message)) return sentence(message);
    return 'Your role on this event does not allow this.';
  }
  if (status === 404) return 'Not found. It may have been deleted, or you are not on its team.';
  if (status === 413) return 'That is too large to send.';
  if (status === 429) return 'Too many attempts. Please wait a minute and try again.';
  if (status >= 500) return 'GuestGuard ran into a problem. Please try again in a moment.';
  if (message) return sentence(message);
  return 'That did not work. Please check and try again.';
}

function sentence(m) {
  const s = String(m).trim();
  const t = s.charAt(0).toUpperCase() + s.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
