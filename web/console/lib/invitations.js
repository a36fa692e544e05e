// Guest invitations by email (pure): the words of a guest's delivery state
// and of a send's answer.

const KIND_WORDS = { guest_invitation: 'Invitation', guest_reminder: 'Reminder' };
const SKIP_WORDS = { no_email: 'no email address', answered: 'already replied', not_found: 'no longer on the list' };

// {text, tone} for the guests table: tone is the badge class.
export function deliveryText(item) {
  if (!item) return { text: 'Not sent', tone: '' };
  const kind = KIND_WORDS[item.type] || 'Message';
  if (item.status === 'sent') return { text: `${kind} sent`, tone: 'low' };
  if (item.status === 'failed') return { text: `${kind} not delivered`, tone: 'block' };
  if (item.attempts > 1) return { text: `${kind}: retrying (attempt ${item.attempts})`, tone: 'medium' };
  return { text: `${kind} sending…`, tone: 'medium' };
}

// "Sending 2 invitations. Not sent to 1 guest: no email address."
export function sendSummary(answer, kind) {
  const n = answer.queued.length;
  const what = kind === 'reminder' ? (n === 1 ? 'reminder' : 'reminders') : (n === 1 ? 'invitation' : 'invitations');
  let text = n ? `Sending ${n} ${what}.` : `No ${kind === 'reminder' ? 'reminders' : 'invitations'} to send.`;
  const reasons = {};
  for (const s of answer.skipped) reasons[s.reason] = (reasons[s.reason] || 0) + 1;
  const parts = Object.entries(reasons).map(([r, c]) => `${c} ${c === 1 ? 'guest' : 'guests'}: ${SKIP_WORDS[r] || r}`);
  if (parts.length) text += ` Not sent to ${parts.join('; ')}.`;
  return text;
}

// True while any delivery is still on its way.
export function anyPending(items) {
  return Object.values(items || {}).some((i) => i.status === 'pending');
}
