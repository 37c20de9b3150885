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
  // The pattern fixed every digit's place: read them in place (this runs for every grant).
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (digits(text, 11, 2) > 23 || digits(text, 14, 2) > 59 || digits(text, 17, 2) > 59) return undefined;
  return ms;
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `2026-11-22T18:00:00Z`: UTC, without milliseconds when they are zero. */
export function formatInstant(ms: Instant): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
