import { describe, expect, it } from 'vitest';
import {
  MAX_ROLE_SESSION_MS,
  accessEnds,
  nextSessionEndPolicy,
  readSessionEnds,
  windowTakenAway,
} from '../../../src/core/aws/iam-revocations.js';
import { HOUR, T0 } from '../../support/builders/aws.js';

const alice = 'AROAEXAMPLE:alice';
const bob = 'AROAEXAMPLE:bob';
const change = (recomputed: [string, { starts?: number; expires: number }[]][], now = T0, maxSessionMs = MAX_ROLE_SESSION_MS) => ({
  recomputed: new Map(recomputed),
  now,
  maxSessionMs,
});

describe('the end of a person access on a role', () => {
  it('is the end of the union: overlapping and touching windows merge', () => {
    expect(accessEnds([{ starts: T0, expires: T0 + 4 * HOUR }, { starts: T0 + 2 * HOUR, expires: T0 + 8 * HOUR }])).toEqual([T0 + 8 * HOUR]);
    expect(accessEnds([{ starts: T0 + 4 * HOUR, expires: T0 + 6 * HOUR }, { expires: T0 + 4 * HOUR }])).toEqual([T0 + 6 * HOUR]);
    expect(accessEnds([{ starts: T0, expires: T0 + 8 * HOUR }, { starts: T0 + HOUR, expires: T0 + 2 * HOUR }])).toEqual([T0 + 8 * HOUR]);
  });

  it('has one end per interval when there is a gap', () => {
    expect(accessEnds([{ starts: T0 + 5 * HOUR, expires: T0 + 6 * HOUR }, { starts: T0, expires: T0 + 4 * HOUR }])).toEqual([T0 + 4 * HOUR, T0 + 6 * HOUR]);
  });

  it('ends a window taken away while open at the moment it was taken, and ignores one that never started', () => {
    expect(windowTakenAway({ starts: T0, expires: T0 + 4 * HOUR }, T0 + HOUR)).toEqual({ starts: T0, expires: T0 + HOUR });
    expect(windowTakenAway({ starts: T0, expires: T0 + HOUR }, T0 + 4 * HOUR)).toEqual({ starts: T0, expires: T0 + HOUR });
    expect(windowTakenAway({ starts: T0 + 2 * HOUR, expires: T0 + 4 * HOUR }, T0 + HOUR)).toBeUndefined();
    expect(windowTakenAway(undefined, T0)).toEqual({ expires: T0 });
  });
});

describe('the session-end policy of a role', () => {
  it('denies everything, from the end on, to the sessions issued before it', () => {
    const document = nextSessionEndPolicy(undefined, change([[alice, [{ starts: T0, expires: T0 + 4 * HOUR }]]]));
    expect(document?.Statement).toEqual([
      {
        Sid: 'End20261122T180000000Z',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:userid': alice },
          DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-22T18:00:00Z' },
          DateLessThan: { 'aws:TokenIssueTime': '2026-11-22T18:00:00Z' },
        },
      },
    ]);
  });

  it('lists everyone who ends at the same instant in one statement', () => {
    const window = [{ expires: T0 + HOUR }];
    const document = nextSessionEndPolicy(undefined, change([[bob, window], [alice, window]]));
    expect(document?.Statement.map((s) => s.Condition?.StringEquals?.['aws:userid'])).toEqual([[alice, bob]]);
    expect(readSessionEnds(document).ends).toEqual([{ userId: alice, at: T0 + HOUR }, { userId: bob, at: T0 + HOUR }]);
  });

  it('moves a future end when the person windows change, and leaves other people alone', () => {
    const before = nextSessionEndPolicy(undefined, change([[alice, [{ expires: T0 + 4 * HOUR }]], [bob, [{ expires: T0 + 2 * HOUR }]]]));
    const after = nextSessionEndPolicy(before, change([[alice, [{ expires: T0 + 6 * HOUR }]]], T0 + HOUR));
    expect(readSessionEnds(after).ends).toEqual([{ userId: bob, at: T0 + 2 * HOUR }, { userId: alice, at: T0 + 6 * HOUR }]);
  });

  it('keeps an end already reached: it is about sessions issued before it', () => {
    const before = nextSessionEndPolicy(undefined, change([[alice, [{ expires: T0 + HOUR }]]]));
    const after = nextSessionEndPolicy(before, change([[alice, [{ starts: T0 + 2 * HOUR, expires: T0 + 3 * HOUR }]]], T0 + 2 * HOUR));
    expect(readSessionEnds(after).ends).toEqual([{ userId: alice, at: T0 + HOUR }, { userId: alice, at: T0 + 3 * HOUR }]);
  });

  it('prunes an end once the longest session issued before it is over, and is then empty', () => {
    const before = nextSessionEndPolicy(undefined, change([[alice, [{ expires: T0 + HOUR }]]]));
    expect(nextSessionEndPolicy(before, change([], T0 + HOUR + HOUR - 1, HOUR))).toEqual(before);
    expect(nextSessionEndPolicy(before, change([], T0 + 2 * HOUR, HOUR))).toBeUndefined();
  });

  it('keeps statements it cannot read until their token-issue bound is stale', () => {
    const legacy = {
      Version: '2012-10-17' as const,
      Statement: [
        { Sid: 'RevokeOld', Effect: 'Deny' as const, Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': '2026-11-22T14:00:00Z' }, StringLike: { 'aws:userid': '*:alice' } } },
        { Sid: 'HandMade', Effect: 'Deny' as const, Action: 's3:*', Resource: '*' },
      ],
    };
    expect(nextSessionEndPolicy(legacy, change([], T0 + HOUR))?.Statement.map((s) => s.Sid)).toEqual(['RevokeOld', 'HandMade']);
    expect(nextSessionEndPolicy(legacy, change([], T0 + MAX_ROLE_SESSION_MS))?.Statement.map((s) => s.Sid)).toEqual(['HandMade']);
  });
});
