import { describe, expect, it } from 'vitest';
import { nextInlinePolicy, readAssignmentEnds, sessionDurationMs } from '../../../src/core/aws/identity-center-session-ends.js';
import { HOUR, T0 } from '../../support/builders/aws.js';

const ACCOUNT = '111122223333';
const own = { Sid: 'Work', Effect: 'Allow' as const, Action: 's3:*', Resource: '*' };
const withOwn = { Version: '2012-10-17' as const, Statement: [own] };
const base = { set: [], revoke: [], now: T0, sessionMs: HOUR };

describe('session ends in a permission set inline policy', () => {
  it('adds a deny for the user in the account from the end on, for sessions issued before it, beside the set own statements', () => {
    const next = nextInlinePolicy(withOwn, { ...base, set: [{ account: ACCOUNT, userId: 'u-1', at: T0 + 4 * HOUR }] });
    expect(next?.Statement).toEqual([
      own,
      {
        Sid: 'GitgrantEnd111122223333u1',
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: {
          StringEquals: { 'identitystore:UserId': 'u-1', 'aws:PrincipalAccount': ACCOUNT },
          DateGreaterThanEquals: { 'aws:CurrentTime': '2026-11-22T18:00:00Z' },
          DateLessThan: { 'aws:TokenIssueTime': '2026-11-22T18:00:00Z' },
        },
      },
    ]);
  });

  it('revokes at the removal, or keeps an earlier end already reached', () => {
    const first = nextInlinePolicy(undefined, { ...base, set: [{ account: ACCOUNT, userId: 'u-1', at: T0 + HOUR }] });
    expect([...readAssignmentEnds(nextInlinePolicy(first, { ...base, revoke: [{ account: ACCOUNT, userId: 'u-1' }], now: T0 + 30 * 60_000 })).values()]).toEqual([
      { account: ACCOUNT, userId: 'u-1', at: T0 + 30 * 60_000 },
    ]);
    expect([...readAssignmentEnds(nextInlinePolicy(first, { ...base, revoke: [{ account: ACCOUNT, userId: 'u-1' }], now: T0 + 90 * 60_000, sessionMs: 12 * HOUR })).values()]).toEqual([
      { account: ACCOUNT, userId: 'u-1', at: T0 + HOUR },
    ]);
  });

  it('prunes ends older than the session duration and leaves nothing when nothing else is there', () => {
    const first = nextInlinePolicy(undefined, { ...base, set: [{ account: ACCOUNT, userId: 'u-1', at: T0 }] });
    expect(nextInlinePolicy(first, { ...base, now: T0 + HOUR })).toBeUndefined();
    expect(nextInlinePolicy({ ...withOwn, Statement: [own, ...first!.Statement] }, { ...base, now: T0 + HOUR })?.Statement).toEqual([own]);
  });

  it('reads Identity Center session durations', () => {
    expect(sessionDurationMs('PT12H')).toBe(12 * HOUR);
    expect(sessionDurationMs('PT1H30M')).toBe(1.5 * HOUR);
    expect(sessionDurationMs(undefined)).toBe(HOUR);
  });
});
