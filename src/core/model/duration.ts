/** Durations as people write them in access files: `4h`, `90m`, `3d`, `1w`, `1d12h`. */
import type { Millis } from './types.js';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 } as const;
/** The JSON Schema pattern for the same syntax (kept here so schema and parser cannot disagree). */
export const DURATION_PATTERN = '^(?=\\d)(\\d{1,4}w)?(\\d{1,4}d)?(\\d{1,5}h)?(\\d{1,6}m)?$';
const durationRegex = new RegExp(DURATION_PATTERN);

export function parseDuration(text: string): Millis | undefined {
  const match = durationRegex.exec(text);
  if (!match) return undefined;
  const [, w, d, h, m] = match;
  const total = [w, d, h, m].reduce((sum, part) => {
    if (!part) return sum;
    const unit = part.slice(-1) as keyof typeof UNIT_MS;
    return sum + Number(part.slice(0, -1)) * UNIT_MS[unit];
  }, 0);
  return total > 0 ? total : undefined;
}

/** Exact rendering in the units people think in: hours up to 72h (the seeds' thresholds), then days. */
export function formatDuration(ms: Millis): string {
  if (ms <= 0) return '0m';
  let rest = Math.round(ms / UNIT_MS.m) * UNIT_MS.m;
  const parts: string[] = [];
  const units = rest <= 72 * UNIT_MS.h ? (['h', 'm'] as const) : (['d', 'h', 'm'] as const);
  for (const unit of units) {
    const count = Math.floor(rest / UNIT_MS[unit]);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * UNIT_MS[unit];
  }
  return parts.join('');
}
