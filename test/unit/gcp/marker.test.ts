import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantId } from '../../../src/core/model/types.js';
import {
  bindingIdFromTitle,
  conditionDescription,
  conditionTitle,
  formatInstant,
  parseWindowExpression,
  windowExpression,
} from '../../../src/core/gcp/marker.js';

const at = (iso: string) => Date.parse(iso);

describe('the condition expression', () => {
  it('bounds both ends when the grant has a start', () => {
    expect(windowExpression({ starts: at('2026-11-22T14:00:00Z'), expires: at('2026-11-22T18:00:00Z') })).toBe(
      'request.time >= timestamp("2026-11-22T14:00:00Z") && request.time < timestamp("2026-11-22T18:00:00Z")',
    );
  });

  it('bounds only the end when the grant has no start', () => {
    expect(windowExpression({ expires: at('2026-11-22T18:00:00Z') })).toBe('request.time < timestamp("2026-11-22T18:00:00Z")');
  });

  it('keeps milliseconds only when they are not zero', () => {
    expect(formatInstant(at('2026-11-22T18:00:00.000Z'))).toBe('2026-11-22T18:00:00Z');
    expect(formatInstant(at('2026-11-22T18:00:00.250Z'))).toBe('2026-11-22T18:00:00.250Z');
  });

  it('parses back to the window it was written from', () => {
    expect(parseWindowExpression('request.time >= timestamp("2026-11-22T14:00:00Z") && request.time < timestamp("2026-11-22T18:00:00Z")')).toEqual({
      starts: at('2026-11-22T14:00:00Z'),
      expires: at('2026-11-22T18:00:00Z'),
    });
    expect(parseWindowExpression('request.time < timestamp("2026-11-22T18:00:00Z")')).toEqual({ expires: at('2026-11-22T18:00:00Z') });
  });

  it('does not read a window out of expressions gitgrant did not write', () => {
    for (const expression of [
      "request.time < timestamp('2026-11-22T18:00:00Z')",
      'request.time < timestamp("2026-11-22T18:00:00+01:00")',
      'request.time < timestamp("2026-02-30T18:00:00Z")',
      'request.time < timestamp("2026-11-22T18:00:00Z") || true',
      'resource.name.startsWith("projects/_/buckets/x")',
      '',
      undefined,
    ]) {
      expect(parseWindowExpression(expression), String(expression)).toBeUndefined();
    }
  });

  it('round-trips every window to the millisecond', () => {
    const instant = fc.integer({ min: 0, max: at('9999-12-31T23:59:59.999Z') });
    const window = fc.oneof(
      instant.map((expires) => ({ expires })),
      fc.tuple(instant, instant).map(([starts, expires]) => ({ starts, expires })),
    );
    fc.assert(
      fc.property(window, (w) => {
        expect(parseWindowExpression(windowExpression(w))).toEqual(w);
      }),
    );
  });
});

describe('the marker in the condition title', () => {
  it('carries the binding id after "gitgrant "', () => {
    expect(conditionTitle('prod-db-readonly/alice')).toBe('gitgrant prod-db-readonly/alice');
    expect(bindingIdFromTitle('gitgrant prod-db-readonly/alice')).toBe('prod-db-readonly/alice');
  });

  it('is absent from titles other people write', () => {
    for (const title of ['expirable access', 'gitgrant', 'gitgrant ', 'Gitgrant x', ' gitgrant x', '', null, undefined]) {
      expect(bindingIdFromTitle(title), String(title)).toBeUndefined();
    }
  });

  it('round-trips any id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (id) => {
        expect(bindingIdFromTitle(conditionTitle(id))).toBe(id);
      }),
    );
  });
});

describe('the condition description', () => {
  it('names the grants and the expiry for people reading the console', () => {
    const description = conditionDescription(
      [grantId('grants/prod-db-readonly/alice-inc-1234.yaml'), grantId('grants/prod-db-readonly/alice-inc-1300.yaml')],
      { expires: at('2026-11-22T18:00:00Z') },
    );
    expect(description).toBe(
      'Granted by gitgrant for grants/prod-db-readonly/alice-inc-1234.yaml, grants/prod-db-readonly/alice-inc-1300.yaml; expires 2026-11-22T18:00:00Z',
    );
  });
});
