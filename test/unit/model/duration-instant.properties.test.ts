import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/core/model/duration.js';
import { formatInstant, parseInstant } from '../../../src/core/model/instant.js';

const MINUTE = 60_000;
/** The largest duration the syntax can write in days: 9999d. */
const MAX_MINUTES = 9_999 * 24 * 60;
const YEAR_0 = Date.parse('0000-01-01T00:00:00.000Z');
const YEAR_9999_END = Date.parse('9999-12-31T23:59:59.999Z');

describe('durations', () => {
  it('read back exactly what they print, for every whole number of minutes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_MINUTES }), (minutes) => {
        expect(parseDuration(formatDuration(minutes * MINUTE))).toBe(minutes * MINUTE);
      }),
    );
  });

  it('print in hours up to 72 hours and in days above', () => {
    expect(formatDuration(72 * 60 * MINUTE)).toBe('72h');
    expect(formatDuration(72 * 60 * MINUTE + MINUTE)).toBe('3d1m');
    expect(formatDuration(90 * MINUTE)).toBe('1h30m');
  });

  it('refuse zero and text that is not a duration', () => {
    for (const text of ['0m', '0h0m', '', 'h', '4 h', '1h1d', '-1h', '1.5h']) expect(parseDuration(text)).toBeUndefined();
  });
});

describe('instants', () => {
  it('read back exactly what they print, for every millisecond of years 0000 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_0, max: YEAR_9999_END }), (t) => {
        expect(parseInstant(formatInstant(t))).toBe(t);
      }),
    );
  });

  it('print whole seconds without milliseconds', () => {
    expect(formatInstant(Date.parse('2026-11-22T18:00:00Z'))).toBe('2026-11-22T18:00:00Z');
  });

  it('honour an explicit offset', () => {
    expect(parseInstant('2026-11-22T19:00:00+01:00')).toBe(Date.parse('2026-11-22T18:00:00Z'));
  });

  it('refuse impossible dates instead of rolling them over, and times without a zone', () => {
    for (const text of ['2026-02-30T10:00:00Z', '2026-13-01T10:00:00Z', '2026-11-22T24:00:00Z', '2026-11-22T18:00:00', '2026-11-22']) {
      expect(parseInstant(text)).toBeUndefined();
    }
    expect(parseInstant('2028-02-29T10:00:00Z')).toBe(Date.parse('2028-02-29T10:00:00Z'));
  });
});
