import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptySourceMap } from '../../../src/core/model/source-map.js';
import { email, grantId, roleName, type Grant } from '../../../src/core/model/types.js';
import { evaluatePolicy } from '../../../src/core/policy/engine.js';
import { windowsOverlap } from '../../../src/core/policy/window.js';
import { aRepo, aRole, NOW } from '../../support/builders/model.js';

const HOUR = 3_600_000;

interface Window {
  starts?: number;
  expires: number;
}

/** A non-empty window on a small grid of minutes; `starts` is sometimes absent (starts on merge). */
const aWindow = (lo: number, hi: number) =>
  fc
    .tuple(fc.option(fc.integer({ min: lo, max: hi - 1 }), { nil: undefined }), fc.integer({ min: 1, max: hi - lo }))
    .map(([starts, length]): Window => ({ starts, expires: (starts ?? lo) + length }));

/** The definition, checked point by point: some minute lies in both windows. */
function sharesAMinute(a: Window, b: Window, lo: number, hi: number): boolean {
  const holds = (w: Window, t: number) => (w.starts === undefined || w.starts <= t) && t < w.expires;
  for (let t = lo - 1; t <= hi; t++) if (holds(a, t) && holds(b, t)) return true;
  return false;
}

describe('windowsOverlap', () => {
  it('is symmetric', () => {
    fc.assert(fc.property(aWindow(0, 50), aWindow(0, 50), (a, b) => {
      expect(windowsOverlap(a, b)).toBe(windowsOverlap(b, a));
    }));
  });

  it('agrees with checking every minute of both windows', () => {
    fc.assert(fc.property(aWindow(0, 50), aWindow(0, 50), (a, b) => {
      expect(windowsOverlap(a, b)).toBe(sharesAMinute(a, b, 0, 50));
    }));
  });
});

describe('the exclusive-role rule', () => {
  const base = aRepo().with(aRole('solo').exclusive()).load().repo;
  const people = ['ann@example.com', 'ben@example.com', 'cat@example.com'];

  const grantsOfSolo = fc
    .array(fc.tuple(fc.constantFrom(...people), aWindow(-24, 48)), { minLength: 0, maxLength: 9 })
    .map((entries) =>
      entries.map(([who, window], index): Grant => {
        const id = grantId(`grants/solo/g${index}.yaml`);
        return {
          id, role: roleName('solo'), grantee: email(who), reason: 'A long enough reason', breakGlass: false, standing: false,
          starts: window.starts === undefined ? undefined : NOW + window.starts * HOUR,
          expires: NOW + window.expires * HOUR,
          source: emptySourceMap(id),
        };
      }),
    );

  /** O(n²): every ordered pair of live grants whose windows share a moment. */
  function bruteForcePairs(grants: Grant[]): string[] {
    const live = grants.filter((g) => g.expires > NOW);
    const pairs: string[] = [];
    for (const a of live) {
      for (const b of live) {
        if (a === b) continue;
        const overlap = Math.max(a.starts ?? -Infinity, b.starts ?? -Infinity) < Math.min(a.expires, b.expires);
        if (overlap) pairs.push(`${a.id} -> ${b.id}`);
      }
    }
    return pairs.sort();
  }

  it('reports exactly the overlapping pairs a brute-force check finds', () => {
    fc.assert(
      fc.property(grantsOfSolo, (grants) => {
        const reported = evaluatePolicy({ ...base, grants }, { now: NOW })
          .filter((d) => d.code === 'GRANT_EXCLUSIVE_OVERLAP')
          .map((d) => `${d.file} -> ${/grants\/solo\/g\d+\.yaml/.exec(d.summary)![0]}`)
          .sort();
        expect(reported).toEqual(bruteForcePairs(grants));
      }),
      { numRuns: 300 },
    );
  });
});
