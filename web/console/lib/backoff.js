// Reconnect delays of the live monitor (pure): exponential from `base` ms,
// capped at `max`, with "equal jitter" (half fixed, half random) so that many
// consoles do not reconnect in step after a server restart.

export function backoffDelay(attempt, { base = 500, max = 15000, random = Math.random } = {}) {
  const n = Math.max(0, Math.floor(attempt));
  const ceiling = Math.min(max, base * 2 ** Math.min(n, 30));
  const half = ceiling / 2;
  return Math.round(half + random() * half);
}

// The words the connection badge shows for a monitor state.
export function connectionText(state, retryInMs) {
  switch (state) {
    case 'live': return 'Live';
    case 'connecting': return 'Connecting…';
    case 'waiting': return `Reconnecting in ${Math.max(1, Math.ceil(retryInMs / 1000))} s`;
    case 'offline': return 'Offline';
    default: return 'Not connected';
  }
}

// What the live monitor does when its socket closes with `code`: the server
// closes 4401 when the session ended (sign in again) and 4403 when the role on
// the event was removed (stop, say so); anything else is retried.
export function monitorCloseAction(code) {
  if (code === 4401) return 'signed-out';
  if (code === 4403) return 'no-access';
  return 'retry';
}
