// Threshold maths of the security screen (pure, DOM-free): the three cut
// points medium < high < block on a 0..100 score, kept in order while a host
// drags one of them, and the band ribbon drawn from them.

export const BANDS = ['low', 'medium', 'high', 'block'];
export const BAND_LABELS = { low: 'Verified', medium: 'Review', high: 'Suspicious', block: 'Blocked' };
const ORDER = ['medium', 'high', 'block'];

const clampInt = (v, lo, hi) => Math.min(hi, Math.max(lo, Math.round(Number(v) || 0)));

// Moves `which` ('medium' | 'high' | 'block') to `value` and pushes the
// others so that 1 <= medium < high < block <= 100 always holds: dragging
// Review past Suspicious pushes Suspicious (and Blocked) up; dragging Blocked
// down pushes the lower ones down. A value the order cannot hold is clamped.
export function clampThresholds(current, which, value) {
  const i = ORDER.indexOf(which);
  if (i < 0) throw new Error(`unknown threshold ${which}`);
  const t = { medium: current.medium, high: current.high, block: current.block };
  // The moved one may go from 1 + (its index) to 100 - (how many are above it).
  t[which] = clampInt(value, 1 + i, 100 - (ORDER.length - 1 - i));
  for (let j = i + 1; j < ORDER.length; j++) {
    if (t[ORDER[j]] <= t[ORDER[j - 1]]) t[ORDER[j]] = t[ORDER[j - 1]] + 1;
  }
  for (let j = i - 1; j >= 0; j--) {
    if (t[ORDER[j]] >= t[ORDER[j + 1]]) t[ORDER[j]] = t[ORDER[j + 1]] - 1;
  }
  return t;
}

export function validThresholds(t) {
  return Number.isInteger(t.medium) && Number.isInteger(t.high) && Number.isInteger(t.block)
    && t.medium >= 1 && t.medium < t.high && t.high < t.block && t.block <= 100;
}

// The ribbon: one segment per band with its score range and its share of the
// 0..100 scale in percent (the four shares add up to 100).
export function ribbon(t) {
  const edges = [0, t.medium, t.high, t.block, 101];
  return BANDS.map((band, k) => {
    const from = edges[k];
    const to = edges[k + 1] - 1;
    return {
      band,
      label: BAND_LABELS[band],
      from,
      to,
      percent: Math.round(((edges[k + 1] - edges[k]) / 101) * 10000) / 100,
    };
  });
}

// The band a score falls in under thresholds `t`.
export function bandOf(score, t) {
  if (score >= t.block) return 'block';
  if (score >= t.high) return 'high';
  if (score >= t.medium) return 'medium';
  return 'low';
}
