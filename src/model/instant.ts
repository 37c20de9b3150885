/** Absolute times in access files: RFC 3339 with an explicit zone, never a local time. */
import type { Instant } from './types.js';

export const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
const instantRegex = new RegExp(INSTANT_PATTERN);

/** Parses an RFC 3339 instant with zone; undefined for anything else, including impossible dates. */
export function parseInstant(text: string): Instant | undefined {
  if (!instantRegex.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; an impossible date must be rejected, not moved.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  const [hour, minute, second] = text.slice(11, 19).split(':').map(Number) as [number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return ms;
}

/** `2026-11-22T18:00:00Z`: UTC, without milliseconds when they are zero. */
export function formatInstant(ms: Instant): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
