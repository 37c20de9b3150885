import { describe, expect, it } from 'vitest';
import { MAX_ROLE_SESSION_MS, needsRevocation, withRevocations } from '../../../src/providers/aws/iam-revocations.js';
import { HOUR, T0 } from './builders.js';

const revocation = (bindingId: string, at: number) => ({ bindingId, sessionName: 'alice', at });

describe('early revocation', () => {
  it('denies everything to the grantee sessions issued before the revocation', () => {
    const document = withRevocations(undefined, [revocation('aliceInc1', T0)], T0);
    expect(document?.Statement).toEqual([
      {
        Sid: 'RevokealiceInc1Foralice',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          DateLessThan: { 'aws:TokenIssueTime': '2026-11-22T14:00:00Z' },
          StringLike: { 'aws:userid': '*:alice' },
        },
      },
    ]);
  });

  it('is needed only while the window is open', () => {
    expect(needsRevocation({ starts: T0, expires: T0 + HOUR }, T0 + 1)).toBe(true);
    expect(needsRevocation({ starts: T0, expires: T0 + HOUR }, T0 - 1)).toBe(false);
    expect(needsRevocation({ expires: T0 + HOUR }, T0 + HOUR)).toBe(false);
    expect(needsRevocation(undefined, T0)).toBe(true);
  });

  it('keeps revocations that may still match a live session and prunes older ones', () => {
    const old = withRevocations(undefined, [revocation('old', T0), revocation('recent', T0 + 2 * HOUR)], T0 + 2 * HOUR);
    const later = withRevocations(old, [revocation('new', T0 + MAX_ROLE_SESSION_MS + 1)], T0 + MAX_ROLE_SESSION_MS + 1);
    expect(later?.Statement.map((s) => s.Sid)).toEqual(['RevokenewForalice', 'RevokerecentForalice']);
  });

  it('writes one statement per person when two lose the same binding, and one when a person loses it twice', () => {
    const document = withRevocations(undefined, [
      { bindingId: 'gg1', sessionName: 'alice', at: T0 },
      { bindingId: 'gg1', sessionName: 'bob', at: T0 },
      { bindingId: 'gg1', sessionName: 'alice', at: T0 + HOUR },
    ], T0 + HOUR);
    expect(document?.Statement.map((s) => [s.Sid, s.Condition?.DateLessThan?.['aws:TokenIssueTime']])).toEqual([
      ['Revokegg1Foralice', '2026-11-22T15:00:00Z'],
      ['Revokegg1Forbob', '2026-11-22T14:00:00Z'],
    ]);
  });

  it('leaves nothing to write once every revocation is stale', () => {
    const old = withRevocations(undefined, [revocation('old', T0)], T0);
    expect(withRevocations(old, [], T0 + MAX_ROLE_SESSION_MS + 1)).toBeUndefined();
  });
});
